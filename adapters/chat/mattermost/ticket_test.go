package mattermost

import (
	"testing"

	"github.com/anopex/opsbot/bot"
)

// An alert post carries the bot's 🎫, and a person's "ticket" reaction
// reaches the engine as 🎫; the bot's own is not handed over.
func TestAlertPostOffersTicket(t *testing.T) {
	e, rec := start(t)
	id, err := e.chat.Post(t.Context(), e.general, bot.Message{Text: "🔴 CRITIQUE — site injoignable", Ticket: true})
	if err != nil {
		t.Fatal(err)
	}
	rs := e.mm.Reactions(id)
	if len(rs) != 1 || rs[0].UserID != e.botID || rs[0].EmojiName != emojiTicket {
		t.Fatalf("reactions on the alert = %+v, want the bot's ticket", rs)
	}
	if err := e.mm.React(e.carol, id, "ticket"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "carol's ticket", func(r *recorder) bool { return len(r.reacts) == 1 })
	got := rec.reactions()[0]
	if got.User.ID != e.carol || got.MessageID != id || bot.NormalizeEmoji(got.Emoji) != bot.EmojiTicket {
		t.Errorf("reaction handed over = %+v, want carol's 🎫 on %s", got, id)
	}
}
