package commands

import (
	"errors"
	"testing"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/bottest"
)

func TestHostingNothingToChange(t *testing.T) {
	w := newHostWorld(t, nil, true)
	for _, r := range []struct {
		line      string
		unchanged bool
	}{
		{"host ip block 192.0.2.0/24", true},
		{"host ip block 192.0.2.99", false},
		{"host ip unblock 192.0.2.99", true},
		{"host ip unblock 192.0.2.0/24", false},
		{"host ip block 203.0.113.7", false}, // protected: refused, not "already done"
		{"host dns set mail A 203.0.113.7", true},
		{"host dns set mail A 203.0.113.7 600", false}, // another TTL
		{"host dns set mail A 203.0.113.8", false},
		{"host dns delete absent A", true},
		{"host dns delete mail A 203.0.113.8", true},
		{"host dns delete mail A", false},
		{"invoice pay FR56012345", true},
		{"invoice pay FR56098765", false},
	} {
		got, err := bottest.Preview(t.Context(), w.engine.Specs(), r.line)
		var nc *bot.NoChange
		if errors.As(err, &nc) != r.unchanged {
			t.Errorf("Preview(%q) = %q, %v; want NoChange %v", r.line, got, err, r.unchanged)
		}
		if again, err2 := bottest.Preview(t.Context(), w.engine.Specs(), r.line); again != got || (err == nil) != (err2 == nil) {
			t.Errorf("Preview(%q) twice on the same state: %q, %v then %q, %v", r.line, got, err, again, err2)
		}
	}
}
