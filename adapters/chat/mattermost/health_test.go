package mattermost

import (
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/bot"
)

// Healthy is what /healthz reads: down until the websocket authenticates,
// up while it lasts, down again when it drops, up after the reconnection.
func TestHealthy(t *testing.T) {
	e, ln := newEnv(t)
	if err := e.chat.Healthy(t.Context()); bot.KindOf(err) != bot.Unavailable {
		t.Fatalf("Healthy before Serve = %v, want Unavailable", err)
	}
	e.serve(t, newRecorder(), ln)
	waitHealthy(t, e)
	e.mm.DropWebsockets()
	e.waitFake(t, "the reconnection", func(v mattermosttest.View) bool { return v.Connections() >= 1 })
	waitHealthy(t, e)
}

func waitHealthy(t *testing.T, e *env) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.chat.Healthy(t.Context()) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the adapter never became healthy")
		}
		time.Sleep(time.Millisecond)
	}
}
