package discord

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/bot"
)

// An alert post carries the bot's 🎫, and a person's 🎫 reaches the engine;
// the bot's own is not handed over.
func TestAlertPostOffersTicket(t *testing.T) {
	t.Parallel()
	h := newRecorder()
	f := start(t, h)
	id, err := f.chat.Post(t.Context(), discordtest.AlertsChannel, bot.Message{Text: "🔴 CRITIQUE — site injoignable", Ticket: true})
	if err != nil {
		t.Fatal(err)
	}
	f.wait(t, "the bot's 🎫", func() bool {
		m, _ := f.srv.Message(id)
		return len(m.Reactions) == 1
	})
	m, _ := f.srv.Message(id)
	if diff := cmp.Diff(map[string][]string{"🎫": {discordtest.AppID}}, m.Reactions); diff != "" {
		t.Errorf("reactions (-want +got):\n%s", diff)
	}
	if err := f.srv.React(aliceID, discordtest.AlertsChannel, id, "🎫"); err != nil {
		t.Fatal(err)
	}
	got := next(t, h.reacts)
	if got.User.ID != aliceID || got.MessageID != id || bot.NormalizeEmoji(got.Emoji) != bot.EmojiTicket {
		t.Errorf("reaction handed over = %+v, want alice's 🎫 on %s", got, id)
	}
}
