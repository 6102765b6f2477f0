package probe

import (
	"fmt"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// NewQuota returns the "quota" check: it raises "quota:ADDRESS" for every
// mailbox whose usage is over percent of its quota (a warning; critical when
// full; percent <= 0 means 90). Mailboxes without a quota are never over it.
// An error of the mail server fails the run (its kind is the provider's) and
// leaves the quota alerts as they are.
func NewQuota(m bot.Mailboxes, percent float64, o Options) alerts.Check {
	if percent <= 0 {
		percent = 90
	}
	l := o.defaults().Locale
	return reading("quota", m.Mailboxes, func(mb bot.Mailbox) *alerts.Alert {
		p := mb.UsedPercent()
		if mb.QuotaMB <= 0 || p <= percent {
			return nil
		}
		sev := alerts.Warning
		if p >= 100 {
			sev = alerts.Critical
		}
		return &alerts.Alert{Key: "quota:" + mb.Address, Severity: sev,
			Title: fmt.Sprintf(l.Pick("La boîte %s est pleine à %.0f %% (%s sur %s)", "Mailbox %s is %.0f%% full (%s of %s)"),
				mb.Address, p, bot.FormatMB(l, mb.UsedMB), bot.FormatMB(l, float64(mb.QuotaMB)))}
	})
}
