package coherence

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// SameName reports whether two names written by different hands name the
// same person. Empty names (after folding) are never compared: the caller
// skips them. The comparison ignores
//
//   - case and accents ("Hélène" = "HELENE"; œ, æ, ß, ø, ł and đ are spelled out);
//   - punctuation and separators ("Jean-Pierre" = "Jean Pierre", "O'Brien" = "O Brien");
//   - the order of the words ("Dupont Jeanne" = "Jeanne Dupont");
//   - missing words on one side ("Jeanne Dupont" = "Jeanne Marie Dupont"):
//     an incomplete name is not a different name;
//   - initials ("J. Dupont" = "Jeanne Dupont");
//   - separators inside a compound written as one word ("Lefèvre-Utile" =
//     "Lefevreutile"), when the whole name is written in the same order.
func SameName(a, b string) bool {
	if a == b || strings.EqualFold(a, b) {
		return true
	}
	ta, tb := nameTokens(a), nameTokens(b)
	if len(ta) == 0 || len(tb) == 0 {
		return true
	}
	if strings.Join(ta, "") == strings.Join(tb, "") {
		return true
	}
	return len(ta) <= len(tb) && covers(tb, ta) || len(tb) <= len(ta) && covers(ta, tb)
}

// covers reports whether every word of short matches a distinct word of
// long, exactly or as an initial (a one-letter word matches a word starting
// with that letter). Exact matches are taken first so an initial cannot
// steal the word another one needs.
func covers(long, short []string) bool {
	used := make([]bool, len(long))
	take := func(match func(string) bool) bool {
		for i, l := range long {
			if !used[i] && match(l) {
				used[i] = true
				return true
			}
		}
		return false
	}
	var initials []string
	for _, w := range short {
		if len(w) == 1 {
			initials = append(initials, w)
		} else if !take(func(l string) bool { return l == w }) {
			return false
		}
	}
	for _, w := range initials {
		if !take(func(l string) bool { return strings.HasPrefix(l, w) }) {
			return false
		}
	}
	return true
}

// NameKey returns the folded words of a name (lower case, no accents, no
// punctuation), in the order written, joined by single spaces: what
// SameName compares. It is "" for a name with no letter or digit.
func NameKey(s string) string { return strings.Join(nameTokens(s), " ") }

var spelled = map[rune]string{
	'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss", 'ø': "o", 'Ø': "o",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ı': "i",
}

// nameTokens folds s into words.
func nameTokens(s string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	s = strings.ToValidUTF8(s, " ")
	word := func(r rune) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent, after NFD: drop it
		case spelled[r] != "":
			cur.WriteString(spelled[r])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	for _, r := range s {
		if r < utf8.RuneSelf {
			word(r)
			continue
		}
		// Decompose one rune at a time (é → e + U+0301), without
		// allocating; the accents are then dropped.
		var buf [utf8.UTFMax]byte
		d := norm.NFD.Properties(buf[:utf8.EncodeRune(buf[:], r)]).Decomposition()
		if d == nil {
			word(r)
			continue
		}
		for _, r := range string(d) {
			word(r)
		}
	}
	flush()
	return words
}
