package probe

import (
	"cmp"
	"context"
	"fmt"
	"strings"

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
	title := l.Pick("L'espace disque de l'hébergement est occupé à %.0f %% (%s sur %s)", "The hosting disk space is %.0f%% used (%s of %s)")
	if server != "" {
		// The server name is escaped: title is a format.
		title = strings.ReplaceAll(fmt.Sprintf(l.Pick("Serveur %s : ", "Server %s: "), server), "%", "%%") + title
	}
	return usage(withServer("disk", server), "disk:"+cmp.Or(server, "account"), server, q, percent, l, title,
		l.Pick("Courrier, sites et bases de données partagent cet espace : une boîte pleine ou une sauvegarde oubliée suffit à le remplir.",
			"Mail, sites and databases share this space: one full mailbox or a forgotten backup is enough to fill it."))
}

// NewDriveQuota returns the "drive" check: it raises "drive:quota" when the
// Google Drive storage used is over percent of the account's quota, with
// the thresholds of NewDisk.
func NewDriveQuota(q bot.AccountQuota, percent float64, o Options) alerts.Check {
	l := o.defaults().Locale
	return usage("drive", "drive:quota", "", q, percent, l,
		l.Pick("Le stockage Google Drive est occupé à %.0f %% (%s sur %s)", "Google Drive storage is %.0f%% used (%s of %s)"),
		l.Pick("Drive, Gmail et Photos partagent ce quota : les médias en double ou la corbeille suffisent à le remplir.",
			"Drive, Gmail and Photos share this quota: duplicated media or the trash are enough to fill it."))
}

// usage is the check name raising key when q's usage is over percent of its
// limit (<= 0 means 90): a warning, critical from 98 %. title formats the
// share, the use and the limit.
func usage(name, key, server string, q bot.AccountQuota, percent float64, l bot.Locale, title, detail string) alerts.Check {
	if percent <= 0 {
		percent = 90
	}
	read := func(ctx context.Context) ([]bot.DiskUsage, error) {
		u, err := q.AccountQuota(ctx)
		return []bot.DiskUsage{u}, err
	}
	return reading(name, read, func(u bot.DiskUsage) *alerts.Alert {
		p, sev := u.UsedPercent(), alerts.Warning
		if u.LimitMB <= 0 || p <= percent {
			return nil
		}
		if p >= 98 {
			sev = alerts.Critical
		}
		return &alerts.Alert{Key: key, Severity: sev, Server: server, Detail: detail,
			Title: fmt.Sprintf(title, p, bot.FormatMB(l, u.UsedMB), bot.FormatMB(l, u.LimitMB))}
	})
}

// withServer names a check or a key after its server, when there are several.
func withServer(name, server string) string {
	if server == "" {
		return name
	}
	return name + ":" + server
}
