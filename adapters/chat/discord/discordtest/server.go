// Package discordtest is an in-memory fake Discord speaking the protocol of
// reference/chat/discord.md, as discordgo v0.29.0 uses it: REST under
// /api/v9 (and /api/v10) with "Authorization: Bot <token>", Discord's JSON
// error bodies and rate-limit headers, and the gateway websocket (HELLO,
// IDENTIFY, READY, GUILD_CREATE, heartbeats, RESUME with replay, RECONNECT,
// INVALID_SESSION, dispatches numbered per session).
//
// It shares no type with the adapter. Tests seed it (AddUser, AddRole,
// AddChannel), drive it as people and Discord would (Slash, Autocomplete,
// React, Unreact, Reconnect, InvalidateSession, Drop, RateLimitNext) and read
// what the bot did (Commands, Interaction, Messages, Requests), waiting for a
// state with Wait instead of sleeping. Every body and frame is built from the
// reference payloads embedded in payloads/.
package discordtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
)

// IDs of the seeded guild, from the reference payloads.
const (
	DefaultToken     = "test-token"
	AppID            = "1233445566778899001" // the application, and the bot user
	GuildID          = "1187001122334455667"
	ApprovalsChannel = "1187001122334455670"
	AlertsChannel    = "1187001122334455671"
	RoleTreasurer    = "1187001122334455700"
	RolePresident    = "1187001122334455701"
	RoleAdmin        = "1187001122334455702"
)

// Options tunes a fake. The zero value is Discord's behaviour with token
// DefaultToken and a one-second heartbeat.
type Options struct {
	// Token is the bot token the fake accepts (without "Bot ").
	Token string
	// HeartbeatInterval is announced in HELLO (default 1 s).
	HeartbeatInterval time.Duration
	// InteractionDeadline is how long after its dispatch an interaction
	// may be acknowledged (Discord: 3 s).
	InteractionDeadline time.Duration
	// TokenLifetime is how long an interaction token serves follow-ups
	// and edits (Discord: 15 min).
	TokenLifetime time.Duration
	// PrivilegedIntents lets IDENTIFY ask for privileged intents; without
	// it the gateway closes with 4014 like an app that has not enabled them.
	PrivilegedIntents bool
	// Now is the clock of the deadlines (default time.Now).
	Now func() time.Time
}

// User is a guild member (or a user outside the guild when NotMember).
type User struct {
	ID       string
	Username string
	Nick     string
	Roles    []string // role IDs
	Bot      bool
	// DMClosed makes messages to the user's DM channel fail with 50007.
	DMClosed bool
	// NotMember leaves the user out of the guild's members.
	NotMember bool
}

// File is an attachment the bot sent.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// Message is a message the bot created: in a channel, as an interaction's
// original response or as a follow-up.
type Message struct {
	ID          string
	ChannelID   string
	Author      string // user ID
	Content     string
	ReplyTo     string // message_reference.message_id
	Flags       int    // 64: ephemeral
	Attachments []File
	Interaction string // the interaction ID for originals and follow-ups
	Edited      bool
	// Reactions maps an emoji ("✅", "name:id") to the users who reacted.
	Reactions map[string][]string
	At        time.Time
}

// Ephemeral reports whether only the interaction's user sees the message.
func (m Message) Ephemeral() bool { return m.Flags&64 != 0 }

// Callback is the initial response to an interaction.
type Callback struct {
	Type    int // 4 message, 5 deferred, 8 autocomplete
	Flags   int
	Content string
	Choices []Choice
	At      time.Time
}

// Choice is one autocomplete suggestion.
type Choice struct {
	Name  string
	Value string
}

// Interaction is an interaction the fake dispatched and what the bot did
// with it.
type Interaction struct {
	ID        string
	Token     string
	Type      int // 2 command, 4 autocomplete
	UserID    string
	ChannelID string
	Path      string // "mail forward add"
	SentAt    time.Time
	Callback  *Callback
	Original  *Message // the response message, once deferred or sent
	Followups []Message
}

// Request is one REST request the bot sent, without its Authorization header.
type Request struct {
	Method      string
	Path        string // escaped path, with /api/v9
	Query       string
	ContentType string
	Body        []byte
}

// Server is a fake Discord. Its methods are safe for concurrent use.
type Server struct {
	// Fault injects latency, 5xx and hangs in front of every REST route.
	Fault *faulttest.Injector

	opts Options
	srv  *httptest.Server

	mu           sync.Mutex
	changed      chan struct{} // closed and replaced on every state change
	next         int64         // the last snowflake given
	guildName    string
	roles        []map[string]any
	channels     map[string]map[string]any
	channelOrder []string
	users        map[string]*User
	dms          map[string]string // user ID → DM channel ID
	messages     map[string]*Message
	msgOrder     []string
	interactions map[string]*Interaction
	commands     []any  // the registered commands as stored (with ids)
	commandsBody []byte // the last bulk-overwrite body, as sent
	requests     []Request
	limited      []rateLimit

	gw gateway
}

type rateLimit struct {
	n     int
	match string
	after time.Duration
}

// New starts a fake Discord on loopback with the reference's guild (roles
// Treasurer, President and Admin, channels approvals and alerts) and no
// member. Close it with Close (tests: t.Cleanup(s.Close)).
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = time.Second
	}
	if opts.InteractionDeadline <= 0 {
		opts.InteractionDeadline = 3 * time.Second
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = 15 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		Fault:        &faulttest.Injector{},
		opts:         opts,
		changed:      make(chan struct{}),
		channels:     map[string]map[string]any{},
		users:        map[string]*User{},
		dms:          map[string]string{},
		messages:     map[string]*Message{},
		interactions: map[string]*Interaction{},
	}
	s.gw.sessions = map[string]*session{}
	s.gw.conns = map[*conn]bool{}
	g := tpl("discord-gateway-guild-create.json")["d"].(map[string]any)
	s.guildName, _ = g["name"].(string)
	for _, r := range g["roles"].([]any) {
		s.roles = append(s.roles, r.(map[string]any))
	}
	for _, c := range g["channels"].([]any) {
		ch := c.(map[string]any)
		id := ch["id"].(string)
		ch["guild_id"] = GuildID
		s.channels[id] = ch
		s.channelOrder = append(s.channelOrder, id)
	}
	mux := http.NewServeMux()
	s.routes(mux)
	rest := s.Fault.Wrap(s.limit(mux))
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			s.serveGateway(w, r) // the gateway is not behind the REST faults
			return
		}
		s.record(r)
		rest.ServeHTTP(w, r)
	}))
	return s
}

// SeedDemo adds the two members of the reference payloads: alice.w
// (Treasurer) and bob.k (President).
func (s *Server) SeedDemo() {
	s.AddUser(User{ID: "402211334455667788", Username: "alice.w", Roles: []string{RoleTreasurer}})
	s.AddUser(User{ID: "402211334455667799", Username: "bob.k", Nick: "Bob (President)", Roles: []string{RolePresident}})
}

// Close closes every gateway connection and stops the server.
func (s *Server) Close() {
	s.gw.mu.Lock()
	for c := range s.gw.conns {
		c.ws.NetConn().Close()
	}
	s.gw.mu.Unlock()
	s.srv.Close()
}

// URL returns the base URL of the REST API and the gateway, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.srv.URL }

// GatewayURL returns the websocket URL GET /gateway answers.
func (s *Server) GatewayURL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") }

// Token returns the bot token the fake accepts.
func (s *Server) Token() string { return s.opts.Token }

// AddUser adds or replaces a user.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.Username == "" {
		u.Username = "user" + u.ID
	}
	u.Roles = slices.Clone(u.Roles)
	s.users[u.ID] = &u
	s.touch()
}

// AddRole adds a guild role.
func (s *Server) AddRole(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := tpl("discord-gateway-guild-create.json")["d"].(map[string]any)["roles"].([]any)[1].(map[string]any)
	r["id"], r["name"], r["position"] = id, name, float64(len(s.roles))
	s.roles = append(s.roles, r)
	s.touch()
}

// AddChannel adds a guild text channel.
func (s *Server) AddChannel(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := tpl("discord-gateway-guild-create.json")["d"].(map[string]any)["channels"].([]any)[0].(map[string]any)
	ch["id"], ch["name"], ch["guild_id"] = id, name, GuildID
	s.channels[id] = ch
	s.channelOrder = append(s.channelOrder, id)
	s.touch()
}

// RateLimitNext makes the next n REST requests whose path contains match
// answer 429 with the reference's headers and body, retry_after = after.
func (s *Server) RateLimitNext(n int, match string, after time.Duration) {
	s.mu.Lock()
	s.limited = append(s.limited, rateLimit{n: n, match: match, after: after})
	s.mu.Unlock()
}

// Wait returns when cond holds or ctx ends. cond is checked after every
// change of the fake's state; it may call the fake's getters.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// touch wakes the waiters; the caller holds s.mu.
func (s *Server) touch() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// notify wakes the waiters.
func (s *Server) notify() {
	s.mu.Lock()
	s.touch()
	s.mu.Unlock()
}

// snowflake returns a new ID; the caller holds s.mu.
// snowflake returns a new ID shaped like Discord's: milliseconds since the
// Discord epoch (2015-01-01) shifted left by 22 bits, so that, as on
// Discord, IDs grow with time and a fake started again later (a restarted
// bot's tests, the same data file) never hands out an ID it gave before.
// Within one fake they strictly increase. s.mu is held.
func (s *Server) snowflake() string {
	const discordEpoch = 1420070400000
	s.next = max(s.next+1, (s.opts.Now().UnixMilli()-discordEpoch)<<22)
	return strconv.FormatInt(s.next, 10)
}

func (s *Server) record(r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
		ContentType: r.Header.Get("Content-Type"), Body: body})
	s.touch()
	s.mu.Unlock()
}

// Requests returns every REST request received, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Commands returns the body of the last bulk overwrite of the guild's
// commands exactly as the bot sent it, or nil.
func (s *Server) Commands() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commandsBody)
}

// Messages returns the messages posted in channelID ("" for every
// channel, including interaction responses), oldest first.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, id := range s.msgOrder {
		m := s.messages[id]
		if channelID == "" || m.ChannelID == channelID {
			out = append(out, m.clone())
		}
	}
	return out
}

// Message returns one message.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok {
		return Message{}, false
	}
	return m.clone(), true
}

// DMs returns the messages the bot sent to userID privately.
func (s *Server) DMs(userID string) []Message {
	s.mu.Lock()
	ch := s.dms[userID]
	s.mu.Unlock()
	if ch == "" {
		return nil
	}
	return s.Messages(ch)
}

// DMChannel returns the DM channel of userID, if the bot opened one.
func (s *Server) DMChannel(userID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.dms[userID]
	return ch, ok
}

// Interaction returns what became of interaction id.
func (s *Server) Interaction(id string) (Interaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.interactions[id]
	if !ok {
		return Interaction{}, false
	}
	out := *in
	if in.Callback != nil {
		cb := *in.Callback
		cb.Choices = slices.Clone(cb.Choices)
		out.Callback = &cb
	}
	if in.Original != nil {
		o := s.messages[in.Original.ID].clone()
		out.Original = &o
	}
	out.Followups = nil
	for _, f := range in.Followups {
		out.Followups = append(out.Followups, s.messages[f.ID].clone())
	}
	return out, true
}

func (m *Message) clone() Message {
	c := *m
	c.Attachments = slices.Clone(m.Attachments)
	c.Reactions = map[string][]string{}
	for k, v := range m.Reactions {
		c.Reactions[k] = slices.Clone(v)
	}
	return c
}

// limit answers the scripted 429s of RateLimitNext, and puts the
// reference's rate-limit headers on every other answer.
func (s *Server) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		var hit *rateLimit
		for i := range s.limited {
			if s.limited[i].n > 0 && strings.Contains(r.URL.Path, s.limited[i].match) {
				s.limited[i].n--
				hit = &s.limited[i]
				break
			}
		}
		var after time.Duration
		if hit != nil {
			after = hit.after
		}
		s.mu.Unlock()
		h := w.Header()
		h.Set("X-RateLimit-Bucket", "80c17d2f203122d936070c88c8d10f33")
		h.Set("X-RateLimit-Limit", "5")
		if hit == nil {
			h.Set("X-RateLimit-Remaining", "4")
			h.Set("X-RateLimit-Reset-After", "1.000")
			h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(time.Second).UnixMilli())/1000, 'f', 3, 64))
			next.ServeHTTP(w, r)
			return
		}
		secs := after.Seconds()
		h.Set("Retry-After", strconv.Itoa(int(secs+0.999)))
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(after).UnixMilli())/1000, 'f', 3, 64))
		h.Set("X-RateLimit-Scope", "user")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": false})
	})
}
