package mattermost

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/bot"
)

func TestNoMentions(t *testing.T) {
	for in, want := range map[string]string{
		"@channel":                  "@\u200bchannel",
		"ping @all and @here":       "ping @\u200ball and @\u200bhere",
		"(@bob.k)":                  "(@\u200bbob.k)",
		"line\n@alice.w":            "line\n@\u200balice.w",
		"jean@anopex.test":          "jean@anopex.test",
		"a @ b, @, @@x":             "a @ b, @, @@\u200bx",
		"@\u200bchannel":            "@\u200bchannel",
		"Demande de @Ünïcode-user!": "Demande de @\u200bÜnïcode-user!",
	} {
		if got := noMentions(in); got != want {
			t.Errorf("noMentions(%q) = %q, want %q", in, got, want)
		}
	}
}

// Echoed text never mentions anyone in a post, an answer or a private
// message; an e-mail address and a secret arrive as they are.
func TestEchoedTextMentionsNobody(t *testing.T) {
	e, ln := newEnv(t)
	rec := newRecorder()
	rec.reply = func(bot.Invocation) bot.Reply {
		return bot.Reply{Text: "Ticket « @channel panne » pour @bob.k", InChannel: true}
	}
	e.serve(t, rec, ln)
	if _, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "Demande : @all @here jean@anopex.test", Approval: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.chat.Direct(t.Context(), e.alice, bot.Message{Text: "Pour @alice.w :", Secret: bot.NewSecret("@here-Pa55")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.mm.Slash(t.Context(), e.alice, e.general, "/mail list"); err != nil {
		t.Fatal(err)
	}
	e.waitFake(t, "the in-channel answer", func(v mattermosttest.View) bool {
		for _, p := range v.Posts() {
			if strings.Contains(p.Message, "Ticket") {
				return true
			}
		}
		return false
	})
	var all []string
	for _, p := range e.mm.Posts() {
		all = append(all, p.Message)
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{"@\u200ball @\u200bhere jean@anopex.test", "Pour @\u200balice.w :\n\n@here-Pa55", "« @\u200bchannel panne » pour @\u200bbob.k"} {
		if !strings.Contains(got, want) {
			t.Errorf("posts lack %q:\n%q", want, got)
		}
	}
}

// Only the exact names the bot offers approve or reject: a custom emoji
// named "check" or "cross_mark" (Mattermost refuses a custom emoji named
// like a system one, so never "white_check_mark") reaches the engine as
// something it does not count.
func TestOnlyExactEmojiVote(t *testing.T) {
	e, rec := start(t)
	if err := e.mm.AddCustomEmoji("white_check_mark"); err == nil {
		t.Error("the fake let a custom emoji take a system emoji's name")
	}
	for _, name := range []string{"check", "cross_mark"} {
		if err := e.mm.AddCustomEmoji(name); err != nil {
			t.Fatal(err)
		}
	}
	id, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "n°1", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"check", "cross_mark", "heavy_check_mark", "white_check_mark", "x"} {
		if err := e.mm.React(e.alice, id, name); err != nil {
			t.Fatal(err)
		}
	}
	rec.wait(t, "five reactions", func(r *recorder) bool { return len(r.reacts) == 5 })
	var got []string
	for _, r := range rec.reactions() {
		got = append(got, bot.NormalizeEmoji(r.Emoji))
	}
	if want := []string{"check:mattermost", "cross_mark:mattermost", "heavy_check_mark:mattermost", bot.EmojiApprove, bot.EmojiReject}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("emoji as the engine reads them = %q, want %q", got, want)
	}
}

// The roles that count a vote are read from the server when it is counted,
// not from the minute-long cache that serves slash commands.
func TestVoterRolesAreFresh(t *testing.T) {
	e, rec := start(t)
	if _, err := e.mm.Slash(t.Context(), e.carol, e.general, "/mail list"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "carol's command", func(r *recorder) bool { return len(r.invs) == 1 })
	if !rec.invocations()[0].Caller.Has(bot.Admin) {
		t.Fatal("carol is not an administrator through team_admin")
	}
	id, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "n°1", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	e.mm.SetTeamRoles(e.carol, "team_user") // no longer team admin; the clock has not moved
	if err := e.mm.React(e.carol, id, "white_check_mark"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "carol's reaction", func(r *recorder) bool { return len(r.reacts) == 1 })
	if r := rec.reactions()[0]; r.User.Has(bot.Admin) {
		t.Errorf("the vote was counted with roles from the cache: %v", r.User.Roles)
	}
	// The fresh read also replaced the cached person.
	if _, err := e.mm.Slash(t.Context(), e.carol, e.general, "/mail list"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "carol's second command", func(r *recorder) bool { return len(r.invs) == 2 })
	if rec.invocations()[1].Caller.Has(bot.Admin) {
		t.Error("the cache kept the old roles after the vote's fresh read")
	}
}

// pendingRecorder is a recorder that says which requests are pending, as
// the engine does.
type pendingRecorder struct {
	*recorder
	mu      sync.Mutex
	pending []string // post IDs
}

func (p *pendingRecorder) Pending(context.Context) ([]bot.ChangeRequest, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []bot.ChangeRequest
	for _, id := range p.pending {
		out = append(out, bot.ChangeRequest{Platform: Platform, MessageID: id, State: bot.Pending})
	}
	return out, nil
}

// After a reconnection only the posts of pending requests are re-read, and
// a 429 on the way is waited out: the vote given while the websocket was
// down on the pending request arrives, none on the ended one.
func TestResyncPendingOnlyAndPaced(t *testing.T) {
	e, ln := newEnv(t)
	h := &pendingRecorder{recorder: newRecorder()}
	e.serve(t, h, ln)
	pending, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "n°1", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	ended, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "n°2", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	h.pending = []string{pending}
	h.mu.Unlock()
	e.mm.Fault.Only(func(r *http.Request) bool { return r.URL.Path == "/api/v4/websocket" })
	e.mm.Fault.FailNext(1<<20, http.StatusServiceUnavailable, "")
	e.mm.DropWebsockets()
	for _, id := range []string{ended, pending} {
		if err := e.mm.React(e.alice, id, "white_check_mark"); err != nil {
			t.Fatal(err)
		}
	}
	e.mm.RateLimitNext(1) // the first re-read is refused
	e.mm.Fault.Reset()
	e.waitFake(t, "reconnection", func(v mattermosttest.View) bool { return v.Authentications() == 2 && v.Connections() == 1 })
	h.wait(t, "the vote given while down", func(r *recorder) bool { return len(r.reacts) == 1 })
	// A live vote on the ended request's post comes next in that post's
	// queue: a re-read of it would have come before.
	if err := e.mm.React(e.bob, ended, "x"); err != nil {
		t.Fatal(err)
	}
	h.wait(t, "the live vote", func(r *recorder) bool { return len(r.reacts) == 2 })
	want := []vote{{e.alice, pending, "white_check_mark", false}, {e.bob, ended, "x", false}}
	if diff := cmp.Diff(want, votes(h.reactions())); diff != "" {
		t.Errorf("reactions (-want +got):\n%s", diff)
	}
	if !strings.Contains(e.logs.String(), "rate limited while re-reading reactions") {
		t.Error("the 429 was not met")
	}
}
