package mattermost

import "github.com/consentbot/consentbot/bot"

// texts are the adapter's own words (button and dialog labels, errors of the
// HTTP layer), from the bot's catalogs (ids "mattermost.…"). Everything else
// comes already translated from the bot.
type texts struct {
	buttons map[string]string // verb → button label

	dialogTitle  map[string]string // verb → title format (%s = subject), ≤ 24 bytes
	dialogLabel  map[string]string // verb → field label
	dialogHelp   map[string]string // verb → help text
	dialogSubmit map[string]string // verb → submit label

	forged        string
	dialogFailed  string // %s = the equivalent command
	stateInvalid  string
	stateExpired  string
	stateReplayed string
	stateOther    string

	commandDesc string
	commandHint string
}

// textsFor returns the texts of lang, French by default (the configuration's
// default).
func textsFor(lang string) texts {
	t, err := bot.NewTranslator(lang)
	if err != nil {
		t, _ = bot.NewTranslator("fr")
	}
	byVerb := func(field string, verbs ...string) map[string]string {
		m := make(map[string]string, len(verbs))
		for _, v := range verbs {
			m[v] = t("mattermost."+field+"."+v, nil)
		}
		return m
	}
	dialogs := []string{"object", "concern", "vote_no"}
	return texts{
		buttons:       byVerb("buttons", "validate", "object", "concern", "lift", "vote_yes", "vote_no"),
		dialogTitle:   byVerb("dialogTitle", dialogs...),
		dialogLabel:   byVerb("dialogLabel", dialogs...),
		dialogHelp:    byVerb("dialogHelp", dialogs...),
		dialogSubmit:  byVerb("dialogSubmit", dialogs...),
		forged:        t("mattermost.forged", nil),
		dialogFailed:  t("mattermost.dialogFailed", nil),
		stateInvalid:  t("mattermost.stateInvalid", nil),
		stateExpired:  t("mattermost.stateExpired", nil),
		stateReplayed: t("mattermost.stateReplayed", nil),
		stateOther:    t("mattermost.stateOther", nil),
		commandDesc:   t("mattermost.commandDesc", nil),
		commandHint:   t("mattermost.commandHint", nil),
	}
}
