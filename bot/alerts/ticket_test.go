package alerts_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/internal/testlog"
)

// TestAlertTicket follows an alert that becomes a ticket: its posts offer
// 🎫, a person's 🎫 reaches the hook with the alert (a bot's does not, nor
// a removal), the link shows in the next post and in Linked, and the
// recovery is posted in the ticket's thread too, where a 🎫 reaches the
// hook with the recovered alert. testdata/alerts_ticket.golden holds the
// posts.
func TestAlertTicket(t *testing.T) {
	db := openAlertDB(t, filepath.Join(t.TempDir(), "opsbot.db"))
	t.Cleanup(func() { db.Close() })
	clk := testlog.NewClock(alertT0)
	c := newChat()
	var got []string
	a, err := alerts.NewCycle(alerts.CycleConfig{Chat: c, Store: db, Channel: "alertes", Platform: "console", Now: clk.Now, Log: zerolog.Nop(),
		Ticket: func(_ context.Context, r bot.Reaction, s alerts.State) {
			got = append(got, fmt.Sprintf("%s on %s: %s open=%v server=%s ticket=%s", r.User.ID, r.MessageID, s.Key, s.Open, s.Server, s.Ticket))
		}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var out strings.Builder
	step := func(name string, fn func()) {
		t.Helper()
		fn()
		fmt.Fprintf(&out, "== %s\n", name)
		for _, p := range c.Take() {
			fmt.Fprintln(&out, p)
		}
	}
	down := []alerts.Alert{{Key: "http:https://gestion.anopex.fr/", Severity: alerts.Critical, Server: "ovh",
		Title: "https://gestion.anopex.fr/ ne répond pas", Detail: "connexion refusée"}}
	react := func(user, msg, emoji string, isBot, removed bool) bool {
		return a.React(ctx, bot.Reaction{Platform: "console", MessageID: msg, User: bot.Person{ID: user, Name: user, Bot: isBot}, Emoji: emoji, Removed: removed})
	}
	step("starts: the post offers 🎫", func() {
		if err := a.Report(ctx, "http", down); err != nil {
			t.Fatal(err)
		}
	})
	start := c.LastID()
	step("a bot's 🎫 and a removal do nothing; a person's reaches the hook", func() {
		if react("opsbot", start, "🎫", true, false) {
			t.Error("React(bot 🎫) = true, want false")
		}
		if !react("sam", start, ":ticket:", false, true) || !react("sam", start, "ticket", false, false) {
			t.Error("React(🎫) = false, want true")
		}
		if react("sam", "nowhere", "🎫", false, false) {
			t.Error("React(🎫 elsewhere) = true, want false")
		}
	})
	if err := a.Link(ctx, "http:nope", "ovh-1", "approbations", "r1"); bot.KindOf(err) != bot.NotFound {
		t.Errorf("Link(unknown key): kind %v, want not_found", bot.KindOf(err))
	}
	if err := a.Link(ctx, down[0].Key, "ovh-8123456", "approbations", "r7"); err != nil {
		t.Fatal(err)
	}
	if s, ok, err := a.Linked(ctx, "ovh-8123456"); err != nil || !ok || s.Key != down[0].Key {
		t.Errorf("Linked(ovh-8123456) = %v %v %v, want the alert", s.Key, ok, err)
	}
	if _, ok, _ := a.Linked(ctx, "ovh-1"); ok {
		t.Error("Linked(ovh-1) found an alert")
	}
	step("a change of severity names the ticket", func() {
		clk.Add(time.Hour)
		down[0].Severity = alerts.Warning
		if err := a.Report(ctx, "http", down); err != nil {
			t.Fatal(err)
		}
	})
	step("recovers: in the alerts channel and in the ticket's thread", func() {
		clk.Add(time.Hour)
		if err := a.Report(ctx, "http", nil); err != nil {
			t.Fatal(err)
		}
	})
	closing := c.LastID()
	step("a 🎫 on the thread's recovery reaches the hook", func() {
		if !react("sam", closing, "🎫", false, false) {
			t.Error("React(🎫 on the recovery) = false, want true")
		}
	})
	want := []string{
		"sam on a1: http:https://gestion.anopex.fr/ open=true server=ovh ticket=",
		"sam on a4: http:https://gestion.anopex.fr/ open=false server=ovh ticket=ovh-8123456",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("hook calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	checkGolden(t, "alerts_ticket.golden", out.String())
}
