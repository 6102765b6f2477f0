package coherence

import (
	"strings"
	"unicode"

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

// nameTokens folds s into words: decomposed (é → e + U+0301), the accents
// dropped, lower case, any other character a separator.
func nameTokens(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, " ")) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case spelled[r] != "":
			b.WriteString(spelled[r])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}
