package bot_test

import (
	"context"
	"testing"

	"github.com/anopex/opsbot/bot"
)

// BenchmarkReadCommand measures a read command end to end through the engine:
// tokenise, authorise, validate, run, audit (one bbolt write).
func BenchmarkReadCommand(b *testing.B) {
	v := newEnvB(b)
	inv := bot.Invocation{Platform: "test", Caller: v.person("u-board"), Text: "box show a@x.fr",
		Respond: bot.ResponderFunc(func(context.Context, bot.Reply) error { return nil })}
	b.ResetTimer()
	for b.Loop() {
		v.e.Handle(context.Background(), inv)
	}
}

// BenchmarkChangeRequest measures a whole change request: preview, store,
// post, approval, execution, outcome, three audit records.
func BenchmarkChangeRequest(b *testing.B) {
	v := newEnvB(b)
	inv := bot.Invocation{Platform: "test", Caller: v.person("u-admin"), Text: "pay F-1",
		Respond: bot.ResponderFunc(func(context.Context, bot.Reply) error { return nil })}
	for b.Loop() {
		v.e.Handle(context.Background(), inv)
		msg := v.chat.LastID()
		v.react("u-tres", msg, "✅")
	}
	if v.applied.Load() != int64(b.N) {
		b.Fatalf("applied %d of %d", v.applied.Load(), b.N)
	}
}
