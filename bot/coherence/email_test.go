package coherence

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/anopex/opsbot/bot"
	"golang.org/x/text/unicode/norm"
)

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"plain", "jeanne.dupont@anopex.test", "jeanne.dupont@anopex.test", true},
		{"upper case", "Jeanne.DUPONT@Anopex.Test", "jeanne.dupont@anopex.test", true},
		{"spaces", "  jeanne@anopex.test \t", "jeanne@anopex.test", true},
		{"no-break and zero-width spaces", "\u00a0jeanne@anopex.test\u200b", "jeanne@anopex.test", true},
		{"bom", "\ufeffjeanne@anopex.test", "jeanne@anopex.test", true},
		{"mailto", "MAILTO:jeanne@anopex.test", "jeanne@anopex.test", true},
		{"mailto with query", "mailto:jeanne@anopex.test?subject=Bonjour", "jeanne@anopex.test", true},
		{"display name", "Jeanne Dupont <Jeanne@Anopex.test>", "jeanne@anopex.test", true},
		{"bracketed mailto", "<mailto:jeanne@anopex.test>", "jeanne@anopex.test", true},
		{"trailing dot", "jeanne@anopex.test.", "jeanne@anopex.test", true},
		{"nfc", "he\u0301le\u0300ne@anopex.test", "h\u00e9l\u00e8ne@anopex.test", true},
		{"unicode upper", "HÉLÈNE@ANOPEX.TEST", "hélène@anopex.test", true},
		{"plus tag kept", "jeanne+news@anopex.test", "jeanne+news@anopex.test", true},
		{"two at signs kept", "a@b@anopex.test", "a@b@anopex.test", true},
		{"empty", "", "", false},
		{"blank", "   ", "", false},
		{"no at", "jeanne.anopex.test", "", false},
		{"nothing before at", "@anopex.test", "", false},
		{"nothing after at", "jeanne@", "", false},
		{"only mailto", "mailto:", "", false},
		{"invalid utf-8", "je\xffanne@anopex.test", "je\ufffdanne@anopex.test", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizeEmail(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalizeEmail(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestNormalizeEmailAllocatesNothingWhenPlain(t *testing.T) {
	n := testing.AllocsPerRun(100, func() { NormalizeEmail("jeanne.dupont@anopex.test") })
	if n != 0 {
		t.Errorf("NormalizeEmail of a plain address: %v allocations, want 0", n)
	}
}

// FuzzNormalizeEmail checks the normaliser's promises on any input: it
// never panics, its result is a fixed point, valid UTF-8 in NFC without
// upper case or surrounding blanks, with an "@" inside, and it agrees with
// bot.NormalizeEmail wherever that one accepts the input.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"jeanne@anopex.test", " MAILTO:Jeanne@Anopex.Test ", "Jeanne <j@a.fr>", "he\u0301le\u0300ne@a.fr",
		"a@b.", "<<a@b>>", "\u0130@x.fr", "a@b@c", "mailto:<mailto:a@b>?x", "\xff@\xfe", "ß@ẞ.de", "a@b. .", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := NormalizeEmail(s)
		if !ok {
			if got != "" {
				t.Fatalf("NormalizeEmail(%q) = %q, false: want \"\" when not ok", s, got)
			}
		} else {
			again, ok2 := NormalizeEmail(got)
			if again != got || !ok2 {
				t.Fatalf("NormalizeEmail(%q) = %q, but NormalizeEmail(%q) = %q, %v: not a fixed point", s, got, got, again, ok2)
			}
			if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
				t.Fatalf("NormalizeEmail(%q) = %q: not valid UTF-8 in NFC", s, got)
			}
			if strings.TrimFunc(got, isBlank) != got {
				t.Fatalf("NormalizeEmail(%q) = %q: blanks at an end", s, got)
			}
			if at := strings.LastIndexByte(got, '@'); at <= 0 || at == len(got)-1 {
				t.Fatalf("NormalizeEmail(%q) = %q: no @ inside", s, got)
			}
		}
		if want, err := bot.NormalizeEmail(s); err == nil && (got != want || !ok) {
			t.Fatalf("NormalizeEmail(%q) = %q, %v; bot.NormalizeEmail gives %q", s, got, ok, want)
		}
	})
}
