package discord

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/storage"
)

// A command whose Read panics, registered in a real engine behind the
// adapter: the person reads "erreur interne" and the next command works.
func TestPanickingCommandThroughEngine(t *testing.T) {
	t.Parallel()
	f := setup(t)
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	eng, err := bot.NewEngine(bot.EngineConfig{Chat: f.chat, Store: db, Policy: testPolicy(t), Log: zerolog.New(f.logs),
		Platform: Platform, ApprovalsChannel: discordtest.ApprovalsChannel})
	if err != nil {
		t.Fatal(err)
	}
	err = eng.Register(
		bot.Spec{Path: "help", Help: "Aide.", Roles: bot.Roles, Read: func(context.Context, bot.Call) (bot.Reply, error) { return bot.Reply{Text: "aide"}, nil }},
		bot.Spec{Path: "boom", Help: "Panique.", Roles: []bot.Role{bot.Admin}, Read: func(context.Context, bot.Call) (bot.Reply, error) { panic("boom") }},
	)
	if err != nil {
		t.Fatal(err)
	}
	f.run(t, eng)
	id, err := f.srv.Slash(adminID, discordtest.ApprovalsChannel, "boom")
	if err != nil {
		t.Fatal(err)
	}
	if in := f.answered(t, id); !strings.Contains(in.Original.Content, "Erreur interne d'opsbot") {
		t.Errorf("answer to a panicking command = %q", in.Original.Content)
	}
	id, err = f.srv.Slash(adminID, discordtest.ApprovalsChannel, "help")
	if err != nil {
		t.Fatal(err)
	}
	if in := f.answered(t, id); in.Original.Content != "aide" {
		t.Errorf("answer after the panic = %q", in.Original.Content)
	}
	if logs := f.logs.String(); !strings.Contains(logs, "command panicked") || !strings.Contains(logs, `"command":"boom"`) {
		t.Errorf("logs lack the panic with its command:\n%s", logs)
	}
}

// reactPanicky panics on the first reaction it gets, then records.
type reactPanicky struct {
	*recorder
	n atomic.Int32
}

func (p *reactPanicky) React(ctx context.Context, r bot.Reaction) {
	if p.n.Add(1) == 1 {
		panic("first reaction")
	}
	p.recorder.React(ctx, r)
}

// A reaction whose handling panics is logged, the person is told
// privately, and the next reaction on the same message is still delivered
// (the message's queue is not left stuck).
func TestPanickingReactionHandler(t *testing.T) {
	t.Parallel()
	h := &reactPanicky{recorder: newRecorder()}
	f := start(t, h)
	ch := discordtest.ApprovalsChannel
	msg, err := f.chat.Post(t.Context(), ch, bot.Message{Text: "Demande n°1", Approval: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.React(aliceID, ch, msg, "✅"); err != nil {
		t.Fatal(err)
	}
	f.wait(t, "the private notice", func() bool { return len(f.srv.DMs(aliceID)) == 1 })
	if got := f.srv.DMs(aliceID)[0].Content; !strings.Contains(got, "✅") || !strings.Contains(got, "Erreur interne") {
		t.Errorf("notice = %q", got)
	}
	if err := f.srv.React(bobID, ch, msg, "❌"); err != nil {
		t.Fatal(err)
	}
	if r := next(t, h.reacts); r.User.ID != bobID || r.Emoji != "❌" {
		t.Errorf("reaction after the panic = %+v", r)
	}
	if logs := f.logs.String(); !strings.Contains(logs, "reaction handler panicked") {
		t.Errorf("logs lack the panic:\n%s", logs)
	}
}

// An event handler that panics on discordgo's read loop is logged and
// returns, so the loop goes on with the next event.
func TestGuardedEventHandler(t *testing.T) {
	t.Parallel()
	f := setup(t)
	h := guard(f.chat, "ready", func(*discordgo.Session, *discordgo.Ready) { panic("bad ready") })
	h(nil, &discordgo.Ready{})
	if logs := f.logs.String(); !strings.Contains(logs, "gateway event handler panicked") || !strings.Contains(logs, `"event":"ready"`) {
		t.Errorf("logs:\n%s", logs)
	}
}
