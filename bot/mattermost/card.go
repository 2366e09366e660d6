package mattermost

import (
	"fmt"

	"github.com/consentbot/consentbot/bot"
	"github.com/mattermost/mattermost/server/public/model"
)

// propMsg is set on every post the bot creates, to the outbox message it
// delivers ("mattermost-42", or "mattermost-<install>-42" with a secret), so
// a post created just before a crash can be recognised instead of being
// posted twice.
const propMsg = "consentbot_msg"

// msgTag names an outbox message for good. Outbox numbers start again at 1
// in a new database, so the tag carries a per-database nonce derived from the
// secret: a reinstalled bot in the same channel must not take an old post
// for its own message and skip posting it.
func (a *Adapter) msgTag(m bot.Message) string {
	p := m.Platform
	if p == "" {
		p = bot.PlatformMattermost
	}
	if a.tagNonce == "" {
		return fmt.Sprintf("%s-%d", p, m.ID)
	}
	return fmt.Sprintf("%s-%s-%d", p, a.tagNonce, m.ID)
}

// cardAttachments renders the card's buttons: one attachment holding one
// button per action, none when the item no longer accepts actions (or when no
// secret is configured, since the clicks would be refused).
func (a *Adapter) cardAttachments(m bot.Message) []*model.MessageAttachment {
	if !m.Live || len(m.Actions) == 0 || len(a.cfg.Secret) == 0 {
		return nil
	}
	var actions []*model.PostAction
	for _, v := range m.Actions {
		spec, ok := verbs[v]
		if !ok {
			a.log.Warn("card action unknown to the adapter, no button", "verb", v, "subject", m.Subject)
			continue
		}
		actions = append(actions, &model.PostAction{
			Id:    actionID(v),
			Type:  model.PostActionTypeButton,
			Name:  a.tx.buttons[v],
			Style: spec.style,
			Integration: &model.PostActionIntegration{
				URL: a.cfg.PublicURL + Prefix + "/actions/" + a.secretPath + "/" + v,
				Context: map[string]any{
					"verb":    v,
					"subject": m.Subject,
					"sig":     actionSig(a.cfg.Secret, v, m.Subject),
				},
			},
		})
	}
	if len(actions) == 0 {
		return nil
	}
	return []*model.MessageAttachment{{Actions: actions}}
}

// fit cuts a text Mattermost would refuse as too long (a refused post would
// otherwise hold its channel's queue forever).
func (a *Adapter) fit(m bot.Message) string {
	r := []rune(m.Text)
	if len(r) <= model.PostMessageMaxRunesV2 {
		return m.Text
	}
	a.log.Warn("message too long for Mattermost, cut", "msg_id", m.ID, "runes", len(r))
	return string(r[:model.PostMessageMaxRunesV2-1]) + "…"
}

// cardPost is a new card.
func (a *Adapter) cardPost(channelID string, m bot.Message) *model.Post {
	p := &model.Post{ChannelId: channelID, Message: a.fit(m)}
	if atts := a.cardAttachments(m); atts != nil {
		p.AddProp(model.PostPropsAttachments, atts)
	}
	return p
}

// cardPatch rewrites a card in place. Props are replaced as a whole (that is
// how Mattermost applies a patch), so they are all sent: the buttons while the
// item is live, none after.
func (a *Adapter) cardPatch(m bot.Message) *model.PostPatch {
	msg := a.fit(m)
	props := model.StringInterface{
		propMsg:                a.msgTag(m),
		model.PostPropsFromBot: "true",
	}
	if atts := a.cardAttachments(m); atts != nil {
		props[model.PostPropsAttachments] = atts
	}
	return &model.PostPatch{Message: &msg, Props: &props}
}
