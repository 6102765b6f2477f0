package bot

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
)

// Secret holds a token or a password. Every way of printing it — String,
// Format (all verbs), MarshalJSON, MarshalText — yields "[redacted]", so a
// Secret that slips into a log line, a post or a stored record leaks nothing.
// Only an adapter's New (to set its auth header) and the private-message
// sender call Reveal.
type Secret struct{ v *string }

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{v: &s} }

const redacted = "[redacted]"

// Reveal returns the clear text.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// Empty reports whether the secret holds nothing.
func (s Secret) Empty() bool { return s.v == nil || *s.v == "" }

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]".
func (s Secret) GoString() string { return redacted }

// Format prints "[redacted]" for every verb.
func (s Secret) Format(f fmt.State, _ rune) { f.Write([]byte(redacted)) }

// MarshalJSON returns the JSON string "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText returns "[redacted]" (YAML and zerolog's Interface use it).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Password alphabets: no look-alikes (0/O, 1/l/I) so a delegate can type it.
const (
	pwLower  = "abcdefghijkmnopqrstuvwxyz"
	pwUpper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	pwDigits = "23456789"
	pwSymbol = "-_.!@#%+=?"
)

// PasswordLength is the length of generated mailbox passwords.
const PasswordLength = 20

// NewPassword returns a 20-character password drawn with crypto/rand that
// holds at least two characters of each class (lower, upper, digit, symbol),
// which rates far above cPanel's usual required strength of 65.
func NewPassword() (Secret, error) {
	classes := []string{pwLower, pwUpper, pwDigits, pwSymbol}
	all := strings.Join(classes, "")
	sets := make([]string, 0, PasswordLength)
	for _, c := range classes {
		sets = append(sets, c, c)
	}
	for len(sets) < PasswordLength {
		sets = append(sets, all)
	}
	b := make([]byte, PasswordLength)
	for i, set := range sets {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		if err != nil {
			return Secret{}, fmt.Errorf("new password: %w", err)
		}
		b[i] = set[n.Int64()]
	}
	// Fisher–Yates so the guaranteed characters are not always first.
	for i := len(b) - 1; i > 0; i-- {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return Secret{}, fmt.Errorf("new password: %w", err)
		}
		j := n.Int64()
		b[i], b[j] = b[j], b[i]
	}
	return NewSecret(string(b)), nil
}
