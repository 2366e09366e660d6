package rocketchat

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/consentbot/consentbot/bot"
)

// outboxID is the Rocket.Chat message id of an outbox message. It is fixed
// for a given entry, so a retry is refused as a duplicate instead of posted
// twice. The outbox sequence restarts on a fresh database, so the id also
// hashes the installation's nonce (Config.InstallID) and the content: a
// reinstalled bot posting the same card text must not be refused as a
// duplicate of its predecessor's post.
func (a *Adapter) outboxID(m bot.Message) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s", a.cfg.InstallID, m.Kind, m.Channel, m.Member, m.Subject, m.Text)
	return fmt.Sprintf("cb%d-%s", m.ID, hex.EncodeToString(h.Sum(nil))[:10])
}

// replyID is the id of the private reply to the command message cmdID.
func replyID(cmdID string) string { return "cbr-" + cmdID }

// cardText is the text of a card: while the item is live it ends with the
// text commands acting on it, the Rocket.Chat stand-in for buttons, e.g.
// "`!consent validate P3` · `!consent object P3 …`".
func cardText(m bot.Message) string {
	return m.Text + cardFooter(m)
}

// cardFooter is the commands part of a live card ("" once it is closed).
func cardFooter(m bot.Message) string {
	if !m.Live || len(m.Actions) == 0 {
		return ""
	}
	cmds := make([]string, 0, len(m.Actions))
	for _, act := range m.Actions {
		cmds = append(cmds, "`"+actionCommand(act, m.Subject)+"`")
	}
	return "\n\n" + strings.Join(cmds, " · ")
}

// fitCard is cardText within limit: when too long, the item's text is cut
// and the commands of a live card are kept whole.
func fitCard(m bot.Message, limit int) (string, bool) {
	footer := cardFooter(m)
	if jsLen(m.Text)+jsLen(footer) <= limit {
		return m.Text + footer, false
	}
	if f := jsLen(footer); f > 0 && f <= limit/2 {
		body, _ := fit(m.Text, limit-f)
		return body + footer, true
	}
	return fit(m.Text+footer, limit)
}

// fit cuts text that Rocket.Chat would refuse as longer than limit, on a
// rune boundary, ending it with "…". The server measures text as
// JavaScript does, in UTF-16 code units, so a character outside the Basic
// Multilingual Plane (most emoji) counts twice.
func fit(text string, limit int) (string, bool) {
	if jsLen(text) <= limit {
		return text, false
	}
	n, budget := 0, limit-1 // "…" is one unit
	for i, r := range text {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if n+w > budget {
			return text[:i] + "…", true
		}
		n += w
	}
	return text, false // not reached: text is longer than limit
}

// jsLen is the length of s in UTF-16 code units.
func jsLen(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// fitText is fit with the adapter's limit, logging a cut.
func (a *Adapter) fitText(text string, what string, id any) string {
	out, cut := fit(text, a.maxSize())
	if cut {
		a.log.Warn("rocketchat_message_cut", "what", what, "id", id, "length", jsLen(text), "limit", a.maxSize())
	}
	return out
}

// actionCommand is the text command equivalent to a card action.
func actionCommand(action, subject string) string {
	switch action {
	case "object", "concern":
		return fmt.Sprintf("%s %s %s …", Prefix, action, subject)
	case "vote_yes":
		return fmt.Sprintf("%s vote %s yes", Prefix, subject)
	case "vote_no":
		return fmt.Sprintf("%s vote %s no …", Prefix, subject)
	default: // validate, lift, …
		return fmt.Sprintf("%s %s %s", Prefix, action, subject)
	}
}
