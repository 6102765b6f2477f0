package discord

import (
	"fmt"
	"strings"
	"testing"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/bot"
)

// A reply longer than bot.MaxReplyMessages messages (10,000 mailboxes, 239
// messages before) is one message with one CSV file holding the whole list,
// and so is a long channel post.
func TestLongReplyIsOneFile(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("10000 boîte(s) :")
	for i := range 10000 {
		fmt.Fprintf(&b, "\nd%05d@anopex.test — 517 Mo / 1 Go (51 %%)", i)
	}
	long := b.String()
	h := newRecorder()
	h.reply = func(bot.Invocation) bot.Reply { return bot.Reply{Text: long} }
	f := start(t, h)
	id, err := f.srv.Slash(adminID, discordtest.ApprovalsChannel, "help")
	if err != nil {
		t.Fatal(err)
	}
	in := f.answered(t, id)
	if len(in.Followups) != 0 || len(in.Original.Attachments) != 1 {
		t.Fatalf("%d follow-ups and %d files, want the answer alone with one file", len(in.Followups), len(in.Original.Attachments))
	}
	if got := in.Original.Content; got != "10000 boîte(s) :\n(réponse complète en pièce jointe : 10001 lignes)" {
		t.Errorf("answer = %q", got)
	}
	file := in.Original.Attachments[0]
	if file.Name != "reponse.csv" || strings.Count(string(file.Data), "\n") != 10000 || !strings.HasPrefix(string(file.Data), "d00000@anopex.test,517 Mo / 1 Go (51 %)\n") {
		t.Errorf("file %s of %d lines: %.80q", file.Name, strings.Count(string(file.Data), "\n"), file.Data)
	}

	msg, err := f.chat.Post(t.Context(), discordtest.AlertsChannel, bot.Message{Text: strings.Repeat("une ligne de rapport\n", 1000)})
	if err != nil {
		t.Fatal(err)
	}
	posts := f.srv.Messages(discordtest.AlertsChannel)
	if len(posts) != 1 || posts[0].ID != msg || len(posts[0].Attachments) != 1 || posts[0].Attachments[0].Name != "reponse.txt" {
		t.Errorf("long post = %d messages %+v, want one with reponse.txt", len(posts), posts)
	}
}
