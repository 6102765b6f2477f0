package discord

import (
	"regexp"
	"testing"
)

// discordName is the pattern Discord documents for command and option
// names (with the apostrophe it accepts), which validName implements.
var discordName = regexp.MustCompile(`^[-_'\p{L}\p{N}]{1,32}$`)

// FuzzValidName: validName agrees with the pattern on any string.
func FuzzValidName(f *testing.F) {
	for _, s := range []string{"mail", "boîte", "", "a b", "x-y_z'", "日本語", "٣", "Ⅻ", "a\xff", "abcdefghijklmnopqrstuvwxyz0123456", "abcdefghijklmnopqrstuvwxyz012345", "@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validName(s), discordName.MatchString(s); got != want {
			t.Errorf("validName(%q) = %v, want %v", s, got, want)
		}
	})
}
