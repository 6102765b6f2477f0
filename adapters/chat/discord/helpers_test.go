package discord

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/testlog"
)

// People of the adapter tests, on top of the fake's demo members alice.w
// (Treasurer role) and bob.k (President role).
const (
	aliceID    = "402211334455667788"
	bobID      = "402211334455667799"
	adminID    = "500000000000000001"
	delegateID = "500000000000000002"
	strangerID = "500000000000000003"
)

func testPolicy(t testing.TB) *bot.Policy {
	t.Helper()
	p, err := bot.NewPolicy([]bot.Member{
		{Name: "Sam Admin", IDs: map[string]string{Platform: adminID}},
		{Name: "Dora Délégué", Roles: []bot.Role{bot.Delegate}, Mailboxes: []string{"dora@anopex.test"}, IDs: map[string]string{Platform: delegateID}},
	}, map[string]map[string]bot.Role{Platform: {
		discordtest.RoleTreasurer: bot.Treasurer, discordtest.RolePresident: bot.President, discordtest.RoleAdmin: bot.Admin,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// testSpecs are small commands shaped like the catalogue's.
func testSpecs() []bot.Spec {
	read := func(context.Context, bot.Call) (bot.Reply, error) { return bot.Reply{}, nil }
	box := bot.Arg{Name: "boite", Type: bot.ArgEmail}
	return []bot.Spec{
		{Path: "help", Help: "Liste les commandes.", HelpEN: "Lists the commands.", Roles: bot.Roles,
			Args: []bot.Arg{{Name: "commande", Type: bot.ArgText, Optional: true, Rest: true}}, Read: read},
		{Path: "mail passwd", Help: "Réinitialise un mot de passe.", HelpEN: "Resets a password.", Roles: []bot.Role{bot.Admin},
			Args: []bot.Arg{box}, Self: &bot.SelfService{Roles: []bot.Role{bot.Delegate}, Arg: "boite"}, Read: read},
		{Path: "mail list", Help: "Liste les boîtes.", HelpEN: "Lists mailboxes.", Roles: []bot.Role{bot.Admin},
			Args: []bot.Arg{{Name: "filtre", Type: bot.ArgWord, Optional: true}, {Name: "tri", Type: bot.ArgWord, Optional: true, Choices: []string{"nom", "taille"}}}, Read: read},
		{Path: "mail forward add", Help: "Ajoute une redirection.", HelpEN: "Adds a forwarder.", Roles: []bot.Role{bot.Admin},
			Args: []bot.Arg{{Name: "adresse", Type: bot.ArgEmail}, {Name: "destination", Type: bot.ArgEmail}}, Read: read},
		{Path: "ticket open", Help: "Ouvre un ticket.", HelpEN: "Opens a ticket.", Roles: []bot.Role{bot.Admin},
			Args: []bot.Arg{{Name: "sujet", Type: bot.ArgText}, {Name: "texte", Type: bot.ArgText, After: true}}, Read: read},
	}
}

// recorder is a bot.Handler that records what it hears and answers with
// reply (default: the command line it got). Its commands are specs
// (default: testSpecs).
type recorder struct {
	invs   chan bot.Invocation
	reacts chan bot.Reaction
	reply  func(inv bot.Invocation) bot.Reply
	specs  []bot.Spec
}

func (r *recorder) Specs() []bot.Spec {
	if r.specs != nil {
		return r.specs
	}
	return testSpecs()
}

func newRecorder() *recorder {
	return &recorder{invs: make(chan bot.Invocation, 100), reacts: make(chan bot.Reaction, 100)}
}

func (r *recorder) Handle(ctx context.Context, inv bot.Invocation) {
	r.invs <- inv
	rep := bot.Reply{Text: "ok: " + inv.Text}
	if r.reply != nil {
		rep = r.reply(inv)
	}
	if rep.Text == "-" { // answer nothing
		return
	}
	inv.Respond.Respond(ctx, rep)
}

func (r *recorder) React(_ context.Context, re bot.Reaction) { r.reacts <- re }

func next[T any](t testing.TB, ch chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("nothing received in 10 s")
	}
	var zero T
	return zero
}

// none checks that nothing is waiting on ch. It is meaningful after a wait
// that an earlier delivery on ch would have preceded.
func none[T any](t testing.TB, ch chan T) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected %+v", v)
	default:
	}
}

type fixture struct {
	srv  *discordtest.Server
	chat *Chat
	h    *recorder
	logs *testlog.Buffer
}

type setupOpt func(*discordtest.Options, *Config)

// start runs a Chat against a fresh fake with the demo members, an admin
// (Admin role), a delegate (no role) and a stranger, until the test ends.
func start(t testing.TB, h bot.Handler, opts ...setupOpt) *fixture {
	t.Helper()
	f := setup(t, opts...)
	f.run(t, h)
	return f
}

// setup builds the fake and the Chat without running it.
func setup(t testing.TB, opts ...setupOpt) *fixture {
	t.Helper()
	fo := discordtest.Options{}
	logs := &testlog.Buffer{}
	cfg := Config{
		ApplicationID: discordtest.AppID, GuildID: discordtest.GuildID,
		ApprovalsChannel: discordtest.ApprovalsChannel, AlertsChannel: discordtest.AlertsChannel,
		Policy: testPolicy(t), Log: zerolog.New(logs),
	}
	for _, o := range opts {
		o(&fo, &cfg)
	}
	srv := discordtest.New(fo)
	t.Cleanup(srv.Close)
	srv.SeedDemo()
	srv.AddUser(discordtest.User{ID: adminID, Username: "sam", Roles: []string{discordtest.RoleAdmin}})
	srv.AddUser(discordtest.User{ID: delegateID, Username: "dora"})
	srv.AddUser(discordtest.User{ID: strangerID, Username: "zed"})
	cfg.Token = bot.NewSecret(srv.Token())
	cfg.APIURL = srv.URL()
	chat, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, chat: chat, logs: logs}
}

// run runs the Chat with h until the test ends and waits for it to connect.
func (f *fixture) run(t testing.TB, h bot.Handler) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.chat.Run(ctx, h) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := f.srv.Wait(wctx, f.srv.Connected); err != nil {
		select {
		case err := <-done:
			t.Fatalf("Run: %v", err)
		default:
		}
		t.Fatalf("the bot did not connect: %v", err)
	}
	f.h, _ = h.(*recorder)
}

// wait waits (10 s at most) for cond on the fake's state.
func (f *fixture) wait(t testing.TB, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.srv.Wait(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// answered waits until interaction id has a reply (its original edited
// or a follow-up) and returns it.
func (f *fixture) answered(t testing.TB, id string) discordtest.Interaction {
	t.Helper()
	var in discordtest.Interaction
	f.wait(t, "the answer of "+id, func() bool {
		in, _ = f.srv.Interaction(id)
		return in.Original != nil && (in.Original.Edited || len(in.Followups) > 0)
	})
	return in
}
