package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/bottest"
)

// quotaWorld is a provider with one mailbox quota and a "quota" change
// command whose preview reads it, as /mail quota does.
type quotaWorld struct {
	mu    sync.Mutex
	quota map[string]int
	runs  atomic.Int64
}

func (q *quotaWorld) get(box string) int { q.mu.Lock(); defer q.mu.Unlock(); return q.quota[box] }
func (q *quotaWorld) set(box string, n int) {
	q.mu.Lock()
	q.quota[box] = n
	q.mu.Unlock()
}

func (q *quotaWorld) spec() bot.Spec {
	return bot.Spec{
		Path: "quota", Help: "quota", Roles: []bot.Role{bot.Admin},
		Args:   []bot.Arg{{Name: "boite", Type: bot.ArgEmail}, {Name: "taille", Type: bot.ArgWord}},
		Verify: "box show {boite}",
		Preview: func(_ context.Context, c bot.Call) (string, error) {
			now, want := q.get(c.Args.Get("boite")), c.Args.Get("taille")
			if fmt.Sprint(now) == want {
				return "", bot.Unchanged("Le quota de %s est déjà de %d Go.", "The quota of %s is already %d GB.", c.Args.Get("boite"), now)
			}
			return fmt.Sprintf("Quota de %s : %d Go → %s Go", c.Args.Get("boite"), now, want), nil
		},
		Apply: func(_ context.Context, c bot.Call) (bot.Outcome, error) {
			q.runs.Add(1)
			var n int
			fmt.Sscan(c.Args.Get("taille"), &n)
			q.set(c.Args.Get("boite"), n)
			return bot.Outcome{Text: "quota changé"}, nil
		},
	}
}

func newQuotaEnv(t *testing.T, opts ...option) (*env, *quotaWorld) {
	t.Helper()
	q := &quotaWorld{quota: map[string]int{"a@x.fr": 1}}
	opts = append(opts, func(_ *bot.EngineConfig, specs *[]bot.Spec) { *specs = append(*specs, q.spec()) })
	return newEnv(t, opts...), q
}

// TestStale is the demo's scenario: two pending requests on one mailbox
// (1 → 3, then 1 → 4); the second runs, the first then ends stale without
// running, and asking again for what is already there creates no request.
func TestStale(t *testing.T) {
	v, q := newQuotaEnv(t)
	v.run(t, "u-admin", "quota a@x.fr 3")
	first := v.lastApproval(t)
	v.run(t, "u-admin", "quota a@x.fr 4")
	second := v.lastApproval(t)

	v.react("u-tres", second, "✅")
	if cr := v.request(t, 2); cr.State != bot.Done || q.get("a@x.fr") != 4 {
		t.Fatalf("second request %s, quota %d; want done and 4", cr.State, q.get("a@x.fr"))
	}
	v.react("u-pres", first, "✅")
	cr := v.request(t, 1)
	if cr.State != bot.Stale || q.get("a@x.fr") != 4 || q.runs.Load() != 1 {
		t.Fatalf("first request %s, quota %d, runs %d; want stale, 4, 1", cr.State, q.get("a@x.fr"), q.runs.Load())
	}
	for _, want := range []string{"Quota de a@x.fr : 1 Go → 3 Go", "Quota de a@x.fr : 4 Go → 3 Go"} {
		if !strings.Contains(cr.Outcome, want) {
			t.Errorf("stale outcome %q lacks %q", cr.Outcome, want)
		}
	}
	posts := v.postsText()
	for _, want := range []string{"non exécutée", "Aperçu approuvé : Quota de a@x.fr : 1 Go → 3 Go", "Aujourd'hui : Quota de a@x.fr : 4 Go → 3 Go", "/quota a@x.fr 3"} {
		if !strings.Contains(posts, want) {
			t.Errorf("thread lacks %q:\n%s", want, posts)
		}
	}
	if got := audits(t, v); !slices.Equal(got, []string{"request", "request", "vote", "outcome", "vote", "outcome"}) {
		t.Errorf("audit kinds %q", got)
	}
	recs, err := v.store.Audit(t.Context(), 1)
	if err != nil || len(recs) != 1 || !strings.HasPrefix(recs[0].Detail, "stale: ") {
		t.Errorf("last audit record %+v, %v; want the stale outcome", recs, err)
	}
	if l := bot.Stale.Label(bot.FR); !strings.Contains(l, "rien n'a été exécuté") {
		t.Errorf("stale label %q", l)
	}

	// Asking again for what is already there: a private answer, no request.
	if got := v.run(t, "u-admin", "quota a@x.fr 4"); !strings.Contains(got, "déjà de 4 Go") {
		t.Errorf("request for the current quota answered %q", got)
	}
	if crs, _ := v.store.ListRequests(t.Context()); len(crs) != 2 {
		t.Errorf("%d requests stored, want still 2", len(crs))
	}
}

// TestStaleWhenNothingLeftToDo: the preview recomputed at execution says
// there is nothing to change any more (someone did it by hand): stale.
func TestStaleWhenNothingLeftToDo(t *testing.T) {
	v, q := newQuotaEnv(t)
	v.run(t, "u-admin", "quota a@x.fr 3")
	q.set("a@x.fr", 3)
	v.react("u-tres", v.lastApproval(t), "✅")
	if cr := v.request(t, 1); cr.State != bot.Stale || q.runs.Load() != 0 || !strings.Contains(cr.Outcome, "déjà de 3 Go") {
		t.Fatalf("state %s runs %d outcome %q; want stale, not run, with today's reason", cr.State, q.runs.Load(), cr.Outcome)
	}
}

// TestDuplicatePending: a second pending request for the same action is
// refused with the first one's number; once the first has ended, the same
// action may be asked again.
func TestDuplicatePending(t *testing.T) {
	v, _ := newQuotaEnv(t)
	v.run(t, "u-admin", "quota a@x.fr 3")
	if got := v.run(t, "u-admin", "quota A@X.fr 3"); !strings.Contains(got, "demande n°1") {
		t.Errorf("duplicate answered %q, want the pending request's number", got)
	}
	if got := v.run(t, "u-admin", "quota a@x.fr 5"); !strings.Contains(got, "Demande n°2") {
		t.Errorf("other arguments answered %q, want a new request", got)
	}
	if _, err := v.e.Cancel(t.Context(), 1, v.person("u-admin")); err != nil {
		t.Fatal(err)
	}
	if got := v.run(t, "u-admin", "quota a@x.fr 3"); !strings.Contains(got, "Demande n°3") {
		t.Errorf("after the first was cancelled: %q, want a new request", got)
	}
}

// TestDuplicateRace: people asking for the same change at the same time
// store one request.
func TestDuplicateRace(t *testing.T) {
	v, _ := newQuotaEnv(t)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			v.e.Handle(context.Background(), bot.Invocation{Platform: "test", Caller: v.person("u-admin"), Text: "quota a@x.fr 3",
				Respond: bot.ResponderFunc(func(context.Context, bot.Reply) error { return nil })})
		})
	}
	wg.Wait()
	if crs, err := v.store.ListRequests(t.Context(), bot.Pending); err != nil || len(crs) != 1 {
		t.Fatalf("%d pending requests (%v), want 1", len(crs), err)
	}
}

// planSpec keeps a plan its preview text only counts, like /coherence fix.
func planSpec(plan *[]string, got *[]string) bot.Spec {
	return bot.Spec{
		Path: "plan", Help: "plan", Roles: []bot.Role{bot.Admin},
		Preview: func(_ context.Context, c bot.Call) (string, error) {
			if err := c.Keep(*plan); err != nil {
				return "", err
			}
			return fmt.Sprintf("%d retrait(s)", len(*plan)), nil
		},
		Apply: func(_ context.Context, c bot.Call) (bot.Outcome, error) {
			if err := c.Kept(got); err != nil {
				return bot.Outcome{}, err
			}
			return bot.Outcome{Text: "fait"}, nil
		},
	}
}

// TestKeptPlan: Apply receives the plan the approved preview kept; a plan
// with the same counts but other items is stale.
func TestKeptPlan(t *testing.T) {
	plan, got := []string{"a@x.fr", "b@x.fr"}, []string(nil)
	v := newEnv(t, func(_ *bot.EngineConfig, specs *[]bot.Spec) { *specs = append(*specs, planSpec(&plan, &got)) })
	v.run(t, "u-admin", "plan")
	v.react("u-tres", v.lastApproval(t), "✅")
	if cr := v.request(t, 1); cr.State != bot.Done || !slices.Equal(got, plan) {
		t.Fatalf("state %s, Apply got %q; want done with %q", cr.State, got, plan)
	}
	if strings.Contains(v.postsText(), "a@x.fr") {
		t.Error("the kept plan reached a post")
	}

	got = nil
	v.run(t, "u-admin", "plan")
	plan = []string{"a@x.fr", "c@x.fr"}
	v.react("u-tres", v.lastApproval(t), "✅")
	if cr := v.request(t, 2); cr.State != bot.Stale || got != nil {
		t.Fatalf("state %s, Apply got %q; want stale and not run", cr.State, got)
	}
	if err := (bot.Call{}).Keep(plan); err == nil {
		t.Error("Keep outside a preview run by the engine succeeded")
	}
}

// TestOutcomeAfterDeadline: a change that used its whole deadline is still
// recorded, audited and reported in its thread (on a fresh context).
func TestOutcomeAfterDeadline(t *testing.T) {
	v := newEnv(t, func(c *bot.EngineConfig, specs *[]bot.Spec) {
		// Long enough for the request and the recomputed preview on a loaded
		// machine; Apply alone waits for the deadline.
		c.Timeout = 500 * time.Millisecond
		*specs = append(*specs, bot.Spec{
			Path: "slow", Help: "lent", Roles: []bot.Role{bot.Admin},
			Preview: func(context.Context, bot.Call) (string, error) { return "lent", nil },
			Apply: func(ctx context.Context, _ bot.Call) (bot.Outcome, error) {
				<-ctx.Done()
				return bot.Outcome{}, fmt.Errorf("write: %w", ctx.Err())
			},
		})
	})
	v.run(t, "u-admin", "slow")
	v.react("u-tres", v.lastApproval(t), "✅")
	if cr := v.request(t, 1); cr.State != bot.Unknown {
		t.Fatalf("state %s, want unknown", cr.State)
	}
	if !strings.Contains(v.postsText(), "résultat inconnu") {
		t.Errorf("no outcome post in the thread: %q", v.postsText())
	}
	if got := audits(t, v); got[len(got)-1] != "outcome" {
		t.Errorf("audit %q, want an outcome record last", got)
	}
}

// TestRecipientUnreachable: a password change runs only once a private
// message reaches its recipient (the mailbox's owner, else the requester).
func TestRecipientUnreachable(t *testing.T) {
	reset := func(_ *bot.EngineConfig, specs *[]bot.Spec) {
		for i := range *specs {
			if (*specs)[i].Path == "box reset" {
				(*specs)[i].Recipient = "boite"
			}
		}
	}
	t.Run("owner refuses private messages", func(t *testing.T) {
		v := newEnv(t, reset)
		v.chat.FailDirect(func(user string, _ bot.Message) error { return denied(user == "u-del") })
		v.run(t, "u-admin", "box reset del@x.fr")
		v.react("u-tres", v.lastApproval(t), "✅")
		if cr := v.request(t, 1); cr.State != bot.Failed || v.applied.Load() != 0 {
			t.Fatalf("state %s applied %d; want failed and not run", cr.State, v.applied.Load())
		}
		if p := v.postsText(); !strings.Contains(p, "messages privés") || !strings.Contains(p, "Rien n'a été modifié") {
			t.Errorf("thread does not say why and how to fix it: %q", p)
		}
	})
	t.Run("requester without a mailbox owner", func(t *testing.T) {
		v := newEnv(t, reset)
		v.chat.FailDirect(func(user string, _ bot.Message) error { return denied(user == "u-admin") })
		v.run(t, "u-admin", "box reset nobody@x.fr")
		v.react("u-tres", v.lastApproval(t), "✅")
		if cr := v.request(t, 1); cr.State != bot.Failed || v.applied.Load() != 0 {
			t.Fatalf("state %s applied %d; want failed and not run", cr.State, v.applied.Load())
		}
	})
	t.Run("self-service", func(t *testing.T) {
		v := newEnv(t, reset)
		v.chat.FailDirect(func(string, bot.Message) error { return denied(true) })
		if got := v.run(t, "u-del", "box reset del@x.fr"); !strings.Contains(got, "messages privés") || v.applied.Load() != 0 {
			t.Errorf("self-service answer %q applied %d; want a refusal and nothing run", got, v.applied.Load())
		}
	})
	t.Run("password lost after the change", func(t *testing.T) {
		v := newEnv(t, reset)
		v.chat.FailDirect(func(_ string, m bot.Message) error { return denied(!m.Secret.Empty()) })
		v.run(t, "u-admin", "box reset del@x.fr")
		v.react("u-tres", v.lastApproval(t), "✅")
		cr := v.request(t, 1)
		if cr.State != bot.Done || v.applied.Load() != 1 || !strings.Contains(cr.Outcome, "nouvelle réinitialisation") {
			t.Fatalf("state %s applied %d outcome %q; want done with a warning", cr.State, v.applied.Load(), cr.Outcome)
		}
		if strings.Contains(v.postsText()+v.logs.String()+cr.Outcome, "S3cret") {
			t.Error("the undelivered password was written somewhere")
		}
	})
}

// TestOneNoticePerPerson: reactions on an ended request give each person
// at most one notice, whatever they react with.
func TestOneNoticePerPerson(t *testing.T) {
	v := newEnv(t)
	v.run(t, "u-admin", "pay F-1")
	msg := v.lastApproval(t)
	v.react("u-tres", msg, "✅")
	before := v.chat.Count()
	for range 3 {
		v.react("u-pres", msg, "✅")
		v.react("u-pres", msg, "❌")
		v.e.React(t.Context(), bot.Reaction{Platform: "test", MessageID: msg, User: v.person("u-pres"), Emoji: "✅", Removed: true})
		v.react("u-board", msg, "✅") // not an approver: a private notice
	}
	if n := v.chat.Count() - before; n != 1 {
		t.Errorf("%d thread notices for the president's reactions, want 1:\n%s", n, v.postsText())
	}
	if d := v.chat.DirectsTo("u-board"); len(d) != 1 {
		t.Errorf("board member told %d times, want once: %q", len(d), d)
	}
}

// TestRecoverRerunIsTheRequesters: the bot's re-run of an interrupted
// idempotent request is audited as the requester's, not opsbot's.
func TestRecoverRerunIsTheRequesters(t *testing.T) {
	v := newEnv(t, func(_ *bot.EngineConfig, specs *[]bot.Spec) { (*specs)[2].Idempotent = true })
	v.run(t, "u-admin", "pay F-1")
	if _, err := v.store.UpdateRequest(t.Context(), 1, func(c *bot.ChangeRequest) error {
		c.State = bot.Executing
		c.Votes = []bot.Vote{{UserID: "u-tres", Name: "Trésorière", Approve: true}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := v.e.Recover(t.Context()); err != nil {
		t.Fatal(err)
	}
	recs, err := v.store.Audit(t.Context(), 1)
	if err != nil || len(recs) != 1 || recs[0].Kind != "outcome" || recs[0].ActorID != "u-admin" {
		t.Fatalf("outcome record %+v (%v), want the requester u-admin", recs, err)
	}
	if !strings.Contains(v.postsText(), "approuvée par Trésorière") {
		t.Errorf("thread %q does not name who approved", v.postsText())
	}
}

// TestFailedStepsStillDeliverTheirSecrets: a change in steps that fails
// after a step produced a password returns it with its error; the engine
// delivers it privately all the same, and the request ends failed.
func TestFailedStepsStillDeliverTheirSecrets(t *testing.T) {
	pw := bot.NewSecret("s3cret-of-step-1")
	v := newEnv(t, func(_ *bot.EngineConfig, specs *[]bot.Spec) {
		*specs = append(*specs, bot.Spec{
			Path: "steps", Help: "étapes", Roles: []bot.Role{bot.Admin}, Verify: "box show {boite}",
			Args:    []bot.Arg{{Name: "boite", Type: bot.ArgEmail}},
			Preview: func(context.Context, bot.Call) (string, error) { return "1. boîte 2. compte", nil },
			Apply: func(context.Context, bot.Call) (bot.Outcome, error) {
				return bot.Outcome{Private: []bot.Private{{Mailbox: "del@x.fr", Text: "mot de passe :", Secret: pw}}},
					&bot.Error{Provider: "dolibarr", Kind: bot.Denied, Err: fmt.Errorf("step 2 refused")}
			},
		})
	})
	v.run(t, "u-admin", "steps del@x.fr")
	v.react("u-tres", v.lastApproval(t), "✅")
	if cr := v.request(t, 1); cr.State != bot.Failed || !strings.Contains(cr.Outcome, "envoyé en message privé à Délégué") {
		t.Fatalf("request %s: %s; want failed, with the password sent", cr.State, cr.Outcome)
	}
	if i := slices.IndexFunc(v.chat.Messages(), func(m bottest.Message) bool { return m.Msg.Secret.Reveal() == pw.Reveal() }); i < 0 || v.chat.Messages()[i].To != "u-del" {
		t.Errorf("the password did not reach its mailbox's owner privately")
	}
}
