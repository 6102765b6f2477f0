package discord

import (
	"testing"

	"github.com/anopex/opsbot/bot"
)

// Healthy is what /healthz reads: down before the gateway session, up once
// READY has arrived.
func TestHealthy(t *testing.T) {
	f := setup(t)
	if err := f.chat.Healthy(t.Context()); bot.KindOf(err) != bot.Unavailable {
		t.Fatalf("Healthy before Run = %v, want Unavailable", err)
	}
	f.run(t, newRecorder())
	f.wait(t, "a healthy session", func() bool { return f.chat.Healthy(t.Context()) == nil })
}
