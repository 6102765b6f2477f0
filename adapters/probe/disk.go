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
	l := o.defaults().Locale
	return check{withServer("disk", server), func(ctx context.Context) ([]alerts.Alert, error) {
		u, err := q.AccountQuota(ctx)
		if err != nil {
			return nil, fmt.Errorf("disk check: %w", err)
		}
		p, sev, over := overQuota(u, percent)
		if !over {
			return nil, nil
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

// NewDriveQuota returns the "drive" check: it raises "drive:quota" when the
// Google Drive storage used is over percent of the account's quota, with
// the thresholds of NewDisk.
func NewDriveQuota(q bot.AccountQuota, percent float64, o Options) alerts.Check {
	l := o.defaults().Locale
	return check{"drive", func(ctx context.Context) ([]alerts.Alert, error) {
		u, err := q.AccountQuota(ctx)
		if err != nil {
			return nil, fmt.Errorf("drive check: %w", err)
		}
		p, sev, over := overQuota(u, percent)
		if !over {
			return nil, nil
		}
		return []alerts.Alert{{Key: "drive:quota", Severity: sev,
			Title: fmt.Sprintf(l.Pick("Le stockage Google Drive est occupé à %.0f %% (%s sur %s)", "Google Drive storage is %.0f%% used (%s of %s)"),
				p, bot.FormatMB(l, u.UsedMB), bot.FormatMB(l, u.LimitMB)),
			Detail: l.Pick("Drive, Gmail et Photos partagent ce quota : les médias en double ou la corbeille suffisent à le remplir.",
				"Drive, Gmail and Photos share this quota: duplicated media or the trash are enough to fill it.")}}, nil
	}}
}

// overQuota returns the share of u's limit in use and its severity when it
// is over percent (<= 0 means 90): a warning, critical from 98 %.
func overQuota(u bot.DiskUsage, percent float64) (float64, alerts.Severity, bool) {
	if percent <= 0 {
		percent = 90
	}
	p, sev := u.UsedPercent(), alerts.Warning
	if p >= 98 {
		sev = alerts.Critical
	}
	return p, sev, u.LimitMB > 0 && p > percent
}

// withServer names a check or a key after its server, when there are several.
func withServer(name, server string) string {
	if server == "" {
		return name
	}
	return name + ":" + server
}
