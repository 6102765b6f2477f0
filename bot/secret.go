package bot

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
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

// NewPassword returns a 20-character password that holds at least two
// characters of each class (lower, upper, digit, symbol), which rates far
// above cPanel's usual required strength of 65. It is drawn from a ChaCha8
// generator, cryptographically strong, seeded from crypto/rand (whose Read
// never fails); the error is always nil.
func NewPassword() (Secret, error) {
	classes := []string{pwLower, pwUpper, pwDigits, pwSymbol}
	all := strings.Join(classes, "")
	var seed [32]byte
	rand.Read(seed[:])
	r := mrand.New(mrand.NewChaCha8(seed))
	b := make([]byte, PasswordLength)
	for i := range b {
		set := all
		if i < 2*len(classes) {
			set = classes[i/2]
		}
		b[i] = set[r.IntN(len(set))]
	}
	// Shuffled so the guaranteed characters are not always first.
	r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
	return NewSecret(string(b)), nil
}
