package coherence

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeEmail returns the join key of an address as a source stores it,
// and false when the value cannot be an address (no "@" with something on
// both sides). It is total and lenient, unlike bot.NormalizeEmail, which
// checks what a person types: data written by many hands over the years must
// still join. It
//
//   - replaces invalid UTF-8 by U+FFFD;
//   - trims white space (Unicode spaces, zero-width spaces and the BOM);
//   - keeps the address of "Name <address>" and strips "mailto:" (any case)
//     with a "?subject=…" query after it;
//   - trims dots and spaces left at the end ("a@b.fr." is "a@b.fr");
//   - puts the text in Unicode normal form C, so that "é" typed as e + U+0301
//     and as U+00E9 join, and lower-cases it (local parts are
//     case-insensitive in practice at every provider the association uses).
//
// It never changes the characters inside the address otherwise: two
// addresses that differ after this are different addresses. The result is a
// fixed point: NormalizeEmail(NormalizeEmail(s)) is NormalizeEmail(s). Where
// bot.NormalizeEmail accepts s, both return the same address.
func NormalizeEmail(s string) (string, bool) {
	for range 8 { // each pass removes at least one layer; real data needs 1 or 2
		t := cleanEmail(s)
		if t == s {
			break
		}
		s = t
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", false
	}
	return s, true
}

// cleanEmail is one pass of NormalizeEmail's rules.
func cleanEmail(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.TrimFunc(s, isBlank)
	if strings.HasSuffix(s, ">") {
		if i := strings.LastIndexByte(s, '<'); i >= 0 {
			s = s[i+1 : len(s)-1]
		}
	}
	s = strings.TrimFunc(s, isBlank)
	if len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
		if i := strings.IndexByte(s, '?'); i >= 0 {
			s = s[:i]
		}
	}
	s = strings.TrimRightFunc(s, func(r rune) bool { return r == '.' || isBlank(r) })
	s = strings.TrimFunc(s, isBlank)
	return norm.NFC.String(strings.ToLower(norm.NFC.String(s))) // NFC leaves ASCII as it is
}

// isBlank reports white space and the invisible characters that come with
// copy and paste: zero-width space, joiners, word joiner and the BOM.
func isBlank(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}
