package probe

import (
	"context"
	"fmt"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// Disk raises "disk:account" when the hosting account's disk usage is over
// Percent of its limit (a warning; critical from 98 %). An account without
// a limit is never over it.
type Disk struct {
	q       bot.AccountQuota
	percent float64
	o       Options
}

var _ alerts.Check = (*Disk)(nil)

// NewDisk returns the disk usage check; percent <= 0 means 90.
func NewDisk(q bot.AccountQuota, percent float64, o Options) *Disk {
	if percent <= 0 {
		percent = 90
	}
	return &Disk{q: q, percent: percent, o: o.defaults()}
}

// Name returns "disk".
func (c *Disk) Name() string { return "disk" }

// Run reads the account's usage; a provider error fails the run and leaves
// the disk alert as it is.
func (c *Disk) Run(ctx context.Context) ([]alerts.Alert, error) {
	u, err := c.q.AccountQuota(ctx)
	if err != nil {
		return nil, fmt.Errorf("disk check: %w", err)
	}
	p := u.UsedPercent()
	if u.LimitMB <= 0 || p <= c.percent {
		return nil, nil
	}
	sev := alerts.Warning
	if p >= 98 {
		sev = alerts.Critical
	}
	l := c.o.Locale
	return []alerts.Alert{{Key: "disk:account", Severity: sev,
		Title: fmt.Sprintf(l.Pick("L'espace disque de l'hébergement est occupé à %.0f %% (%s sur %s)", "The hosting disk space is %.0f%% used (%s of %s)"),
			p, bot.FormatMB(l, u.UsedMB), bot.FormatMB(l, u.LimitMB)),
		Detail: l.Pick("Courrier, sites et bases de données partagent cet espace : une boîte pleine ou une sauvegarde oubliée suffit à le remplir.",
			"Mail, sites and databases share this space: one full mailbox or a forgotten backup is enough to fill it.")}}, nil
}
