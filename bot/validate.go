package bot

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Argument types the chat adapters know by name (Discord completes ArgEmail
// and spans ArgText over the rest of a line). The command families' own
// types live in commands/args.go.
var (
	// ArgWord is one word without control characters.
	ArgWord = ArgType{Name: "word", Example: "dupont", Check: checkWord}
	// ArgText is free text (subjects, bodies, reasons).
	ArgText = ArgType{Name: "text", Example: "\"texte libre\"", Check: checkText}
	// ArgEmail is an e-mail address, normalised to lower case.
	ArgEmail = ArgType{Name: "email", Example: "jeanne.martin@anopex.test", Check: NormalizeEmail}
)

func checkWord(s string) (string, error) {
	if s == "" || strings.IndexFunc(s, unicode.IsControl) >= 0 || strings.ContainsAny(s, " \t") {
		return "", Userf("« %s » doit être un seul mot", "%q must be one word", s)
	}
	if len(s) > 200 {
		return "", Userf("mot trop long (200 caractères au plus)", "word too long (200 characters at most)")
	}
	return s, nil
}

func checkText(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Userf("texte vide", "empty text")
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 {
		return "", Userf("le texte contient un caractère de contrôle", "the text holds a control character")
	}
	return s, nil
}

// SameEmail reports whether a and b are one address as providers store it:
// trimmed, lower-cased, in Unicode normal form C.
func SameEmail(a, b string) bool { return emailKey(a) == emailKey(b) }

func emailKey(s string) string { return norm.NFC.String(strings.ToLower(strings.TrimSpace(s))) }

// NormalizeEmail trims and lower-cases an address and checks its shape: one
// "@", a local part of at most 64 characters from the usual set, and a domain
// of dot-separated labels (letters, digits, hyphens) with a dot. It returns a
// *UserError naming the problem.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "mailto:")
	at := strings.LastIndexByte(s, '@')
	if at < 0 || strings.Count(s, "@") != 1 {
		return badEmail(s, "il faut exactement un @", "it needs exactly one @")
	}
	local, domain := s[:at], s[at+1:]
	if local == "" || len(local) > 64 {
		return badEmail(s, "partie avant @ vide ou trop longue", "local part empty or too long")
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return badEmail(s, "point mal placé avant @", "misplaced dot before @")
	}
	for _, r := range local {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", r)) {
			return badEmail(s, fmt.Sprintf("caractère %q interdit", r), fmt.Sprintf("character %q not allowed", r))
		}
	}
	if _, err := NormalizeDomain(domain); err != nil || !strings.Contains(domain, ".") {
		return badEmail(s, "domaine invalide après @", "invalid domain after @")
	}
	return s, nil
}

func badEmail(s, why, whyEN string) (string, error) {
	return "", Userf("adresse e-mail invalide « %[1]s » : %[2]s ; écrivez-la comme jeanne.martin@anopex.test",
		"invalid e-mail address %[1]q: %[3]s; write it like jeanne.martin@anopex.test", s, why, whyEN)
}

// NormalizeDomain lower-cases a domain name and checks it: labels of 1 to 63
// letters, digits or hyphens (not at either end), 253 characters at most, no
// trailing dot.
func NormalizeDomain(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	bad := func(why, whyEN string) (string, error) {
		return "", Userf("nom de domaine invalide « %[1]s » : %[2]s ; écrivez-le comme anopex.test", "invalid domain name %[1]q: %[3]s; write it like anopex.test", s, why, whyEN)
	}
	if s == "" || len(s) > 253 {
		return bad("vide ou trop long", "empty or too long")
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return bad("partie vide ou trop longue entre deux points", "empty or too long label")
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return bad("un tiret ne peut pas commencer ou finir une partie", "a hyphen cannot start or end a label")
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return bad(fmt.Sprintf("caractère %q interdit", r), fmt.Sprintf("character %q not allowed", r))
			}
		}
	}
	return s, nil
}

// FormatMB renders a size in megabytes for people: "0 Mo", "500 Mo",
// "2 Go", "1,5 Go" (a decimal comma in French).
func FormatMB(l Locale, mb float64) string {
	if mb >= 1024 {
		g := strconv.FormatFloat(mb/1024, 'f', 1, 64)
		return strings.Replace(strings.TrimSuffix(g, ".0"), ".", l.Pick(",", "."), 1) + l.Pick(" Go", " GB")
	}
	return fmt.Sprintf("%.0f %s", mb, l.Pick("Mo", "MB"))
}

// FormatQuota renders a quota in megabytes, where 0 is "illimité".
func FormatQuota(l Locale, mb int) string {
	if mb == 0 {
		return l.Pick("illimité", "unlimited")
	}
	return FormatMB(l, float64(mb))
}
