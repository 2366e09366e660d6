package mattermost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/consentbot/consentbot/bot"
	"github.com/mattermost/mattermost/server/public/model"
)

// errNoAccount: a direct message to a member with no Mattermost account known
// yet. The message waits; it goes out once the member is bound (e.g. after
// their first command) or the lookup by username succeeds after a restart.
var errNoAccount = errors.New("mattermost: member has no known account")

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

// deliverCard updates the card of m.Subject in place, or creates it.
func (a *Adapter) deliverCard(ctx context.Context, m bot.Message, ch string, d *destState) error {
	postID, ok, err := a.deps.Cards.Card(bot.PlatformMattermost, ch, m.Subject)
	if err != nil {
		return fmt.Errorf("mattermost: card %s: %w", m.Subject, err)
	}
	if ok {
		err := a.api.patchPost(ctx, postID, a.cardPatch(m))
		if statusOf(err) != http.StatusNotFound {
			return err
		}
		a.log.Info("card post gone, posting a new one", "subject", m.Subject, "post_id", postID)
	}
	id, err := a.createOnce(ctx, a.cardPost(ch, m), m, d)
	if err != nil {
		return err
	}
	if err := a.deps.Cards.SetCard(bot.PlatformMattermost, ch, m.Subject, id); err != nil {
		d.unsure = true
		return fmt.Errorf("mattermost: set card %s: %w", m.Subject, err)
	}
	return nil
}

// deliverPost posts m in ch, in the thread of the item's card if there is one.
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
	_, err := a.createOnce(ctx, &model.Post{ChannelId: ch, RootId: root, Message: a.fit(m)}, m, d)
	if root != "" && isClientError(err) {
		// The card was probably deleted: a thread reply is refused, a plain
		// post still says it.
		a.log.Info("thread reply refused, posting without thread", "subject", m.Subject, "err", err)
		_, err = a.createOnce(ctx, &model.Post{ChannelId: ch, Message: a.fit(m)}, m, d)
	}
	return err
}

// createOnce creates p tagged with m, unless the destination is unsure and
// the tagged post is already among the channel's recent posts.
func (a *Adapter) createOnce(ctx context.Context, p *model.Post, m bot.Message, d *destState) (string, error) {
	tag := a.msgTag(m)
	if d.unsure {
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

// userByMemberName looks a member up once by username == member name; the
// answer, found or not, is kept for the life of the process.
func (a *Adapter) userByMemberName(ctx context.Context, member string) (string, error) {
	lk, seen := a.userByName[member]
	if !seen {
		id, err := a.api.userByUsername(ctx, strings.ToLower(member))
		switch {
		case err == nil:
			lk = userLookup{userID: id, found: true}
		case statusOf(err) == http.StatusNotFound:
			lk = userLookup{}
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
