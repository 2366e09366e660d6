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
	if !m.Live || len(m.Actions) == 0 {
		return m.Text
	}
	cmds := make([]string, 0, len(m.Actions))
	for _, act := range m.Actions {
		cmds = append(cmds, "`"+actionCommand(act, m.Subject)+"`")
	}
	return m.Text + "\n\n" + strings.Join(cmds, " · ")
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
