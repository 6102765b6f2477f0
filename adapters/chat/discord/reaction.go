package discord

import (
	"cmp"
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/anopex/opsbot/adapters/chat/internal/relay"
	"github.com/anopex/opsbot/bot"
)

func (c *Chat) onReactionAdd(_ *discordgo.Session, e *discordgo.MessageReactionAdd) {
	if e.Member != nil && e.Member.User != nil {
		c.remember(e.Member)
	}
	c.observe(e.MessageReaction, false)
}

func (c *Chat) onReactionRemove(_ *discordgo.Session, e *discordgo.MessageReactionRemove) {
	c.observe(e.MessageReaction, true)
}

// observe delivers a reaction event, unless it is the bot's own or a
// re-read already delivered it.
func (c *Chat) observe(r *discordgo.MessageReaction, removed bool) {
	if r != nil && r.UserID != "" && r.UserID != c.me() && c.votes.Observe(r.MessageID, r.UserID, r.Emoji.APIName(), removed) {
		c.react(*r, removed)
	}
}

// react queues a reaction behind the earlier ones on the same message, so
// an add and its removal reach the handler in order.
func (c *Chat) react(r discordgo.MessageReaction, removed bool) {
	emoji := r.Emoji.APIName() // name:id for a custom emoji, which never votes
	ctx := c.base
	c.queue.Do(&c.wg, r.MessageID, func() {
		log := c.log.With().Str("message_id", r.MessageID).Str("user", r.UserID).Str("emoji", emoji).Logger()
		defer relay.Recover(log, "reaction handler", bot.ReactionPanicText(c.cfg.Locale, r.Emoji.Name, r.MessageID+"/"+r.UserID),
			func(m bot.Message) error { return c.Direct(ctx, r.UserID, m) })
		c.h.React(ctx, bot.Reaction{Platform: Platform, Channel: r.ChannelID, MessageID: r.MessageID,
			User: c.reactor(ctx, r.GuildID, r.UserID), Emoji: emoji, Removed: removed})
	})
}

// reactor resolves a reacting user: from the member an event carried (now
// remembered), else from the guild (GET /guilds/{g}/members/{u}). A user
// who cannot be resolved gets no platform role.
func (c *Chat) reactor(ctx context.Context, guildID, userID string) bot.Person {
	c.mu.Lock()
	m, ok := c.members[userID]
	c.mu.Unlock()
	if ok && time.Since(m.at) <= memberTTL {
		return m.Person
	}
	gm, err := c.s.GuildMember(cmp.Or(guildID, c.cfg.GuildID), userID, discordgo.WithContext(ctx))
	if err != nil {
		c.log.Warn().Err(check(err, "read member")).Str("user", userID).Msg("reacting member unknown; no platform role")
	}
	if err != nil || gm.User == nil {
		return c.cfg.Policy.Person(Platform, userID, "", nil, false) // stale roles must not approve (fail closed)
	}
	return c.remember(gm)
}

var voteEmoji = []string{bot.EmojiApprove, bot.EmojiReject}

// WatchApproval watches a change-request message posted before a restart
// (bot.ApprovalWatcher): its ✅ and ❌ are read at each READY and the
// reactions found are delivered as added. Call it before Run.
func (c *Chat) WatchApproval(channel, messageID string) { c.votes.Add(messageID, channel) }

// resync re-reads the ✅ and ❌ of the watched messages (relay.Watch.Resync)
// and hands the handler the reactions added or removed while no session was
// open. It runs after a READY, a session that replaced a lost one or the
// first after a restart.
func (c *Chat) resync() {
	ctx := c.base
	n := c.votes.Resync(ctx, c.log, c.h, Platform, func(w relay.Watched) ([]relay.Vote, error) {
		var now []relay.Vote
		for _, emoji := range voteEmoji {
			users, err := c.s.MessageReactions(w.Channel, w.ID, emoji, 100, "", "", discordgo.WithContext(ctx))
			if err != nil {
				return nil, check(err, "read reactions")
			}
			for _, u := range users {
				if u.ID != c.me() {
					now = append(now, relay.Vote{User: u.ID, Emoji: emoji})
				}
			}
		}
		return now, nil
	}, func(w relay.Watched, ch relay.Change) {
		c.react(discordgo.MessageReaction{UserID: ch.User, MessageID: w.ID, ChannelID: w.Channel,
			GuildID: c.cfg.GuildID, Emoji: discordgo.Emoji{Name: ch.Emoji}}, ch.Removed)
	})
	c.log.Info().Int("messages", n).Msg("votes re-read")
}
