package bot

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/consentbot/consentbot/domain"
)

// MaxTextRunes bounds what one command may carry.
const MaxTextRunes = 4000

// Command is a parsed request, independent of platform and language.
type Command struct {
	Verb  string // canonical verb, see verbs.go
	Ref   Ref    // Pn or Cn for the verbs that take one
	Topic string // propose --topic
	By    string // propose --by, raw: interpreted with the clock and zone
	Text  string // free text: proposal, reason, documentation, point, minutes
	Name  string // coopt / welcome target, without @
	Type  string // coopt type, raw
	Yes   bool   // vote
	Arg   string // list STATE, help VERB, meeting done N
	Log   LogQuery
}

// Ref is Pn or Cn.
type Ref struct {
	Kind byte // 'P' or 'C'
	N    int
}

func (r Ref) String() string { return string(r.Kind) + strconv.Itoa(r.N) }

// LogQuery is the raw filter of `log`.
type LogQuery struct {
	Since, Until, By, Kind string
	Words                  []string
	Page                   int
}

// Parse turns the text after the trigger into a Command. It never panics
// (FuzzParse) and reports bad input as a *domain.Error.
func Parse(text string) (Command, error) {
	if utf8.RuneCountInString(text) > MaxTextRunes {
		return Command{}, domain.E("err.too_long", "Max", MaxTextRunes)
	}
	if !utf8.ValidString(text) {
		return Command{}, domain.E("err.control_chars")
	}
	for _, r := range text {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029') {
			return Command{}, domain.E("err.control_chars")
		}
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return Command{Verb: "help"}, nil
	}
	word, rest := cut(text)
	verb, ok := verbAliases[strings.ToLower(word)]
	if !ok {
		return Command{}, domain.E("err.unknown_verb", "Verb", word)
	}
	if verb == "meeting" {
		sub, subRest := cut(rest)
		if v, ok := meetingAliases[strings.ToLower(sub)]; ok {
			verb, rest = v, subRest
		} else if sub != "" {
			return Command{}, domain.E("err.unknown_meeting_verb", "Verb", sub)
		}
	}
	c := Command{Verb: verb}
	return c, parseArgs(&c, rest)
}

// cut splits off the first word.
func cut(s string) (word, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

func parseArgs(c *Command, rest string) error {
	switch c.Verb {
	case "propose":
		return parsePropose(c, rest)
	case "validate", "lift", "withdraw", "status":
		return parseRef(c, rest, false, 0)
	case "object", "concern", "amend", "done":
		return parseRef(c, rest, true, 'P')
	case "vote":
		return parseVote(c, rest)
	case "coopt":
		name, rest2 := cut(rest)
		typ, why := cut(rest2)
		if name == "" || typ == "" {
			return domain.E("err.usage", "Verb", c.Verb)
		}
		c.Name, c.Type, c.Text = domain.NormalizeName(name), typ, why
	case "welcome":
		name, extra := cut(rest)
		if name == "" || extra != "" {
			return domain.E("err.usage", "Verb", c.Verb)
		}
		c.Name = domain.NormalizeName(name)
	case "list", "help":
		arg, extra := cut(rest)
		if extra != "" {
			return domain.E("err.usage", "Verb", c.Verb)
		}
		c.Arg = strings.ToLower(arg)
	case "meeting_add", "meeting_minutes":
		if rest == "" {
			return domain.E("err.usage", "Verb", c.Verb)
		}
		c.Text = rest
	case "meeting_done":
		n, extra := cut(rest)
		if _, err := strconv.Atoi(strings.TrimPrefix(n, "#")); err != nil || extra != "" {
			return domain.E("err.usage", "Verb", c.Verb)
		}
		c.Arg = strings.TrimPrefix(n, "#")
	case "meeting_skip":
		c.Text = rest
	case "log":
		return parseLog(c, rest)
	default: // todo, members, meeting: no argument
		if rest != "" {
			return domain.E("err.usage", "Verb", c.Verb)
		}
	}
	return nil
}

func parsePropose(c *Command, rest string) error {
	for {
		word, after := cut(rest)
		switch strings.ToLower(word) {
		case "--topic", "--sujet", "--by", "--avant":
			val, after2 := cut(after)
			if val == "" {
				return domain.E("err.usage", "Verb", c.Verb)
			}
			if w := strings.ToLower(word); w == "--topic" || w == "--sujet" {
				c.Topic = val
			} else {
				c.By = val
			}
			rest = after2
			continue
		}
		break
	}
	if rest == "" {
		return domain.E("err.missing_text")
	}
	c.Text = rest
	return nil
}

// ParseRef reads "P12", "p12" or "#P12".
func ParseRef(s string) (Ref, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) < 2 {
		return Ref{}, false
	}
	k := byte(unicode.ToUpper(rune(s[0])))
	if k != 'P' && k != 'C' {
		return Ref{}, false
	}
	n, err := strconv.Atoi(s[1:])
	if err != nil || n <= 0 || s[1] == '+' || s[1] == '-' {
		return Ref{}, false
	}
	return Ref{Kind: k, N: n}, true
}

// parseRef reads the item id and, when withText, the text after it. kind
// restricts the id to proposals ('P') or cooptations ('C'); 0 allows both.
func parseRef(c *Command, rest string, withText bool, kind byte) error {
	id, after := cut(rest)
	if id == "" {
		return domain.E("err.usage", "Verb", c.Verb)
	}
	ref, ok := ParseRef(id)
	if !ok {
		return domain.E("err.bad_id", "ID", id)
	}
	if kind != 0 && ref.Kind != kind {
		return domain.E("err.wrong_item", "ID", ref.String(), "Verb", c.Verb)
	}
	c.Ref = ref
	if withText {
		c.Text = after
		if after == "" && c.Verb != "object" {
			return domain.E("err.missing_text")
		}
	} else if after != "" {
		return domain.E("err.usage", "Verb", c.Verb)
	}
	return nil
}

func parseVote(c *Command, rest string) error {
	id, after := cut(rest)
	ref, ok := ParseRef(id)
	if id == "" {
		return domain.E("err.usage", "Verb", c.Verb)
	}
	if !ok {
		return domain.E("err.bad_id", "ID", id)
	}
	if ref.Kind != 'C' {
		return domain.E("err.wrong_item", "ID", ref.String(), "Verb", c.Verb)
	}
	answer, why := cut(after)
	switch strings.ToLower(answer) {
	case "yes", "oui", "y", "o":
		c.Yes = true
	case "no", "non", "n":
		c.Yes = false
	default:
		return domain.E("err.vote_answer")
	}
	c.Ref, c.Text = ref, why
	return nil
}

func parseLog(c *Command, rest string) error {
	c.Log.Page = 1
	for _, w := range strings.Fields(rest) {
		key, val, found := strings.Cut(w, ":")
		if !found || val == "" {
			c.Log.Words = append(c.Log.Words, w)
			continue
		}
		switch strings.ToLower(key) {
		case "since", "depuis":
			c.Log.Since = val
		case "until", "jusqua":
			c.Log.Until = val
		case "by", "par":
			c.Log.By = domain.NormalizeName(val)
		case "kind", "type":
			c.Log.Kind = strings.ToLower(val)
		case "page":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 100000 {
				return domain.E("err.bad_page", "Page", val)
			}
			c.Log.Page = n
		default:
			c.Log.Words = append(c.Log.Words, w)
		}
	}
	return nil
}
