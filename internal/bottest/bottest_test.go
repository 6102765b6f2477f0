package bottest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

// TestChatConcurrent posts and writes from many goroutines: every message
// is kept once and the post IDs are distinct (run with -race).
func TestChatConcurrent(t *testing.T) {
	var c Chat
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if _, err := c.Post(t.Context(), "ops", bot.Message{Text: fmt.Sprint(i)}); err != nil {
				t.Error(err)
			}
			if err := c.Direct(t.Context(), "u", bot.Message{Text: "d"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, m := range c.Messages(Post) {
		ids[m.ID] = true
	}
	if len(ids) != 50 || len(c.Messages(Direct)) != 50 || c.Count() != 50 {
		t.Errorf("%d distinct post IDs, %d directs; want 50 and 50", len(ids), len(c.Messages(Direct)))
	}
}

func TestChatFailAndTake(t *testing.T) {
	c := Chat{Prefix: "a"}
	ctx := context.Background()
	c.Post(ctx, "alertes", bot.Message{Text: "un"})
	c.Post(ctx, "alertes", bot.Message{Text: "deux", ReplyTo: "a1"})
	if diff := cmp.Diff([]string{"[#alertes a1] un", "[#alertes a2] ↳a1 deux"}, c.Take()); diff != "" {
		t.Errorf("Take (-want +got):\n%s", diff)
	}
	down := &bot.Error{Provider: "chat", Kind: bot.Unavailable}
	c.Fail(down)
	if _, err := c.Post(ctx, "alertes", bot.Message{Text: "trois"}); !errors.Is(err, down) {
		t.Errorf("Post while failing: %v, want %v", err, down)
	}
	if err := c.Direct(ctx, "u", bot.Message{Text: "x"}); !errors.Is(err, down) {
		t.Errorf("Direct while failing: %v, want %v", err, down)
	}
	c.Fail(nil)
	c.Post(ctx, "alertes", bot.Message{Text: "quatre"})
	if diff := cmp.Diff([]string{"[#alertes a3] quatre"}, c.Take()); diff != "" {
		t.Errorf("Take after healing (-want +got):\n%s", diff)
	}
	if c.LastID() != "a3" || c.IDOf("deux") != "a2" || c.IDOf("zéro") != "" {
		t.Errorf("LastID %q, IDOf(deux) %q", c.LastID(), c.IDOf("deux"))
	}
}

// TestTranscriptHidesSecrets: a direct message's secret is recorded as the
// person reads it (Text) but a transcript only says <secret>.
func TestTranscriptHidesSecrets(t *testing.T) {
	var c Chat
	ctx := context.Background()
	c.add(Message{Kind: Input, To: "u-admin", Text: "/mail passwd a@b.fr"})
	c.Responder("u-admin").Respond(ctx, bot.Reply{Text: "Demande n°1\nenregistrée"})
	c.Post(ctx, "approbations", bot.Message{Text: "Demande n°1", Approval: true})
	c.Direct(ctx, "u-admin", bot.Message{Text: "Mot de passe :", Secret: bot.NewSecret("s3cret-pw")})
	if d := c.Messages(Direct); len(d) != 1 || !strings.Contains(d[0].Text, "s3cret-pw") {
		t.Errorf("direct message as read: %+v", d)
	}
	want := "> u-admin: /mail passwd a@b.fr\n" +
		"< u-admin (privé): Demande n°1\n    enregistrée\n" +
		"[#approbations m1] ✅❌ Demande n°1\n" +
		"[@u-admin] Mot de passe :\n    <secret>\n"
	if diff := cmp.Diff(want, c.Transcript()); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestWaitPosts: a post made by another goroutine wakes the waiter; an
// ended context stops the wait.
func TestWaitPosts(t *testing.T) {
	var c Chat
	go func() {
		for i := range 3 {
			c.Post(context.Background(), "alertes", bot.Message{Text: fmt.Sprint(i)})
		}
	}()
	posts, err := c.WaitPosts(t.Context(), 3)
	if err != nil || len(posts) < 3 || posts[0].Text != "0" {
		t.Fatalf("WaitPosts = %+v, %v; want the three posts", posts, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.WaitPosts(ctx, 4); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitPosts on an ended context = %v", err)
	}
}
