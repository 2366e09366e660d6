package bot

import (
	"embed"
	"fmt"
	"io/fs"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

//go:embed locales/*.yaml
var localeFS embed.FS

// Languages the catalogs cover.
var Languages = []string{"fr", "en"}

// translator renders catalog messages in one language.
type translator struct {
	loc *i18n.Localizer
}

func loadBundle() (*i18n.Bundle, error) {
	bundle := i18n.NewBundle(language.French)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(localeFS, "locales/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := bundle.LoadMessageFileFS(localeFS, f); err != nil {
			return nil, fmt.Errorf("bot: catalog %s: %w", f, err)
		}
	}
	return bundle, nil
}

func newTranslator(lang string) (*translator, error) {
	if lang == "" {
		lang = "fr"
	}
	if lang != "fr" && lang != "en" {
		return nil, fmt.Errorf("bot: unknown language %q (fr or en)", lang)
	}
	bundle, err := loadBundle()
	if err != nil {
		return nil, err
	}
	return &translator{loc: i18n.NewLocalizer(bundle, lang)}, nil
}

// NewTranslator renders catalog messages in lang ("fr" or "en"), for
// adapters' own words (button labels, dialogs) outside a bot.
func NewTranslator(lang string) (func(id string, data map[string]any) string, error) {
	t, err := newTranslator(lang)
	if err != nil {
		return nil, err
	}
	return t.T, nil
}

// T renders message id with data. A missing id is a bug that a test catches
// (TestCatalogsComplete); at run time the id itself is shown rather than
// nothing.
func (t *translator) T(id string, data map[string]any) string {
	s, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}
