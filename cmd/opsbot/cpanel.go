package main

import (
	"github.com/anopex/opsbot/adapters/cpanel"
)

// wireCPanel connects the mail commands to cPanel.
func wireCPanel(a *app) error {
	c := a.cfg.CPanel
	if c == nil {
		return nil
	}
	cl := cpanel.New(c.URL, c.User, c.Token.Secret, a.metrics.Client("cpanel", a.hc), a.log)
	a.deps.Mail = cl
	a.deps.MailDomain = c.Domain
	a.checks = append(a.checks, namedCheck{"cpanel", cl.Check})
	return nil
}
