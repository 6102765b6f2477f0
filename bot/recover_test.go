package bot_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/bottest"
)

// panicking adds a read command whose handler panics.
func panicking(_ *bot.EngineConfig, specs *[]bot.Spec) {
	*specs = append(*specs, bot.Spec{Path: "boom", Help: "panique", Roles: []bot.Role{bot.Admin},
		Read: func(context.Context, bot.Call) (bot.Reply, error) { panic("index out of range [3] with length 3") }})
}

// A command that panics is answered "erreur interne" with a reference, the
// panic is logged with the request, and the engine goes on serving.
func TestPanickingCommandIsAnswered(t *testing.T) {
	for _, tt := range []struct {
		locale bot.Locale
		want   string
	}{{bot.FR, "Erreur interne d'opsbot"}, {bot.EN, "opsbot internal error"}} {
		t.Run(string(tt.locale), func(t *testing.T) {
			v := newEnv(t, panicking, func(c *bot.EngineConfig, _ *[]bot.Spec) { c.Locale = tt.locale })
			got := v.run(t, "u-admin", "boom")
			if !strings.Contains(got, tt.want) || !strings.Contains(got, "(ré") && !strings.Contains(got, "(ref") {
				t.Errorf("answer to a panicking command = %q, want %q and a reference", got, tt.want)
			}
			logs := v.logs.String()
			for _, want := range []string{"command panicked", `"command":"boom"`, `"caller":"u-admin"`, "index out of range", "stack"} {
				if !strings.Contains(logs, want) {
					t.Errorf("log lacks %q:\n%s", want, logs)
				}
			}
			if got := v.run(t, "u-admin", "box show a@b.fr"); got != "boîte a@b.fr" {
				t.Errorf("after the panic: %q", got)
			}
		})
	}
}

// A reaction whose handling panics (here in an alert watcher) is logged
// with the reaction, the person is told privately that it may not have
// counted, and the engine goes on.
func TestPanickingReactionIsToldPrivately(t *testing.T) {
	v := newEnv(t)
	v.e.Watch(func(context.Context, bot.Reaction) bool { panic("nil map") })
	v.react("u-board", "alert-7", "👀")
	got := v.chat.DirectsTo("u-board")
	if len(got) != 1 || !strings.Contains(got[0], "Erreur interne") || !strings.Contains(got[0], "👀") {
		t.Errorf("private notice = %q, want one saying the 👀 reaction may not have counted", got)
	}
	if logs := v.logs.String(); !strings.Contains(logs, "reaction panicked") || !strings.Contains(logs, `"message_id":"alert-7"`) {
		t.Errorf("log lacks the reaction's panic:\n%s", logs)
	}
	if got := v.run(t, "u-admin", "box show a@b.fr"); got != "boîte a@b.fr" {
		t.Errorf("after the panic: %q", got)
	}
}

// A change whose execution panics does not stay executing: a panic in the
// preview recomputed before Apply ends it failed with nothing run, one in
// Apply ends it unknown with the read command that shows the truth. Both
// are logged and told in the request's thread.
func TestPanickingExecutionEndsTheRequest(t *testing.T) {
	previews := 0
	v := newEnv(t, func(_ *bot.EngineConfig, specs *[]bot.Spec) {
		*specs = append(*specs, bot.Spec{Path: "crash apply", Help: "panique", Roles: []bot.Role{bot.Admin},
			Args: []bot.Arg{{Name: "boite", Type: bot.ArgEmail}}, Verify: "box show {boite}",
			Preview: func(context.Context, bot.Call) (string, error) { return "va paniquer", nil },
			Apply:   func(context.Context, bot.Call) (bot.Outcome, error) { panic("nil pointer in apply") },
		}, bot.Spec{Path: "crash preview", Help: "panique", Roles: []bot.Role{bot.Admin},
			Preview: func(context.Context, bot.Call) (string, error) {
				if previews++; previews > 1 {
					panic("nil pointer in preview")
				}
				return "va paniquer", nil
			},
			Apply: func(context.Context, bot.Call) (bot.Outcome, error) { t.Error("Apply ran"); return bot.Outcome{}, nil },
		})
	})
	for i, tt := range []struct {
		line  string
		state bot.State
		want  []string
	}{
		{"crash apply a@x.fr", bot.Unknown, []string{"résultat inconnu", "erreur interne", "peut-être été appliqué", "/box show a@x.fr", "(réf. cr1)"}},
		{"crash preview", bot.Failed, []string{"non exécutée", "Erreur interne", "Rien n'a été modifié", "/crash preview"}},
	} {
		v.run(t, "u-admin", tt.line)
		v.react("u-tres", v.lastApproval(t), "✅")
		cr := v.request(t, int64(i+1))
		if cr.State != tt.state {
			t.Errorf("%s: state %s, want %s", tt.line, cr.State, tt.state)
		}
		posts := v.chat.Texts(bottest.Post)
		for _, w := range tt.want {
			if last := posts[len(posts)-1]; !strings.Contains(last, w) {
				t.Errorf("%s: thread post lacks %q:\n%s", tt.line, w, last)
			}
		}
		if tt.state == bot.Failed && strings.Contains(cr.Outcome, "appliqué") {
			t.Errorf("%s: outcome %q says it may have been applied", tt.line, cr.Outcome)
		}
	}
	for _, want := range []string{"change request panicked", "nil pointer in apply", "nil pointer in preview", `"request":1`} {
		if !strings.Contains(v.logs.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

// panicOnce is a store whose first listing of requests panics.
type panicOnce struct {
	bot.Store
	n atomic.Int32
}

func (p *panicOnce) ListRequests(ctx context.Context, states ...bot.State) ([]bot.ChangeRequest, error) {
	if p.n.Add(1) == 1 {
		panic("corrupt index")
	}
	return p.Store.ListRequests(ctx, states...)
}

// The expiry sweeper recovers a panicking sweep, logs it and sweeps again
// on time.
func TestPanickingSweepCarriesOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		v := newEnv(t, func(c *bot.EngineConfig, _ *[]bot.Spec) {
			c.Store = &panicOnce{Store: c.Store}
			c.SweepEvery = time.Minute
		})
		v.run(t, "u-admin", "pay F-1")
		v.advance(73 * time.Hour)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- v.e.Run(ctx) }()
		synctest.Wait() // the first sweep panicked
		if cr := v.request(t, 1); cr.State != bot.Pending {
			t.Fatalf("state after the panicking sweep %s, want pending", cr.State)
		}
		time.Sleep(time.Minute) // the bubble's clock: the next sweep is due
		synctest.Wait()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
		if cr := v.request(t, 1); cr.State != bot.Expired {
			t.Errorf("state after the next sweep %s, want expired", cr.State)
		}
		if logs := v.logs.String(); !strings.Contains(logs, "expiry sweep panicked") || !strings.Contains(logs, "corrupt index") {
			t.Errorf("log lacks the sweep's panic:\n%s", logs)
		}
	})
}
