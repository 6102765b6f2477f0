package mattermosttest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
)

func do(t *testing.T, s *Server, method, path, token, body string) (int, map[string]any, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, s.URL()+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return resp.StatusCode, m, b
}

func TestAuthAndErrors(t *testing.T) {
	s := New()
	t.Cleanup(s.Close)
	id, tok := s.AddUser("alice", UserOptions{})
	tests := []struct {
		name, header string
		status       int
		errID        string
	}{
		{"no header", "", 401, errSession},
		{"bad token", "Bearer nope", 401, errSession},
		{"Client4 upper-case scheme", "BEARER " + tok, 200, ""},
		{"token scheme", "Token " + tok, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := do(t, s, "GET", "/api/v4/users/me", tt.header, "")
			if status != tt.status {
				t.Fatalf("status = %d, want %d", status, tt.status)
			}
			if tt.errID != "" && (body["id"] != tt.errID || body["status_code"] != float64(tt.status) || body["request_id"] == "") {
				t.Errorf("error body = %v", body)
			}
			if tt.errID == "" && body["id"] != id {
				t.Errorf("user = %v, want %s", body, id)
			}
		})
	}
}

func TestReactionsAndDirect(t *testing.T) {
	s := New()
	t.Cleanup(s.Close)
	a, atok := s.AddUser("alice", UserOptions{})
	b, _ := s.AddUser("bob", UserOptions{})
	ch := s.AddChannel("approvals")
	s.Join(ch, a)
	status, post, _ := do(t, s, "POST", "/api/v4/posts", "Bearer "+atok, `{"channel_id":"`+ch+`","message":"hi","props":null,"file_ids":null}`)
	if status != 201 {
		t.Fatalf("create post = %d %v", status, post)
	}
	pid := post["id"].(string)
	if status, body, _ := do(t, s, "POST", "/api/v4/reactions", "Bearer "+atok, `{"user_id":"`+b+`","post_id":"`+pid+`","emoji_name":"x"}`); status != 403 || body["id"] != "api.reaction.save_reaction.user_id.app_error" {
		t.Errorf("reaction for someone else = %d %v, want 403", status, body)
	}
	if status, _, _ := do(t, s, "POST", "/api/v4/reactions", "Bearer "+atok, `{"user_id":"`+a+`","post_id":"`+pid+`","emoji_name":"white_check_mark","create_at":0}`); status != 200 {
		t.Errorf("save reaction = %d, want 200", status)
	}
	if status, _, _ := do(t, s, "POST", "/api/v4/reactions", "Bearer "+atok, `{"user_id":"`+a+`","post_id":"`+pid+`","emoji_name":"no_such_emoji"}`); status != 400 {
		t.Errorf("unknown emoji = %d, want 400", status)
	}
	if status, body, _ := do(t, s, "DELETE", "/api/v4/users/"+a+"/posts/"+pid+"/reactions/white_check_mark", "Bearer "+atok, ""); status != 200 || body["status"] != "OK" {
		t.Errorf("delete reaction = %d %v", status, body)
	}
	var names []string
	for range 2 {
		status, body, _ := do(t, s, "POST", "/api/v4/channels/direct", "Bearer "+atok, `["`+b+`","`+a+`"]`)
		if status != 201 || body["type"] != "D" {
			t.Fatalf("direct = %d %v", status, body)
		}
		names = append(names, body["id"].(string)+" "+body["name"].(string))
	}
	want := directName(a, b)
	if names[0] != names[1] || !strings.HasSuffix(names[0], " "+want) || !(strings.Split(want, "__")[0] < strings.Split(want, "__")[1]) {
		t.Errorf("direct channels = %v, want one named %s", names, want)
	}
}

func TestCommandHookLimits(t *testing.T) {
	s := New()
	t.Cleanup(s.Close)
	u, _ := s.AddUser("alice", UserOptions{})
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	s.SetNow(func() time.Time { return now })
	h := &hook{id: NewID(), userID: u, channelID: s.AddChannel("c"), created: now}
	s.hooks[h.id] = h
	for i := range 6 {
		status, _, body := do(t, s, "POST", "/hooks/commands/"+h.id, "", `{"text":"n"}`)
		want := 200
		if i == 5 {
			want = 400
		}
		if status != want || (want == 200 && string(body) != "ok") {
			t.Errorf("use %d = %d %q, want %d", i+1, status, body, want)
		}
	}
	if got := len(s.Ephemerals(u)); got != 5 {
		t.Errorf("ephemerals = %d, want 5", got)
	}
	h2 := &hook{id: NewID(), userID: u, channelID: h.channelID, created: now.Add(-31 * time.Minute)}
	s.hooks[h2.id] = h2
	if status, _, _ := do(t, s, "POST", "/hooks/commands/"+h2.id, "", "plain text"); status != 404 {
		t.Errorf("expired hook = %d, want 404", status)
	}
}

func TestParseCommandResponse(t *testing.T) {
	tests := []struct {
		name, ct, body string
		want           commandResponseJSON
		err            bool
	}{
		{"json with charset", "application/json; charset=utf-8", `{"response_type":"in_channel","text":"t"}`, commandResponseJSON{ResponseType: "in_channel", Text: "t"}, false},
		{"text", "text/plain", "hello", commandResponseJSON{Text: "hello"}, false},
		{"empty json is an error", "application/json", "", commandResponseJSON{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCommandResponse(tt.ct, []byte(tt.body))
			if (err != nil) != tt.err {
				t.Fatalf("error = %v, want error %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); !tt.err && diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func dial(t *testing.T, s *Server, token string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.DialContext(t.Context(), s.WebsocketURL()+"/api/v4/websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.WriteJSON(map[string]any{"seq": 1, "action": "authentication_challenge", "data": map[string]any{"token": token}})
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	return c
}

func TestWebsocket(t *testing.T) {
	s := New()
	t.Cleanup(s.Close)
	a, atok := s.AddUser("alice", UserOptions{})
	b, btok := s.AddUser("bob", UserOptions{})
	c1, c2 := s.AddChannel("one"), s.AddChannel("two")
	s.Join(c1, a, b)
	s.Join(c2, a, b)

	t.Run("bad token closes without a reply", func(t *testing.T) {
		c := dial(t, s, "wrong")
		if _, msg, err := c.ReadMessage(); err == nil {
			t.Errorf("got %s, want the socket closed", msg)
		}
	})

	ca := dial(t, s, atok)
	var ok struct {
		Status   string `json:"status"`
		SeqReply int    `json:"seq_reply"`
	}
	if err := ca.ReadJSON(&ok); err != nil || ok.Status != "OK" || ok.SeqReply != 1 {
		t.Fatalf("auth reply = %+v, %v", ok, err)
	}
	var hello eventJSON
	if err := ca.ReadJSON(&hello); err != nil || hello.Event != "hello" || hello.Seq != 0 || hello.Broadcast.UserID != a {
		t.Fatalf("hello = %+v, %v", hello, err)
	}
	// bob sets an active channel: reactions elsewhere no longer reach him.
	cb := dial(t, s, btok)
	cb.ReadJSON(&ok)
	cb.ReadJSON(&hello)
	cb.WriteJSON(map[string]any{"seq": 2, "action": "presence", "data": map[string]any{"channel_id": c1}})
	cb.ReadJSON(&ok)

	ctx := t.Context()
	if err := s.Wait(ctx, func(v View) bool { return v.Connections() == 2 }); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	p := s.addPostLocked(a, c2, "", "post", map[string]any{}, nil)
	s.mu.Unlock()
	if err := s.React(b, p.ID, "white_check_mark"); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.addPostLocked(a, c1, "", "marker", map[string]any{}, nil)
	s.mu.Unlock()
	var ev eventJSON
	if err := ca.ReadJSON(&ev); err != nil || ev.Event != "posted" {
		t.Fatalf("event = %+v, %v; want posted", ev, err)
	}
	if err := ca.ReadJSON(&ev); err != nil || ev.Event != "reaction_added" || ev.Seq != 2 || ev.Broadcast.ChannelID != c2 {
		t.Fatalf("event = %+v, %v; want reaction_added seq 2", ev, err)
	}
	var rx reactionJSON
	if err := json.Unmarshal([]byte(ev.Data["reaction"].(string)), &rx); err != nil || rx.UserID != b || rx.PostID != p.ID || rx.ChannelID != c2 {
		t.Errorf("reaction = %+v, %v", rx, err)
	}
	if err := cb.ReadJSON(&ev); err != nil || ev.Event != "posted" {
		t.Fatalf("bob's event = %+v, %v; want posted", ev, err)
	}
	if err := cb.ReadJSON(&ev); err != nil || ev.Event != "posted" || ev.Broadcast.ChannelID != c1 {
		t.Errorf("bob's next event = %+v, %v; want the post in his active channel, not the reaction", ev, err)
	}
	if got := s.WebsocketActions(); !cmp.Equal(got, []string{"authentication_challenge", "authentication_challenge", "authentication_challenge", "presence"}) {
		t.Errorf("actions = %v", got)
	}
}
