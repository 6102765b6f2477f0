// Package mattermosttest is an in-memory fake Mattermost server speaking the
// real protocol of reference/chat/mattermost.md: REST under /api/v4 (posts,
// reactions, direct channels, files, commands, users, team and channel
// members) with Bearer authentication and AppError bodies, the command
// webhooks under /hooks/commands, the websocket /api/v4/websocket with its
// authentication challenge, hello and channel-scoped events, and the
// outgoing requests Mattermost makes to a bot: the form-encoded slash-command
// POST and the JSON button-action POST.
//
// It shares no type with the adapter. Tests seed it (AddUser, AddChannel,
// AddCommand…), drive it as a person would (Slash, Click, React, Unreact,
// DropWebsockets) and read what the bot did (Posts, Reactions, Ephemerals,
// WebsocketActions), waiting for a state with Wait instead of sleeping.
package mattermosttest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
)

// Server is a fake Mattermost. Its methods are safe for concurrent use.
type Server struct {
	// Fault injects latency and failures in front of every route.
	Fault *faulttest.Injector

	srv *httptest.Server
	out *http.Client // outgoing slash-command and action requests

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced on every state change
	team        teamJSON
	users       map[string]*userJSON
	tokens      map[string]string // access token → user ID
	teamMembers map[string]string // user ID → team roles
	channels    map[string]*channelJSON
	members     map[string]map[string]string // channel ID → user ID → channel roles
	posts       map[string]*postJSON
	postOrder   []string
	reactions   []reactionJSON
	files       map[string]*file
	commands    map[string]*commandJSON
	hooks       map[string]*hook
	ephemerals  []Ephemeral
	emoji       map[string]bool
	conns       map[*wsConn]bool
	authCount   int
	wsActions   []string
	limited     int // next requests answered 429 by the rate limiter
	pingEvery   time.Duration
	now         func() time.Time
}

// New starts a fake Mattermost on loopback with one team ("association") and
// no user. Close it with Close (tests: t.Cleanup(s.Close)).
func New() *Server {
	s := &Server{
		Fault: &faulttest.Injector{},
		// OutgoingIntegrationRequestsTimeout defaults to 30 s; connections to
		// the bot are kept alive as a long-running server's would be.
		out:         &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 200, MaxIdleConnsPerHost: 200, IdleConnTimeout: 90 * time.Second}},
		changed:     make(chan struct{}),
		team:        teamJSON{ID: NewID(), Name: "association", DisplayName: "Association"},
		users:       map[string]*userJSON{},
		tokens:      map[string]string{},
		teamMembers: map[string]string{},
		channels:    map[string]*channelJSON{},
		members:     map[string]map[string]string{},
		posts:       map[string]*postJSON{},
		files:       map[string]*file{},
		commands:    map[string]*commandJSON{},
		hooks:       map[string]*hook{},
		emoji:       map[string]bool{},
		conns:       map[*wsConn]bool{},
		pingEvery:   30 * time.Second,
		now:         time.Now,
	}
	for _, e := range systemEmoji {
		s.emoji[e] = true
	}
	s.srv = httptest.NewServer(s.Fault.Wrap(s.rateLimit(s.routes())))
	return s
}

// URL returns the server's base URL ("http://127.0.0.1:PORT"), which is also
// its SiteURL.
func (s *Server) URL() string { return s.srv.URL }

// WebsocketURL returns the ws:// form of URL.
func (s *Server) WebsocketURL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") }

// Close drops every websocket and stops the server.
func (s *Server) Close() {
	s.DropWebsockets()
	s.out.CloseIdleConnections()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// TeamID returns the ID of the team.
func (s *Server) TeamID() string { return s.team.ID }

// SetOutgoingTimeout sets how long the server waits for the bot's answer to a
// slash command or a button click (Mattermost's default is 30 s).
func (s *Server) SetOutgoingTimeout(d time.Duration) {
	s.mu.Lock()
	s.out.Timeout = d
	s.mu.Unlock()
}

// SetPingInterval sets how often the server pings each websocket (default
// 30 s; 0 stops the pings).
func (s *Server) SetPingInterval(d time.Duration) {
	s.mu.Lock()
	s.pingEvery = d
	s.mu.Unlock()
}

// SetNow replaces the clock used for timestamps and hook expiry.
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// RateLimitNext makes the next n REST requests hit Mattermost's rate
// limiter: 429 with a plain-text "limit exceeded" body and the
// X-Ratelimit-* headers (reference §1). The limiter is off by default, as on
// a real server.
func (s *Server) RateLimitNext(n int) {
	s.mu.Lock()
	s.limited = n
	s.mu.Unlock()
}

func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		limited := s.limited > 0 && strings.HasPrefix(r.URL.Path, "/api/v4/") && r.URL.Path != "/api/v4/websocket"
		if limited {
			s.limited--
		}
		s.mu.Unlock()
		if !limited {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("X-Ratelimit-Limit", "10")
		w.Header().Set("X-Ratelimit-Remaining", "0")
		w.Header().Set("X-Ratelimit-Reset", "1")
		// The server's limiter (throttled's HTTPRateLimiter) also sets
		// Retry-After, in seconds, on a 429 [UNCONFIRMED in reference §1].
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte("limit exceeded\n"))
	})
}

// idAlphabet is Mattermost's: 26 lower-case letters and digits.
const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewID returns a fresh 26-character Mattermost-style ID.
func NewID() string {
	var b [26]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b[:])
}

// UserOptions describes a seeded user.
type UserOptions struct {
	FirstName, LastName string
	SystemRoles         string // "system_user" when empty; "system_user system_admin" for an admin
	TeamRoles           string // "team_user" when empty; "-" for a user outside the team
	Bot                 bool
}

// AddUser creates a user in the team and returns their ID and a personal
// access token for them.
func (s *Server) AddUser(username string, o UserOptions) (id, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.SystemRoles == "" {
		o.SystemRoles = "system_user"
	}
	if o.TeamRoles == "" {
		o.TeamRoles = "team_user"
	}
	now := s.millis()
	u := &userJSON{ID: NewID(), CreateAt: now, UpdateAt: now, Username: strings.ToLower(username),
		Email: strings.ToLower(username) + "@example.org", FirstName: o.FirstName, LastName: o.LastName,
		Roles: o.SystemRoles, Locale: "fr", IsBot: o.Bot,
		Timezone: map[string]string{"automaticTimezone": "Europe/Paris", "manualTimezone": "", "useAutomaticTimezone": "true"}}
	s.users[u.ID] = u
	if o.TeamRoles != "-" {
		s.teamMembers[u.ID] = o.TeamRoles
	}
	token = NewID()
	s.tokens[token] = u.ID
	s.notify()
	return u.ID, token
}

// SetTeamRoles replaces a user's team roles ("team_user team_admin").
func (s *Server) SetTeamRoles(userID, roles string) {
	s.mu.Lock()
	s.teamMembers[userID] = roles
	s.notify()
	s.mu.Unlock()
}

// RevokeTokens invalidates every access token of userID.
func (s *Server) RevokeTokens(userID string) {
	s.mu.Lock()
	for t, u := range s.tokens {
		if u == userID {
			delete(s.tokens, t)
		}
	}
	s.mu.Unlock()
}

// AddChannel creates an open channel of the team and returns its ID.
func (s *Server) AddChannel(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.millis()
	c := &channelJSON{ID: NewID(), CreateAt: now, UpdateAt: now, TeamID: s.team.ID, Type: "O", Name: name, DisplayName: name}
	s.channels[c.ID] = c
	s.members[c.ID] = map[string]string{}
	return c.ID
}

// Join makes the users members of a channel.
func (s *Server) Join(channelID string, userIDs ...string) {
	s.mu.Lock()
	for _, u := range userIDs {
		s.members[channelID][u] = "channel_user"
	}
	s.notify()
	s.mu.Unlock()
}

// AddCustomEmoji makes name a known emoji for reactions. Like Mattermost
// (model.IsValidEmojiName: "model.emoji.system_emoji_name.app_error"), it
// refuses the name of a system emoji: a custom emoji can be named "check"
// or "cross_mark", never "white_check_mark".
func (s *Server) AddCustomEmoji(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Contains(systemEmoji, name) {
		return fmt.Errorf("mattermosttest: custom emoji %q: a system emoji has that name", name)
	}
	s.emoji[name] = true
	return nil
}

// millis returns the clock in Unix milliseconds; s.mu is held.
func (s *Server) millis() int64 { return s.now().UnixMilli() }

// notify wakes every Wait; s.mu is held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Wait blocks until cond, called with the server locked, returns true, or
// until ctx ends (then it returns ctx's error). Tests use it instead of
// sleeping: every change of state re-evaluates cond.
func (s *Server) Wait(ctx context.Context, cond func(v View) bool) error {
	for {
		s.mu.Lock()
		ok := cond(View{s})
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// View reads the server's state inside Wait.
type View struct{ s *Server }

// Posts returns every post, oldest first.
func (v View) Posts() []Post { return v.s.postsLocked() }

// Ephemerals returns the ephemeral messages shown to userID, oldest first.
func (v View) Ephemerals(userID string) []Ephemeral { return v.s.ephemeralsLocked(userID) }

// Reactions returns the reactions on postID.
func (v View) Reactions(postID string) []Reaction { return v.s.reactionsLocked(postID) }

// Authentications returns how many websocket connections have authenticated so far.
func (v View) Authentications() int { return v.s.authCount }

// Connections returns how many authenticated websockets are open.
func (v View) Connections() int { return len(v.s.conns) }

// DirectChannel returns the ID of the direct channel between two users, if it exists.
func (v View) DirectChannel(a, b string) (string, bool) { return v.s.directChannelLocked(a, b) }

// Post is a post as the fake recorded it.
type Post struct {
	ID        string
	ChannelID string
	UserID    string
	RootID    string
	Message   string
	Props     map[string]any
	FileIDs   []string
}

// Ephemeral is a message only one user saw: a slash command's answer, a
// delayed answer through response_url, or a button's ephemeral_text.
type Ephemeral struct {
	UserID    string
	ChannelID string
	Text      string
}

// Reaction is an emoji on a post.
type Reaction struct {
	UserID    string
	PostID    string
	EmojiName string
}

// Posts returns every post, oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.postsLocked()
}

func (s *Server) postsLocked() []Post {
	out := make([]Post, 0, len(s.postOrder))
	for _, id := range s.postOrder {
		p := s.posts[id]
		var props map[string]any
		if len(p.Props) > 0 {
			json.Unmarshal(p.Props, &props)
		}
		out = append(out, Post{ID: p.ID, ChannelID: p.ChannelID, UserID: p.UserID, RootID: p.RootID,
			Message: p.Message, Props: props, FileIDs: append([]string(nil), p.FileIDs...)})
	}
	return out
}

// Ephemerals returns the ephemeral messages shown to userID.
func (s *Server) Ephemerals(userID string) []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ephemeralsLocked(userID)
}

func (s *Server) ephemeralsLocked(userID string) []Ephemeral {
	var out []Ephemeral
	for _, e := range s.ephemerals {
		if e.UserID == userID {
			out = append(out, e)
		}
	}
	return out
}

// Reactions returns the reactions on postID.
func (s *Server) Reactions(postID string) []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reactionsLocked(postID)
}

func (s *Server) reactionsLocked(postID string) []Reaction {
	var out []Reaction
	for _, r := range s.reactions {
		if r.PostID == postID {
			out = append(out, Reaction{UserID: r.UserID, PostID: r.PostID, EmojiName: r.EmojiName})
		}
	}
	return out
}

// File returns an uploaded file's name and content.
func (s *Server) File(id string) (name string, data []byte, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[id]
	if !ok {
		return "", nil, false
	}
	return f.info.Name, append([]byte(nil), f.data...), true
}

// DirectChannel returns the ID of the direct channel between two users, if it exists.
func (s *Server) DirectChannel(a, b string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.directChannelLocked(a, b)
}

func (s *Server) directChannelLocked(a, b string) (string, bool) {
	name := directName(a, b)
	for _, c := range s.channels {
		if c.Type == "D" && c.Name == name {
			return c.ID, true
		}
	}
	return "", false
}

// WebsocketActions returns the actions every client sent on its websocket,
// in order ("authentication_challenge", "presence"…).
func (s *Server) WebsocketActions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.wsActions...)
}

func directName(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "__" + b
}

// systemEmoji are the system emoji names the fake knows (a subset of
// Mattermost's list, with the aliases the bot may meet).
var systemEmoji = []string{
	"white_check_mark", "heavy_check_mark", "ballot_box_with_check", "x", "negative_squared_cross_mark",
	"heavy_multiplication_x", "+1", "thumbsup", "-1", "thumbsdown", "eyes", "smile", "tada", "heart",
	"warning", "no_entry", "hourglass", "ticket",
}
