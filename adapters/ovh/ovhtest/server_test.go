package ovhtest

import "testing"

// The worked examples of reference/providers/ovh.md §2.
func TestSignatureVectors(t *testing.T) {
	const as, ck, ts = "7kbG7Bk7S9Nu7ZvxR0ATQNE5XrQ4", "MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1", 1764325012
	tests := []struct {
		name, method, url, body, want string
	}{
		{"get me", "GET", "https://eu.api.ovh.com/1.0/me", "", "$1$530305d15f0395056f45d84e4d651a010743aaa7"},
		{"post reply", "POST", "https://eu.api.ovh.com/1.0/support/tickets/8123456/reply", `{"body":"Merci"}`, "$1$7df7497e4d689cedf33882d62c481784ac864f24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Signature(as, ck, tt.method, tt.url, tt.body, ts); got != tt.want {
				t.Errorf("Signature(%s %s) = %s, want %s", tt.method, tt.url, got, tt.want)
			}
		})
	}
}
