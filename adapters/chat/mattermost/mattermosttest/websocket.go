package mattermosttest

import (
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// wsConn is one authenticated websocket.
type wsConn struct {
	c             *websocket.Conn
	userID        string
	id            string
	wmu           sync.Mutex
	seq           int64  // next event sequence number, guarded by wmu
	activeChannel string // set by the "presence" action, guarded by Server.mu
	done          chan struct{}
}

func (c *wsConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.c.WriteJSON(v)
}

// event writes an event envelope numbered with the connection's sequence.
func (c *wsConn) event(name string, data map[string]any, b broadcastJSON) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	ev := eventJSON{Event: name, Data: data, Broadcast: b, Seq: c.seq}
	c.seq++
	c.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.c.WriteJSON(ev)
}

type eventJSON struct {
	Event     string         `json:"event"`
	Data      map[string]any `json:"data"`
	Broadcast broadcastJSON  `json:"broadcast"`
	Seq       int64          `json:"seq"`
}

type broadcastJSON struct {
	OmitUsers        map[string]bool `json:"omit_users"`
	UserID           string          `json:"user_id"`
	ChannelID        string          `json:"channel_id"`
	TeamID           string          `json:"team_id"`
	ConnectionID     string          `json:"connection_id"`
	OmitConnectionID string          `json:"omit_connection_id"`
}

type wsRequestJSON struct {
	Seq    int64          `json:"seq"`
	Action string         `json:"action"`
	Data   map[string]any `json:"data"`
}

type wsResponseJSON struct {
	Status   string         `json:"status"`
	SeqReply int64          `json:"seq_reply,omitempty"`
	Data     map[string]any `json:"data,omitempty"`
	Error    map[string]any `json:"error,omitempty"`
}

// websocket serves /api/v4/websocket: authentication by the Authorization
// header or by a first "authentication_challenge" message (a bad token closes
// the socket without a reply), then {"status":"OK","seq_reply":n}, the hello
// event, pings, and channel events for the user's channels.
func (s *Server) websocket(w http.ResponseWriter, r *http.Request) {
	userID, authed := s.userOfHeader(r.Header.Get("Authorization"))
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	conn := &wsConn{c: c, id: NewID(), done: make(chan struct{})}
	defer func() {
		s.mu.Lock()
		if s.conns[conn] {
			delete(s.conns, conn)
			s.notify()
		}
		s.mu.Unlock()
		close(conn.done)
		c.Close()
	}()
	c.SetReadLimit(1 << 20)
	var authSeq int64
	if !authed {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		var req wsRequestJSON
		if err := c.ReadJSON(&req); err != nil {
			return
		}
		s.recordAction(req.Action)
		tok, _ := req.Data["token"].(string)
		if req.Action != "authentication_challenge" || tok == "" {
			return
		}
		if userID, authed = s.userOfToken(tok); !authed {
			return
		}
		authSeq = req.Seq
		c.SetReadDeadline(time.Time{})
	}
	conn.userID = userID
	if authSeq > 0 {
		if conn.write(wsResponseJSON{Status: "OK", SeqReply: authSeq}) != nil {
			return
		}
	}
	if conn.event("hello", map[string]any{"connection_id": conn.id, "server_hostname": "mattermost-fake-0",
		"server_version": serverVersion}, broadcastJSON{UserID: userID}) != nil {
		return
	}
	s.mu.Lock()
	s.conns[conn] = true
	s.authCount++
	every := s.pingEvery
	s.notify()
	s.mu.Unlock()

	if every > 0 {
		go func() {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-conn.done:
					return
				case <-t.C:
					conn.wmu.Lock()
					err := c.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second))
					conn.wmu.Unlock()
					if err != nil {
						return
					}
				}
			}
		}()
	}
	for {
		var req wsRequestJSON
		if err := c.ReadJSON(&req); err != nil {
			return
		}
		s.recordAction(req.Action)
		switch req.Action {
		case "authentication_challenge": // ignored once authenticated
			continue
		case "presence":
			s.mu.Lock()
			if ch, ok := req.Data["channel_id"].(string); ok {
				conn.activeChannel = ch
			}
			s.mu.Unlock()
		}
		if conn.write(wsResponseJSON{Status: "OK", SeqReply: req.Seq}) != nil {
			return
		}
	}
}

func (s *Server) recordAction(a string) {
	s.mu.Lock()
	s.wsActions = append(s.wsActions, a)
	s.notify()
	s.mu.Unlock()
}

// broadcastLocked sends a channel event to the open connections of the
// channel's members. As with the WebSocketEventScope flag, reactions are not
// sent to a connection whose active channel (set by "presence") is another
// one. s.mu is held; writes happen outside the lock's critical path in
// goroutines ordered per connection.
func (s *Server) broadcastLocked(channelID, event string, data map[string]any) {
	for conn := range s.conns {
		if s.members[channelID][conn.userID] == "" {
			continue
		}
		if (event == "reaction_added" || event == "reaction_removed") && conn.activeChannel != "" && conn.activeChannel != channelID {
			continue
		}
		// Written while s.mu is held so that events reach each connection in
		// the order they happened; the write deadline bounds the wait.
		conn.event(event, data, broadcastJSON{ChannelID: channelID})
	}
}

// DropWebsockets closes every websocket abruptly (no close frame), as a
// network failure or a server restart would.
func (s *Server) DropWebsockets() {
	s.mu.Lock()
	conns := make([]*wsConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
		delete(s.conns, c)
	}
	s.notify()
	s.mu.Unlock()
	for _, c := range conns {
		c.c.NetConn().Close()
	}
}
