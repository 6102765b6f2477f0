package dolibarr_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/dolibarr"
	"github.com/anopex/opsbot/bot"
)

func TestComponents(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	srv.SetVersion("20.0.1")
	got, err := c.Components(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]bot.Component{{Product: "dolibarr", Name: "Dolibarr", Version: "20.0.1"}}, got); d != "" {
		t.Errorf("Components (-want +got):\n%s", d)
	}
	srv.AddKey("nobody", "guest", false) // no right at all: /status still answers
	if _, err := newClient(t, srv.URL(), bot.NewSecret("nobody"), nil, zerolog.Nop(), dolibarr.Options{}).Components(t.Context()); err != nil {
		t.Errorf("Components with a key without rights = %v", err)
	}
	if _, err := newClient(t, srv.URL(), bot.NewSecret("wrong"), nil, zerolog.Nop(), dolibarr.Options{}).Components(t.Context()); bot.KindOf(err) != bot.Denied {
		t.Errorf("Components with a wrong key = %v, want Denied", err)
	}
}
