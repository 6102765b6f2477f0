package discord

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/storage"
)

// world is the whole bot on the fake Discord: the real engine, a bbolt
// store in a temporary directory, the mail commands on the fake cPanel.
type world struct {
	*fixture
	cp     *cpaneltest.Server
	db     *storage.DB
	dbPath string
}

const delegateBox = "delegue13@" + cpaneltest.DemoDomain

func newWorld(t testing.TB) *world {
	t.Helper()
	policy, err := bot.NewPolicy([]bot.Member{
		{Name: "Sam Sysadmin", Roles: []bot.Role{bot.Admin}, Mailboxes: []string{"sysadmin@anopex.test"}, IDs: map[string]string{Platform: adminID}},
		{Name: "Dora Délégué", Roles: []bot.Role{bot.Delegate}, Mailboxes: []string{delegateBox}, IDs: map[string]string{Platform: delegateID}},
	}, map[string]map[string]bot.Role{Platform: {
		discordtest.RoleTreasurer: bot.Treasurer, discordtest.RolePresident: bot.President, discordtest.RoleAdmin: bot.Admin,
	}})
	if err != nil {
		t.Fatal(err)
	}
	f := setup(t, func(_ *discordtest.Options, c *Config) {
		c.Policy = policy
	})
	log := zerolog.New(f.logs)
	cp := cpaneltest.New("anopex", "cp-token")
	t.Cleanup(cp.Close)
	cp.SeedDemo()
	mail, err := cpanel.New(cpanel.Options{URL: cp.URL(), User: "anopex", Token: bot.NewSecret("cp-token"), HTTPClient: cp.Client(), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "opsbot.db")
	db, err := storage.Open(dbPath, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	eng, err := bot.NewEngine(bot.EngineConfig{Chat: f.chat, Store: db, Policy: policy, Log: log, Platform: Platform,
		ApprovalsChannel: discordtest.ApprovalsChannel, SelfService: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Register(commands.All(commands.Deps{Engine: eng, Audit: db, Mail: mail, MailDomain: cpaneltest.DemoDomain})...); err != nil {
		t.Fatal(err)
	}
	f.run(t, eng)
	return &world{fixture: f, cp: cp, db: db, dbPath: dbPath}
}

// TestEndToEnd is the story: a delegate's command on someone
// else's mailbox is refused; the sysadmin's creates a change request; the
// sysadmin's own ✅ does nothing; the treasurer's ✅ executes it; the new
// password reaches the mailbox owner's DM and nothing else.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ch := discordtest.ApprovalsChannel
	oldPassword := w.cp.Password(delegateBox)
	// posts are the bot's channel messages, not its interaction responses.
	posts := func() []discordtest.Message {
		var out []discordtest.Message
		for _, m := range w.srv.Messages(ch) {
			if m.Interaction == "" {
				out = append(out, m)
			}
		}
		return out
	}

	// 1. The delegate may reset only their own mailbox.
	id, err := w.srv.Slash(delegateID, ch, "mail passwd", discordtest.Option{Name: "boite", Value: "sysadmin@anopex.test"})
	if err != nil {
		t.Fatal(err)
	}
	in := w.answered(t, id)
	if !in.Original.Ephemeral() || !strings.Contains(in.Original.Content, "votre propre boîte") {
		t.Errorf("delegate's answer = %+v, want a private refusal", in.Original)
	}
	if len(posts()) != 0 {
		t.Fatalf("a refused command posted %+v", posts())
	}

	// 2. The sysadmin's request becomes a change request with ✅ and ❌.
	id, err = w.srv.Slash(adminID, ch, "mail passwd", discordtest.Option{Name: "boite", Value: delegateBox})
	if err != nil {
		t.Fatal(err)
	}
	in = w.answered(t, id)
	if !in.Original.Ephemeral() || !strings.Contains(in.Original.Content, "Demande n°1 enregistrée") {
		t.Errorf("sysadmin's answer = %q", in.Original.Content)
	}
	w.wait(t, "the change request and its reactions", func() bool {
		p := posts()
		return len(p) == 1 && len(p[0].Reactions) == 2
	})
	req := posts()[0]
	if !strings.Contains(req.Content, "Demande n°1") || !strings.Contains(req.Content, delegateBox) {
		t.Errorf("request post = %q", req.Content)
	}

	// 3. The requester's own ✅ counts for nothing.
	if err := w.srv.React(adminID, ch, req.ID, "✅"); err != nil {
		t.Fatal(err)
	}
	w.wait(t, "the notice to the requester", func() bool { return len(w.srv.DMs(adminID)) == 1 })
	if got := w.srv.DMs(adminID)[0].Content; !strings.Contains(got, "propre demande") {
		t.Errorf("requester's notice = %q", got)
	}
	if w.cp.Password(delegateBox) != oldPassword {
		t.Fatal("the requester's own approval executed the change")
	}

	// 4. The treasurer's ✅ executes it.
	if err := w.srv.React(aliceID, ch, req.ID, "✅"); err != nil {
		t.Fatal(err)
	}
	w.wait(t, "the outcome in the request's thread", func() bool {
		for _, m := range posts() {
			if m.ReplyTo == req.ID && strings.Contains(m.Content, "exécutée") {
				return true
			}
		}
		return false
	})
	newPassword := w.cp.Password(delegateBox)
	if newPassword == oldPassword || newPassword == "" {
		t.Fatal("the password was not changed")
	}

	// 5. The password reached the owner's DM, and only there, after the
	// notice that proved the DM channel open.
	dms := w.srv.DMs(delegateID)
	if len(dms) != 2 || strings.Contains(dms[0].Content, newPassword) || !strings.Contains(dms[1].Content, newPassword) {
		t.Fatalf("owner's DMs = %+v, want a notice then one with the password", dms)
	}
	for _, m := range w.srv.Messages("") {
		if m.ID != dms[1].ID && strings.Contains(m.Content, newPassword) {
			t.Errorf("the password is in message %s of channel %s", m.ID, m.ChannelID)
		}
	}
	for _, r := range w.srv.Requests() {
		if strings.Contains(string(r.Body), newPassword) && r.Path != "/api/v9/channels/"+dms[0].ChannelID+"/messages" {
			t.Errorf("the password was sent to Discord in %s %s", r.Method, r.Path)
		}
	}
	if strings.Contains(w.logs.String(), newPassword) {
		t.Error("the password is in the log")
	}
	audit, err := w.db.Audit(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range audit {
		if strings.Contains(rec.Detail, newPassword) {
			t.Errorf("the password is in audit record %+v", rec)
		}
	}
	w.db.Close()
	raw, err := os.ReadFile(w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), newPassword) {
		t.Error("the password is in the bbolt file")
	}
}

// BenchmarkAckEngine: the ack time with the real engine behind the adapter
// and the provider fakes at zero latency:
// go test -run '^$' -bench AckEngine -benchtime 300x ./adapters/chat/discord/
func BenchmarkAckEngine(b *testing.B) {
	w := newWorld(b)
	benchmarkAck(b, w.fixture, "mail show", discordtest.Option{Name: "boite", Value: delegateBox})
}

// TestPasswordToClosedDMs: the mailbox owner refuses direct messages from
// server members (Discord answers 50007 only when a message is sent): the
// approved reset does not run, and the thread says why and how to fix it.
func TestPasswordToClosedDMs(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.srv.AddUser(discordtest.User{ID: delegateID, Username: "dora", DMClosed: true})
	ch := discordtest.ApprovalsChannel
	oldPassword := w.cp.Password(delegateBox)
	id, err := w.srv.Slash(adminID, ch, "mail passwd", discordtest.Option{Name: "boite", Value: delegateBox})
	if err != nil {
		t.Fatal(err)
	}
	w.answered(t, id)
	var req discordtest.Message
	w.wait(t, "the change request", func() bool {
		for _, m := range w.srv.Messages(ch) {
			if m.Interaction == "" && strings.Contains(m.Content, "Demande n°1") {
				req = m
				return len(m.Reactions) == 2
			}
		}
		return false
	})
	if err := w.srv.React(aliceID, ch, req.ID, "✅"); err != nil {
		t.Fatal(err)
	}
	w.wait(t, "the refusal in the request's thread", func() bool {
		for _, m := range w.srv.Messages(ch) {
			if m.ReplyTo == req.ID && strings.Contains(m.Content, "non exécutée") && strings.Contains(m.Content, "messages privés") {
				return true
			}
		}
		return false
	})
	if w.cp.Password(delegateBox) != oldPassword {
		t.Error("the password changed although it could not reach its owner")
	}
	cr, err := w.db.Request(t.Context(), 1)
	if err != nil || cr.State != bot.Failed {
		t.Errorf("request %s (%v), want failed", cr.State, err)
	}
}
