package commands

import (
	"bytes"
	"context"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/ovh"
	"github.com/anopex/opsbot/adapters/ovh/ovhtest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/bot/coherence"
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
	if err != nil || img.Bounds().Dx() < 400 || img.Bounds().Dy()*2 != img.Bounds().Dx() {
		t.Errorf("chart not a PNG of the expected size (one panel, the costs): %v", err)
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

// The report gives the month's last sweep with its change since the
// previous month's, the OVH bills due today and where PlanetHoster's are,
// and its chart has the findings' panel; a month without a sweep is a gap.
func TestReportTrend(t *testing.T) {
	ctx := t.Context()
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 3, 0, 0, 0, time.Local) }
	counts := func(kv ...int) map[coherence.Code]int {
		m := map[coherence.Code]int{}
		for i := 0; i < len(kv); i += 2 {
			m[coherence.Codes[kv[i]]] = kv[i+1]
		}
		return m
	}
	for _, s := range []coherence.Summary{
		{At: at(8, 31), Members: 110, Counts: counts(0, 9)},
		{At: at(10, 10), Members: 118, Counts: counts(0, 9)},
		{At: at(10, 28), Members: 119, Counts: counts(0, 4, 5, 3)}, // October's last: 7
		{At: at(11, 30), Members: 120, Counts: counts(0, 5, 3, 1)},
		{At: at(12, 1), Members: 121, Counts: counts(0, 5)},
	} {
		if err := db.SaveSweep(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	srv := ovhtest.New(ovhtest.DemoAppKey, ovhtest.DemoAppSecret, ovhtest.DemoConsumerKey)
	t.Cleanup(srv.Close)
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.Local)
	srv.SetClock(func() time.Time { return now })
	srv.AddBill("FR1", at(11, 2), 1, "autorenew", 1200, true)
	srv.AddBill("FR2", at(11, 3), 2, "purchase", 2350, true)
	srv.AddBill("FR3", at(10, 3), 3, "autorenew", 9900, false)
	oc, err := ovh.New(ovh.Options{Endpoint: srv.URL(), AppKey: ovhtest.DemoAppKey, AppSecret: bot.NewSecret(ovhtest.DemoAppSecret),
		ConsumerKey: bot.NewSecret(ovhtest.DemoConsumerKey), HTTPClient: srv.Client(), Product: "vps", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	r := Deps{Audit: db, Alerts: reportDesk{now: now}, Members: Members{Sweeps: db},
		Hosting: HostingDeps{Invoices: oc.Billing, PlanetHosterBills: "https://my.planethoster.example"}}.report()
	got, err := r.month(ctx, bot.Call{Locale: bot.FR, Args: bot.Values{}})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"Factures payées : 0",
		"Factures OVH impayées à ce jour : 2 (total dû 35,50 €)",
		"Factures PlanetHoster : son API n'en donne pas ; elles se lisent et se paient dans son espace client, https://my.planethoster.example » Facturation et paiements » Historique.",
		"Cohérence : 6 constat(s) au relevé du 30/11/2026 (120 adhérents), -1 depuis 2026-10",
		"  adhérent actif absent de la lettre d'information : 5 (+1)",
		"  adresse partagée par plusieurs adhérents : 1 (+1)",
		"  nom différent pour la même adresse : 0 (-3)",
	}, "\n")
	if !strings.HasSuffix(got.Text, "\n"+want) {
		t.Errorf("report:\n%s\nwant it to end with:\n%s", got.Text, want)
	}
	if len(got.Attachments) != 1 {
		t.Fatalf("%d attachments, want the chart", len(got.Attachments))
	}
	img, err := png.Decode(bytes.NewReader(got.Attachments[0].Data))
	if err != nil || img.Bounds().Dy()*2 != img.Bounds().Dx() {
		t.Errorf("chart: %v, %v; want one panel (the findings: no evolutions here)", err, img.Bounds())
	}
	for _, c := range []struct{ month, want string }{
		{"2026-10", "\nCoherence: 7 finding(s) in the sweep of 28/10/2026 (119 members), no sweep in 2026-09\n  active member missing from the newsletter: 4\n  different name for the same address: 3"},
		{"2026-09", "\nCoherence: no complete sweep this month."},
	} {
		got, err := r.month(ctx, bot.Call{Locale: bot.EN, Args: bot.Values{"mois": c.month}})
		if err != nil || !strings.HasSuffix(got.Text, c.want) {
			t.Errorf("report of %s = %q, %v; want it to end with %q", c.month, got.Text, err, c.want)
		}
	}
	sums, _ := db.Sweeps(ctx)
	var line []bool
	for _, s := range lastSweeps(sums, time.Date(2026, 1, 1, 0, 0, 0, 0, time.Local), 12) {
		line = append(line, s != nil)
	}
	if want := []bool{false, false, false, false, false, false, false, true, false, true, true, true}; !slices.Equal(line, want) {
		t.Errorf("months with a sweep in 2026 = %v, want %v (September a gap)", line, want)
	}
	// OVH refusing its bills is a line of the report, not its failure.
	srv.Fault.FailNext(1, 403, `{"errorCode":"INVALID_CREDENTIAL","httpCode":"403 Forbidden","message":"This credential is not valid"}`)
	got, err = r.month(ctx, bot.Call{Locale: bot.FR, Args: bot.Values{}})
	if err != nil || !strings.Contains(got.Text, "Factures OVH impayées : non lues. OVH a refusé l'accès") || !strings.Contains(got.Text, "Cohérence : 6 constat(s)") {
		t.Errorf("report with OVH refusing = %q, %v; want the bills line saying so and the rest", got.Text, err)
	}
}
