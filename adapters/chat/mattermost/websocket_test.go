package mattermost

import (
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/bot"
)

type vote struct {
	User, Post, Emoji string
	Removed           bool
}

func votes(rs []bot.Reaction) []vote {
	var out []vote
	for _, r := range rs {
		out = append(out, vote{r.User.ID, r.MessageID, r.Emoji, r.Removed})
	}
	return out
}

func TestWebsocketReactions(t *testing.T) {
	e, rec := start(t)
	id, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "n°1", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() error
		want vote
	}{
		{"treasurer approves", func() error { return e.mm.React(e.alice, id, "white_check_mark") }, vote{e.alice, id, "white_check_mark", false}},
		{"treasurer withdraws", func() error { return e.mm.Unreact(e.alice, id, "white_check_mark") }, vote{e.alice, id, "white_check_mark", true}},
		{"another emoji by a delegate", func() error { return e.mm.React(e.bob, id, "+1") }, vote{e.bob, id, "+1", false}},
	}
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := s.do(); err != nil {
				t.Fatal(err)
			}
			rec.wait(t, s.name, func(r *recorder) bool { return len(r.reacts) > i })
			if diff := cmp.Diff(s.want, votes(rec.reactions())[i]); diff != "" {
				t.Errorf("reaction (-want +got):\n%s", diff)
			}
		})
	}
	// The bot's own ✅ and ❌ were never delivered, and the bot never sent
	// anything but its authentication challenge.
	for _, r := range rec.reactions() {
		if r.User.ID == e.botID {
			t.Errorf("the bot's own reaction was delivered: %+v", r)
		}
	}
	if got := e.mm.WebsocketActions(); !slices.Equal(got, []string{"authentication_challenge"}) {
		t.Errorf("websocket actions = %v, want only the authentication challenge", got)
	}
	if got := rec.reactions()[0].User; got.Name != "Alice Wong" || !got.Has(bot.Treasurer) || got.Bot {
		t.Errorf("person = %+v, want Alice Wong, treasurer", got)
	}
}

// TestWebsocketReconnect: a dropped websocket is re-established with
// backoff; a reaction made while it was down is found by re-reading the
// watched posts, and reactions after it arrive as usual, once each.
func TestWebsocketReconnect(t *testing.T) {
	e, rec := start(t)
	id, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "n°1", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	// Refuse websocket upgrades until the reaction is made, then drop the socket.
	e.mm.Fault.Only(func(r *http.Request) bool { return r.URL.Path == "/api/v4/websocket" })
	e.mm.Fault.FailNext(1<<20, http.StatusServiceUnavailable, "")
	e.mm.DropWebsockets()
	if err := e.mm.React(e.alice, id, "white_check_mark"); err != nil {
		t.Fatal(err)
	}
	e.mm.Fault.Reset()
	e.waitFake(t, "reconnection", func(v mattermosttest.View) bool { return v.Authentications() == 2 && v.Connections() == 1 })
	rec.wait(t, "the reaction made while down", func(r *recorder) bool { return len(r.reacts) == 1 })

	if err := e.mm.React(e.carol, id, "x"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "the reaction after reconnection", func(r *recorder) bool { return len(r.reacts) == 2 })
	// Drop again without a fault: the reaction is delivered after the reconnection.
	e.mm.DropWebsockets()
	e.waitFake(t, "second reconnection", func(v mattermosttest.View) bool { return v.Authentications() == 3 && v.Connections() == 1 })
	if err := e.mm.Unreact(e.carol, id, "x"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "the removal", func(r *recorder) bool { return len(r.reacts) == 3 })
	want := []vote{{e.alice, id, "white_check_mark", false}, {e.carol, id, "x", false}, {e.carol, id, "x", true}}
	if diff := cmp.Diff(want, votes(rec.reactions())); diff != "" {
		t.Errorf("reactions (-want +got):\n%s", diff)
	}
	if got := e.mm.WebsocketActions(); slices.Contains(got, "presence") {
		t.Errorf("the bot sent presence: %v", got)
	}
}

func TestParseMessage(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/payloads/" + name) // copies of shared/reference/chat/payloads
		if err != nil {
			t.Fatalf("reference payload: %v", err)
		}
		return b
	}
	tests := []struct {
		name     string
		msg      []byte
		wantType string
		want     *reactionEvent
		err      bool
	}{
		{"reaction added", read("mattermost-ws-reaction-added.json"), "reaction_added",
			&reactionEvent{UserID: "g63dcrphk8idgyjgzbrpajosz6", PostID: "iqcx3qc9sbbt6ocshszfqgq6ci", ChannelID: "14j8umgczgrdp95w77zuxmxfu9", Emoji: "white_check_mark"}, false},
		{"reaction removed", read("mattermost-ws-reaction-removed.json"), "reaction_removed",
			&reactionEvent{UserID: "g63dcrphk8idgyjgzbrpajosz6", PostID: "iqcx3qc9sbbt6ocshszfqgq6ci", ChannelID: "14j8umgczgrdp95w77zuxmxfu9", Emoji: "white_check_mark", Removed: true}, false},
		{"hello", read("mattermost-ws-hello.json"), "hello", nil, false},
		{"posted", read("mattermost-ws-posted.json"), "posted", nil, false},
		{"auth ok", read("mattermost-ws-auth-ok.json"), "", nil, false},
		{"old server without channel_id", []byte(`{"event":"reaction_added","data":{"reaction":"{\"user_id\":\"u\",\"post_id\":\"p\",\"emoji_name\":\"x\"}"},"broadcast":{"channel_id":"c"},"seq":2}`),
			"reaction_added", &reactionEvent{UserID: "u", PostID: "p", ChannelID: "c", Emoji: "x"}, false},
		{"reaction not a string", []byte(`{"event":"reaction_added","data":{"reaction":{"user_id":"u"}}}`), "reaction_added", nil, true},
		{"incomplete reaction", []byte(`{"event":"reaction_added","data":{"reaction":"{\"user_id\":\"u\"}"}}`), "reaction_added", nil, true},
		{"not json", []byte(`{`), "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, re, err := parseMessage(tt.msg)
			if (err != nil) != tt.err {
				t.Fatalf("parseMessage error = %v, want error %v", err, tt.err)
			}
			if typ != tt.wantType {
				t.Errorf("type = %q, want %q", typ, tt.wantType)
			}
			if diff := cmp.Diff(tt.want, re); diff != "" {
				t.Errorf("reaction (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseMessage(f *testing.F) {
	f.Add([]byte(`{"event":"reaction_added","data":{"reaction":"{\"user_id\":\"u\",\"post_id\":\"p\",\"emoji_name\":\"x\",\"channel_id\":\"c\"}"},"seq":7}`))
	f.Add([]byte(`{"event":"reaction_removed","data":{"reaction":"{}"},"broadcast":{"channel_id":"c"}}`))
	f.Add([]byte(`{"event":"hello","data":{"user":{"id":"x"}}}`))
	f.Add([]byte(`{"status":"OK","seq_reply":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, re, err := parseMessage(b)
		if re == nil {
			return
		}
		if err != nil {
			t.Fatalf("parseMessage(%q) returned a reaction and an error %v", b, err)
		}
		if re.UserID == "" || re.PostID == "" || re.Emoji == "" {
			t.Errorf("incomplete reaction %+v from %q", re, b)
		}
		if re.Removed != (typ == "reaction_removed") {
			t.Errorf("removed = %v for %q", re.Removed, typ)
		}
	})
}

// TestWebsocketSilentServer: a server that stops pinging is taken for dead
// after PingTimeout and the adapter reconnects.
func TestWebsocketSilentServer(t *testing.T) {
	e, ln := newEnv(t)
	e.mm.SetPingInterval(0)
	cfg := e.chat.cfg
	cfg.PingTimeout = 20 * time.Millisecond
	var err error
	if e.chat, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	e.serve(t, newRecorder(), ln)
	e.waitFake(t, "a reconnection after silence", func(v mattermosttest.View) bool { return v.Authentications() >= 2 })
}

// TestVotesGivenWhileStopped: a change request posted by one process, a ✅
// given while opsbot is stopped (no websocket: the event is lost), and the
// next process, told to watch the post, delivers that ✅ once its websocket
// is up; the bot's own reactions are not delivered.
func TestVotesGivenWhileStopped(t *testing.T) {
	e, ln := newEnv(t)
	earlier, err := New(e.chat.cfg) // the process that ran before the restart
	if err != nil {
		t.Fatal(err)
	}
	id, err := earlier.Post(t.Context(), e.approvals, bot.Message{Text: "n°4", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.mm.React(e.alice, id, "white_check_mark"); err != nil {
		t.Fatal(err)
	}
	e.chat.WatchApproval(e.approvals, id)
	rec := newRecorder()
	e.serve(t, rec, ln)
	rec.wait(t, "the ✅ given while stopped", func(r *recorder) bool { return len(r.reacts) == 1 })
	// A live reaction comes next: nothing else was delivered before it.
	if err := e.mm.React(e.carol, id, "x"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "the live ❌", func(r *recorder) bool { return len(r.reacts) == 2 })
	want := []vote{{e.alice, id, "white_check_mark", false}, {e.carol, id, "x", false}}
	if diff := cmp.Diff(want, votes(rec.reactions())); diff != "" {
		t.Errorf("reactions (-want +got):\n%s", diff)
	}
	if got := rec.reactions()[0].User; !got.Has(bot.Treasurer) {
		t.Errorf("voter = %+v, want alice with her treasurer role", got)
	}
}
