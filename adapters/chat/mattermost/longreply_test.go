package mattermost

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/bot"
)

// A reply longer than bot.MaxReplyMessages posts (10,000 mailboxes) is one
// uploaded CSV file in a private message, with a short ephemeral note, and a
// long channel post is one post with one file: never hundreds of posts.
func TestLongReplyIsOneFile(t *testing.T) {
	e, ln := newEnv(t)
	var b strings.Builder
	b.WriteString("10000 boîte(s) :")
	for i := range 10000 {
		fmt.Fprintf(&b, "\nd%05d@anopex.test — 517 Mo / 1 Go (51 %%)", i)
	}
	rec := newRecorder()
	rec.reply = func(bot.Invocation) bot.Reply { return bot.Reply{Text: b.String()} }
	e.serve(t, rec, ln)
	before := len(e.mm.Posts())
	if _, err := e.mm.Slash(t.Context(), e.alice, e.general, "/mail list"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "the answer", func(r *recorder) bool { return len(r.invs) == 1 && len(r.errs) == 0 })
	e.waitFake(t, "the note", func(v mattermosttest.View) bool { // maybe before "en cours…"
		return slices.ContainsFunc(v.Ephemerals(e.alice), func(m mattermosttest.Ephemeral) bool { return strings.Contains(m.Text, "message privé") })
	})
	posts := e.mm.Posts()[before:]
	if len(posts) != 1 || len(posts[0].FileIDs) != 1 {
		t.Fatalf("%d posts, want one private post with one file: %+v", len(posts), posts)
	}
	if got := posts[0].Message; got != "10000 boîte(s) :\n(réponse complète en pièce jointe : 10001 lignes)" {
		t.Errorf("post = %q", got)
	}
	name, data, ok := e.mm.File(posts[0].FileIDs[0])
	if !ok || name != "reponse.csv" || strings.Count(string(data), "\n") != 10000 {
		t.Errorf("file %q of %d lines (%v)", name, strings.Count(string(data), "\n"), ok)
	}

	before = len(e.mm.Posts())
	if _, err := e.chat.Post(t.Context(), e.approvals, bot.Message{Text: strings.Repeat("une ligne de rapport\n", 3000)}); err != nil {
		t.Fatal(err)
	}
	posts = e.mm.Posts()[before:]
	if len(posts) != 1 || len(posts[0].FileIDs) != 1 {
		t.Errorf("long post = %d posts, want one with a file", len(posts))
	}
}
