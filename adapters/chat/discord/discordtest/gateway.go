package discordtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway intents (reference §3).
const (
	intentGuilds                 = 1 << 0
	intentGuildMembers           = 1 << 1 // privileged
	intentGuildPresences         = 1 << 8 // privileged
	intentGuildMessageReactions  = 1 << 10
	intentDirectMessageReactions = 1 << 13
	intentMessageContent         = 1 << 15 // privileged
	privilegedIntents            = intentGuildMembers | intentGuildPresences | intentMessageContent
	knownIntents                 = 1<<26 - 1
)

// replayLimit bounds the dispatches kept per session for RESUME.
const replayLimit = 1000

type gateway struct {
	mu         sync.Mutex // guards the gateway state and orders every write
	sessions   map[string]*session
	conns      map[*conn]bool
	current    *session // the last session identified: where dispatches go
	identifies int
	resumes    int
	invalid    int // RESUME attempts answered with op 9
	closes     []int
}

// session is a gateway session: it outlives its connections while it is
// resumable, numbers its dispatches and keeps them for RESUME.
type session struct {
	id      string
	seq     int64
	intents int
	sent    []sent
	conn    *conn // the live connection, or nil
	valid   bool
}

type sent struct {
	seq   int64
	frame []byte
}

type conn struct {
	ws   *websocket.Conn
	sess *session
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveGateway runs one gateway connection: HELLO, then IDENTIFY or RESUME,
// heartbeats, until the connection ends.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws}
	s.gw.mu.Lock()
	s.gw.conns[c] = true
	hello := tpl("discord-gateway-hello.json")
	obj(hello, "d")["heartbeat_interval"] = s.opts.HeartbeatInterval.Milliseconds()
	err = s.write(c, hello)
	s.gw.mu.Unlock()
	if err != nil {
		ws.Close()
		return
	}
	code := s.readLoop(c)
	s.gw.mu.Lock()
	delete(s.gw.conns, c)
	s.gw.closes = append(s.gw.closes, code)
	if c.sess != nil && c.sess.conn == c {
		c.sess.conn = nil
		// Closing with 1000 or 1001 ends the session; any other code, or
		// a dropped connection, leaves it resumable (reference §2.4).
		if code == websocket.CloseNormalClosure || code == websocket.CloseGoingAway {
			c.sess.valid = false
		}
	}
	s.gw.mu.Unlock()
	ws.Close()
	s.notify()
}

// readLoop handles the client's frames and returns the close code it sent
// (0 when the connection dropped).
func (s *Server) readLoop(c *conn) int {
	for {
		_, raw, err := c.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return 0
		}
		if len(raw) > 4096 {
			s.closeWith(c, 4002, "payload too large")
			return 4002
		}
		var f struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			s.closeWith(c, 4002, "decode error")
			return 4002
		}
		switch f.Op {
		case 1: // heartbeat: d is the last sequence or null
			s.gw.mu.Lock()
			err = s.write(c, tpl("discord-gateway-heartbeat-ack.json"))
			s.gw.mu.Unlock()
		case 2:
			err = s.identify(c, f.D)
		case 6:
			err = s.resume(c, f.D)
		case 3, 4, 8: // presence, voice state, request members: accepted, ignored
		default:
			s.closeWith(c, 4001, "unknown opcode")
			return 4001
		}
		if err != nil {
			return 0
		}
	}
}

var errClosed = errors.New("gateway connection closed")

func (s *Server) checkToken(c *conn, token string) bool {
	if strings.TrimPrefix(token, "Bot ") != s.opts.Token {
		s.closeWith(c, 4004, "Authentication failed.")
		return false
	}
	return true
}

func (s *Server) identify(c *conn, d json.RawMessage) error {
	var id struct {
		Token   string `json:"token"`
		Intents *int   `json:"intents"`
	}
	if json.Unmarshal(d, &id) != nil || id.Intents == nil {
		s.closeWith(c, 4002, "decode error")
		return errClosed
	}
	if !s.checkToken(c, id.Token) {
		return errClosed
	}
	switch {
	case *id.Intents&^knownIntents != 0:
		s.closeWith(c, 4013, "Invalid intent(s).")
		return errClosed
	case *id.Intents&privilegedIntents != 0 && !s.opts.PrivilegedIntents:
		s.closeWith(c, 4014, "Disallowed intent(s).")
		return errClosed
	}
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if c.sess != nil {
		s.closeWithLocked(c, 4005, "Already authenticated.")
		return errClosed
	}
	var b [16]byte
	rand.Read(b[:])
	sess := &session{id: hex.EncodeToString(b[:]), intents: *id.Intents, conn: c, valid: true}
	s.gw.sessions[sess.id] = sess
	s.gw.current = sess
	s.gw.identifies++
	c.sess = sess

	ready := tpl("discord-gateway-ready.json")
	d2 := obj(ready, "d")
	d2["session_id"] = sess.id
	d2["resume_gateway_url"] = s.GatewayURL()
	obj(d2, "user")["id"] = AppID
	obj(d2, "application")["id"] = AppID
	d2["guilds"] = []any{map[string]any{"id": GuildID, "unavailable": true}}
	if err := s.dispatchLocked(sess, "READY", d2); err != nil {
		return err
	}
	if sess.intents&intentGuilds != 0 {
		if err := s.dispatchLocked(sess, "GUILD_CREATE", s.guildCreate()); err != nil {
			return err
		}
	}
	s.notify()
	return nil
}

// guildCreate builds the GUILD_CREATE payload from the seeded guild.
func (s *Server) guildCreate() map[string]any {
	g := tpl("discord-gateway-guild-create.json")["d"].(map[string]any)
	s.mu.Lock()
	defer s.mu.Unlock()
	g["id"] = GuildID
	roles := make([]any, 0, len(s.roles))
	for _, r := range s.roles {
		roles = append(roles, r)
	}
	g["roles"] = roles
	chans := make([]any, 0, len(s.channelOrder))
	for _, id := range s.channelOrder {
		chans = append(chans, s.channels[id])
	}
	g["channels"] = chans
	n := 0
	for _, u := range s.users {
		if !u.NotMember {
			n++
		}
	}
	g["member_count"] = n + 1
	return g
}

func (s *Server) resume(c *conn, d json.RawMessage) error {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if json.Unmarshal(d, &rs) != nil {
		s.closeWith(c, 4002, "decode error")
		return errClosed
	}
	if !s.checkToken(c, rs.Token) {
		return errClosed
	}
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	sess := s.gw.sessions[rs.SessionID]
	first := int64(0)
	if sess != nil && len(sess.sent) > 0 {
		first = sess.sent[0].seq
	}
	if sess == nil || !sess.valid || sess.conn != nil || rs.Seq > sess.seq || rs.Seq < first-1 {
		// The client then identifies again on this connection.
		s.gw.invalid++
		s.notify()
		return s.write(c, tpl("discord-gateway-invalid-session.json"))
	}
	s.gw.resumes++
	sess.conn = c
	c.sess = sess
	for _, f := range sess.sent {
		if f.seq > rs.Seq {
			if err := c.writeRaw(f.frame); err != nil {
				return err
			}
		}
	}
	s.notify()
	return s.dispatchLocked(sess, "RESUMED", map[string]any{})
}

// write sends one frame built from v; the caller holds s.gw.mu.
func (s *Server) write(c *conn, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.writeRaw(b)
}

func (c *conn) writeRaw(b []byte) error {
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (s *Server) closeWith(c *conn, code int, text string) {
	s.gw.mu.Lock()
	s.closeWithLocked(c, code, text)
	s.gw.mu.Unlock()
}

func (s *Server) closeWithLocked(c *conn, code int, text string) {
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.ws.NetConn().Close()
}

// dispatchLocked numbers an event in sess, keeps it for RESUME and sends it
// on the live connection; the caller holds s.gw.mu. A write error leaves
// the event in the replay buffer.
func (s *Server) dispatchLocked(sess *session, event string, d any) error {
	sess.seq++
	frame := map[string]any{"op": 0, "s": sess.seq, "t": event, "d": d}
	b, err := json.Marshal(frame)
	if err != nil {
		return err
	}
	sess.sent = append(sess.sent, sent{seq: sess.seq, frame: b})
	if len(sess.sent) > replayLimit {
		sess.sent = sess.sent[len(sess.sent)-replayLimit:]
	}
	if sess.conn == nil {
		return nil
	}
	return sess.conn.writeRaw(b)
}

// ErrNoSession is returned by the drivers when no bot has identified.
var ErrNoSession = errors.New("discordtest: no gateway session (the bot has not connected)")

// dispatch sends an event to the bot's session if its intents allow it
// (intent 0 means always delivered, like INTERACTION_CREATE). While the
// bot is disconnected the event waits in the session's replay buffer.
func (s *Server) dispatch(event string, intent int, d any) error {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	sess := s.gw.current
	if sess == nil || !sess.valid {
		return ErrNoSession
	}
	if intent != 0 && sess.intents&intent == 0 {
		return nil
	}
	if err := s.dispatchLocked(sess, event, d); err != nil && sess.conn != nil {
		// The connection is going away; the event waits for RESUME.
		return nil
	}
	return nil
}

// Connected reports whether a bot session has a live connection.
func (s *Server) Connected() bool {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.current != nil && s.gw.current.valid && s.gw.current.conn != nil
}

// GatewayStats counts what happened on the gateway.
type GatewayStats struct {
	Identifies int   // sessions started
	Resumes    int   // sessions resumed
	Invalid    int   // RESUME attempts answered with INVALID_SESSION
	Closes     []int // close codes the client sent, 0 for a dropped connection
	Intents    int   // the intents of the current session
}

// Gateway returns the gateway counters.
func (s *Server) Gateway() GatewayStats {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	st := GatewayStats{Identifies: s.gw.identifies, Resumes: s.gw.resumes, Invalid: s.gw.invalid,
		Closes: append([]int(nil), s.gw.closes...)}
	if s.gw.current != nil {
		st.Intents = s.gw.current.intents
	}
	return st
}

// Reconnect sends RECONNECT (op 7) on the bot's connection: the client
// should close it and RESUME on a new one.
func (s *Server) Reconnect() error {
	return s.onLive(func(c *conn) error { return s.write(c, tpl("discord-gateway-reconnect.json")) })
}

// InvalidateSession ends the bot's session and sends INVALID_SESSION with
// d=false: the client must IDENTIFY again; events of the old session are lost.
func (s *Server) InvalidateSession() error {
	return s.onLive(func(c *conn) error {
		c.sess.valid = false
		c.sess.conn = nil
		c.sess = nil
		return s.write(c, tpl("discord-gateway-invalid-session.json"))
	})
}

// Drop cuts the bot's connection without a close frame; the session stays
// resumable.
func (s *Server) Drop() error {
	return s.onLive(func(c *conn) error { return c.ws.NetConn().Close() })
}

// CloseGateway closes the bot's connection with code (4000 unknown error,
// 4009 session timed out…). Codes after which Discord does not resume a
// session (4004, 4009 to 4014) end it at once: events dispatched before
// the client identifies again are lost.
func (s *Server) CloseGateway(code int) error {
	return s.onLive(func(c *conn) error {
		if code == 4004 || (code >= 4009 && code <= 4014) {
			c.sess.valid = false
		}
		s.closeWithLocked(c, code, "")
		return nil
	})
}

// Heartbeat asks the client for an immediate heartbeat (op 1).
func (s *Server) Heartbeat() error {
	return s.onLive(func(c *conn) error { return s.write(c, map[string]any{"op": 1, "d": nil}) })
}

func (s *Server) onLive(f func(c *conn) error) error {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	sess := s.gw.current
	if sess == nil || sess.conn == nil {
		return ErrNoSession
	}
	return f(sess.conn)
}
