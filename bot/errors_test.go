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
