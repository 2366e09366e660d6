package bot_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/proposals"
	"gopkg.in/yaml.v3"
)

// loadCatalog reads one catalog file as id → template.
func loadCatalog(t *testing.T, lang string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("locales", "bot."+lang+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("bot.%s.yaml: %v", lang, err)
	}
	return m
}

// idPattern is what a catalog id looks like in Go source.
var idPattern = regexp.MustCompile(`^(err|noop|ok|event|post|dm|card|why|status|list|todo|members|rights|type|state|log|meeting|agenda|help|usage|ics|vote)\.[a-z_.]*[a-z_]$`)

// idsInCode collects the string literals of non-test Go files in dirs that
// look like message ids.
func idsInCode(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				// Log kinds ("meeting.skipped") are not message ids.
				if err == nil && idPattern.MatchString(s) && !slices.Contains(domain.Kinds, s) {
					out[s] = fset.Position(lit.Pos()).String()
				}
				return true
			})
		}
	}
	return out
}

// placeholders lists the {{.X}} of a template.
var placeholderRE = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestCatalogsComplete(t *testing.T) {
	en, fr := loadCatalog(t, "en"), loadCatalog(t, "fr")
	cats := map[string]map[string]string{"en": en, "fr": fr}

	t.Run("SameIDs", func(t *testing.T) {
		for id := range en {
			if _, ok := fr[id]; !ok {
				t.Errorf("%s is in bot.en.yaml, not in bot.fr.yaml", id)
			}
		}
		for id := range fr {
			if _, ok := en[id]; !ok {
				t.Errorf("%s is in bot.fr.yaml, not in bot.en.yaml", id)
			}
		}
	})

	t.Run("SamePlaceholders", func(t *testing.T) {
		for id, s := range en {
			if f, ok := fr[id]; ok && !slices.Equal(placeholders(s), placeholders(f)) {
				t.Errorf("%s: en uses %v, fr uses %v", id, placeholders(s), placeholders(f))
			}
		}
	})

	t.Run("NotEmpty", func(t *testing.T) {
		for lang, cat := range cats {
			for id, s := range cat {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s: %s is empty", lang, id)
				}
			}
		}
	})

	t.Run("IDsInCode", func(t *testing.T) {
		used := idsInCode(t, ".", "..", "../domain", "../proposals", "../cooptation", "../meeting", "../storage")
		if len(used) < 50 {
			t.Fatalf("found only %d ids in the code: the scan is broken", len(used))
		}
		for id, where := range used {
			for lang, cat := range cats {
				if _, ok := cat[id]; !ok {
					t.Errorf("%s: %s is used but missing from bot.%s.yaml", where, id, lang)
				}
			}
		}
	})

	t.Run("DynamicIDs", func(t *testing.T) {
		var ids []string
		for _, k := range domain.Kinds {
			ids = append(ids, "event."+k)
		}
		for _, v := range bot.Verbs {
			ids = append(ids, "usage."+v, "help."+v)
		}
		for _, typ := range domain.MemberTypes {
			ids = append(ids, "type."+string(typ), "rights."+string(typ))
		}
		for _, s := range proposals.States {
			ids = append(ids, "state."+string(s))
		}
		for _, s := range []cooptation.State{cooptation.Open, cooptation.Accepted, cooptation.Rejected, cooptation.Expired} {
			ids = append(ids, "state."+string(s))
		}
		ids = append(ids, "vote.yes", "vote.no")
		for _, id := range ids {
			for lang, cat := range cats {
				if _, ok := cat[id]; !ok {
					t.Errorf("%s is missing from bot.%s.yaml", id, lang)
				}
			}
		}
	})

	t.Run("Translated", func(t *testing.T) {
		// Ids whose text may legitimately read the same in both languages.
		same := map[string]bool{
			"usage.todo": true, "usage.validate": true, "usage.members": true, "usage.meeting": true,
			"card.concern": true, "type.societaire": true, "type.operationnel": true, "type.bienfaiteur": true,
			"card.votes_no": true, "card.version": true, "card.council_ok": true, "card.objection": true,
			"topic.budget": true, "lead.hours": true, "lead.minutes": true, // the same in both languages
		}
		for id, s := range en {
			if fr[id] == s && !same[id] && !strings.HasPrefix(id, "usage.") {
				t.Errorf("%s reads the same in fr and en (untranslated?): %q", id, s)
			}
		}
	})
}
