package probe

import (
	"fmt"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// NewAutoSSL returns the "autossl" check of server ("" when there is only
// one; else the check is "autossl:SERVER"): it raises "autossl:DOMAIN"
// ("autossl:SERVER:DOMAIN"), a warning, for each domain of the AutoSSL
// problems log: cPanel could not secure or renew its certificate at the
// last check, and will not until the cause (usually DNS) is fixed. A
// provider error fails the run and leaves the alerts as they are.
func NewAutoSSL(a bot.AutoSSL, server string, o Options) alerts.Check {
	o = o.defaults()
	l := o.Locale
	return reading(withServer("autossl", server), a.AutoSSLProblems, func(p bot.AutoSSLProblem) *alerts.Alert {
		title := fmt.Sprintf(l.Pick("AutoSSL n'a pas pu renouveler le certificat de %s", "AutoSSL could not renew the certificate of %s"), p.Domain)
		renew := "/host ssl renew"
		if server != "" {
			title += fmt.Sprintf(l.Pick(" (serveur %s)", " (server %s)"), server)
			renew += " " + server
		}
		return &alerts.Alert{Key: withServer("autossl", server) + ":" + p.Domain, Severity: alerts.Warning, Title: title, Server: server,
			Detail: fmt.Sprintf(l.Pick("cPanel, le %s : %s\nUne fois la cause corrigée, %s relance le renouvellement.",
				"cPanel, on %s: %s\nOnce the cause is fixed, %s starts the renewal again."),
				p.Time.In(o.Location).Format("02/01/2006 15:04"), p.Problem, renew)}
	})
}
