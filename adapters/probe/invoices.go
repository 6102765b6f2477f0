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
	return check{"invoices", func(ctx context.Context) ([]alerts.Alert, error) {
		bills, err := inv.List(ctx, true)
		if err != nil {
			return nil, fmt.Errorf("invoices check: %w", err)
		}
		l, now := o.Locale, o.Now()
		var out []alerts.Alert
		for _, b := range bills {
			if !b.Unpaid() {
				continue
			}
			sev := alerts.Warning
			if now.Sub(b.Date) > overdue {
				sev = alerts.Critical
			}
			provider := strings.ToLower(b.Provider)
			name := cmp.Or(providerNames[provider], b.Provider)
			out = append(out, alerts.Alert{Key: "invoice:" + provider + ":" + b.ID, Severity: sev,
				Title: fmt.Sprintf(l.Pick("Facture %s %s du %s : %s restent à payer (sur %s)", "%s invoice %s of %s: %s left to pay (of %s)"),
					name, b.ID, o.date(b.Date), b.Due.Format(l), b.Total.Format(l))})
		}
		return out, nil
	}}
}

var providerNames = map[string]string{"ovh": "OVH", "planethoster": "PlanetHoster"}
