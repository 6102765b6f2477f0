package probe

import (
	"context"
	"fmt"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// NewDisk returns the "disk" check of server ("" when there is only one;
// else the check is "disk:SERVER"): it raises "disk:account" ("disk:SERVER")
// when the hosting account's disk usage is over percent of its limit (a
// warning; critical from 98 %; percent <= 0 means 90). An account without a
// limit is never over it. A provider error fails the run and leaves the
// disk alert as it is.
func NewDisk(q bot.AccountQuota, server string, percent float64, o Options) alerts.Check {
	if percent <= 0 {
		percent = 90
	}
	l := o.defaults().Locale
	return check{withServer("disk", server), func(ctx context.Context) ([]alerts.Alert, error) {
		u, err := q.AccountQuota(ctx)
		if err != nil {
			return nil, fmt.Errorf("disk check: %w", err)
		}
		p := u.UsedPercent()
		if u.LimitMB <= 0 || p <= percent {
			return nil, nil
		}
		sev := alerts.Warning
		if p >= 98 {
			sev = alerts.Critical
		}
		key, title := "disk:account", fmt.Sprintf(l.Pick("L'espace disque de l'hébergement est occupé à %.0f %% (%s sur %s)",
			"The hosting disk space is %.0f%% used (%s of %s)"), p, bot.FormatMB(l, u.UsedMB), bot.FormatMB(l, u.LimitMB))
		if server != "" {
			key, title = "disk:"+server, fmt.Sprintf(l.Pick("Serveur %s : ", "Server %s: "), server)+title
		}
		return []alerts.Alert{{Key: key, Severity: sev, Title: title, Server: server,
			Detail: l.Pick("Courrier, sites et bases de données partagent cet espace : une boîte pleine ou une sauvegarde oubliée suffit à le remplir.",
				"Mail, sites and databases share this space: one full mailbox or a forgotten backup is enough to fill it.")}}, nil
	}}
}

// withServer names a check or a key after its server, when there are several.
func withServer(name, server string) string {
	if server == "" {
		return name
	}
	return name + ":" + server
}
