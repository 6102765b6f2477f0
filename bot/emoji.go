package bot

import "strings"

// The canonical emoji the engine understands.
const (
	EmojiApprove = "✅"
	EmojiReject  = "❌"
	EmojiAck     = "👀"
	EmojiTicket  = "🎫"
)

var emojiAliases = map[string]string{
	"✅": EmojiApprove, "✔": EmojiApprove, "☑": EmojiApprove,
	"white_check_mark": EmojiApprove, "heavy_check_mark": EmojiApprove,
	"ballot_box_with_check": EmojiApprove, "check": EmojiApprove,
	"❌": EmojiReject, "✖": EmojiReject, "❎": EmojiReject,
	"x": EmojiReject, "cross_mark": EmojiReject, "heavy_multiplication_x": EmojiReject,
	"negative_squared_cross_mark": EmojiReject,
	"👀":                           EmojiAck, "eyes": EmojiAck,
	"🎫": EmojiTicket, "ticket": EmojiTicket,
}

// NormalizeEmoji maps the ways platforms spell an emoji to one form: it drops
// variation selectors (U+FE0E, U+FE0F), skin-tone modifiers and surrounding
// colons, lower-cases shortcodes, and maps the check-mark, cross, eyes and
// ticket families to EmojiApprove, EmojiReject, EmojiAck and EmojiTicket.
// Anything else comes back cleaned but otherwise unchanged. A platform's
// custom emoji must be passed with its ID (for example "name:123"), so that
// a custom emoji named white_check_mark never approves anything.
func NormalizeEmoji(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == 0xFE0E || r == 0xFE0F:
			return -1
		case r >= 0x1F3FB && r <= 0x1F3FF: // skin tones
			return -1
		}
		return r
	}, s)
	if len(s) > 2 && strings.HasPrefix(s, ":") && strings.HasSuffix(s, ":") {
		s = s[1 : len(s)-1]
	}
	k := strings.ToLower(s)
	if c, ok := emojiAliases[k]; ok {
		return c
	}
	return s
}
