package cpaneltest_test

import (
	"testing"

	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
)

func TestStrength(t *testing.T) {
	tests := []struct {
		pw     string
		strong bool // rates 65 or more
	}{
		{"", false},
		{"a", false},
		{"123456", false},
		{"azerty", false},
		{"Azerty123!", false},
		{"aaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"abcdefghijklmnopqrstuvwxyz", false},
		{"delegue75", false},
		{"Azerty123!x", true},
		{"correct horse battery staple", true},
		{"Kq7-vX9!mZ2#pL4@wR8_", true},
		{"çàéèùâêîôû-Ünïcödé-25", true},
	}
	for _, tt := range tests {
		if got := cpaneltest.Strength(tt.pw); (got >= cpaneltest.RequiredStrength) != tt.strong {
			t.Errorf("Strength(%q) = %d, want strong %v", tt.pw, got, tt.strong)
		}
	}
}

// TestGeneratedPasswordsAccepted: what the bot generates must pass the
// check of a server that requires the usual 65, every time.
func TestGeneratedPasswordsAccepted(t *testing.T) {
	for range 500 {
		pw, err := bot.NewPassword()
		if err != nil {
			t.Fatal(err)
		}
		if r := cpaneltest.Strength(pw.Reveal()); r < cpaneltest.RequiredStrength {
			t.Fatalf("a generated password rates %d", r)
		}
	}
}

func FuzzStrength(f *testing.F) {
	for _, s := range []string{"", "a", "azerty", "Kq7-vX9!mZ2#pL4@wR8_", "\xff\xfe", "ééé"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		r := cpaneltest.Strength(pw)
		if r < 0 || r > 100 || (r == 0) != (pw == "") {
			t.Fatalf("Strength(%q) = %d, want 1..100 (0 only for empty)", pw, r)
		}
	})
}
