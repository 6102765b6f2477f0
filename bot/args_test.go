package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		words    []string
		after    string
		hasAfter bool
		bad      bool
	}{
		{name: "plain", line: "mail passwd a@b.fr", words: []string{"mail", "passwd", "a@b.fr"}},
		{name: "spaces", line: "  mail   list  ", words: []string{"mail", "list"}},
		{name: "double quotes", line: `ticket open ovh "Disque plein"`, words: []string{"ticket", "open", "ovh", "Disque plein"}},
		{name: "single quotes", line: `a 'b c' d`, words: []string{"a", "b c", "d"}},
		{name: "french quotes", line: `a «b c»`, words: []string{"a", "b c"}},
		{name: "apostrophes are letters", line: "ticket open ph Panne d'accès depuis l'incident -- x", words: []string{"ticket", "open", "ph", "Panne", "d'accès", "depuis", "l'incident"}, after: "x", hasAfter: true},
		{name: "single apostrophe", line: "a l'b", words: []string{"a", "l'b"}},
		{name: "apostrophe inside single quotes", line: "a 'Panne d'accès' b", words: []string{"a", "Panne d'accès", "b"}},
		{name: "lone opening single quote", line: "a 'b c", words: []string{"a", "'b", "c"}},
		{name: "typographic apostrophe", line: "Panne d’accès", words: []string{"Panne", "d’accès"}},
		{name: "french quotes with spaces", line: "a « b c » d", words: []string{"a", "b c", "d"}},
		{name: "french quotes with non-breaking spaces", line: "a «\u00a0b c\u202f» d", words: []string{"a", "b c", "d"}},
		{name: "english typographic quotes", line: "a “b c” d", words: []string{"a", "b c", "d"}},
		{name: "unclosed typographic quote", line: "a “b c", bad: true},
		{name: "escaped quote", line: `a "b \"c\""`, words: []string{"a", `b "c"`}},
		{name: "empty quoted word", line: `a ""`, words: []string{"a", ""}},
		{name: "after", line: "ticket open ovh Sujet -- le corps\nsur deux lignes ", words: []string{"ticket", "open", "ovh", "Sujet"}, after: "le corps\nsur deux lignes", hasAfter: true},
		{name: "dashes inside word", line: "a --b c-- d", words: []string{"a", "--b", "c--", "d"}},
		{name: "after at end", line: "a --", words: []string{"a"}, hasAfter: true},
		{name: "unclosed quote", line: `a "b`, bad: true},
		{name: "control char", line: "a \x07b", bad: true},
		{name: "invalid utf8", line: "a \xff", bad: true},
		{name: "too long", line: strings.Repeat("a", MaxLine+1), bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			words, after, has, err := Tokenize(tt.line)
			if tt.bad {
				if err == nil {
					t.Fatalf("Tokenize(%q) = %q, nil; want an error", tt.line, words)
				}
				if _, ok := err.(*UserError); !ok {
					t.Fatalf("Tokenize(%q) error %T, want *UserError", tt.line, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Tokenize(%q): %v", tt.line, err)
			}
			if diff := cmp.Diff(tt.words, words); diff != "" {
				t.Errorf("Tokenize(%q) words (-want +got):\n%s", tt.line, diff)
			}
			if after != tt.after || has != tt.hasAfter {
				t.Errorf("Tokenize(%q) after = %q, %v; want %q, %v", tt.line, after, has, tt.after, tt.hasAfter)
			}
		})
	}
}

// argSize stands for a command's own argument type (commands.argQuota): it
// normalises what it accepts and refuses the rest with its own message.
var argSize = ArgType{Name: "quota", Example: "2G", Check: func(s string) (string, error) {
	if s != "2G" {
		return "", Userf("taille invalide « %s »", "invalid size %q", s)
	}
	return "2048", nil
}}

func TestParseArgs(t *testing.T) {
	spec := &Spec{Path: "x y", Args: []Arg{
		{Name: "boite", Type: ArgEmail},
		{Name: "quota", Type: argSize, Optional: true},
	}}
	text := &Spec{Path: "t", Args: []Arg{{Name: "sujet", Type: ArgText}, {Name: "corps", Type: ArgText, After: true}}}
	rest := &Spec{Path: "r", Args: []Arg{{Name: "quoi", Type: ArgText, Rest: true}}}
	restOpt := &Spec{Path: "e", Args: []Arg{{Name: "quoi", Type: ArgText, Rest: true}, {Name: "quota", Type: argSize, Optional: true}}}
	choice := &Spec{Path: "c", Args: []Arg{{Name: "qui", Choices: []string{"ovh", "planethoster"}}}}
	known := &Spec{Path: "k", Args: []Arg{{Name: "fonction", Type: argFunctionTest, Rest: true}, {Name: "boite", Type: argLocal, Optional: true}}}
	tests := []struct {
		name    string
		spec    *Spec
		line    string
		want    Values
		wantErr string // a word the French message must hold
	}{
		{name: "one arg", spec: spec, line: "A@B.fr", want: Values{"boite": "a@b.fr"}},
		{name: "optional given", spec: spec, line: "a@b.fr 2G", want: Values{"boite": "a@b.fr", "quota": "2048"}},
		{name: "missing", spec: spec, line: "", wantErr: "manquant"},
		{name: "extra", spec: spec, line: "a@b.fr 2G x", wantErr: "en trop"},
		{name: "bad email", spec: spec, line: "jean", wantErr: "boite"},
		{name: "bad quota", spec: spec, line: "a@b.fr beaucoup", wantErr: "taille invalide"},
		{name: "after", spec: text, line: "Objet -- Le texte", want: Values{"sujet": "Objet", "corps": "Le texte"}},
		{name: "after missing", spec: text, line: "Objet", wantErr: "manquant"},
		{name: "after not taken", spec: spec, line: "a@b.fr -- texte", wantErr: "--"},
		{name: "rest", spec: rest, line: "un deux  trois", want: Values{"quoi": "un deux trois"}},
		{name: "rest then its tail", spec: restOpt, line: "un deux 2G", want: Values{"quoi": "un deux", "quota": "2048"}},
		{name: "rest without its tail", spec: restOpt, line: "un deux 3G", want: Values{"quoi": "un deux 3G"}},
		{name: "choice", spec: choice, line: "OVH", want: Values{"qui": "ovh"}},
		{name: "bad choice", spec: choice, line: "gandi", wantErr: "ovh, planethoster"},
		{name: "known unquoted", spec: known, line: "membre du CA", want: Values{"fonction": "membre du CA"}},
		{name: "known then its tail", spec: known, line: "Membre du CA jean", want: Values{"fonction": "membre du CA", "boite": "jean@x.test"}},
		{name: "known alone before a tail", spec: known, line: "délégué jean", want: Values{"fonction": "délégué", "boite": "jean@x.test"}},
		{name: "known quoted", spec: known, line: `"trésorier adjoint"`, want: Values{"fonction": "trésorier adjoint"}},
		{name: "known tail in full", spec: known, line: "trésorier adjoint@x.test", want: Values{"fonction": "trésorier", "boite": "adjoint@x.test"}},
		{name: "known ambiguous", spec: known, line: "trésorier adjoint", wantErr: "se lit de plusieurs façons : fonction « trésorier » et boite « adjoint@x.test » ; ou fonction « trésorier adjoint »"},
		{name: "known unknown", spec: known, line: "pape jean", wantErr: "« pape »"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			words, after, has, err := Tokenize(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseArgs(tt.spec, words, after, has)
			if tt.wantErr != "" {
				ue, ok := err.(*UserError)
				if !ok {
					t.Fatalf("ParseArgs(%q) = %v, %v; want a *UserError", tt.line, got, err)
				}
				if !strings.Contains(ue.FR, tt.wantErr) || !strings.Contains(ue.FR, "Usage : /") {
					t.Errorf("ParseArgs(%q) message %q; want it to hold %q and the usage", tt.line, ue.FR, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseArgs(%q): %v", tt.line, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseArgs(%q) (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{
		"Jeanne.Martin@Anopex.TEST": "jeanne.martin@anopex.test",
		" delegue75@anopex.test ":   "delegue75@anopex.test",
		"mailto:a+b@x.fr":           "a+b@x.fr",
		"o'neil_x-y@sub.domain.org": "o'neil_x-y@sub.domain.org",
	}
	for in, want := range good {
		got, err := NormalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "jean", "a@b", "@b.fr", "a@@b.fr", "a@b..fr", ".a@b.fr", "a.@b.fr", "a b@c.fr",
		"a@-b.fr", "a@b.fr\nx", "a\"@b.fr", "é@b.fr", strings.Repeat("a", 65) + "@b.fr", "a@b_c.fr"} {
		if got, err := NormalizeEmail(in); err == nil {
			t.Errorf("NormalizeEmail(%q) = %q, nil; want an error", in, got)
		} else if !strings.Contains(err.(*UserError).FR, "jeanne.martin@anopex.test") {
			t.Errorf("NormalizeEmail(%q) message %q does not say how to write it", in, err.(*UserError).FR)
		}
	}
}

// argFunctionTest stands for commands.argFunction: a few known names, in
// any case; argLocal for a mailbox whose bare local part gets a domain.
var (
	argFunctionTest = ArgType{Name: "function", Known: true, Check: func(s string) (string, error) {
		for _, n := range []string{"délégué", "membre du CA", "trésorier", "trésorier adjoint"} {
			if strings.EqualFold(n, strings.Join(strings.Fields(s), " ")) {
				return n, nil
			}
		}
		return "", Userf("fonction inconnue « %s »", "unknown function %q", s)
	}}
	argLocal = ArgType{Name: "email", Check: func(s string) (string, error) {
		if !strings.Contains(s, "@") {
			s += "@x.test"
		}
		return NormalizeEmail(s)
	}}
)

// FuzzParseKnown: a Rest argument of a Known type followed by an optional
// one either parses into values both checks accept, or is refused with a
// *UserError; never a panic.
func FuzzParseKnown(f *testing.F) {
	for _, s := range []string{"membre du CA", "membre du CA jean", "trésorier adjoint", "trésorier adjoint x", `"trésorier" adjoint`, "délégué", "", "a b c d e"} {
		f.Add(s)
	}
	known := &Spec{Path: "k", Args: []Arg{{Name: "fonction", Type: argFunctionTest, Rest: true}, {Name: "boite", Type: argLocal, Optional: true}}}
	f.Fuzz(func(t *testing.T, line string) {
		words, after, has, err := Tokenize(line)
		if err != nil {
			return
		}
		v, err := ParseArgs(known, words, after, has)
		if err != nil {
			if _, ok := err.(*UserError); !ok {
				t.Fatalf("ParseArgs(%q) error %T, want *UserError", line, err)
			}
			return
		}
		if _, err := argFunctionTest.Check(v.Get("fonction")); err != nil {
			t.Fatalf("ParseArgs(%q) = %v: the function does not check", line, v)
		}
		if b, ok := v["boite"]; ok {
			if _, err := argLocal.Check(b); err != nil {
				t.Fatalf("ParseArgs(%q) = %v: the mailbox does not check", line, v)
			}
		}
	})
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"mail passwd a@b.fr", `a "b c" d`, "a -- b", `"`, "a 'b", "«x»", "a\\b", "-- --", "l'a 'b c' d'e", "« a » “b”"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, after, _, err := Tokenize(s)
		if err != nil {
			if _, ok := err.(*UserError); !ok {
				t.Fatalf("Tokenize(%q) error %T, want *UserError", s, err)
			}
			return
		}
		for _, w := range words {
			if !utf8.ValidString(w) {
				t.Fatalf("Tokenize(%q) word %q is not UTF-8", s, w)
			}
			if len(w) > len(s) {
				t.Fatalf("Tokenize(%q) word %q longer than the line", s, w)
			}
		}
		if len(after) > len(s) {
			t.Fatalf("Tokenize(%q) after %q longer than the line", s, after)
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"a@b.fr", "A@B.FR", "a@b", "a..b@c.fr", "mailto:x@y.z", "a@b.fr\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeEmail(s)
		if err != nil {
			return
		}
		again, err := NormalizeEmail(got)
		if err != nil || again != got {
			t.Fatalf("NormalizeEmail not idempotent: %q → %q → %q, %v", s, got, again, err)
		}
		if strings.ContainsAny(got, " \t\r\n\"<>,;") || strings.Count(got, "@") != 1 || got != strings.ToLower(got) {
			t.Fatalf("NormalizeEmail(%q) = %q: not a clean address", s, got)
		}
	})
}

// Quote writes each value in the form a person can type back from a chat
// message: no backslash unless the value holds both kinds of double quote.
func TestQuote(t *testing.T) {
	for v, want := range map[string]string{
		"a@b.fr": "a@b.fr", "d'accès": "d'accès", `c:\dir`: `c:\dir`, "'x": `"'x"`, "": `""`, "--": `"--"`,
		"Disque plein": `"Disque plein"`, "a«b": `"a«b"`, `dit "oui"`: `“dit "oui"”`, `c:\mes documents`: `“c:\mes documents”`,
		`“a” "b"`: `"“a” \"b\""`,
	} {
		if got := Quote(v); got != want {
			t.Errorf("Quote(%q) = %s, want %s", v, got, want)
		}
	}
}

// FuzzQuote checks that a quoted value comes back from the engine's
// tokenizer as exactly one word, itself.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "a", "a b", `"`, `'`, `\`, "--", "«x»", "é\tü", `a\"b`, "x\n y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool {
			return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || (r >= 0x80 && r < 0xa0)
		}) {
			t.Skip() // the tokenizer refuses these whatever the quoting
		}
		line := "cmd " + Quote(v)
		if len(line) > MaxLine {
			t.Skip()
		}
		words, _, hasAfter, err := Tokenize(line)
		if err != nil {
			t.Fatalf("Tokenize(%q): %v", line, err)
		}
		if hasAfter || len(words) != 2 || words[1] != v {
			t.Fatalf("Tokenize(%q) = %q (after %v), want [cmd %q]", line, words, hasAfter, v)
		}
	})
}

func TestSpecLine(t *testing.T) {
	s := &Spec{Path: "ticket open", Args: []Arg{{Name: "qui"}, {Name: "sujet"}, {Name: "budget", Optional: true}, {Name: "corps", After: true}}}
	got := s.Line(Values{"qui": "ovh", "sujet": "Disque plein", "corps": "Le disque\nest plein"})
	want := `ticket open ovh "Disque plein" -- Le disque` + "\n" + `est plein`
	if got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
	words, after, has, err := Tokenize(got)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseArgs(s, words[2:], after, has)
	if err != nil || back.Get("sujet") != "Disque plein" || back.Get("corps") != "Le disque\nest plein" {
		t.Errorf("Line does not parse back: %v, %v", back, err)
	}
}

func TestFormatMB(t *testing.T) {
	for _, tt := range []struct {
		l    Locale
		mb   float64
		want string
	}{{FR, 0, "0 Mo"}, {FR, 517.4, "517 Mo"}, {FR, 1536, "1,5 Go"}, {EN, 1536, "1.5 GB"}, {FR, 2048, "2 Go"}, {FR, 2047.9, "2 Go"}} {
		if got := FormatMB(tt.l, tt.mb); got != tt.want {
			t.Errorf("FormatMB(%v, %v) = %q, want %q", tt.l, tt.mb, got, tt.want)
		}
	}
	if got := FormatQuota(FR, 0); got != "illimité" {
		t.Errorf("FormatQuota(FR, 0) = %q, want illimité", got)
	}
}
