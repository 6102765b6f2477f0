package mattermost

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/storage"
)

// TestEndToEnd runs the story every chat must tell, through the fake
// Mattermost, the real engine, a bbolt store, the mail commands and the
// fake cPanel: a delegate is refused, an administrator's change request is
// posted, her own approval does not count, the websocket drops and comes
// back, the treasurer approves, and the new password reaches the mailbox
// owner in a direct message and nowhere else. A second request is approved
// with the button, through the same approval function.
func TestEndToEnd(t *testing.T) {
	e, ln := newEnv(t)
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range e.mm.Posts() {
				t.Logf("post %s in %s by %s: %q", p.ID, p.ChannelID, p.UserID, p.Message)
			}
			t.Logf("log:\n%s", e.logs.String())
		}
	})
	const box = "delegue75@anopex.test"
	policy, err := bot.NewPolicy([]bot.Member{
		{Name: "Alice Wong", Roles: []bot.Role{bot.Treasurer}, IDs: map[string]string{Platform: e.alice}},
		{Name: "Bob K", Roles: []bot.Role{bot.Delegate}, Mailboxes: []string{box}, IDs: map[string]string{Platform: e.bob}},
	}, map[string]map[string]bot.Role{Platform: {"team_admin": bot.Admin}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.chat.cfg
	cfg.Policy = policy
	if e.chat, err = New(cfg); err != nil {
		t.Fatal(err)
	}

	cp := cpaneltest.New("anopex", "cpanel-token")
	t.Cleanup(cp.Close)
	cp.SeedDemo()
	log := zerolog.New(e.logs).Level(zerolog.DebugLevel)
	mail, err := cpanel.New(cpanel.Options{URL: cp.URL(), User: "anopex", Token: bot.NewSecret("cpanel-token"), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "opsbot.db")
	db, err := storage.Open(dbPath, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	engine, err := bot.NewEngine(bot.EngineConfig{Chat: e.chat, Store: db, Policy: policy, Log: log,
		Platform: Platform, ApprovalsChannel: e.approvals})
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Register(commands.All(commands.Deps{Engine: engine, Audit: db, Mail: mail, MailDomain: "anopex.test"})...); err != nil {
		t.Fatal(err)
	}
	e.serve(t, engine, ln)
	ctx := t.Context()

	slash := func(user, line string) {
		t.Helper()
		if res, err := e.mm.Slash(ctx, user, e.general, line); err != nil || res.Text != "en cours…" {
			t.Fatalf("Slash(%q) = %+v, %v", line, res, err)
		}
	}
	ephemeral := func(user, contains string) {
		t.Helper()
		e.waitFake(t, "ephemeral "+contains, func(v mattermosttest.View) bool {
			return slices.ContainsFunc(v.Ephemerals(user), func(m mattermosttest.Ephemeral) bool { return strings.Contains(m.Text, contains) })
		})
	}
	postWith := func(what, channel, contains string) mattermosttest.Post {
		t.Helper()
		var found mattermosttest.Post
		e.waitFake(t, what, func(v mattermosttest.View) bool {
			for _, p := range v.Posts() {
				if p.ChannelID == channel && p.UserID == e.botID && strings.Contains(p.Message, contains) {
					found = p
					return true
				}
			}
			return false
		})
		return found
	}
	dm := func(user string) string {
		t.Helper()
		e.waitFake(t, "direct channel", func(v mattermosttest.View) bool { _, ok := v.DirectChannel(e.botID, user); return ok })
		id, _ := e.mm.DirectChannel(e.botID, user)
		return id
	}

	// 1. A delegate may not delete a mailbox: a polite refusal, nothing posted.
	slash(e.bob, "/mail delete "+box)
	ephemeral(e.bob, "réservé")

	// 2. The administrator asks for a new password: a change request.
	slash(e.carol, "/mail passwd "+box)
	ephemeral(e.carol, "Demande n°1 enregistrée")
	req := postWith("change request", e.approvals, "Demande n°1")
	if got := e.mm.Reactions(req.ID); len(got) != 2 {
		t.Errorf("reactions on the request = %+v, want the bot's ✅ and ❌", got)
	}

	// 3. Her own ✅ does not count; she is told so privately.
	if err := e.mm.React(e.carol, req.ID, "white_check_mark"); err != nil {
		t.Fatal(err)
	}
	postWith("self-approval notice", dm(e.carol), "propre demande")

	// 4. The websocket drops and comes back; 5. the treasurer approves.
	e.mm.DropWebsockets()
	e.waitFake(t, "reconnection", func(v mattermosttest.View) bool { return v.Authentications() == 2 && v.Connections() == 1 })
	if err := e.mm.React(e.alice, req.ID, "white_check_mark"); err != nil {
		t.Fatal(err)
	}
	done := postWith("outcome in the thread", e.approvals, "approuvée par Alice Wong et exécutée")
	if done.RootID != req.ID {
		t.Errorf("outcome posted in thread %q, want %q", done.RootID, req.ID)
	}
	pwPost := postWith("password by direct message", dm(e.bob), "Nouveau mot de passe")
	password := cp.Password(box)
	if password == "" || !strings.Contains(pwPost.Message, password) {
		t.Fatalf("direct message %q does not hold the new cPanel password", pwPost.Message)
	}

	// 6. A second request, approved with the button instead of the emoji.
	slash(e.carol, "/mail suspend "+box)
	req2 := postWith("second change request", e.approvals, "Demande n°2")
	// The engine records the request's post ID once Post has returned (after
	// the buttons are added) and only then answers the requester.
	ephemeral(e.carol, "Demande n°2 enregistrée")
	if res, err := e.mm.Click(ctx, e.alice, req2.ID, "approve"); err != nil || res.EphemeralText == "" {
		t.Fatalf("Click = %+v, %v", res, err)
	}
	postWith("second outcome", e.approvals, "Demande n°2 approuvée par Alice Wong")

	// 7. A wrong token and a huge body are refused, and nothing runs.
	before, err := db.Audit(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := e.mm.SlashWithToken(ctx, e.carol, e.general, "/mail delete "+box, "wrongwrongwrongwrongwrongw"); err == nil || res.Status != http.StatusUnauthorized {
		t.Errorf("wrong token: %+v, %v; want 401", res, err)
	}
	form := url.Values{"command": {"/mail"}, "user_id": {e.carol}, "channel_id": {e.general}, "text": {strings.Repeat("x", 1<<20)},
		"response_url": {e.mm.URL() + "/hooks/commands/x"}}
	hr, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.public+CommandPath, strings.NewReader(form.Encode()))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("Authorization", "Token "+e.tokens["mail"])
	if resp, err := http.DefaultClient.Do(hr); err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("huge body: %v, %v; want 413", resp, err)
	} else {
		resp.Body.Close()
	}
	n := len(e.mm.Ephemerals(e.alice))
	slash(e.alice, "/approvals list") // a command that does run, to order the check below
	e.waitFake(t, "approvals list answered", func(v mattermosttest.View) bool { return len(v.Ephemerals(e.alice)) == n+2 })
	after, err := db.Audit(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range after[:len(after)-len(before)] {
		if r.Command == "mail delete" {
			t.Errorf("a refused request left an audit record: %+v", r)
		}
	}

	// The audit log names the real people: request by carol, votes by alice.
	var kinds []string
	for _, r := range slices.Backward(after) {
		if r.RequestID == 1 {
			kinds = append(kinds, r.Kind+":"+r.ActorID)
		}
	}
	want := []string{"request:" + e.carol, "vote:" + e.alice, "outcome:" + e.alice}
	if !slices.Equal(kinds, want) {
		t.Errorf("audit of request 1 = %v, want %v", kinds, want)
	}

	// The password is in bob's direct message and nowhere else.
	for _, p := range e.mm.Posts() {
		if strings.Contains(p.Message, password) && p.ID != pwPost.ID {
			t.Errorf("the password leaked into post %s in %s", p.ID, p.ChannelID)
		}
	}
	for _, u := range []string{e.alice, e.bob, e.carol} {
		for _, m := range e.mm.Ephemerals(u) {
			if strings.Contains(m.Text, password) {
				t.Errorf("the password leaked into an ephemeral message to %s", u)
			}
		}
	}
	if strings.Contains(e.logs.String(), password) {
		t.Error("the password reached the log")
	}
	db.Close()
	raw, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(password)) {
		t.Error("the password reached the bbolt file")
	}
}
