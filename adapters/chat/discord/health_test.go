package discord

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/bot"
)

// Healthy is what /healthz reads: down before the gateway session, up once
// READY has arrived. The adapter's state changes after the fake's last event,
// so the test waits for the adapter's "gateway ready" log line, written once
// the state is up.
func TestHealthy(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if err := f.chat.Healthy(t.Context()); bot.KindOf(err) != bot.Unavailable {
		t.Fatalf("Healthy before Run = %v, want Unavailable", err)
	}
	f.run(t, newRecorder())
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := f.logs.Wait(ctx, func(s string) bool { return strings.Contains(s, "gateway ready") }); err != nil {
		t.Fatal("READY never reached the adapter")
	}
	if err := f.chat.Healthy(t.Context()); err != nil {
		t.Errorf("Healthy after READY = %v", err)
	}
}
