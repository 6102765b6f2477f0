package discord

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/bot"
)

// replier answers every command at once.
type replier struct{}

func (replier) Handle(ctx context.Context, inv bot.Invocation) {
	inv.Respond.Respond(ctx, bot.Reply{Text: "ok"})
}
func (replier) React(context.Context, bot.Reaction) {}
func (replier) Specs() []bot.Spec                   { return testSpecs() }

// benchmarkAck measures, for each slash command, the time from the fake's
// dispatch of INTERACTION_CREATE to its receipt of the deferred
// acknowledgement, and reports the median and the 99th percentile.
func benchmarkAck(b *testing.B, f *fixture, path string, opts ...discordtest.Option) {
	b.Helper()
	var durs []time.Duration
	for b.Loop() {
		id, err := f.srv.Slash(adminID, discordtest.ApprovalsChannel, path, opts...)
		if err != nil {
			b.Fatal(err)
		}
		in := f.answered(b, id)
		durs = append(durs, in.Callback.At.Sub(in.SentAt))
	}
	reportPercentiles(b, durs)
}

func reportPercentiles(b *testing.B, durs []time.Duration) {
	if len(durs) == 0 {
		return
	}
	slices.Sort(durs)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(durs[len(durs)/2]), "p50-ack-ms")
	b.ReportMetric(ms(durs[(len(durs)*99)/100]), "p99-ack-ms")
}

// BenchmarkAck: go test -run '^$' -bench Ack -benchtime 300x ./adapters/chat/discord/
func BenchmarkAck(b *testing.B) {
	f := start(b, replier{})
	benchmarkAck(b, f, "help")
}
