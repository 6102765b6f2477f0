package probe_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// boxes is a bot.Mailboxes answering a fixed list or an error.
type boxes struct {
	list []bot.Mailbox
	err  error
}

func (b boxes) Mailboxes(context.Context) ([]bot.Mailbox, error) { return b.list, b.err }
func (b boxes) Mailbox(context.Context, string) (bot.Mailbox, error) {
	return bot.Mailbox{}, bot.Errorf(bot.NotFound, "cpanel", "mailbox", "no")
}

func TestQuota(t *testing.T) {
	m := boxes{list: []bot.Mailbox{
		{Address: "ok@anopex.test", QuotaMB: 1000, UsedMB: 900},        // exactly 90 %: not over
		{Address: "almost@anopex.test", QuotaMB: 1000, UsedMB: 930.4},  // 93 %
		{Address: "full@anopex.test", QuotaMB: 2048, UsedMB: 2100},     // over 100 %
		{Address: "unlimited@anopex.test", QuotaMB: 0, UsedMB: 50_000}, // no quota
	}}
	got, err := probe.NewQuota(m, 0, probe.Options{}).Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []alerts.Alert{
		{Key: "quota:almost@anopex.test", Severity: alerts.Warning, Title: "La boîte almost@anopex.test est pleine à 93 % (" +
			bot.FormatMB(bot.FR, 930.4) + " sur " + bot.FormatMB(bot.FR, 1000) + ")"},
		{Key: "quota:full@anopex.test", Severity: alerts.Critical, Title: "La boîte full@anopex.test est pleine à 103 % (" +
			bot.FormatMB(bot.FR, 2100) + " sur " + bot.FormatMB(bot.FR, 2048) + ")"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
	down := boxes{err: &bot.Error{Provider: "cpanel", Kind: bot.Unavailable}}
	if _, err := probe.NewQuota(down, 95, probe.Options{}).Run(t.Context()); bot.KindOf(err) != bot.Unavailable {
		t.Errorf("Run with cPanel down: error %v, want kind Unavailable", err)
	}
}

// bills is a bot.Invoices answering a fixed list (the probe only lists).
type bills struct {
	bot.Invoices
	list   []bot.Invoice
	err    error
	unpaid bool // the argument of the last List
}

func (b *bills) List(_ context.Context, unpaid bool) ([]bot.Invoice, error) {
	b.unpaid = unpaid
	return b.list, b.err
}

func TestInvoices(t *testing.T) {
	eur := func(c int64) bot.Money { return bot.Money{Cents: c, Currency: "EUR"} }
	b := &bills{list: []bot.Invoice{
		{Provider: "ovh", ID: "FR0001", Date: t0.AddDate(0, 0, -3), Total: eur(2399), Due: eur(2399)},
		{Provider: "ovh", ID: "FR0002", Date: t0.AddDate(0, 0, -20), Total: eur(123450), Due: eur(100000)},
		{Provider: "ovh", ID: "FR0003", Date: t0.AddDate(0, 0, -40), Total: eur(500), Due: eur(0)},
	}}
	got, err := probe.NewInvoices(b, 0, probe.Options{Now: fixed(t0), Location: time.UTC}).Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !b.unpaid {
		t.Error("List(unpaid=false), want only the unpaid bills")
	}
	want := []alerts.Alert{
		{Key: "invoice:ovh:FR0001", Severity: alerts.Warning, Title: "Facture OVH FR0001 du 27/02/2026 : 23,99 € restent à payer (sur 23,99 €)"},
		{Key: "invoice:ovh:FR0002", Severity: alerts.Critical, Title: "Facture OVH FR0002 du 10/02/2026 : 1 000,00 € restent à payer (sur 1 234,50 €)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
	b.err = &bot.Error{Provider: "ovh", Kind: bot.RateLimited}
	if _, err := probe.NewInvoices(b, 0, probe.Options{}).Run(t.Context()); bot.KindOf(err) != bot.RateLimited {
		t.Errorf("Run with OVH refusing: error %v, want kind RateLimited", err)
	}
}
