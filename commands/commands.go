// Package commands is the command catalogue: one file per family, each
// returning its specs. All joins them in one explicit list; nothing
// registers itself. Handlers return a bot.Reply or a bot.Outcome and never
// post, log-and-return or touch storage.
package commands

import "github.com/anopex/opsbot/bot"

// Deps are the capabilities the commands use. A nil provider leaves its
// family out of the catalogue.
type Deps struct {
	Engine Approvals    // the engine: help, approvals
	Audit  bot.AuditLog // the audit log
	Mail   bot.Mail     // cPanel mail
	// MailDomain is the association's mail domain (forwarders are listed per domain).
	MailDomain string
	// Members are Dolibarr, Brevo and WordPress: the doli, wp and coherence families.
	Members Members
	Alerts  AlertDesk // the alert scheduler: the alerts family
	// Hosting are the host, ticket, invoice and evolution families.
	Hosting HostingDeps
}

// All returns every command the deps allow, in a fixed order.
func All(d Deps) []bot.Spec {
	var specs []bot.Spec
	specs = append(specs, core(d.Engine, d.Audit)...)
	if d.Mail != nil {
		specs = append(specs, mail(d.Mail, d.MailDomain)...)
	}
	if d.Alerts != nil {
		specs = append(specs, alerts(d.Alerts)...)
	}
	specs = append(specs, hosting(d.Hosting, d.Engine)...)
	specs = append(specs, doli(d.Members)...)
	specs = append(specs, wp(d.Members)...)
	specs = append(specs, coherenceCmds(d.Members)...)
	return specs
}
