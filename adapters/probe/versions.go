package probe

import (
	"context"
	"errors"
	"fmt"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// NewVersions returns the "versions" check of systems (the WordPress site,
// Dolibarr) against releases: it raises "version:wordpress",
// "version:plugin:SLUG" and "version:dolibarr" for a component older than
// its publisher's latest release, a warning, critical when the publisher
// marks it a security matter. A component the source does not know raises
// nothing. A system or a source that fails fails the run, so its alerts
// stay as they are.
func NewVersions(releases bot.Releases, o Options, systems ...bot.Installed) alerts.Check {
	l := o.defaults().Locale
	return check{"versions", func(ctx context.Context) ([]alerts.Alert, error) {
		var (
			out  []alerts.Alert
			errs []error
		)
		for _, s := range systems {
			comps, err := s.Components(ctx)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, comp := range comps {
				r, ok, err := releases.Latest(ctx, comp)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if !ok || !bot.VersionBefore(comp.Version, r.Version) {
					continue
				}
				a := alerts.Alert{Key: "version:" + comp.Product, Severity: alerts.Warning,
					Title:  fmt.Sprintf(l.Pick("%s %s est en retard : la version %s est publiée", "%s %s is behind: version %s is out"), comp.Name, comp.Version, r.Version),
					Detail: l.Pick("Une mise à jour est à demander au prestataire.", "Ask the contractor for an update.")}
				if comp.Product == "plugin" {
					a.Key += ":" + comp.Slug
					a.Title = l.Pick("L'extension WordPress ", "WordPress plugin ") + a.Title
				}
				if r.Security {
					a.Severity = alerts.Critical
					a.Detail = l.Pick("L'éditeur signale une version de sécurité : la mise à jour presse.", "The publisher flags a security release: update soon.")
				}
				out = append(out, a)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return nil, fmt.Errorf("versions check: %w", err)
		}
		return out, nil
	}}
}
