package commands

import (
	"bytes"
	"context"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/storage"
)

// reportDesk is an alert desk listing fixed alerts.
type reportDesk struct {
	AlertDesk
	all []alerts.State
	now time.Time
}

func (d reportDesk) List(context.Context) ([]alerts.State, error) { return d.all, nil }
func (d reportDesk) Now() time.Time                               { return d.now }

func TestReportMonth(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	nov := func(day int) time.Time { return time.Date(2026, 11, day, 10, 0, 0, 0, time.Local) }
	for _, rec := range []bot.AuditRecord{
		{At: nov(2), Kind: "outcome", RequestID: 1, Command: "mail passwd", Detail: "done: changed"},
		{At: nov(3), Kind: "outcome", RequestID: 2, Command: "mail passwd", Detail: "failed: refused"},
		{At: nov(4), Kind: "rejected", RequestID: 3, Command: "mail delete"},
		{At: nov(5), Kind: "outcome", RequestID: 4, Command: "ticket open", Detail: "done: ovh-1"},
		{At: nov(6), Kind: "outcome", RequestID: 5, Command: "invoice pay", Detail: "done: paid"},
		{At: nov(7), Kind: "outcome", RequestID: 6, Command: "host ip block", Detail: "stale: changed"},
		{At: nov(8), Kind: "vote", RequestID: 6, Command: "host ip block", Detail: "approve"},
		{At: nov(9), Kind: "read", Command: "mail info"},
		{At: time.Date(2026, 10, 31, 23, 0, 0, 0, time.Local), Kind: "outcome", RequestID: 7, Command: "mail passwd", Detail: "done: october"},
		{At: time.Date(2026, 12, 1, 0, 0, 0, 0, time.Local), Kind: "expired", RequestID: 8, Command: "mail passwd"},
	} {
		if err := db.AppendAudit(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	for _, ev := range []bot.Evolution{
		{Title: "Agenda", Budget: bot.Money{Cents: 150000, Currency: "EUR"}, ApprovedAt: nov(10), State: "closed", Updated: nov(20)},
		{Title: "Old", Budget: bot.Money{Cents: 99900, Currency: "EUR"}, ApprovedAt: nov(1).AddDate(0, -1, 0), State: "sent"},
		{Title: "Panne", Kind: "incident", ApprovedAt: nov(11), State: "sent"},
	} {
		if err := db.CreateEvolution(ctx, &ev); err != nil {
			t.Fatal(err)
		}
	}
	desk := reportDesk{now: time.Date(2026, 12, 3, 10, 0, 0, 0, time.Local), all: []alerts.State{
		{Key: "disk:ph", Severity: alerts.Warning, Since: nov(12), Ended: nov(12).Add(3 * time.Hour)},
		{Key: "tls:www", Severity: alerts.Critical, Open: true, Since: nov(30)},
		{Key: "http:old", Severity: alerts.Critical, Since: nov(1).AddDate(0, -1, 0), Ended: nov(1).AddDate(0, -1, 1)},
	}}
	r := Deps{Audit: db, Alerts: desk, Hosting: HostingDeps{Contractor: &Contractor{Store: db}}}.report()
	got, err := r.month(ctx, bot.Call{Locale: bot.FR, Args: bot.Values{}})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"📊 Bilan du mois 2026-11",
		"/host : 1 périmée(s)",
		"/invoice : 1 exécutée(s)",
		"/mail : 1 exécutée(s), 1 échouée(s), 1 refusée(s)",
		"/ticket : 1 exécutée(s)",
		"Alertes déclenchées : 2",
		"  🟠 `disk:ph` — a duré 3 h",
		"  🔴 `tls:www` — en cours depuis 3 j",
		"Tickets et incidents ouverts : 1",
		"Factures payées : 1",
		"Évolutions approuvées : 1 (budget 1 500,00 €) ; évolutions et incidents clos : 1",
	}, "\n")
	if got.Text != want {
		t.Errorf("report:\n%s\nwant:\n%s", got.Text, want)
	}

	if len(got.Attachments) != 1 || !bytes.HasPrefix(got.Attachments[0].Data, []byte("\x89PNG")) || got.Attachments[0].Name != "bilan-2026-11.png" {
		t.Errorf("chart: %d attachment(s)", len(got.Attachments))
	}
	img, err := png.Decode(bytes.NewReader(got.Attachments[0].Data))
	if err != nil || img.Bounds().Dx() < 400 {
		t.Errorf("chart not a PNG of the expected size: %v", err)
	}

	dec, err := r.month(ctx, bot.Call{Locale: bot.EN, Args: bot.Values{"mois": "2026-12"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dec.Text, "\n/mail: 1 expired") {
		t.Errorf("December report:\n%s", dec.Text)
	}
	if _, err := argMonth.Check("2026-13"); err == nil {
		t.Error("month 2026-13 accepted")
	}
}
