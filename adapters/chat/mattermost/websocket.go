package mattermost

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/anopex/opsbot/adapters/chat/internal/relay"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

// reactionEvent is a reaction_added or reaction_removed event.
type reactionEvent struct {
	UserID, PostID, ChannelID, Emoji string
	Removed                          bool
}

// parseMessage decodes one websocket message and returns its event type
// ("" for a reply such as {"status":"OK","seq_reply":1}) and, for a reaction
// event, the reaction, whose JSON arrives as a string inside the JSON.
func parseMessage(b []byte) (string, *reactionEvent, error) {
	var ev struct { // reference §5.2; a reply has no event
		Event     string         `json:"event"`
		Data      map[string]any `json:"data"`
		Broadcast struct {
			ChannelID string `json:"channel_id"`
		} `json:"broadcast"`
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return "", nil, fmt.Errorf("websocket message: %w", err)
	}
	typ := ev.Event
	if typ != "reaction_added" && typ != "reaction_removed" {
		return typ, nil, nil
	}
	raw, ok := ev.Data["reaction"].(string)
	if !ok {
		return typ, nil, fmt.Errorf("websocket %s: no reaction string", typ)
	}
	var r reaction
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return typ, nil, fmt.Errorf("websocket %s: reaction: %w", typ, err)
	}
	if r.UserID == "" || r.PostID == "" || r.EmojiName == "" {
		return typ, nil, fmt.Errorf("websocket %s: incomplete reaction", typ)
	}
	// Servers before channel_id in reactions name the channel in the broadcast.
	return typ, &reactionEvent{UserID: r.UserID, PostID: r.PostID, ChannelID: cmp.Or(r.ChannelID, ev.Broadcast.ChannelID),
		Emoji: r.EmojiName, Removed: typ == "reaction_removed"}, nil
}

// listen keeps a websocket open until ctx ends, reconnecting with
// exponential backoff and jitter (the delay starts again from MinBackoff
// after a connection that authenticated).
func (c *Chat) listen(ctx context.Context, h bot.Handler) {
	wait := c.cfg.MinBackoff
	for ctx.Err() == nil {
		connected, err := c.session(ctx, h)
		if ctx.Err() != nil {
			return
		}
		if connected {
			wait = c.cfg.MinBackoff
		}
		d := wait/2 + rand.N(wait/2+1)
		c.log.Warn().Err(err).Bool("was_connected", connected).Dur("retry_in", d).Msg("websocket down")
		wait = min(wait*2, c.cfg.MaxBackoff)
		if sleep(ctx, d) != nil {
			return
		}
	}
}

// session runs one websocket connection: dial, authentication challenge,
// hello, re-reading of the watched posts' reactions, then events until the
// connection fails or ctx ends. connected tells whether hello arrived. A
// panic in it is logged and becomes an error, so listen reconnects.
func (c *Chat) session(ctx context.Context, h bot.Handler) (connected bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			log := c.log
			bot.LogPanic(&log, p, "websocket session")
			err = fmt.Errorf("websocket session panicked: %v", p)
		}
	}()
	botID, err := c.BotID(ctx)
	if err != nil {
		return false, err
	}
	d := &websocket.Dialer{HandshakeTimeout: 10 * time.Second, Proxy: http.ProxyFromEnvironment}
	if tr, ok := c.cfg.HTTPClient.Transport.(*http.Transport); ok && tr.TLSClientConfig != nil {
		d.TLSClientConfig = tr.TLSClientConfig.Clone()
	}
	// http(s):// (New checked) becomes ws(s)://.
	wsURL := "ws" + strings.TrimPrefix(c.cfg.ServerURL, "http") + "/api/v4/websocket"
	conn, resp, err := d.DialContext(ctx, wsURL, nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return false, fmt.Errorf("websocket dial: %w", err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	conn.SetReadLimit(1 << 20)

	// The only action the bot ever sends. Never "presence": a connection
	// with an active channel stops receiving other channels' reactions.
	conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := conn.WriteJSON(map[string]any{"seq": 1, "action": "authentication_challenge",
		"data": map[string]string{"token": c.api.token}}); err != nil {
		return false, fmt.Errorf("websocket authentication: %w", err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			return false, fmt.Errorf("websocket authentication refused or unanswered: %w", err)
		}
		if typ, _, _ := parseMessage(b); typ == "hello" {
			break
		}
	}
	c.log.Info().Msg("websocket connected")
	c.up.Store(true)
	defer c.up.Store(false)
	c.resync(ctx, h, botID)

	conn.SetPingHandler(func(data string) error {
		conn.SetReadDeadline(time.Now().Add(c.cfg.PingTimeout))
		if err := conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(5*time.Second)); err != nil && !errors.Is(err, websocket.ErrCloseSent) {
			c.log.Debug().Err(err).Msg("websocket pong not sent")
		}
		return nil
	})
	for {
		conn.SetReadDeadline(time.Now().Add(c.cfg.PingTimeout))
		_, b, err := conn.ReadMessage()
		if err != nil {
			if ctx.Err() != nil {
				return true, nil
			}
			return true, fmt.Errorf("websocket read: %w", err)
		}
		_, re, err := parseMessage(b)
		if err != nil {
			c.log.Warn().Err(err).Msg("websocket message ignored")
			continue
		}
		if re == nil || re.UserID == botID {
			continue // not a reaction, or the bot's own
		}
		if c.watch.Observe(re.PostID, re.UserID, re.Emoji, re.Removed) {
			c.deliver(ctx, h, *re)
		}
	}
}

// deliver hands a reaction or a button click to h in its post's queue, so
// that the votes on one post reach the engine in the order they happened
// while votes on other posts go on in parallel. The person is resolved
// first; one who cannot be is dropped (fail closed).
func (c *Chat) deliver(ctx context.Context, h bot.Handler, re reactionEvent) {
	c.queue.Do(&c.wg, re.PostID, func() {
		log := c.log.With().Str("post", re.PostID).Str("user", re.UserID).Str("emoji", re.Emoji).Logger()
		defer relay.Recover(log, "reaction handler", bot.ReactionPanicText(c.cfg.Locale, ":"+re.Emoji+":", re.PostID),
			func(m bot.Message) error { return c.Direct(context.WithoutCancel(ctx), re.UserID, m) })
		p, err := c.person(ctx, re.UserID, true)
		if err != nil {
			c.log.Warn().Err(err).Str("user", re.UserID).Str("post", re.PostID).Msg("reaction dropped: user not resolved")
			return
		}
		h.React(ctx, bot.Reaction{Platform: Platform, Channel: re.ChannelID, MessageID: re.PostID, User: p,
			Emoji: voteEmoji(re.Emoji), Removed: re.Removed})
	})
}

// WatchApproval watches a change-request post made before a restart
// (bot.ApprovalWatcher): its reactions are read when the websocket connects
// and those found are delivered as added. Call it before Run.
func (c *Chat) WatchApproval(channel, postID string) { c.watch.Add(postID, channel) }

// resync re-reads the reactions of the watched change-request posts after a
// (re)connection (relay.Watch.Resync) and delivers the differences. A 429
// is waited out (Retry-After) and the same post asked again, so that no
// vote given meanwhile is lost.
func (c *Chat) resync(ctx context.Context, h bot.Handler, botID string) {
	c.watch.Resync(ctx, c.log, h, Platform, func(wp relay.Watched) ([]relay.Vote, error) {
		rs, err := c.reactions(ctx, wp.ID)
		var now []relay.Vote
		for _, r := range rs {
			if r.UserID != botID {
				now = append(now, relay.Vote{User: r.UserID, Emoji: r.EmojiName})
			}
		}
		return now, err
	}, func(wp relay.Watched, ch relay.Change) {
		c.deliver(ctx, h, reactionEvent{UserID: ch.User, PostID: wp.ID, ChannelID: wp.Channel, Emoji: ch.Emoji, Removed: ch.Removed})
	})
}

// maxRateLimited is how many 429 answers in a row reactions waits out for
// one post before giving up on it.
const maxRateLimited = 5

// reactions reads the reactions of postID, waiting out a 429 as the
// server says (Retry-After; else X-Ratelimit-Reset, the seconds until the
// limit resets; reference §1), from 1 s to a minute each time.
// API: GET /api/v4/posts/{post_id}/reactions
func (c *Chat) reactions(ctx context.Context, postID string) ([]reaction, error) {
	for i := 0; ; i++ {
		var rs []reaction
		h, err := c.api.do(ctx, "get reactions", http.MethodGet, "/posts/"+postID+"/reactions", nil, &rs)
		if bot.KindOf(err) != bot.RateLimited || i == maxRateLimited {
			return rs, err
		}
		d, _ := rest.WaitFor(h, []string{"X-Ratelimit-Reset"})
		d = min(max(d, time.Second), time.Minute)
		c.log.Warn().Str("post", postID).Dur("retry_in", d).Msg("rate limited while re-reading reactions")
		if err := sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}

// sleep waits d or until ctx ends, whose error it returns.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// voteEmoji is the emoji name a Mattermost reaction is handed to the engine
// as. Mattermost names a reaction by name only (reference §4) and a custom
// emoji may take any name but a system one's, so only the exact names the
// bot offers vote (and eyes acknowledges, ticket asks for a ticket); "check"
// or "cross_mark", which the engine's aliases would read as ✅ and ❌, are
// marked custom.
func voteEmoji(name string) string {
	switch name {
	case emojiApprove, emojiReject, emojiAck, emojiTicket:
		return name // the engine reads them as ✅, ❌, 👀 and 🎫
	}
	switch bot.NormalizeEmoji(name) {
	case bot.EmojiApprove, bot.EmojiReject, bot.EmojiAck, bot.EmojiTicket:
		return name + ":mattermost"
	}
	return name
}
