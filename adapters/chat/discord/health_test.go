package discord

import (
	"testing"
	"time"

	"github.com/anopex/opsbot/bot"
)

// Healthy is what /healthz reads: down before the gateway session, up once
// READY has arrived. The adapter's state changes after the fake's last event,
// so the test polls it (bounded), it does not wait on the fake.
func TestHealthy(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if err := f.chat.Healthy(t.Context()); bot.KindOf(err) != bot.Unavailable {
		t.Fatalf("Healthy before Run = %v, want Unavailable", err)
	}
	f.run(t, newRecorder())
	deadline := time.Now().Add(10 * time.Second)
	for f.chat.Healthy(t.Context()) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the adapter never became healthy")
		}
		time.Sleep(time.Millisecond)
	}
}
