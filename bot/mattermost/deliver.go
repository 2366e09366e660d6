package mattermost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/mattermost/mattermost/server/public/model"
)

// errNoAccount: a direct message to a member with no Mattermost account: not
// bound, and no user has the member's name as username. The member may be on
// another platform only; the message is dropped with a warning rather than
// held for ever (it would hold every later DM to that member).
var errNoAccount = errors.New("mattermost: member has no Mattermost account")

// noAccountRetry is how long a member's failed lookup by username is trusted
// before Mattermost is asked again (the member may create an account).
const noAccountRetry = time.Minute

// refusedRetry is how long the messages of a channel that refused the bot go
// straight to the governance channel before the channel is tried again (the
// bot may have been added to it).
const refusedRetry = 10 * time.Minute

// deliver sends one message to Mattermost.
func (a *Adapter) deliver(ctx context.Context, m bot.Message, d *destState) error {
	if m.Kind != bot.KindDM && m.Channel == "" && m.Except != "" && m.Except == a.govID {
		return nil // already announced in the governance channel itself
	}
	switch m.Kind {
	case bot.KindCard:
		return a.deliverCard(ctx, m, a.channelOf(m), d)
	case bot.KindDM:
		ch, err := a.directChannelOf(ctx, m.Member)
		if errors.Is(err, errNoAccount) {
			a.log.Warn("direct message not sent: the member has no Mattermost account (maybe on another platform only)",
				"member", m.Member, "msg_id", m.ID)
			return nil
		}
		if err != nil {
			return err
		}
		return a.deliverPost(ctx, m, ch, d)
	case bot.KindPost:
		return a.deliverPost(ctx, m, a.channelOf(m), d)
	default:
		a.log.Warn("unknown outbox kind, sent as a plain post", "kind", m.Kind, "msg_id", m.ID)
		return a.deliverPost(ctx, m, a.channelOf(m), d)
	}
}

// channelOf is the channel id of a channel message; the governance channel
// has been resolved by the pass before any "" message gets here.
func (a *Adapter) channelOf(m bot.Message) string {
	if m.Channel != "" {
		return m.Channel
	}
	return a.govID
}

// refused reports a permanent refusal of a channel: the bot may not read or
// post there (403: not a member, a private channel or a DM between others),
// the channel does not exist (404), or is archived or invalid (400).
// Retrying will not help; 401, 429 and 5xx are not refusals.
func refused(err error) bool {
	switch statusOf(err) {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound:
		return true
	}
	return false
}

// redirectTo returns the governance channel id when m, a message for a
// channel of its own, may be redirected there after that channel refused it
// for good: "" when m is for the governance channel already, is a DM, or the
// governance channel is unknown yet (then m waits and is retried).
func (a *Adapter) redirectTo(ctx context.Context, m bot.Message) string {
	if m.Kind == bot.KindDM || m.Channel == "" {
		return ""
	}
	if a.govID == "" && !a.dest(govKey).next.After(a.now()) {
		a.govErr = a.resolveGovernance(ctx)
	}
	if a.govID == "" || m.Channel == a.govID {
		return ""
	}
	return a.govID
}

// deliverCard updates the card of m.Subject in place, or creates it. The
// card's post is recorded under ch, the message's own channel, even when ch
// refused it and it went to the governance channel instead: later updates
// patch that post, and thread replies follow it.
func (a *Adapter) deliverCard(ctx context.Context, m bot.Message, ch string, d *destState) error {
	postID, ok, err := a.deps.Cards.Card(bot.PlatformMattermost, ch, m.Subject)
	if err != nil {
		return fmt.Errorf("mattermost: card %s: %w", m.Subject, err)
	}
	if ok {
		err := a.api.patchPost(ctx, postID, a.cardPatch(m))
		switch {
		case err == nil:
			return nil
		case statusOf(err) == http.StatusNotFound:
			a.log.Info("card post gone, posting a new one", "subject", m.Subject, "post_id", postID)
		case refused(err) && ch != a.govID:
			// An archived channel (400), or one the bot was removed from
			// (403): the card can no longer be edited where it is.
			a.log.Info("card post cannot be edited, posting a new one", "subject", m.Subject, "post_id", postID, "err", err)
		default:
			return err
		}
	}
	var id string
	err = a.inChannel(ctx, m, ch, d, func(ch string, d *destState) (err error) {
		id, err = a.createOnce(ctx, a.cardPost(ch, m), m, d)
		return err
	})
	if err != nil {
		return err
	}
	if err := a.deps.Cards.SetCard(bot.PlatformMattermost, ch, m.Subject, id); err != nil {
		d.unsure = true
		return fmt.Errorf("mattermost: set card %s: %w", m.Subject, err)
	}
	return nil
}

// deliverPost posts m in ch, in the thread of the item's card if there is one
// (also when the card went to the governance channel instead of ch).
func (a *Adapter) deliverPost(ctx context.Context, m bot.Message, ch string, d *destState) error {
	root := ""
	if m.Subject != "" {
		id, ok, err := a.deps.Cards.Card(bot.PlatformMattermost, ch, m.Subject)
		if err != nil {
			return fmt.Errorf("mattermost: card %s: %w", m.Subject, err)
		}
		if ok {
			root = id
		}
	}
	return a.inChannel(ctx, m, ch, d, func(ch string, d *destState) error {
		return a.postIn(ctx, m, ch, root, d)
	})
}

// inChannel runs create, which creates m's post in a channel, in ch. When ch
// refuses for good a message for a channel of its own (see refused,
// redirectTo), create runs in the governance channel instead, looking there
// first for a copy an earlier attempt may have made (the tag is the same).
// The refusal is remembered for refusedRetry: meanwhile the channel's
// messages go straight to the governance channel; after it, the channel is
// read before the bot posts there again (see createOnce), so that a channel
// the bot may post in but not read keeps being redirected.
func (a *Adapter) inChannel(ctx context.Context, m bot.Message, ch string, d *destState, create func(ch string, d *destState) error) error {
	gov := ""
	if until, ok := a.refusedCh[ch]; ok && a.now().Before(until) {
		gov = a.redirectTo(ctx, m)
	}
	if gov == "" {
		err := create(ch, d)
		if !refused(err) {
			return err
		}
		if gov = a.redirectTo(ctx, m); gov == "" {
			return err
		}
		a.refusedCh[ch] = a.now().Add(refusedRetry)
		a.log.Warn("channel refuses the bot (not a member, archived or gone): message sent to the governance channel instead",
			"channel", ch, "msg_id", m.ID, "kind", m.Kind, "subject", m.Subject, "err", err)
	} else {
		a.log.Warn("channel refused the bot lately: message sent to the governance channel instead",
			"channel", ch, "msg_id", m.ID, "kind", m.Kind, "subject", m.Subject)
	}
	return create(gov, &destState{unsure: true})
}

// postIn creates m in ch under root, or without a thread when the thread is
// refused (the card was deleted, or is in another channel).
func (a *Adapter) postIn(ctx context.Context, m bot.Message, ch, root string, d *destState) error {
	_, err := a.createOnce(ctx, &model.Post{ChannelId: ch, RootId: root, Message: a.fit(m)}, m, d)
	if root != "" && isClientError(err) {
		a.log.Info("thread reply refused, posting without thread", "subject", m.Subject, "err", err)
		_, err = a.createOnce(ctx, &model.Post{ChannelId: ch, Message: a.fit(m)}, m, d)
	}
	return err
}

// createOnce creates p tagged with m, unless the destination is unsure (or
// the channel refused the bot before) and the tagged post is already among
// the channel's recent posts.
func (a *Adapter) createOnce(ctx context.Context, p *model.Post, m bot.Message, d *destState) (string, error) {
	tag := a.msgTag(m)
	_, wasRefused := a.refusedCh[p.ChannelId]
	if d.unsure || wasRefused {
		posts, err := a.api.recentPosts(ctx, p.ChannelId, recentWindow)
		if err != nil {
			return "", err
		}
		for _, old := range posts {
			if s, _ := old.GetProp(propMsg).(string); s == tag {
				a.log.Info("message already delivered before, not posting again", "msg_id", m.ID, "post_id", old.Id)
				return old.Id, nil
			}
		}
		d.unsure = false
	}
	p.AddProp(propMsg, tag)
	id, err := a.api.createPost(ctx, p)
	if err != nil {
		if s := statusOf(err); s == 0 || s >= 500 {
			d.unsure = true // the post may exist nevertheless
		}
		return "", err
	}
	delete(a.refusedCh, p.ChannelId)
	return id, nil
}

// directChannelOf returns the direct channel between the bot and member.
func (a *Adapter) directChannelOf(ctx context.Context, member string) (string, error) {
	userID, ok, err := a.deps.Identities.UserOf(bot.PlatformMattermost, member)
	if err != nil {
		return "", fmt.Errorf("mattermost: identity of %s: %w", member, err)
	}
	if !ok {
		if userID, err = a.userByMemberName(ctx, member); err != nil {
			return "", err
		}
	}
	if ch, ok := a.dmChannel[userID]; ok {
		return ch, nil
	}
	if a.botUserID == "" {
		if a.botUserID, err = a.api.me(ctx); err != nil {
			return "", err
		}
	}
	ch, err := a.api.directChannel(ctx, a.botUserID, userID)
	if err != nil {
		return "", err
	}
	a.dmChannel[userID] = ch
	return ch, nil
}

// userByMemberName looks a member up by username == member name. A user
// found is kept for the life of the process; "not found" is kept for
// noAccountRetry.
func (a *Adapter) userByMemberName(ctx context.Context, member string) (string, error) {
	lk, seen := a.userByName[member]
	if !seen || (!lk.found && !a.now().Before(lk.until)) {
		id, err := a.api.userByUsername(ctx, strings.ToLower(member))
		switch {
		case err == nil:
			lk = userLookup{userID: id, found: true}
		case statusOf(err) == http.StatusNotFound:
			lk = userLookup{until: a.now().Add(noAccountRetry)}
		default:
			return "", err
		}
		a.userByName[member] = lk
	}
	if !lk.found {
		return "", fmt.Errorf("%w: %s", errNoAccount, member)
	}
	return lk.userID, nil
}
