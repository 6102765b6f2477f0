package main

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/internal/bottest"
	demoworld "github.com/anopex/opsbot/internal/demo"
	"github.com/anopex/opsbot/storage"
)

// TestMonthlyReport: with report.monthly the job posts last month's
// summary and chart in the approvals channel on the 1st, once whatever the
// restarts, and at the next run when it could not.
func TestMonthlyReport(t *testing.T) {
	a := alertsApp(t)
	a.deps.Audit = a.store
	if err := a.store.AppendAudit(t.Context(), bot.AuditRecord{At: time.Date(2026, 11, 20, 9, 0, 0, 0, time.Local), Kind: "rejected", RequestID: 1, Command: "mail delete"}); err != nil {
		t.Fatal(err)
	}
	if j, err := a.reportJob("approbations", &bottest.Chat{}); j != nil || err != nil {
		t.Fatalf("job without report.monthly = %v, %v", j, err)
	}
	a.cfg.Report = &reportConfig{Monthly: true, Daily: "25:00"}
	if _, err := a.reportJob("approbations", &bottest.Chat{}); err == nil {
		t.Fatal("daily 25:00 accepted")
	}
	a.cfg.Report.Daily = ""
	chat := &bottest.Chat{}
	j, err := a.reportJob("approbations", chat)
	if err != nil || j.Daily != "08:00" {
		t.Fatalf("job = %+v, %v", j, err)
	}
	run := func(j *alerts.Job, m time.Month, day int) {
		t.Helper()
		a.now = func() time.Time { return time.Date(2026, m, day, 8, 0, 0, 0, time.Local) }
		if text, err := j.Digest.Digest(t.Context()); text != "" || err != nil {
			t.Fatalf("digest = %q, %v; want nothing for the alerts channel", text, err)
		}
	}
	// A data file that never recorded a post starts on a 1st: October's
	// report may have gone out already.
	run(j, 11, 2)
	run(j, 12, 1)
	// A restart on the 1st: the store knows November's is out.
	a.store = reopenStore(t, a.store)
	a.deps.Audit = a.store
	if j, err = a.reportJob("approbations", chat); err != nil {
		t.Fatal(err)
	}
	run(j, 12, 1)
	run(j, 12, 2)
	posts := chat.Messages(bottest.Post)
	if len(posts) != 1 || posts[0].To != "approbations" || !strings.Contains(posts[0].Text, "Bilan du mois 2026-11") || !strings.Contains(posts[0].Text, "/mail : 1 refusée(s)") {
		t.Fatalf("posts = %+v, want November's report once, on the 1st", posts)
	}
	// Down on January 1st, or the chat refusing then: the next run posts December's.
	chat.Fail(errors.New("chat down"))
	a.now = func() time.Time { return time.Date(2027, 1, 1, 8, 0, 0, 0, time.Local) }
	if _, err := j.Digest.Digest(t.Context()); err == nil {
		t.Fatal("a report the chat refused counts as posted")
	}
	chat.Fail(nil)
	run(j, 13, 2) // January 2027
	run(j, 13, 3)
	if posts = chat.Messages(bottest.Post); len(posts) != 2 || !strings.Contains(posts[1].Text, "Bilan du mois 2026-12") {
		t.Fatalf("posts = %+v, want December's report once, on the 2nd", posts)
	}
}

// A new data file whose first report fails on the 1st posts it the next
// day: the failed claim leaves the file no longer new.
func TestMonthlyReportFirstPostFails(t *testing.T) {
	a := alertsApp(t)
	a.deps.Audit = a.store
	a.cfg.Report = &reportConfig{Monthly: true}
	chat := &bottest.Chat{}
	j, err := a.reportJob("approbations", chat)
	if err != nil {
		t.Fatal(err)
	}
	chat.Fail(errors.New("chat down"))
	a.now = func() time.Time { return time.Date(2026, 12, 1, 8, 0, 0, 0, time.Local) }
	if _, err := j.Digest.Digest(t.Context()); err == nil {
		t.Fatal("a report the chat refused counts as posted")
	}
	chat.Fail(nil)
	for _, day := range []int{2, 3} {
		a.now = func() time.Time { return time.Date(2026, 12, day, 8, 0, 0, 0, time.Local) }
		if _, err := j.Digest.Digest(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if posts := chat.Messages(bottest.Post); len(posts) != 1 || !strings.Contains(posts[0].Text, "Bilan du mois 2026-11") {
		t.Fatalf("posts = %+v, want November's report once, on the 2nd", posts)
	}
}

// reopenStore closes db and opens its file again, as a restart does.
func reopenStore(t *testing.T, db *storage.DB) *storage.DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(db.Path(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The nightly coherence digest stores its sweep's counts for /report month.
func TestNightlySweepRecorded(t *testing.T) {
	a := alertsApp(t)
	now := time.Date(2026, 11, 30, 3, 0, 0, 0, time.Local)
	e := demoworld.Start(now)
	t.Cleanup(e.Close)
	e.Seed()
	m := commands.Members{Adherents: e.Members, Contacts: e.Contacts, WPUsers: e.WPClient, Coherence: e.Config,
		Now: func() time.Time { return now }, Sweeps: a.store}
	d, err := coherenceDigest(m, bot.FR)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Digest(t.Context()); err != nil {
		t.Fatal(err)
	}
	sums, err := a.store.Sweeps(t.Context())
	if err != nil || len(sums) != 1 || !sums[0].At.Equal(now) || !maps.Equal(sums[0].Counts, demoworld.Findings) {
		t.Errorf("stored sweeps = %+v, %v; want the night's, with the demo's findings", sums, err)
	}
}
