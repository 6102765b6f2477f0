package bot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/bottest"
	"github.com/anopex/opsbot/internal/testlog"
	"github.com/anopex/opsbot/storage"
)

// lastApproval returns the ID of the latest change-request post.
func (v *env) lastApproval(t *testing.T) string {
	t.Helper()
	id := v.chat.LastApproval()
	if id == "" {
		t.Fatal("no change request was posted")
	}
	return id
}

// denied is what a chat answers a private message it refuses (Discord's
// 50007), when refuse is true.
func denied(refuse bool) error {
	if refuse {
		return &bot.Error{Provider: "chat", Kind: bot.Denied}
	}
	return nil
}

// postsText returns every post's text, one a line.
func (v *env) postsText() string {
	var b strings.Builder
	for _, p := range v.chat.Texts(bottest.Post) {
		b.WriteString(p + "\n")
	}
	return b.String()
}

// people of the tests, by platform user ID.
var people = []bot.Member{
	{Name: "Admin", Roles: []bot.Role{bot.Admin}, IDs: map[string]string{"test": "u-admin"}},
	{Name: "Trésorière", Roles: []bot.Role{bot.Treasurer, bot.Board}, IDs: map[string]string{"test": "u-tres"}},
	{Name: "Président", Roles: []bot.Role{bot.President, bot.Board}, IDs: map[string]string{"test": "u-pres"}},
	{Name: "Délégué", Roles: []bot.Role{bot.Delegate}, Mailboxes: []string{"del@x.fr"}, IDs: map[string]string{"test": "u-del"}},
	{Name: "Membre CA", Roles: []bot.Role{bot.Board}, IDs: map[string]string{"test": "u-board"}},
}

type env struct {
	e       *bot.Engine
	chat    *bottest.Chat
	store   *storage.DB
	policy  *bot.Policy
	applied atomic.Int64
	now     time.Time
	nowMu   sync.Mutex
	logs    *testlog.Buffer
	path    string
}

func (v *env) clock() time.Time { v.nowMu.Lock(); defer v.nowMu.Unlock(); return v.now }
func (v *env) advance(d time.Duration) {
	v.nowMu.Lock()
	v.now = v.now.Add(d)
	v.nowMu.Unlock()
}

func (v *env) person(id string) bot.Person { return v.policy.Person("test", id, id, nil, false) }

// run invokes a command as user and returns the answer's text.
func (v *env) run(t *testing.T, user, line string) string {
	t.Helper()
	var got []string
	v.e.Handle(t.Context(), bot.Invocation{Platform: "test", Caller: v.person(user), Channel: "général", Text: line,
		Respond: bot.ResponderFunc(func(_ context.Context, r bot.Reply) error { got = append(got, r.Text); return nil })})
	if len(got) != 1 {
		t.Fatalf("%s %q: %d answers, want 1: %q", user, line, len(got), got)
	}
	return got[0]
}

func (v *env) react(user, msg, emoji string) {
	v.e.React(context.Background(), bot.Reaction{Platform: "test", Channel: "approbations", MessageID: msg, User: v.person(user), Emoji: emoji})
}

func (v *env) request(t *testing.T, id int64) bot.ChangeRequest {
	t.Helper()
	cr, err := v.store.Request(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return cr
}

type option func(*bot.EngineConfig, *[]bot.Spec)

func newEnv(t *testing.T, opts ...option) *env { t.Helper(); return newEnvTB(t, opts...) }

func newEnvB(b *testing.B, opts ...option) *env { return newEnvTB(b, opts...) }

func newEnvTB(t testing.TB, opts ...option) *env {
	t.Helper()
	v := &env{chat: &bottest.Chat{}, now: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), logs: &testlog.Buffer{}}
	v.path = filepath.Join(t.TempDir(), "opsbot.db")
	db, err := storage.Open(v.path, storage.Options{Now: v.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	v.store = db
	v.policy, err = bot.NewPolicy(people, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := bot.EngineConfig{Chat: v.chat, Store: db, Policy: v.policy, Now: v.clock, Platform: "test",
		ApprovalsChannel: "approbations", SelfService: true, Log: zerolog.New(v.logs).Level(zerolog.DebugLevel)}
	specs := []bot.Spec{{
		Path: "box show", Help: "montre", Roles: []bot.Role{bot.Admin, bot.Board},
		Args: []bot.Arg{{Name: "boite", Type: bot.ArgEmail}},
		Self: &bot.SelfService{Roles: []bot.Role{bot.Delegate}, Arg: "boite"},
		Read: func(_ context.Context, c bot.Call) (bot.Reply, error) {
			return bot.Reply{Text: "boîte " + c.Args.Get("boite")}, nil
		},
	}, {
		Path: "box reset", Help: "réinitialise", Roles: []bot.Role{bot.Admin},
		Args:    []bot.Arg{{Name: "boite", Type: bot.ArgEmail}},
		Self:    &bot.SelfService{Roles: []bot.Role{bot.Delegate}, Arg: "boite", NoApproval: true},
		Preview: func(_ context.Context, c bot.Call) (string, error) { return "reset de " + c.Args.Get("boite"), nil },
		Apply: func(_ context.Context, c bot.Call) (bot.Outcome, error) {
			v.applied.Add(1)
			return bot.Outcome{Text: "fait", Private: []bot.Private{{Mailbox: c.Args.Get("boite"), Text: "mot de passe :", Secret: bot.NewSecret("S3cret-Pa55word-xyz")}}}, nil
		},
	}, {
		Path: "pay", Help: "paie", Roles: []bot.Role{bot.Admin}, Financial: true,
		Args:    []bot.Arg{{Name: "facture", Type: bot.ArgWord}},
		Preview: func(context.Context, bot.Call) (string, error) { return "paiement", nil },
		Apply: func(context.Context, bot.Call) (bot.Outcome, error) {
			v.applied.Add(1)
			return bot.Outcome{Text: "payée"}, nil
		},
	}, {
		Path: "broken", Help: "échoue", Roles: []bot.Role{bot.Admin},
		Preview: func(context.Context, bot.Call) (string, error) { return "va échouer", nil },
		Apply: func(context.Context, bot.Call) (bot.Outcome, error) {
			return bot.Outcome{}, &bot.Error{Provider: "cpanel", Op: "passwd", Kind: bot.Unavailable, Status: 503}
		},
	}}
	for _, o := range opts {
		o(&cfg, &specs)
	}
	v.e, err = bot.NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.e.Register(specs...); err != nil {
		t.Fatal(err)
	}
	return v
}

func audits(t *testing.T, v *env) []string {
	t.Helper()
	recs, err := v.store.Audit(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i := len(recs) - 1; i >= 0; i-- {
		kinds = append(kinds, recs[i].Kind)
	}
	return kinds
}

func TestApprovalFlow(t *testing.T) {
	v := newEnv(t)
	ans := v.run(t, "u-admin", "box reset Del@X.fr")
	if !strings.Contains(ans, "Demande n°1") {
		t.Fatalf("answer %q does not give the request number", ans)
	}
	msg := v.lastApproval(t)
	cr := v.request(t, 1)
	if cr.State != bot.Pending || cr.MessageID != msg || cr.Args.Get("boite") != "del@x.fr" || cr.Preview != "reset de del@x.fr" {
		t.Fatalf("stored request %+v", cr)
	}

	v.react("u-admin", msg, "✅") // the requester
	v.react("u-board", msg, "✅") // not an approver
	v.react("u-del", msg, "white_check_mark")
	v.e.React(t.Context(), bot.Reaction{Platform: "test", MessageID: msg, User: bot.Person{ID: "bot", Bot: true, Roles: []bot.Role{bot.Treasurer}}, Emoji: "✅"})
	v.react("u-tres", msg, "👍") // not an approval emoji
	if v.applied.Load() != 0 || v.request(t, 1).State != bot.Pending {
		t.Fatalf("request ran without a valid approval: state %s", v.request(t, 1).State)
	}
	if d := v.chat.DirectsTo("u-admin"); len(d) != 1 || !strings.Contains(d[0], "propre demande") {
		t.Errorf("requester told %q, want a notice that self-approval does not count", d)
	}

	v.react("u-tres", msg, ":white_check_mark:")
	cr = v.request(t, 1)
	if cr.State != bot.Done || v.applied.Load() != 1 {
		t.Fatalf("after the treasurer's ✅: state %s, applied %d", cr.State, v.applied.Load())
	}
	if d := v.chat.DirectsTo("u-del"); len(d) != 2 || !strings.Contains(d[0], "approbateurs") || !strings.Contains(d[1], "S3cret-Pa55word-xyz") {
		t.Errorf("owner's private messages %q, want the notice about their reaction, then the password", d)
	}
	v.react("u-pres", msg, "✅")
	if v.applied.Load() != 1 {
		t.Fatal("a second approval ran the request again")
	}
	want := []string{"request", "vote", "outcome"}
	if got := audits(t, v); !slices.Equal(got, want) {
		t.Errorf("audit kinds %q, want %q", got, want)
	}
	if strings.Contains(v.postsText(), "S3cret") || strings.Contains(v.logs.String(), "S3cret") {
		t.Error("the password reached a channel post or the log")
	}
}

func TestReject(t *testing.T) {
	v := newEnv(t)
	v.run(t, "u-admin", "box reset del@x.fr")
	msg := v.lastApproval(t)
	v.react("u-pres", msg, "❌\uFE0F")
	v.react("u-tres", msg, "✅")
	if cr := v.request(t, 1); cr.State != bot.Rejected || v.applied.Load() != 0 {
		t.Fatalf("state %s applied %d, want rejected and never run", cr.State, v.applied.Load())
	}
	if !strings.Contains(v.postsText(), "refusée par Président") {
		t.Errorf("no rejection post in %q", v.postsText())
	}
}

func TestTwoApprovalsAndWithdrawal(t *testing.T) {
	v := newEnv(t, func(c *bot.EngineConfig, _ *[]bot.Spec) { c.Approvals = map[string]int{"pay": 2} })
	v.run(t, "u-admin", "pay F-12")
	msg := v.lastApproval(t)
	v.react("u-tres", msg, "✅")
	if cr := v.request(t, 1); cr.State != bot.Pending || cr.ApprovalCount() != 1 {
		t.Fatalf("after one approval: %s %d", cr.State, cr.ApprovalCount())
	}
	v.e.React(t.Context(), bot.Reaction{Platform: "test", MessageID: msg, User: v.person("u-tres"), Emoji: "✅", Removed: true})
	if cr := v.request(t, 1); cr.ApprovalCount() != 0 {
		t.Fatalf("withdrawn vote still counted: %d", cr.ApprovalCount())
	}
	v.react("u-tres", msg, "✅")
	v.react("u-tres", msg, "✅") // the same vote twice counts once
	if cr := v.request(t, 1); cr.State != bot.Pending {
		t.Fatalf("one person's two reactions executed a 2-approval request")
	}
	v.react("u-pres", msg, "✅")
	if cr := v.request(t, 1); cr.State != bot.Done || v.applied.Load() != 1 {
		t.Fatalf("after two approvals: %s applied %d", cr.State, v.applied.Load())
	}
	v.e.React(t.Context(), bot.Reaction{Platform: "test", MessageID: msg, User: v.person("u-pres"), Emoji: "✅", Removed: true})
	if !strings.Contains(v.postsText(), "cela ne change rien") {
		t.Errorf("late withdrawal not answered: %q", v.postsText())
	}
	if got := audits(t, v); !slices.Equal(got, []string{"request", "vote", "unvote", "vote", "vote", "outcome"}) {
		t.Errorf("audit kinds %q", got)
	}
}

func TestApprovalRaceExecutesOnce(t *testing.T) {
	v := newEnv(t)
	for i := range 5 {
		v.run(t, "u-admin", fmt.Sprintf("pay F-%d", i))
		msg := v.lastApproval(t)
		var wg sync.WaitGroup
		for j := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v.react([]string{"u-tres", "u-pres"}[j%2], msg, "✅")
			}()
		}
		wg.Wait()
		if got := v.applied.Load(); got != int64(i+1) {
			t.Fatalf("request %d: applied %d times in all, want %d", i+1, got, i+1)
		}
	}
}

func TestExpiry(t *testing.T) {
	v := newEnv(t)
	v.run(t, "u-admin", "pay F-1")
	v.run(t, "u-admin", "pay F-2")
	v.advance(71 * time.Hour)
	if n, err := v.e.ExpireDue(t.Context()); err != nil || n != 0 {
		t.Fatalf("ExpireDue before 72 h = %d, %v; want 0", n, err)
	}
	v.run(t, "u-admin", "pay F-3")
	msg3 := v.lastApproval(t)
	v.advance(time.Hour)
	if n, err := v.e.ExpireDue(t.Context()); err != nil || n != 2 {
		t.Fatalf("ExpireDue after 72 h = %d, %v; want 2", n, err)
	}
	v.advance(71 * time.Hour) // F-3 is now past its expiry, not yet swept
	v.react("u-tres", msg3, "✅")
	for id := int64(1); id <= 3; id++ {
		if cr := v.request(t, id); cr.State != bot.Expired {
			t.Errorf("request %d state %s, want expired", id, cr.State)
		}
	}
	if v.applied.Load() != 0 {
		t.Fatal("an expired request ran")
	}
	if n := strings.Count(v.postsText(), "expirée"); n != 3 {
		t.Errorf("%d expiry posts, want 3", n)
	}
}

func TestRecover(t *testing.T) {
	v := newEnv(t, func(_ *bot.EngineConfig, specs *[]bot.Spec) {
		(*specs)[1].Verify = "box show {boite}"
		(*specs)[2].Idempotent = true // pay
	})
	v.run(t, "u-admin", "box reset del@x.fr")
	v.run(t, "u-admin", "pay F-1")
	for _, id := range []int64{1, 2} {
		if _, err := v.store.UpdateRequest(t.Context(), id, func(c *bot.ChangeRequest) error { c.State = bot.Executing; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.e.Recover(t.Context()); err != nil {
		t.Fatal(err)
	}
	if cr := v.request(t, 1); cr.State != bot.Unknown {
		t.Errorf("interrupted non-idempotent request: %s, want unknown", cr.State)
	}
	if cr := v.request(t, 2); cr.State != bot.Done {
		t.Errorf("interrupted idempotent request: %s, want done (re-run)", cr.State)
	}
	if v.applied.Load() != 1 {
		t.Errorf("applied %d, want only the idempotent one", v.applied.Load())
	}
	if d := v.chat.DirectsTo("u-admin"); len(d) != 1 || !strings.Contains(d[0], "vérifiez à la main") || !strings.Contains(d[0], "/box show del@x.fr le montre") {
		t.Errorf("admin told %q", d)
	}
}

// TestWatchPending: at start the adapter is handed the posts of this
// platform's pending requests, oldest first, and no other.
func TestWatchPending(t *testing.T) {
	v := newEnv(t)
	for _, line := range []string{"box reset a@x.fr", "pay F-1", "box reset b@x.fr", "box reset c@x.fr"} {
		if got := v.run(t, "u-admin", line); !strings.Contains(got, "Demande n°") {
			t.Fatalf("%q = %q", line, got)
		}
	}
	if _, err := v.e.Cancel(t.Context(), 3, bot.Person{ID: "u-admin", Name: "Admin", Roles: []bot.Role{bot.Admin}}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.store.UpdateRequest(t.Context(), 4, func(c *bot.ChangeRequest) error { c.Platform = "other"; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := v.e.WatchPending(t.Context()); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, id := range []int64{1, 2} {
		cr := v.request(t, id)
		want = append(want, cr.Channel+"/"+cr.MessageID)
	}
	got := v.chat.Watched()
	if !slices.Equal(got, want) {
		t.Errorf("watched %q, want %q (pending, this platform, oldest first)", got, want)
	}
}

func TestAuthorisation(t *testing.T) {
	v := newEnv(t)
	tests := []struct {
		name, user, line, want string
		request                bool
	}{
		{"unknown user", "u-stranger", "box show a@x.fr", "pas (encore) enregistré", false},
		{"delegate on admin command", "u-del", "pay F-1", "réservé à", false},
		{"delegate on another mailbox", "u-del", "box reset autre@x.fr", "propre boîte", false},
		{"delegate reads own mailbox", "u-del", "box show del@x.fr", "boîte del@x.fr", false},
		{"board reads", "u-board", "box show a@x.fr", "boîte a@x.fr", false},
		{"board may not reset", "u-board", "box reset a@x.fr", "réservé à", false},
		{"unknown command", "u-admin", "fly away", "Commande inconnue", false},
		{"incomplete command", "u-admin", "box", "Possibilités", false},
		{"bad argument", "u-admin", "box reset jean", "adresse e-mail invalide", false},
		{"missing argument", "u-admin", "box reset", "argument manquant", false},
		{"admin requests", "u-admin", "box reset a@x.fr", "Demande n°1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := v.run(t, tt.user, tt.line)
			if !strings.Contains(got, tt.want) {
				t.Errorf("%s %q = %q, want it to hold %q", tt.user, tt.line, got, tt.want)
			}
			crs, err := v.store.ListRequests(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if (len(crs) > 0) != tt.request {
				t.Errorf("%d requests stored, want request=%v", len(crs), tt.request)
			}
		})
	}
	if v.applied.Load() != 0 {
		t.Errorf("something ran: %d", v.applied.Load())
	}
}

func TestSelfServiceWithoutApproval(t *testing.T) {
	v := newEnv(t)
	got := v.run(t, "u-del", "box reset del@x.fr")
	if !strings.Contains(got, "fait") || v.applied.Load() != 1 {
		t.Fatalf("self-service answer %q applied %d", got, v.applied.Load())
	}
	if strings.Contains(got, "S3cret") {
		t.Fatal("the password is in the caller's answer")
	}
	if d := v.chat.DirectsTo("u-del"); len(d) != 1 || !strings.Contains(d[0], "S3cret-Pa55word-xyz") {
		t.Errorf("private messages %q", d)
	}
	if got := audits(t, v); !slices.Equal(got, []string{"self", "outcome"}) {
		t.Errorf("audit %q", got)
	}

	off := newEnv(t, func(c *bot.EngineConfig, _ *[]bot.Spec) { c.SelfService = false })
	if got := off.run(t, "u-del", "box reset del@x.fr"); !strings.Contains(got, "Demande n°1") {
		t.Errorf("with self-service off the delegate's reset should be a request: %q", got)
	}
}

// TestFailedExecution: a change the provider refused is failed (nothing
// changed, trying again is suggested); one whose answer never came (5xx,
// timeout, dropped connection) is unknown, naming the read command that
// shows the truth, and never suggests trying again.
func TestFailedExecution(t *testing.T) {
	var applyErr error
	write := func(_ *bot.EngineConfig, specs *[]bot.Spec) {
		*specs = append(*specs, bot.Spec{
			Path: "write", Help: "écrit", Roles: []bot.Role{bot.Admin}, Args: []bot.Arg{{Name: "boite", Type: bot.ArgEmail}},
			Verify:  "box show {boite}",
			Preview: func(context.Context, bot.Call) (string, error) { return "va écrire", nil },
			Apply:   func(context.Context, bot.Call) (bot.Outcome, error) { return bot.Outcome{}, applyErr },
		})
	}
	dial := &url.Error{Op: "Post", URL: "https://cpanel.test", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	dropped := &url.Error{Op: "Post", URL: "https://cpanel.test", Err: io.EOF}
	tests := []struct {
		name    string
		line    string
		err     error
		state   bot.State
		outcome []string
		post    string
	}{
		{"server error", "broken", nil, bot.Unknown, []string{"cPanel ne répond pas", "peut-être été appliqué"}, "résultat inconnu"},
		{"timeout", "write a@x.fr", &bot.Error{Provider: "cpanel", Kind: bot.Unavailable, Err: context.DeadlineExceeded}, bot.Unknown,
			[]string{"cPanel ne répond pas", "vérifiez avec /box show a@x.fr"}, "résultat inconnu"},
		{"deadline without a provider", "write a@x.fr", context.DeadlineExceeded, bot.Unknown, []string{"peut-être été appliqué"}, "résultat inconnu"},
		{"dropped connection", "write a@x.fr", &bot.Error{Provider: "cpanel", Kind: bot.Unavailable, Err: dropped}, bot.Unknown,
			[]string{"/box show a@x.fr"}, "résultat inconnu"},
		{"unexpected answer", "write a@x.fr", errors.New("decode: unexpected EOF"), bot.Unknown, []string{"peut-être été appliqué"}, "résultat inconnu"},
		{"refused value", "write a@x.fr", &bot.Error{Provider: "cpanel", Kind: bot.Invalid, Status: 200}, bot.Failed, []string{"cPanel a refusé la demande"}, "échouée"},
		{"conflict", "write a@x.fr", &bot.Error{Provider: "cpanel", Kind: bot.Conflict}, bot.Failed, []string{"conflit"}, "échouée"},
		{"access denied", "write a@x.fr", &bot.Error{Provider: "cpanel", Kind: bot.Denied, Status: 403}, bot.Failed, []string{"refusé l'accès"}, "échouée"},
		{"never sent", "write a@x.fr", &bot.Error{Provider: "cpanel", Kind: bot.Unavailable, Err: dial}, bot.Failed, []string{"cPanel ne répond pas"}, "échouée"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			applyErr = tt.err
			v := newEnv(t, write)
			v.run(t, "u-admin", tt.line)
			v.react("u-tres", v.lastApproval(t), "✅")
			cr := v.request(t, 1)
			if cr.State != tt.state {
				t.Fatalf("state %s, want %s (outcome %q)", cr.State, tt.state, cr.Outcome)
			}
			for _, want := range tt.outcome {
				if !strings.Contains(cr.Outcome, want) {
					t.Errorf("outcome %q lacks %q", cr.Outcome, want)
				}
			}
			posts := v.postsText()
			if !strings.Contains(posts, tt.post) {
				t.Errorf("no %q post: %q", tt.post, posts)
			}
			if retry := strings.Contains(posts, "réessayer") || strings.Contains(posts, "réessayez"); retry != (tt.state == bot.Failed) {
				t.Errorf("posts suggest trying again: %v, want %v:\n%s", retry, tt.state == bot.Failed, posts)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	v := newEnv(t)
	v.run(t, "u-admin", "pay F-1")
	msg := v.lastApproval(t)
	if _, err := v.e.Cancel(t.Context(), 1, v.person("u-tres")); err == nil {
		t.Fatal("the treasurer cancelled someone else's request")
	}
	if _, err := v.e.Cancel(t.Context(), 1, v.person("u-admin")); err != nil {
		t.Fatal(err)
	}
	v.react("u-tres", msg, "✅")
	if cr := v.request(t, 1); cr.State != bot.Cancelled || v.applied.Load() != 0 {
		t.Fatalf("state %s applied %d", cr.State, v.applied.Load())
	}
	if _, err := v.e.Cancel(t.Context(), 9, v.person("u-admin")); bot.KindOf(err) != bot.Invalid {
		t.Errorf("cancel of a missing request: %v", err)
	}
}

func TestPostFailureCancels(t *testing.T) {
	v := newEnv(t)
	v.chat.Fail(&bot.Error{Provider: "chat", Kind: bot.Unavailable})
	got := v.run(t, "u-admin", "pay F-1")
	if !strings.Contains(got, "annulée") {
		t.Errorf("answer %q", got)
	}
	if cr := v.request(t, 1); cr.State != bot.Cancelled {
		t.Errorf("state %s, want cancelled", cr.State)
	}
}

func TestReactionElsewhereGoesToWatchers(t *testing.T) {
	v := newEnv(t)
	var seen []string
	v.e.Watch(func(_ context.Context, r bot.Reaction) bool { seen = append(seen, r.MessageID+r.Emoji); return true })
	v.react("u-board", "alert-7", "👀")
	if !slices.Equal(seen, []string{"alert-7👀"}) {
		t.Errorf("watchers saw %q", seen)
	}
}

func TestEnglish(t *testing.T) {
	v := newEnv(t, func(c *bot.EngineConfig, _ *[]bot.Spec) { c.Locale = bot.EN })
	if got := v.run(t, "u-del", "pay F-1"); !strings.Contains(got, "Sorry, /pay is for") {
		t.Errorf("English refusal %q", got)
	}
	if got := v.run(t, "u-admin", "box reset x"); !strings.Contains(got, "invalid e-mail address") {
		t.Errorf("English validation %q", got)
	}
}

// A reaction that arrives while the request is being posted (before its
// message ID is stored) still counts: React waits for posts in flight.
func TestReactionDuringPost(t *testing.T) {
	v := newEnv(t)
	done := make(chan struct{})
	v.chat.OnPost(func(id string, m bot.Message) {
		if !m.Approval {
			return
		}
		go func() {
			v.react("u-tres", id, "✅")
			close(done)
		}()
		for range 100 {
			runtime.Gosched() // let the reaction overtake the end of Post
		}
	})
	v.run(t, "u-admin", "pay F-1")
	<-done
	if cr := v.request(t, 1); cr.State != bot.Done || v.applied.Load() != 1 {
		t.Fatalf("state %s applied %d: the early reaction was lost", cr.State, v.applied.Load())
	}
}
