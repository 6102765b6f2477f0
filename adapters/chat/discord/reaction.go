package discord

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/anopex/opsbot/bot"
)

// emojiName is the form of a reaction's emoji the engine reads: the Unicode
// character, or name:id for a custom emoji (so that a custom emoji named
// white_check_mark never approves anything).
func emojiName(e discordgo.Emoji) string {
	if e.ID != "" {
		return e.Name + ":" + e.ID
	}
	return e.Name
}

func (c *Chat) onReactionAdd(_ *discordgo.Session, e *discordgo.MessageReactionAdd) {
	if e.MessageReaction == nil || e.UserID == "" || e.UserID == c.me() {
		return
	}
	if e.Member != nil {
		name := e.Member.Nick
		isBot := false
		if e.Member.User != nil {
			isBot = e.Member.User.Bot
			if name == "" {
				name = displayName(e.Member.User)
			}
		}
		c.remember(e.UserID, member{name: name, roles: e.Member.Roles, bot: isBot})
	}
	c.react(*e.MessageReaction, false)
}

func (c *Chat) onReactionRemove(_ *discordgo.Session, e *discordgo.MessageReactionRemove) {
	if e.MessageReaction == nil || e.UserID == "" || e.UserID == c.me() {
		return
	}
	c.react(*e.MessageReaction, true)
}

// react queues a reaction behind the earlier ones on the same message, so
// an add and its removal reach the handler in order.
func (c *Chat) react(r discordgo.MessageReaction, removed bool) {
	emoji := emojiName(r.Emoji)
	c.votes.seen(r.MessageID, r.UserID, emoji, removed)
	h, ctx := c.handler()
	if h == nil {
		return
	}
	c.queue.do(r.MessageID, &c.wg, func() {
		defer c.recoverReaction(ctx, r, emoji)
		h.React(ctx, bot.Reaction{Platform: Platform, Channel: r.ChannelID, MessageID: r.MessageID,
			User: c.reactor(ctx, r.GuildID, r.UserID), Emoji: emoji, Removed: removed})
	})
}

// recoverReaction, deferred around the handling of one reaction, logs a
// panic with the reaction and tells the person privately that it may not
// have counted; the message's queue goes on with the next reaction.
func (c *Chat) recoverReaction(ctx context.Context, r discordgo.MessageReaction, emoji string) {
	p := recover()
	if p == nil {
		return
	}
	ref := r.MessageID + "/" + r.UserID
	log := c.log.With().Str("message_id", r.MessageID).Str("user", r.UserID).Str("emoji", emoji).Logger()
	bot.LogPanic(&log, p, "reaction handler")
	text := c.cfg.Locale.Pick("Votre réaction %s n'a peut-être pas été prise en compte. %s", "Your %s reaction may not have been counted. %s")
	if err := c.Direct(ctx, r.UserID, bot.Message{Text: fmt.Sprintf(text, r.Emoji.Name, bot.PanicText(c.cfg.Locale, ref))}); err != nil {
		log.Warn().Err(err).Msg("panic notice not delivered")
	}
}

// reactor resolves a reacting user: from the member the event carried (now
// remembered), else from the guild (GET /guilds/{g}/members/{u}). A user
// who cannot be resolved gets no platform role.
func (c *Chat) reactor(ctx context.Context, guildID, userID string) bot.Person {
	c.mu.Lock()
	m, ok := c.members[userID]
	c.mu.Unlock()
	if !ok || time.Since(m.at) > memberTTL {
		if guildID == "" {
			guildID = c.cfg.GuildID
		}
		gm, err := c.s.GuildMember(guildID, userID, discordgo.WithContext(ctx))
		switch {
		case err == nil && gm.User != nil:
			name := gm.Nick
			if name == "" {
				name = displayName(gm.User)
			}
			m = member{name: name, roles: gm.Roles, bot: gm.User.Bot}
			c.remember(userID, m)
		case err != nil:
			c.log.Warn().Err(check(err, "read member")).Str("user", userID).Msg("reacting member unknown; no platform role")
			m = member{} // stale roles must not approve (fail closed)
		default:
			m = member{}
		}
	}
	return c.cfg.Policy.Person(Platform, userID, m.name, m.roles, m.bot)
}

// serial runs the functions queued under one key one after the other, in
// a goroutine per busy key.
type serial struct {
	mu     sync.Mutex
	queues map[string][]func()
}

func (q *serial) do(key string, wg *sync.WaitGroup, f func()) {
	q.mu.Lock()
	if pending, busy := q.queues[key]; busy {
		q.queues[key] = append(pending, f)
		q.mu.Unlock()
		return
	}
	q.queues[key] = nil
	q.mu.Unlock()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			f()
			q.mu.Lock()
			pending := q.queues[key]
			if len(pending) == 0 {
				delete(q.queues, key)
				q.mu.Unlock()
				return
			}
			f, q.queues[key] = pending[0], pending[1:]
			q.mu.Unlock()
		}
	}()
}

// votes remembers the change-request messages the adapter posted and who
// has ✅ or ❌ on them, as the events told, so that after a session that
// could not be resumed it can hand the handler what changed meanwhile.
type votes struct {
	mu      sync.Mutex
	msgs    map[string]*tracked
	order   []string
	earlier map[string]bool // messages watched by WatchApproval, re-read at the first READY
}

type tracked struct {
	channel string
	users   map[string]map[string]bool // emoji → user ID → present
}

// maxTracked bounds the messages watched (oldest forgotten first).
const maxTracked = 500

var voteEmoji = []string{bot.EmojiApprove, bot.EmojiReject}

func (v *votes) track(msgID, channel string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.msgs[msgID] != nil {
		return
	}
	v.msgs[msgID] = &tracked{channel: channel, users: map[string]map[string]bool{}}
	v.order = append(v.order, msgID)
	if len(v.order) > maxTracked {
		delete(v.msgs, v.order[0])
		v.order = slices.Delete(v.order, 0, 1)
	}
}

func (v *votes) seen(msgID, userID, emoji string, removed bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.msgs[msgID]
	if t == nil || !slices.Contains(voteEmoji, emoji) {
		return
	}
	if t.users[emoji] == nil {
		t.users[emoji] = map[string]bool{}
	}
	if removed {
		delete(t.users[emoji], userID)
	} else {
		t.users[emoji][userID] = true
	}
}

func (v *votes) snapshot() map[string]tracked {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string]tracked{}
	for id, t := range v.msgs {
		c := tracked{channel: t.channel, users: map[string]map[string]bool{}}
		for e, us := range t.users {
			c.users[e] = map[string]bool{}
			for u := range us {
				c.users[e][u] = true
			}
		}
		out[id] = c
	}
	return out
}

// WatchApproval watches a change-request message posted before a restart
// (bot.ApprovalWatcher): its ✅ and ❌ are read at the first READY and the
// reactions found are delivered as added. Call it before Run.
func (c *Chat) WatchApproval(channel, messageID string) {
	c.votes.track(messageID, channel)
	c.votes.mu.Lock()
	defer c.votes.mu.Unlock()
	c.votes.earlier[messageID] = true
}

// takeEarlier returns the messages WatchApproval registered and forgets
// them (they are re-read once, at the first READY).
func (v *votes) takeEarlier() map[string]bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	e := v.earlier
	v.earlier = map[string]bool{}
	return e
}

// resync re-reads the ✅ and ❌ of the watched messages (only those in
// only, when it is not nil) and hands the handler the reactions added or
// removed while no session was open. It runs after a READY: for a session
// that replaced a lost one, on every watched message; for the first
// session, on the messages of requests pending from before a restart (the
// messages posted since are followed by the events of this session).
func (c *Chat) resync(only map[string]bool) {
	_, ctx := c.handler()
	watched := c.votes.snapshot()
	if only != nil {
		maps.DeleteFunc(watched, func(id string, _ tracked) bool { return !only[id] })
	}
	defer func() { c.log.Info().Int("messages", len(watched)).Msg("votes re-read") }()
	for msgID, t := range watched {
		for _, emoji := range voteEmoji {
			users, err := c.s.MessageReactions(t.channel, msgID, emoji, 100, "", "", discordgo.WithContext(ctx))
			if err != nil {
				c.log.Warn().Err(check(err, "read reactions")).Str("message", msgID).Msg("votes not re-read")
				continue
			}
			now := map[string]bool{}
			for _, u := range users {
				if u.ID == c.me() {
					continue
				}
				now[u.ID] = true
				if !t.users[emoji][u.ID] {
					c.log.Info().Str("message", msgID).Str("user", u.ID).Msg("reaction added during the gateway gap")
					c.react(discordgo.MessageReaction{UserID: u.ID, MessageID: msgID, ChannelID: t.channel,
						GuildID: c.cfg.GuildID, Emoji: discordgo.Emoji{Name: emoji}}, false)
				}
			}
			for u := range t.users[emoji] {
				if !now[u] {
					c.log.Info().Str("message", msgID).Str("user", u).Msg("reaction removed during the gateway gap")
					c.react(discordgo.MessageReaction{UserID: u, MessageID: msgID, ChannelID: t.channel,
						GuildID: c.cfg.GuildID, Emoji: discordgo.Emoji{Name: emoji}}, true)
				}
			}
		}
	}
}
