package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/rs/zerolog"
)

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret("hunter2-very-secret")
	var buf bytes.Buffer
	log := zerolog.New(&buf)
	log.Info().Interface("s", s).Str("str", s.String()).Msg(fmt.Sprint(s))
	j, _ := json.Marshal(struct{ S Secret }{s})
	outs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %d", s, s, s, s, s, s, s), string(j), buf.String(),
		fmt.Sprintf("%v", struct{ S Secret }{s}), fmt.Sprintf("%+v", &struct{ S Secret }{s}),
	}
	for _, o := range outs {
		if strings.Contains(o, "hunter2") {
			t.Errorf("secret leaked: %s", o)
		}
		if !strings.Contains(o, "[redacted]") {
			t.Errorf("output %q does not say [redacted]", o)
		}
	}
	if s.Reveal() != "hunter2-very-secret" {
		t.Errorf("Reveal() = %q", s.Reveal())
	}
}

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		s, err := NewPassword()
		if err != nil {
			t.Fatal(err)
		}
		p := s.Reveal()
		if len(p) != PasswordLength {
			t.Fatalf("len(%q) = %d", p, len(p))
		}
		var lower, upper, digit, sym int
		for _, r := range p {
			switch {
			case unicode.IsLower(r):
				lower++
			case unicode.IsUpper(r):
				upper++
			case unicode.IsDigit(r):
				digit++
			default:
				sym++
			}
		}
		if lower < 2 || upper < 2 || digit < 2 || sym < 2 {
			t.Fatalf("password %q lacks a class", p)
		}
		if strings.ContainsAny(p, "0O1lI") {
			t.Fatalf("password %q holds a look-alike", p)
		}
		if seen[p] {
			t.Fatalf("password %q drawn twice", p)
		}
		seen[p] = true
	}
}
