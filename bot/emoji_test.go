package bot

import (
	"testing"
	"unicode/utf8"
)

func TestNormalizeEmoji(t *testing.T) {
	tests := map[string]string{
		"✅": EmojiApprove, "✅\uFE0F": EmojiApprove, ":white_check_mark:": EmojiApprove, "white_check_mark": EmojiApprove,
		"heavy_check_mark": EmojiApprove, "✔\uFE0F": EmojiApprove, "White_Check_Mark": EmojiApprove,
		"❌": EmojiReject, ":x:": EmojiReject, "x": EmojiReject, "✖\uFE0F": EmojiReject,
		"👀": EmojiAck, ":eyes:": EmojiAck, "🎫": EmojiTicket, ":ticket:": EmojiTicket, "ticket": EmojiTicket,
		"👍🏽": "👍", "white_check_mark:123": "white_check_mark:123", "": "", "::": "::",
	}
	for in, want := range tests {
		if got := NormalizeEmoji(in); got != want {
			t.Errorf("NormalizeEmoji(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizeEmoji(f *testing.F) {
	for _, s := range []string{"✅", ":x:", "👍🏽", "✅\uFE0F", ":white_check_mark:", "custom:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NormalizeEmoji(s)
		if again := NormalizeEmoji(got); again != got && got != "" {
			// Normalising twice may strip one more pair of colons ("::x::"), never change a canonical emoji.
			if got == EmojiApprove || got == EmojiReject || got == EmojiAck || got == EmojiTicket {
				t.Fatalf("NormalizeEmoji(%q) = %q, then %q", s, got, again)
			}
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("NormalizeEmoji(%q) = %q: invalid UTF-8", s, got)
		}
	})
}
