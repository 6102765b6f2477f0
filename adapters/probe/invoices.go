package probe

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// Invoices raises "invoice:PROVIDER:ID" for every bill with something left
// to pay: a warning, critical once the bill is older than Overdue (the
// provider may then suspend the service).
type Invoices struct {
	inv     bot.Invoices
	overdue time.Duration
	o       Options
}

var _ alerts.Check = (*Invoices)(nil)

// NewInvoices returns the unpaid invoices check; overdue <= 0 means 15 days.
func NewInvoices(inv bot.Invoices, overdue time.Duration, o Options) *Invoices {
	if overdue <= 0 {
		overdue = 15 * 24 * time.Hour
	}
	return &Invoices{inv: inv, overdue: overdue, o: o.defaults()}
}

// Name returns "invoices".
func (c *Invoices) Name() string { return "invoices" }

// Run lists the unpaid bills; a provider error fails the run and leaves the
// invoice alerts as they are.
func (c *Invoices) Run(ctx context.Context) ([]alerts.Alert, error) {
	bills, err := c.inv.List(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("invoices check: %w", err)
	}
	l, now := c.o.Locale, c.o.Now()
	var out []alerts.Alert
	for _, b := range bills {
		if !b.Unpaid() {
			continue
		}
		sev := alerts.Warning
		if now.Sub(b.Date) > c.overdue {
			sev = alerts.Critical
		}
		provider := strings.ToLower(b.Provider)
		name := cmp.Or(providerNames[provider], b.Provider)
		out = append(out, alerts.Alert{Key: "invoice:" + provider + ":" + b.ID, Severity: sev,
			Title: fmt.Sprintf(l.Pick("Facture %s %s du %s : %s restent à payer (sur %s)", "%s invoice %s of %s: %s left to pay (of %s)"),
				name, b.ID, c.o.date(b.Date), b.Due.Format(l), b.Total.Format(l))})
	}
	return out, nil
}

var providerNames = map[string]string{"ovh": "OVH", "planethoster": "PlanetHoster"}
