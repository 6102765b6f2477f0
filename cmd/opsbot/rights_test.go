package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/bottest"
)

// The scheduled review posts counts only in the approvals channel, sends
// the list privately to the admins alone, and only the president's ✅
// confirms it, once, audited, even after a restart.
func TestScheduledRightsReview(t *testing.T) {
	a := alertsApp(t)
	srv := cpaneltest.New("anopex", "tok")
	srv.SeedDemo()
	t.Cleanup(srv.Close)
	mail, err := cpanel.New(cpanel.Options{URL: srv.URL(), User: "anopex", Token: bot.NewSecret("tok"), HTTPClient: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	a.deps.Mail, a.deps.MailDomain = mail, "anopex.test"
	members := []bot.Member{
		{Name: "Sam Admin", Roles: []bot.Role{bot.Admin}, IDs: map[string]string{"console": "sysadmin"}},
		{Name: "Paul Président", Roles: []bot.Role{bot.President}, IDs: map[string]string{"console": "president"}},
	}
	if a.policy, err = bot.NewPolicy(members, nil); err != nil {
		t.Fatal(err)
	}
	a.deps.People = members
	chat := &bottest.Chat{}
	d := &rightsDesk{a: a, chat: chat, platform: "console", channel: "approbations"}
	if text, err := d.post(t.Context()); err != nil || text != "" {
		t.Fatalf("post = %q, %v; want nothing for the alerts channel", text, err)
	}
	posts, directs := chat.Messages(bottest.Post), chat.Messages(bottest.Direct)
	if len(posts) != 1 || posts[0].To != "approbations" || strings.Contains(posts[0].Text, "@") || !strings.Contains(posts[0].Text, "boîte(s) sans titulaire") {
		t.Fatalf("posts = %+v, want the counts alone in the approvals channel", posts)
	}
	if len(directs) != 1 || directs[0].To != "sysadmin" || len(directs[0].Msg.Attachments) != 1 {
		t.Fatalf("directs = %+v, want the CSV to the admin alone", directs)
	}
	id := posts[0].ID
	for _, r := range []bot.Reaction{
		{MessageID: id, Emoji: "✅", User: bot.Person{ID: "sysadmin", Roles: []bot.Role{bot.Admin}}},      // not the president
		{MessageID: id, Emoji: "👀", User: bot.Person{ID: "president", Roles: []bot.Role{bot.President}}}, // not ✅
	} {
		d.react(t.Context(), r)
	}
	if recs, _ := a.store.Audit(t.Context(), 10); len(recs) != 0 {
		t.Fatalf("audit = %+v before the president's ✅", recs)
	}
	// A restart before the president's ✅: the store still awaits it.
	a.store = reopenStore(t, a.store)
	d = &rightsDesk{a: a, chat: chat, platform: "console", channel: "approbations"}
	if ids, err := a.store.MessageIDs(t.Context(), "console"); err != nil || !slices.Contains(ids, id) {
		t.Errorf("message IDs = %q, %v; want the awaited summary's %s (the console numbers after them)", ids, err, id)
	}
	ok := bot.Reaction{Platform: "console", MessageID: id, Emoji: "white_check_mark", User: bot.Person{ID: "president", Name: "Paul Président", Roles: []bot.Role{bot.President}}}
	if !d.react(t.Context(), ok) {
		t.Fatal("the president's ✅ was not taken")
	}
	if d.react(t.Context(), ok) {
		t.Error("a second ✅ confirmed the review again")
	}
	recs, err := a.store.Audit(t.Context(), 10)
	if err != nil || len(recs) != 1 || recs[0].Kind != "rights-review" || recs[0].ActorID != "president" || !strings.HasPrefix(recs[0].Detail, "confirmed the review posted 20") {
		t.Errorf("audit = %+v, %v; want one rights-review record by the president", recs, err)
	}
	if last := chat.Messages(bottest.Post); len(last) != 2 || last[1].Msg.ReplyTo != id {
		t.Errorf("posts = %+v, want the confirmation in the summary's thread", last)
	}
}
