package probe

import (
	"context"
	"fmt"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// Quota raises "quota:ADDRESS" for every mailbox whose usage is over
// Percent of its quota (a warning; critical when full). Mailboxes without a
// quota are never over it.
type Quota struct {
	m       bot.Mailboxes
	percent float64
	o       Options
}

var _ alerts.Check = (*Quota)(nil)

// NewQuota returns the mailbox quota check; percent <= 0 means 90.
func NewQuota(m bot.Mailboxes, percent float64, o Options) *Quota {
	if percent <= 0 {
		percent = 90
	}
	return &Quota{m: m, percent: percent, o: o.defaults()}
}

// Name returns "quota".
func (c *Quota) Name() string { return "quota" }

// Run lists the mailboxes; an error of the mail server fails the run (its
// kind is the provider's) and leaves the quota alerts as they are.
func (c *Quota) Run(ctx context.Context) ([]alerts.Alert, error) {
	boxes, err := c.m.Mailboxes(ctx)
	if err != nil {
		return nil, fmt.Errorf("quota check: %w", err)
	}
	l := c.o.Locale
	var out []alerts.Alert
	for _, mb := range boxes {
		p := mb.UsedPercent()
		if mb.QuotaMB <= 0 || p <= c.percent {
			continue
		}
		sev := alerts.Warning
		if p >= 100 {
			sev = alerts.Critical
		}
		out = append(out, alerts.Alert{Key: "quota:" + mb.Address, Severity: sev,
			Title: fmt.Sprintf(l.Pick("La boîte %s est pleine à %.0f %% (%s sur %s)", "Mailbox %s is %.0f%% full (%s of %s)"),
				mb.Address, p, bot.FormatMB(l, mb.UsedMB), bot.FormatMB(l, float64(mb.QuotaMB)))})
	}
	return out, nil
}
