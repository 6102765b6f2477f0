package probe

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// NewInvoices returns the "invoices" check: it raises "invoice:PROVIDER:ID"
// for every bill with something left to pay, a warning, critical once the
// bill is older than overdue (<= 0 means 15 days: the provider may then
// suspend the service). A provider error fails the run and leaves the
// invoice alerts as they are.
func NewInvoices(inv bot.Invoices, overdue time.Duration, o Options) alerts.Check {
	if overdue <= 0 {
		overdue = 15 * 24 * time.Hour
	}
	o = o.defaults()
	l := o.Locale
	unpaid := func(ctx context.Context) ([]bot.Invoice, error) { return inv.List(ctx, true) }
	return reading("invoices", unpaid, func(b bot.Invoice) *alerts.Alert {
		if !b.Unpaid() {
			return nil
		}
		sev := alerts.Warning
		if o.Now().Sub(b.Date) > overdue {
			sev = alerts.Critical
		}
		provider := strings.ToLower(b.Provider)
		return &alerts.Alert{Key: "invoice:" + provider + ":" + b.ID, Severity: sev,
			Title: fmt.Sprintf(l.Pick("Facture %s %s du %s : %s restent à payer (sur %s)", "%s invoice %s of %s: %s left to pay (of %s)"),
				bot.ProviderName(provider), b.ID, o.date(b.Date), b.Due.Format(l), b.Total.Format(l))}
	})
}
