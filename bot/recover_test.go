package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/anopex/opsbot/bot"
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
