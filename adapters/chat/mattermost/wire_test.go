package mattermost

import (
	"bytes"
	"encoding/json"
	"github.com/anopex/opsbot/adapters/internal/faulttest"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/anopex/opsbot/bot"
)

// The adapter speaks Mattermost's API with its own small types; these tests
// hold them to upstream's: model's JSON decodes into them, and what they
// encode decodes into model's types with the same values.

// via encodes from and decodes the JSON into into.
func via(t *testing.T, from, into any) {
	t.Helper()
	b, err := json.Marshal(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatalf("%T from %s: %v", into, b, err)
	}
}

func same(t *testing.T, what string, want, got any) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func TestWireTypesReadModel(t *testing.T) {
	var u user
	via(t, &model.User{Id: "u1", Username: "alice", Roles: "system_user system_admin", IsBot: true, Email: "a@b.fr"}, &u)
	same(t, "user", user{ID: "u1", Username: "alice", Roles: "system_user system_admin", IsBot: true}, u)

	var tm teamMember
	via(t, &model.TeamMember{TeamId: "t", UserId: "u1", Roles: "team_user", DeleteAt: 7, SchemeGuest: true, SchemeUser: true, SchemeAdmin: true}, &tm)
	same(t, "team member", teamMember{Roles: "team_user", DeleteAt: 7, SchemeGuest: true, SchemeUser: true, SchemeAdmin: true}, tm)

	var p post
	via(t, &model.Post{Id: "p1", ChannelId: "c", Message: "m", RootId: "r", FileIds: []string{"f"}}, &p)
	same(t, "post", post{ID: "p1", ChannelID: "c", Message: "m", RootID: "r", FileIDs: []string{"f"}}, p)

	var rs []reaction
	via(t, []*model.Reaction{{UserId: "u1", PostId: "p1", EmojiName: "x", ChannelId: "c", CreateAt: 1}}, &rs)
	same(t, "reactions", []reaction{{UserID: "u1", PostID: "p1", EmojiName: "x", ChannelID: "c"}}, rs)

	full := model.Command{Id: "i", Token: "k", DeleteAt: 3, TeamId: "t", Trigger: "mail", Method: "P", Username: "n",
		IconURL: "https://i", AutoComplete: true, AutoCompleteDesc: "d", AutoCompleteHint: "h", DisplayName: "D", Description: "s", URL: "https://u"}
	var cmd command
	via(t, &full, &cmd)
	same(t, "command", command{ID: "i", Token: "k", DeleteAt: 3, TeamID: "t", Trigger: "mail", Method: "P", Username: "n",
		IconURL: "https://i", AutoComplete: true, AutoCompleteDesc: "d", AutoCompleteHint: "h", DisplayName: "D", Description: "s", URL: "https://u"}, cmd)

	// And what Register sends back: every field it holds, as model reads them.
	var back model.Command
	via(t, cmd, &back)
	same(t, "command sent", full, back)

	ae := model.NewAppError("GetUser", "app.user.missing_account.const", nil, "", http.StatusNotFound)
	err := apiError("get user", http.StatusNotFound, []byte(ae.ToJSON()))
	if bot.KindOf(err) != bot.NotFound || !strings.Contains(err.Error(), "app.user.missing_account.const") {
		t.Errorf("apiError = %v, want NotFound with the AppError's id", err)
	}
}

func TestWireWebsocketAndActionsAgainstModel(t *testing.T) {
	ev := model.NewWebSocketEvent(model.WebsocketEventReactionRemoved, "", "c", "", nil, "")
	r, _ := json.Marshal(&model.Reaction{UserId: "u1", PostId: "p1", EmojiName: "x"})
	b, err := ev.SetData(map[string]any{"reaction": string(r)}).ToJSON()
	if err != nil {
		t.Fatal(err)
	}
	typ, re, err := parseMessage(b)
	same(t, "event", &reactionEvent{UserID: "u1", PostID: "p1", ChannelID: "c", Emoji: "x", Removed: true}, re)
	if typ != "reaction_removed" || err != nil {
		t.Errorf("parseMessage = %q, %v", typ, err)
	}

	// The slash answer as the server parses it (CommandResponseFromHTTPBody).
	out, _ := json.Marshal(commandResponse{ResponseType: "in_channel", Text: "a", SkipSlackParsing: true,
		ExtraResponses: []commandResponse{{ResponseType: "in_channel", Text: "b", SkipSlackParsing: true}}})
	cr, err := model.CommandResponseFromHTTPBody("application/json", bytes.NewReader(out))
	if err != nil || cr.ResponseType != model.CommandResponseTypeInChannel || cr.Text != "a" || !cr.SkipSlackParsing ||
		len(cr.ExtraResponses) != 1 || cr.ExtraResponses[0].Text != "b" {
		t.Errorf("CommandResponseFromHTTPBody(%s) = %+v, %v", out, cr, err)
	}

	// A button click: model's integration request in, model's response out.
	e, _ := newEnv(t)
	req := model.PostActionIntegrationRequest{UserId: "u1", PostId: "p1", ChannelId: "c", TeamId: "t",
		Context: map[string]any{"action": actionApprove, "sig": e.chat.sign("p1", "c", actionApprove)}}
	body, _ := json.Marshal(req)
	click, ok := e.chat.parseAction(body)
	same(t, "click", reactionEvent{UserID: "u1", PostID: "p1", ChannelID: "c", Emoji: emojiApprove}, click)
	if !ok {
		t.Error("parseAction refused model's request")
	}
}

// TestWireRESTAgainstModel runs the adapter against a server that answers
// with model's types and decodes each request body into them.
func TestWireRESTAgainstModel(t *testing.T) {
	var mu sync.Mutex
	got := map[string]any{}
	answer := func(in func() any, out any) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if in != nil {
				v := in()
				if err := json.NewDecoder(r.Body).Decode(v); err != nil {
					t.Errorf("%s %s: %v", r.Method, r.URL.Path, err)
				}
				mu.Lock()
				got[r.Method+" "+r.URL.Path] = v
				mu.Unlock()
			}
			json.NewEncoder(w).Encode(out)
		}
	}
	m := http.NewServeMux()
	m.Handle("GET /api/v4/users/me", answer(nil, &model.User{Id: "bot", Username: "opsbot", IsBot: true}))
	m.Handle("GET /api/v4/users/u1", answer(nil, &model.User{Id: "u1", Username: "alice", Roles: "system_user"}))
	m.Handle("GET /api/v4/teams/t/members/u1", answer(nil, &model.TeamMember{TeamId: "t", UserId: "u1", Roles: "team_user", SchemeAdmin: true}))
	m.Handle("POST /api/v4/channels/direct", answer(func() any { return &[]string{} }, &model.Channel{Id: "dm", Type: model.ChannelTypeDirect}))
	m.HandleFunc("POST /api/v4/files", func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		if q := r.URL.Query(); q.Get("channel_id") != "c" || q.Get("filename") != "a.csv" || string(data) != "x;y" {
			t.Errorf("upload %s with %q", r.URL, data)
		}
		json.NewEncoder(w).Encode(&model.FileUploadResponse{FileInfos: []*model.FileInfo{{Id: "f1"}}})
	})
	m.Handle("POST /api/v4/posts", answer(func() any { return &model.Post{} }, &model.Post{Id: "p1", ChannelId: "c"}))
	m.Handle("POST /api/v4/reactions", answer(func() any { return &model.Reaction{} }, &model.Reaction{}))
	m.Handle("PUT /api/v4/posts/p1/patch", answer(func() any { return &model.PostPatch{} }, &model.Post{Id: "p1"}))
	m.Handle("GET /api/v4/posts/p1/reactions", answer(nil, []*model.Reaction{{UserId: "u1", PostId: "p1", EmojiName: "x"}}))
	srv := httptest.NewServer(m)
	defer srv.Close()
	policy, _ := bot.NewPolicy(nil, nil)
	c, err := New(Config{ServerURL: srv.URL, Token: bot.NewSecret("tok"), TeamID: "t", PublicURL: "https://opsbot.test",
		Policy: policy, CommandTokens: map[string]bot.Secret{"mail": bot.NewSecret("x")}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	p, err := c.person(ctx, "u1", false)
	if err != nil || p.ID != "u1" || p.Name != "alice" || p.Bot {
		t.Errorf("Person = %+v, %v", p, err)
	}
	var tm teamMember
	via(t, &model.TeamMember{SchemeAdmin: true}, &tm)
	if !slices.Contains(teamRoles(tm), "team_admin") {
		t.Errorf("teamRoles(%+v) lacks the scheme's team_admin", tm)
	}
	if err := c.Direct(ctx, "u1", bot.Message{Text: "secret"}); err != nil {
		t.Fatal(err)
	}
	id, err := c.Post(ctx, "c", bot.Message{Text: "n°1", Approval: true, Attachments: []bot.Attachment{{Name: "a.csv", Data: []byte("x;y")}}})
	if err != nil || id != "p1" {
		t.Fatalf("Post = %q, %v", id, err)
	}
	rs, err := c.reactions(ctx, "p1")
	same(t, "reactions", []reaction{{UserID: "u1", PostID: "p1", EmojiName: "x"}}, rs)
	if err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	same(t, "direct channel", &[]string{"bot", "u1"}, got["POST /api/v4/channels/direct"])
	if p := got["POST /api/v4/posts"].(*model.Post); p.ChannelId != "c" || p.Message != "n°1" || !slices.Equal(p.FileIds, []string{"f1"}) {
		t.Errorf("post sent = %+v", p)
	}
	if r := got["POST /api/v4/reactions"].(*model.Reaction); r.UserId != "bot" || r.PostId != "p1" || r.EmojiName != emojiReject {
		t.Errorf("last reaction sent = %+v", r)
	}
	patch := got["PUT /api/v4/posts/p1/patch"].(*model.PostPatch)
	post := &model.Post{Props: *patch.Props}
	atts := post.Attachments()
	if len(atts) != 1 || len(atts[0].Actions) != 2 {
		t.Fatalf("patched attachments = %+v", atts)
	}
	a := atts[0].Actions[0]
	if a.Id != actionApprove || a.Type != model.PostActionTypeButton || a.Style != "success" || a.Integration == nil ||
		a.Integration.URL != "https://opsbot.test"+ActionPath || !c.verify("p1", "c", actionApprove, a.Integration.Context["sig"].(string)) {
		t.Errorf("approve button = %+v, integration %+v", a, a.Integration)
	}
}

// TestWireRespond: an answer through response_url is a CommandResponse the
// server parses, sent without the bot's token (the hook needs none).
func TestWireRespond(t *testing.T) {
	var got *model.CommandResponse
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			t.Errorf("response_url got Authorization %q", a)
		}
		var err error
		if got, err = model.CommandResponseFromHTTPBody(r.Header.Get("Content-Type"), r.Body); err != nil {
			t.Error(err)
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	e, _ := newEnv(t)
	rs := &responder{c: e.chat, url: srv.URL + "/hooks/commands/x", channel: "c", user: "u"}
	if err := rs.Respond(t.Context(), bot.Reply{Text: "fait", InChannel: true}); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.ResponseType != model.CommandResponseTypeInChannel || got.Text != "fait" || !got.SkipSlackParsing {
		t.Errorf("response = %+v", got)
	}
}

// TestRespondUnreachable: a response_url is a credential, so a transport
// error names neither it nor its hook ID.
func TestRespondUnreachable(t *testing.T) {
	url := "http://" + faulttest.Hangup(t)
	e, _ := newEnv(t)
	rs := &responder{c: e.chat, url: url + "/hooks/commands/hookhookhookhookhookhookho", channel: "c", user: "u"}
	err := rs.Respond(t.Context(), bot.Reply{Text: "fait"})
	if bot.KindOf(err) != bot.Unavailable || strings.Contains(err.Error(), "hookhook") || strings.Contains(err.Error(), url) {
		t.Errorf("Respond to a closed server = %v, want Unavailable without the URL", err)
	}
}
