package mattermost

import "strings"

// verb is one card button: the text command it stands for and how it looks.
type verb struct {
	// dialog: the button needs a text, so it opens a dialog first.
	dialog bool
	// minChars: the dialog's field gets min_length = ObjectionMinChars.
	minChars bool
	style    string
	// command builds the bot command; reason is empty for direct verbs.
	command func(subject, reason string) string
}

var verbs = map[string]verb{
	"validate": {style: "good", command: func(s, _ string) string { return "validate " + s }},
	"lift":     {style: "primary", command: func(s, _ string) string { return "lift " + s }},
	"vote_yes": {style: "good", command: func(s, _ string) string { return "vote " + s + " yes" }},
	"object": {dialog: true, minChars: true, style: "danger",
		command: func(s, r string) string { return "object " + s + " " + r }},
	"concern": {dialog: true, style: "default",
		command: func(s, r string) string { return "concern " + s + " " + r }},
	"vote_no": {dialog: true, minChars: true, style: "danger",
		command: func(s, r string) string { return "vote " + s + " no " + r }},
}

// actionID is the button's id on the post: Mattermost wants it alphanumeric.
func actionID(v string) string { return strings.ReplaceAll(v, "_", "") }
