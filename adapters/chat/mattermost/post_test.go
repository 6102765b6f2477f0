package mattermost

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/bot"
)

func postByID(t *testing.T, mm *mattermosttest.Server, id string) mattermosttest.Post {
	t.Helper()
	for _, p := range mm.Posts() {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no post %s", id)
	return mattermosttest.Post{}
}

func TestPost(t *testing.T) {
	e, _ := newEnv(t)
	ctx := t.Context()
	root, err := e.chat.Post(ctx, e.approvals, bot.Message{Text: "alerte : certificat"})
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	tests := []struct {
		name     string
		msg      bot.Message
		wantRoot string
		wantFile string
	}{
		{"plain", bot.Message{Text: "bonjour"}, "", ""},
		{"reply in thread", bot.Message{Text: "suite", ReplyTo: root}, root, ""},
		{"with a file", bot.Message{Text: "rapport", Attachments: []bot.Attachment{{Name: "r.csv", Data: []byte("x;y\n")}}}, "", "r.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := e.chat.Post(ctx, e.approvals, tt.msg)
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			p := postByID(t, e.mm, id)
			if p.Message != tt.msg.Text || p.RootID != tt.wantRoot || p.UserID != e.botID || p.Props["from_bot"] != "true" {
				t.Errorf("post = %+v, want %q by the bot in thread %q", p, tt.msg.Text, tt.wantRoot)
			}
			if tt.wantFile != "" {
				if len(p.FileIDs) != 1 {
					t.Fatalf("file_ids = %v, want one", p.FileIDs)
				}
				name, data, _ := e.mm.File(p.FileIDs[0])
				if name != tt.wantFile || !bytes.Equal(data, tt.msg.Attachments[0].Data) {
					t.Errorf("file = %s %q, want %s %q", name, data, tt.wantFile, tt.msg.Attachments[0].Data)
				}
			}
		})
	}
}

func TestPostErrors(t *testing.T) {
	e, _ := newEnv(t)
	tests := []struct {
		name    string
		channel string
		fault   func()
		kind    bot.Kind
	}{
		{"not a member", e.mm.AddChannel("secret"), func() {}, bot.Denied},
		{"server error", e.general, func() {
			e.mm.Fault.FailNext(1, http.StatusInternalServerError, `{"id":"x","message":"boom","status_code":500}`)
		}, bot.Unavailable},
		{"rate limited", e.general, func() { e.mm.RateLimitNext(1) }, bot.RateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.chat.BotID(t.Context()); err != nil {
				t.Fatal(err)
			}
			tt.fault()
			_, err := e.chat.Post(t.Context(), tt.channel, bot.Message{Text: "x"})
			if got := bot.KindOf(err); got != tt.kind {
				t.Errorf("Post error = %v (kind %v), want kind %v", err, got, tt.kind)
			}
		})
	}
}

func TestPostApproval(t *testing.T) {
	e, _ := newEnv(t)
	id, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "Demande n°1", Approval: true})
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	want := []mattermosttest.Reaction{{UserID: e.botID, PostID: id, EmojiName: "white_check_mark"}, {UserID: e.botID, PostID: id, EmojiName: "x"}}
	if diff := cmp.Diff(want, e.mm.Reactions(id)); diff != "" {
		t.Errorf("reactions (-want +got):\n%s", diff)
	}
	p := postByID(t, e.mm, id)
	var props struct {
		Attachments []struct {
			Actions []struct {
				ID, Type, Name, Style string
				Integration           struct {
					URL     string
					Context map[string]string
				}
			}
		}
	}
	b, _ := json.Marshal(p.Props)
	if err := json.Unmarshal(b, &props); err != nil || len(props.Attachments) != 1 || len(props.Attachments[0].Actions) != 2 {
		t.Fatalf("props = %s, want one attachment with two buttons", b)
	}
	for i, w := range []struct{ id, name, style string }{{"approve", "Approuver", "success"}, {"reject", "Refuser", "danger"}} {
		a := props.Attachments[0].Actions[i]
		if a.ID != w.id || a.Name != w.name || a.Type != "button" || a.Style != w.style || a.Integration.URL != e.public+ActionPath ||
			a.Integration.Context["action"] != w.id || !e.chat.verify(id, e.approvals, w.id, a.Integration.Context["sig"]) {
			t.Errorf("button %d = %+v", i, a)
		}
	}
}

func TestDirect(t *testing.T) {
	e, _ := newEnv(t)
	secret := "S3cr3t-Pa55w0rd!"
	if err := e.chat.Direct(t.Context(), e.bob, bot.Message{Text: "Nouveau mot de passe de bob@asso.fr :", Secret: bot.NewSecret(secret)}); err != nil {
		t.Fatalf("Direct: %v", err)
	}
	if err := e.chat.Direct(t.Context(), e.bob, bot.Message{Text: "deuxième"}); err != nil {
		t.Fatalf("Direct: %v", err)
	}
	dm, ok := e.mm.DirectChannel(e.botID, e.bob)
	if !ok {
		t.Fatal("no direct channel")
	}
	var inDM, elsewhere int
	for _, p := range e.mm.Posts() {
		switch {
		case p.ChannelID == dm && strings.Contains(p.Message, secret):
			inDM++
		case strings.Contains(p.Message, secret):
			elsewhere++
		}
	}
	if inDM != 1 || elsewhere != 0 {
		t.Errorf("secret in %d direct posts and %d others, want 1 and 0", inDM, elsewhere)
	}
	if strings.Contains(e.logs.String(), secret) {
		t.Error("the secret reached the log")
	}
	if err := e.chat.Direct(t.Context(), "nosuchuser00000000000000000", bot.Message{Text: "x"}); bot.KindOf(err) != bot.Invalid {
		t.Errorf("Direct to an unknown user: %v, want kind invalid", err)
	}
}

func TestClick(t *testing.T) {
	e, rec := start(t)
	id, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "Demande n°1", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct{ user, action, emoji, ack string }{
		{e.alice, "approve", "white_check_mark", "Votre approbation est transmise."},
		{e.carol, "reject", "x", "Votre refus est transmis."},
	} {
		res, err := e.mm.Click(t.Context(), c.user, id, c.action)
		if err != nil || res.EphemeralText != c.ack {
			t.Fatalf("Click(%s) = %+v, %v", c.action, res, err)
		}
		rec.wait(t, "reaction from the click", func(r *recorder) bool { return len(r.reacts) > i })
		got := rec.reactions()[i]
		if got.MessageID != id || got.Channel != e.approvals || got.Emoji != c.emoji || got.User.ID != c.user || got.Removed || got.Platform != Platform {
			t.Errorf("reaction = %+v, want %s by %s on %s", got, c.emoji, c.user, id)
		}
	}
	if got := rec.reactions(); !slices.Equal(got[0].User.Roles, []bot.Role{bot.Treasurer}) || !slices.Equal(got[1].User.Roles, []bot.Role{bot.Admin}) {
		t.Errorf("roles = %v, %v; want treasurer, admin", got[0].User.Roles, got[1].User.Roles)
	}
}

// TestClickForged: a request that was not produced by the bot's own button
// for this post, channel and action is refused with 401 and reaches nobody.
func TestClickForged(t *testing.T) {
	e, rec := start(t)
	id, _ := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "n°1", Approval: true})
	other, _ := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "n°2", Approval: true})
	rejectSig := e.chat.sign(id, e.approvals, "reject")
	tests := []struct {
		name string
		body map[string]any
	}{
		{"reject signature used to approve", map[string]any{"post_id": id, "channel_id": e.approvals, "context": map[string]any{"action": "approve", "sig": rejectSig}}},
		{"signature of another post", map[string]any{"post_id": other, "channel_id": e.approvals, "context": map[string]any{"action": "reject", "sig": rejectSig}}},
		{"another channel", map[string]any{"post_id": id, "channel_id": e.general, "context": map[string]any{"action": "reject", "sig": rejectSig}}},
		{"no signature", map[string]any{"post_id": id, "channel_id": e.approvals, "context": map[string]any{"action": "approve"}}},
		{"no context", map[string]any{"post_id": id, "channel_id": e.approvals}},
		{"not json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte("user_id=x")
			if tt.body != nil {
				tt.body["user_id"] = e.alice
				body, _ = json.Marshal(tt.body)
			}
			resp, err := http.Post(e.public+ActionPath, "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", resp.StatusCode)
			}
		})
	}
	// A genuine click afterwards is the only reaction delivered.
	if _, err := e.mm.Click(t.Context(), e.alice, id, "reject"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "genuine click", func(r *recorder) bool { return len(r.reacts) >= 1 })
	if got := rec.reactions(); len(got) != 1 || got[0].Emoji != "x" {
		t.Errorf("reactions = %+v, want only the genuine ❌", got)
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"short", "abc", 5, []string{"abc"}},
		{"at lines", "ab\ncd\nef\n", 7, []string{"ab\ncd\n", "ef\n"}},
		{"no line break", "abcdefg", 3, []string{"abc", "def", "g"}},
		{"runes", "ééééé", 2, []string{"éé", "éé", "é"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, split(tt.text, tt.max)); diff != "" {
				t.Errorf("split(%q, %d) (-want +got):\n%s", tt.text, tt.max, diff)
			}
		})
	}
}

func FuzzParseAction(f *testing.F) {
	policy, _ := bot.NewPolicy(nil, nil)
	c, err := New(Config{ServerURL: "http://127.0.0.1:1", Token: bot.NewSecret("fuzz-token"), TeamID: "t", PublicURL: "http://127.0.0.1:2",
		Policy: policy, CommandTokens: map[string]bot.Secret{"mail": bot.NewSecret("x")}})
	if err != nil {
		f.Fatal(err)
	}
	valid, _ := json.Marshal(map[string]any{"user_id": "u", "post_id": "p", "channel_id": "c",
		"context": map[string]any{"action": "approve", "sig": c.sign("p", "c", "approve")}})
	f.Add(valid)
	f.Add([]byte(`{"user_id":"u","post_id":"p","channel_id":"c","context":{"action":"reject","sig":"00"}}`))
	f.Add([]byte(`{"context":{"action":1}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		k, ok := c.parseAction(body)
		if !ok {
			return
		}
		action := actionReject
		if k.Emoji == emojiApprove {
			action = actionApprove
		}
		var req struct {
			Context map[string]any `json:"context"`
		}
		json.Unmarshal(body, &req)
		if k.UserID == "" || k.PostID == "" || k.ChannelID == "" || req.Context["sig"] != c.sign(k.PostID, k.ChannelID, action) {
			t.Errorf("parseAction(%q) accepted %+v without its signature", body, k)
		}
	})
}
