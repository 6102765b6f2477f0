package mailer

import (
	"strings"
	"testing"
)

// FuzzValidID checks that an accepted Message-ID can never break a header
// line or its angle brackets.
func FuzzValidID(f *testing.F) {
	for _, s := range []string{"20261128140000.ab12@anopex.test", "a@b", "a@b>\r\nBcc: x@y", "<a@b>", "a b@c", "@b", "a@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !validID(s) {
			return
		}
		if strings.ContainsAny(s, "\r\n <>\"\\") || strings.Count(s, "@") != 1 || strings.HasPrefix(s, "@") || strings.HasSuffix(s, "@") {
			t.Fatalf("validID accepted %q", s)
		}
	})
}
