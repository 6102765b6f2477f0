package discordtest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// These tests speak the protocol by hand (plain HTTP and websocket), so the
// fake is checked against the reference, not against the adapter.

type frame struct {
	Op int             `json:"op"`
	S  *int64          `json:"s"`
	T  string          `json:"t"`
	D  json.RawMessage `json:"d"`
}

func dial(t *testing.T, s *Server) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(s.GatewayURL()+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	if f := read(t, ws); f.Op != 10 {
		t.Fatalf("first frame op %d, want HELLO (10)", f.Op)
	}
	return ws
}

func read(t *testing.T, ws *websocket.Conn) frame {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var f frame
	if err := ws.ReadJSON(&f); err != nil {
		t.Fatalf("read: %v", err)
	}
	return f
}

func send(t *testing.T, ws *websocket.Conn, op int, d any) {
	t.Helper()
	if err := ws.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		t.Fatal(err)
	}
}

func closeCode(t *testing.T, ws *websocket.Conn) int {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return 0
		}
	}
}

func identify(t *testing.T, ws *websocket.Conn, token string, intents int) {
	t.Helper()
	send(t, ws, 2, map[string]any{"token": token, "intents": intents, "properties": map[string]any{"$os": "linux"}})
}

func TestIdentify(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	tests := []struct {
		name    string
		token   string
		intents int
		close   int
	}{
		{"bad token", "Bot nope", 13313, 4004},
		{"privileged intent", "Bot " + DefaultToken, 13313 | intentMessageContent, 4014},
		{"unknown intent", "Bot " + DefaultToken, 1 << 30, 4013},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := dial(t, s)
			identify(t, ws, tt.token, tt.intents)
			if got := closeCode(t, ws); got != tt.close {
				t.Errorf("close code %d, want %d", got, tt.close)
			}
		})
	}
	t.Run("ready", func(t *testing.T) {
		ws := dial(t, s)
		identify(t, ws, "Bot "+DefaultToken, 13313)
		ready := read(t, ws)
		var d struct {
			SessionID string `json:"session_id"`
			User      struct{ ID string }
		}
		json.Unmarshal(ready.D, &d)
		if ready.T != "READY" || *ready.S != 1 || d.SessionID == "" || d.User.ID != AppID {
			t.Errorf("READY = %+v %s", ready, ready.D)
		}
		g := read(t, ws)
		if g.T != "GUILD_CREATE" || *g.S != 2 || !strings.Contains(string(g.D), `"permissions":"8"`) {
			t.Errorf("GUILD_CREATE = %s", g.D)
		}
		send(t, ws, 1, 2)
		if ack := read(t, ws); ack.Op != 11 {
			t.Errorf("heartbeat answered with op %d, want 11", ack.Op)
		}
	})
}

func TestResumeReplaysMissedDispatches(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.SeedDemo()
	ws := dial(t, s)
	identify(t, ws, "Bot "+DefaultToken, 13313)
	var ready struct {
		SessionID string `json:"session_id"`
	}
	json.Unmarshal(read(t, ws).D, &ready)
	read(t, ws) // GUILD_CREATE, s=2
	msg := post(t, s, ApprovalsChannel, `{"content":"Demande n°1"}`)

	ws.NetConn().Close() // dropped, no close frame: resumable
	if err := s.Wait(t.Context(), func() bool { return !s.Connected() }); err != nil {
		t.Fatal(err)
	}
	if err := s.React("402211334455667788", ApprovalsChannel, msg, "✅"); err != nil {
		t.Fatal(err)
	}
	ws2 := dial(t, s)
	send(t, ws2, 6, map[string]any{"token": "Bot " + DefaultToken, "session_id": ready.SessionID, "seq": 2})
	replay := read(t, ws2)
	if replay.T != "MESSAGE_REACTION_ADD" || *replay.S != 3 || !strings.Contains(string(replay.D), `"roles":["1187001122334455700"]`) {
		t.Errorf("replayed %s s=%v %s", replay.T, replay.S, replay.D)
	}
	if r := read(t, ws2); r.T != "RESUMED" || *r.S != 4 {
		t.Errorf("after the replay: %s s=%v", r.T, r.S)
	}
	if st := s.Gateway(); st.Resumes != 1 || st.Identifies != 1 {
		t.Errorf("stats = %+v", st)
	}

	ws3 := dial(t, s)
	send(t, ws3, 6, map[string]any{"token": "Bot " + DefaultToken, "session_id": "unknown", "seq": 2})
	if f := read(t, ws3); f.Op != 9 || string(f.D) != "false" {
		t.Errorf("RESUME of an unknown session answered %+v, want op 9 false", f)
	}
	identify(t, ws3, "Bot "+DefaultToken, 13313) // discordgo identifies on the same socket
	if f := read(t, ws3); f.T != "READY" {
		t.Errorf("IDENTIFY after op 9 answered %+v", f)
	}
}

func do(t *testing.T, s *Server, method, path, body string, auth bool) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if auth {
		req.Header.Set("Authorization", "Bot "+DefaultToken)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func post(t *testing.T, s *Server, channel, body string) string {
	t.Helper()
	resp, b := do(t, s, "POST", "/api/v9/channels/"+channel+"/messages", body, true)
	if resp.StatusCode != 200 {
		t.Fatalf("post: %d %s", resp.StatusCode, b)
	}
	var m struct{ ID string }
	json.Unmarshal([]byte(b), &m)
	return m.ID
}

func TestREST(t *testing.T) {
	var tick atomic.Int64
	base := time.Now()
	s := New(Options{Now: func() time.Time { return base.Add(time.Duration(tick.Load()) * time.Second) }})
	defer s.Close()
	s.SeedDemo()
	ws := dial(t, s)
	identify(t, ws, "Bot "+DefaultToken, 13313)
	cmds := `[{"name":"help","description":"Aide","options":null}]`
	if resp, b := do(t, s, "PUT", "/api/v9/applications/"+AppID+"/guilds/"+GuildID+"/commands", cmds, true); resp.StatusCode != 200 {
		t.Fatalf("register: %d %s", resp.StatusCode, b)
	}
	early, err := s.Slash("402211334455667788", ApprovalsChannel, "help")
	if err != nil {
		t.Fatal(err)
	}
	late, _ := s.Slash("402211334455667788", ApprovalsChannel, "help")
	tick.Add(4) // both are now 4 s old
	// Acknowledge early "in time": move its dispatch forward.
	s.mu.Lock()
	s.interactions[early].SentAt = s.opts.Now()
	earlyToken := s.interactions[early].Token
	lateToken := s.interactions[late].Token
	s.mu.Unlock()
	deferred := `{"type":5,"data":{"tts":false,"content":"","components":null,"embeds":null,"flags":64}}`

	tests := []struct {
		name, method, path, body string
		auth                     bool
		status                   int
		want                     string // in the body
	}{
		{"no auth", "GET", "/api/v9/channels/" + ApprovalsChannel, "", false, 401, `"401: Unauthorized"`},
		{"unknown channel", "GET", "/api/v9/channels/42", "", true, 404, `"code":10003`},
		{"gateway", "GET", "/api/v9/gateway", "", false, 200, `"url":"ws://127.0.0.1`},
		{"ack", "POST", "/api/v9/interactions/" + early + "/" + earlyToken + "/callback", deferred, true, 204, ""},
		{"second ack", "POST", "/api/v9/interactions/" + early + "/" + earlyToken + "/callback", deferred, true, 400, `"code":40060`},
		{"late ack", "POST", "/api/v9/interactions/" + late + "/" + lateToken + "/callback", deferred, true, 404, `"code":10062`},
		{"edit original", "PATCH", "/api/v9/webhooks/" + AppID + "/" + earlyToken + "/messages/@original", `{"content":"fait"}`, false, 200, `"content":"fait"`},
		{"follow-up", "POST", "/api/v9/webhooks/" + AppID + "/" + earlyToken + "?wait=true", `{"content":"suite","flags":64}`, false, 200, `"flags":64`},
		{"webhook of an unacknowledged interaction", "POST", "/api/v9/webhooks/" + AppID + "/" + lateToken, `{"content":"x"}`, false, 404, `"code":10015`},
		{"too long", "POST", "/api/v9/channels/" + AlertsChannel + "/messages", `{"content":"` + strings.Repeat("x", 2001) + `"}`, true, 400, `"code":50035`},
		{"empty", "POST", "/api/v9/channels/" + AlertsChannel + "/messages", `{"content":""}`, true, 400, `"code":50006`},
		{"bad command name", "PUT", "/api/v9/applications/" + AppID + "/guilds/" + GuildID + "/commands", `[{"name":"Aide!","description":"x"}]`, true, 400, `"code":50035`},
		{"required after optional", "PUT", "/api/v9/applications/" + AppID + "/guilds/" + GuildID + "/commands",
			`[{"name":"x","description":"x","options":[{"type":3,"name":"a","description":"a"},{"type":3,"name":"b","description":"b","required":true}]}]`, true, 400, "Required options"},
		{"dm", "POST", "/api/v9/users/@me/channels", `{"recipient_id":"402211334455667788"}`, true, 200, `"type":1`},
		{"unknown member", "GET", "/api/v9/guilds/" + GuildID + "/members/1", "", true, 404, `"code":10007`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, s, tt.method, tt.path, tt.body, tt.auth)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("%s %s = %d %s, want %d with %s", tt.method, tt.path, resp.StatusCode, body, tt.status, tt.want)
			}
		})
	}

	t.Run("rate limit", func(t *testing.T) {
		s.RateLimitNext(1, "/messages", 250*time.Millisecond)
		resp, body := do(t, s, "POST", "/api/v9/channels/"+AlertsChannel+"/messages", `{"content":"x"}`, true)
		h := resp.Header
		if resp.StatusCode != 429 || h.Get("X-RateLimit-Reset-After") != "0.250" || h.Get("Retry-After") != "1" ||
			h.Get("X-RateLimit-Scope") != "user" || !strings.Contains(body, `"retry_after":0.25`) {
			t.Errorf("429 = %d %v %s", resp.StatusCode, h, body)
		}
		if resp, _ := do(t, s, "POST", "/api/v9/channels/"+AlertsChannel+"/messages", `{"content":"x"}`, true); resp.StatusCode != 200 {
			t.Errorf("after the 429: %d", resp.StatusCode)
		}
	})
}

// Message IDs grow with the clock like Discord's snowflakes: a fake started
// later (a restarted bot on the same data file) never gives an ID an
// earlier one gave, and one fake's IDs strictly increase.
func TestSnowflakesUniqueAcrossRestarts(t *testing.T) {
	at := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	ids := func(at time.Time) []int64 {
		s := New(Options{Now: func() time.Time { return at }})
		defer s.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		var out []int64
		for range 1000 {
			n, _ := strconv.ParseInt(s.snowflake(), 10, 64)
			out = append(out, n)
		}
		return out
	}
	first, second := ids(at), ids(at.Add(time.Second))
	for i := 1; i < len(first); i++ {
		if first[i] <= first[i-1] {
			t.Fatalf("IDs do not increase: %d then %d", first[i-1], first[i])
		}
	}
	if second[0] <= first[len(first)-1] {
		t.Errorf("a fake started a second later gave %d, not after the earlier fake's %d", second[0], first[len(first)-1])
	}
}
