package mattermost

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/storage"
)

// A command whose Read panics, registered in a real engine behind the
// adapter: the person reads "erreur interne" through response_url and the
// next command works.
func TestPanickingCommandThroughEngine(t *testing.T) {
	e, ln := newEnv(t)
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	eng, err := bot.NewEngine(bot.EngineConfig{Chat: e.chat, Store: db, Policy: e.chat.cfg.Policy, Log: zerolog.New(e.logs),
		Platform: Platform, ApprovalsChannel: e.approvals})
	if err != nil {
		t.Fatal(err)
	}
	err = eng.Register(
		bot.Spec{Path: "mail show", Help: "x", Roles: bot.Roles, Read: func(context.Context, bot.Call) (bot.Reply, error) { return bot.Reply{Text: "boîte"}, nil }},
		bot.Spec{Path: "mail boom", Help: "x", Roles: bot.Roles, Read: func(context.Context, bot.Call) (bot.Reply, error) { panic("boom") }},
	)
	if err != nil {
		t.Fatal(err)
	}
	e.serve(t, eng, ln)
	if _, err := e.mm.Slash(t.Context(), e.alice, e.general, "/mail boom"); err != nil {
		t.Fatal(err)
	}
	e.waitFake(t, "the panic notice", func(v mattermosttest.View) bool {
		for _, m := range v.Ephemerals(e.alice) {
			if strings.Contains(m.Text, "Erreur interne d'opsbot") {
				return true
			}
		}
		return false
	})
	if _, err := e.mm.Slash(t.Context(), e.alice, e.general, "/mail show"); err != nil {
		t.Fatal(err)
	}
	// Not necessarily the last ephemeral: the answer through response_url
	// may land before the immediate "en cours…", on Mattermost too.
	e.waitFake(t, "the next answer", func(v mattermosttest.View) bool {
		return slices.ContainsFunc(v.Ephemerals(e.alice), func(m mattermosttest.Ephemeral) bool { return m.Text == "boîte" })
	})
	if logs := e.logs.String(); !strings.Contains(logs, "command panicked") || !strings.Contains(logs, `"command":"mail boom"`) {
		t.Errorf("logs lack the panic with its command:\n%s", logs)
	}
}

// panicky panics in Handle, and in React the first time.
type panicky struct {
	*recorder
	reacts atomic.Int32
}

func (p *panicky) Handle(context.Context, bot.Invocation) { panic("handle") }
func (p *panicky) React(ctx context.Context, r bot.Reaction) {
	if p.reacts.Add(1) == 1 {
		panic("react")
	}
	p.recorder.React(ctx, r)
}

// A panic in the handler itself is caught by the adapter on each path: the
// slash command is answered "erreur interne", the reacting person is told
// privately, and the post's queue and the server go on.
func TestAdapterRecoversHandlerPanics(t *testing.T) {
	e, ln := newEnv(t)
	h := &panicky{recorder: newRecorder()}
	e.serve(t, h, ln)
	if _, err := e.mm.Slash(t.Context(), e.alice, e.general, "/mail list"); err != nil {
		t.Fatal(err)
	}
	e.waitFake(t, "the panic notice", func(v mattermosttest.View) bool {
		for _, m := range v.Ephemerals(e.alice) {
			if strings.Contains(m.Text, "Erreur interne d'opsbot") {
				return true
			}
		}
		return false
	})
	post, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: "Demande n°1", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.mm.React(e.alice, post, "white_check_mark"); err != nil {
		t.Fatal(err)
	}
	e.waitFake(t, "the private notice", func(v mattermosttest.View) bool {
		dm, ok := v.DirectChannel(e.botID, e.alice)
		if !ok {
			return false
		}
		for _, p := range v.Posts() {
			if p.ChannelID == dm && strings.Contains(p.Message, "Erreur interne") && strings.Contains(p.Message, ":white_check_mark:") {
				return true
			}
		}
		return false
	})
	if err := e.mm.React(e.bob, post, "x"); err != nil {
		t.Fatal(err)
	}
	h.wait(t, "bob's reaction", func(r *recorder) bool { return len(r.reacts) == 1 })
	if logs := e.logs.String(); !strings.Contains(logs, "slash command panicked") || !strings.Contains(logs, "reaction handler panicked") {
		t.Errorf("logs lack the panics:\n%s", logs)
	}
}

// A panicking HTTP handler is answered 500 and logged with its path; the
// server goes on.
func TestRecoveredHTTP(t *testing.T) {
	e, _ := newEnv(t)
	h := e.chat.recovered(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("bad form") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, CommandPath, nil))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", w.Code)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "http handler panicked") || !strings.Contains(logs, CommandPath) {
		t.Errorf("logs:\n%s", logs)
	}
}
