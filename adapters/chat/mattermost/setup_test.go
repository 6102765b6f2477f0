package mattermost

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/testlog"
)

// recorder is a small bot.Handler: it records what the adapter hands it and
// answers invocations with reply.
type recorder struct {
	mu      sync.Mutex
	invs    []bot.Invocation
	reacts  []bot.Reaction
	errs    []error // Respond failures
	changed chan struct{}
	reply   func(bot.Invocation) bot.Reply
}

func newRecorder() *recorder {
	return &recorder{changed: make(chan struct{}), reply: func(inv bot.Invocation) bot.Reply {
		return bot.Reply{Text: "réponse à " + inv.Text}
	}}
}

func (r *recorder) Handle(ctx context.Context, inv bot.Invocation) {
	r.mu.Lock()
	r.invs = append(r.invs, inv)
	reply := r.reply
	r.mu.Unlock()
	err := inv.Respond.Respond(ctx, reply(inv))
	r.mu.Lock()
	if err != nil {
		r.errs = append(r.errs, err)
	}
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

func (r *recorder) React(_ context.Context, rx bot.Reaction) {
	r.mu.Lock()
	r.reacts = append(r.reacts, rx)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// wait blocks until cond holds (evaluated under the lock) or the test's
// context ends.
func (r *recorder) wait(t *testing.T, what string, cond func(r *recorder) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for {
		r.mu.Lock()
		ok := cond(r)
		ch := r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-ch:
		}
	}
}

func (r *recorder) reactions() []bot.Reaction {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Reaction(nil), r.reacts...)
}

func (r *recorder) invocations() []bot.Invocation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Invocation(nil), r.invs...)
}

// env is a fake Mattermost with a bot, three people and two channels, and
// the adapter serving h on loopback.
type env struct {
	mm                            *mattermosttest.Server
	chat                          *Chat
	public                        string
	botID, alice, bob, carol, dan string // treasurer, delegate, team admin, nobody
	aliceToken                    string
	carolToken                    string
	approvals, general            string
	tokens                        map[string]string
	logs                          *testlog.Buffer
	now                           *testlog.Clock
}

// newEnv seeds the fake and builds the adapter without serving it.
func newEnv(t testing.TB, triggers ...string) (*env, net.Listener) {
	t.Helper()
	mm := mattermosttest.New()
	t.Cleanup(mm.Close)
	e := &env{mm: mm, tokens: map[string]string{}, logs: &testlog.Buffer{}, now: testlog.NewClock(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))}
	var botToken string
	e.botID, botToken = mm.AddUser("opsbot", mattermosttest.UserOptions{Bot: true})
	e.alice, e.aliceToken = mm.AddUser("alice.w", mattermosttest.UserOptions{FirstName: "Alice", LastName: "Wong"})
	e.bob, _ = mm.AddUser("bob.k", mattermosttest.UserOptions{})
	e.carol, e.carolToken = mm.AddUser("carol.admin", mattermosttest.UserOptions{TeamRoles: "team_user team_admin"})
	e.dan, _ = mm.AddUser("dan.x", mattermosttest.UserOptions{})
	e.approvals = mm.AddChannel("approvals")
	e.general = mm.AddChannel("town-square")
	mm.Join(e.approvals, e.botID, e.alice, e.bob, e.carol, e.dan)
	mm.Join(e.general, e.botID, e.alice, e.bob, e.carol, e.dan)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.public = "http://" + ln.Addr().String()
	if len(triggers) == 0 {
		triggers = []string{"mail", "approvals", Umbrella}
	}
	secrets := map[string]bot.Secret{}
	for _, tr := range triggers {
		tok := mm.AddCommand(tr, e.public+CommandPath)
		e.tokens[tr] = tok
		secrets[tr] = bot.NewSecret(tok)
	}
	policy, err := bot.NewPolicy([]bot.Member{
		{Name: "Alice Wong", Roles: []bot.Role{bot.Treasurer}, IDs: map[string]string{Platform: e.alice}},
		{Name: "Bob K", Roles: []bot.Role{bot.Delegate}, Mailboxes: []string{"bob@asso.fr"}, IDs: map[string]string{Platform: e.bob}},
	}, map[string]map[string]bot.Role{Platform: {"team_admin": bot.Admin, "system_admin": bot.Admin}})
	if err != nil {
		t.Fatal(err)
	}
	e.chat, err = New(Config{
		ServerURL: mm.URL(), Token: bot.NewSecret(botToken), TeamID: mm.TeamID(), PublicURL: e.public,
		CommandTokens: secrets, Policy: policy, Now: e.now.Now,
		Log:        zerolog.New(e.logs).Level(zerolog.DebugLevel),
		MinBackoff: 2 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e, ln
}

// serve runs the adapter with h until the test ends and waits for its
// websocket to authenticate.
func (e *env) serve(t testing.TB, h bot.Handler, ln net.Listener) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.chat.Serve(ctx, h, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	e.waitFake(t, "websocket authenticated", func(v mattermosttest.View) bool { return v.Connections() == 1 })
}

func (e *env) waitFake(t testing.TB, what string, cond func(v mattermosttest.View) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.mm.Wait(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// start is newEnv + serve with a new recorder.
func start(t *testing.T, triggers ...string) (*env, *recorder) {
	t.Helper()
	e, ln := newEnv(t, triggers...)
	rec := newRecorder()
	e.serve(t, rec, ln)
	return e, rec
}
