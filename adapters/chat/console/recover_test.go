package console

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/storage"
)

// A command whose Read panics, registered in a real engine behind the
// console: the person reads "erreur interne" and the session goes on.
func TestPanickingCommandThroughEngine(t *testing.T) {
	policy, err := bot.NewPolicy([]bot.Member{{Name: "Sam", Roles: []bot.Role{bot.Admin}, IDs: map[string]string{Platform: "sysadmin"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out bytes.Buffer
	c := New(strings.NewReader("/boom\n/fine\n"), &out, policy, "sysadmin", t.TempDir())
	e, err := bot.NewEngine(bot.EngineConfig{Chat: c, Store: db, Policy: policy, Platform: Platform, ApprovalsChannel: "approbations", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Register(
		bot.Spec{Path: "boom", Help: "x", Roles: []bot.Role{bot.Admin}, Read: func(context.Context, bot.Call) (bot.Reply, error) { panic("boom") }},
		bot.Spec{Path: "fine", Help: "x", Roles: []bot.Role{bot.Admin}, Read: func(context.Context, bot.Call) (bot.Reply, error) { return bot.Reply{Text: "ça va"}, nil }},
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Run(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "[1] ~sysadmin: Erreur interne d'opsbot") || !strings.Contains(got, "[2] ~sysadmin: ça va") {
		t.Errorf("transcript:\n%s", got)
	}
}

// panicky panics in Handle and React, as a bug in an adapter would.
type panicky struct{}

func (panicky) Handle(context.Context, bot.Invocation) { panic("handle") }
func (panicky) React(context.Context, bot.Reaction)    { panic("react") }

// A panic in the handler itself is caught by the console: an internal error
// note (English here), the stack on the error writer, and the next line runs.
func TestConsoleRecoversHandlerPanic(t *testing.T) {
	policy, _ := bot.NewPolicy([]bot.Member{{Name: "Sam", Roles: []bot.Role{bot.Admin}, IDs: map[string]string{Platform: "sysadmin"}}}, nil)
	var out, errw bytes.Buffer
	c := New(strings.NewReader("/x\nreact 1 ✅\n/as sysadmin\n"), &out, policy, "sysadmin", t.TempDir())
	c.errw = &errw
	c.SetLocale(bot.EN)
	c.Note("#console", "a message to react to")
	if err := c.Run(t.Context(), panicky{}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); strings.Count(got, "-- opsbot internal error") != 2 || !strings.Contains(got, "-- you are now sysadmin") {
		t.Errorf("transcript:\n%s", got)
	}
	if got := errw.String(); !strings.Contains(got, `"/x" panicked: handle`) || !strings.Contains(got, "react") || !strings.Contains(got, "goroutine") {
		t.Errorf("error log:\n%s", got)
	}
}
