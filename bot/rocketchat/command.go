package rocketchat

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Prefix starts a command typed in a channel. Rocket.Chat intercepts unknown
// "/" commands, so bots use a "!" prefix (SPEC §3).
const Prefix = "!consent"

// command decides whether m is a command for the bot and returns its text
// without the trigger. It ignores the bot's own messages, system messages,
// edits, and rooms the bot is not in; it accepts a message starting with
// Prefix, a message mentioning the bot, and any message in the bot's 1:1
// direct room with its author (not in a group DM, where people talk to each
// other).
func command(m rcMessage, room roomContext, botID, botName string) (string, bool) {
	switch {
	case m.ID == "" || m.User.ID == "":
		return "", false
	case m.User.ID == botID:
		return "", false // echo of our own post
	case m.Type != "":
		return "", false // system message: uj, ul, au, rm, discussion-created…
	case m.EditedAt != nil:
		return "", false // an edit must not run a command again
	case room.RoomParticipant != nil && !*room.RoomParticipant:
		return "", false
	}
	text := strings.TrimSpace(m.Msg)
	if rest, ok := cutWord(text, Prefix); ok {
		return rest, true
	}
	if botName != "" {
		if rest, ok := cutWord(text, "@"+botName); ok {
			rest = strings.TrimLeft(rest, ":, ")
			if r, ok := cutWord(rest, Prefix); ok {
				rest = r
			}
			return rest, true
		}
	}
	if mentions(m, botID, botName) {
		return strings.Join(strings.Fields(removeMention(text, botName)), " "), true
	}
	if room.RoomType == "d" && room.OneToOne {
		return text, true
	}
	return "", false
}

// cutWord removes word from the start of s when it is followed by a space, a
// punctuation mark or nothing, case-insensitively.
func cutWord(s, word string) (string, bool) {
	if len(s) < len(word) || !strings.EqualFold(s[:len(word)], word) {
		return "", false
	}
	rest := s[len(word):]
	if rest == "" {
		return "", true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	if unicode.IsSpace(r) || r == ':' || r == ',' {
		return strings.TrimSpace(strings.TrimLeft(rest, ":,")), true
	}
	return "", false
}

func mentions(m rcMessage, botID, botName string) bool {
	for _, u := range m.Mentions {
		if (botID != "" && u.ID == botID) || (botName != "" && strings.EqualFold(u.Username, botName)) {
			return true
		}
	}
	return false
}

// removeMention drops the @botName words from a message mentioning the bot
// somewhere else than at its start ("please @consentbot help").
func removeMention(text, botName string) string {
	if botName == "" {
		return text
	}
	var out []string
	for _, w := range strings.Fields(text) {
		if strings.EqualFold(strings.TrimRight(w, ":,"), "@"+botName) {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}
