package main

import (
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/bottest"
)

// TestMonthlyReport: with report.monthly the job posts last month's
// summary and chart in the approvals channel on the 1st only.
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
	for _, day := range []int{2, 1} {
		a.now = func() time.Time { return time.Date(2026, 12, day, 8, 0, 0, 0, time.Local) }
		if text, err := j.Digest.Digest(t.Context()); text != "" || err != nil {
			t.Fatalf("digest = %q, %v; want nothing for the alerts channel", text, err)
		}
	}
	posts := chat.Messages(bottest.Post)
	if len(posts) != 1 || posts[0].To != "approbations" || !strings.Contains(posts[0].Text, "Bilan du mois 2026-11") || !strings.Contains(posts[0].Text, "/mail : 1 refusée(s)") {
		t.Fatalf("posts = %+v, want November's report once, on the 1st", posts)
	}
}
