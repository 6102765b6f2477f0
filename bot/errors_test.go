package bot

import (
	"errors"
	"strings"
	"testing"
)

// A provider error whose cause is a sentence for people reads that
// sentence, with the reference; its kind stays the provider's.
func TestErrorTextExplained(t *testing.T) {
	err := &Error{Provider: "cpanel", Op: "set quota", Kind: Denied,
		Err: Userf("la fonction « popaccts » est désactivée", "the “popaccts” feature is disabled")}
	got := ErrorText(FR, err, "r1")
	if got != "la fonction « popaccts » est désactivée (réf. r1)" {
		t.Errorf("ErrorText = %q", got)
	}
	if KindOf(err) != Denied {
		t.Errorf("KindOf = %v, want denied", KindOf(err))
	}
	plain := ErrorText(FR, &Error{Provider: "cpanel", Kind: Denied, Err: errors.New("http 401")}, "r2")
	if !strings.Contains(plain, "jeton d'API") {
		t.Errorf("ErrorText(denied) = %q, want the generic sentence", plain)
	}
}

// A provider reads its name in both locales; what has no name is described
// in the locale's words.
func TestProviderName(t *testing.T) {
	for _, tc := range []struct {
		l        Locale
		provider string
		want     string
	}{
		{FR, "ovh", "OVH"},
		{EN, "planethoster", "PlanetHoster"},
		{FR, "drive", "drive"},
		{FR, "mailer", "le serveur SMTP"},
		{EN, "mailer", "the SMTP server"},
		{EN, "storage", "opsbot's storage"},
		{EN, "", "the service"},
	} {
		if got := providerName(tc.l, &Error{Provider: tc.provider, Kind: Unavailable}); got != tc.want {
			t.Errorf("providerName(%s, %q) = %q, want %q", tc.l, tc.provider, got, tc.want)
		}
	}
}
