package mattermost

import (
	"regexp"

	"github.com/anopex/opsbot/bot"
)

// mention is an @ that Mattermost would read as a mention: at the start or
// after a character that cannot end a username (so an e-mail address's @ is
// not one), followed by a username character. @channel, @all, @here and
// @someone in text the bot echoes (a preview, a ticket's body) would notify
// the channel or that person.
var mention = regexp.MustCompile(`(^|[^\p{L}\p{N}_.\-])@([\p{L}\p{N}_.\-])`)

// noMentions puts a zero-width space after each such @: the text reads the
// same, and Mattermost, whose mention parser splits words on white space and
// punctuation (U+200B is neither), finds no mention in "@\u200bchannel".
// Discord's allowed_mentions does the same job there.
func noMentions(s string) string {
	return mention.ReplaceAllString(s, "$1@\u200b$2")
}

// voteEmoji is the emoji name a Mattermost reaction is handed to the engine
// as. Mattermost names a reaction by name only (reference §4) and a custom
// emoji may take any name but a system one's, so only the exact names the
// bot offers vote (and eyes acknowledges, ticket asks for a ticket); "check"
// or "cross_mark", which the engine's aliases would read as ✅ and ❌, are
// marked custom.
func voteEmoji(name string) string {
	switch name {
	case emojiApprove, emojiReject, emojiAck, emojiTicket:
		return name // the engine reads them as ✅, ❌, 👀 and 🎫
	}
	switch bot.NormalizeEmoji(name) {
	case bot.EmojiApprove, bot.EmojiReject, bot.EmojiAck, bot.EmojiTicket:
		return name + ":mattermost"
	}
	return name
}
