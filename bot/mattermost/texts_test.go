package mattermost

import (
	"strings"
	"testing"
)

// The adapter's words come from the bot's catalogs in both languages: none
// may fall back to its bare id.
func TestTextsFromCatalogs(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		tx := textsFor(lang)
		all := []string{tx.forged, tx.dialogFailed, tx.stateInvalid, tx.stateExpired, tx.stateReplayed, tx.stateOther, tx.commandDesc, tx.commandHint}
		for _, m := range []map[string]string{tx.buttons, tx.dialogTitle, tx.dialogLabel, tx.dialogHelp, tx.dialogSubmit} {
			for _, v := range m {
				all = append(all, v)
			}
		}
		for _, s := range all {
			if s == "" || strings.HasPrefix(s, "mattermost.") {
				t.Errorf("%s: missing text %q", lang, s)
			}
		}
		if len(tx.buttons) != 6 || !strings.Contains(tx.dialogTitle["object"], "%s") {
			t.Errorf("%s: buttons %v, title %q", lang, tx.buttons, tx.dialogTitle["object"])
		}
	}
	if textsFor("fr").buttons["validate"] == textsFor("en").buttons["validate"] {
		t.Error("the same button label in both languages")
	}
}
