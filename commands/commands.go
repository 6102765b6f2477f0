// Package commands is the command catalogue: one file per family, each a
// small struct holding what its commands use, with its handlers as methods
// and a specs method declaring them. All joins the families in one explicit
// list; nothing registers itself. Handlers return a bot.Reply or a
// bot.Outcome and never post, log-and-return or touch storage.
//
// Adding a command to a family is one spec in the family's specs and its
// handlers beside it, with a test and a line of the family's golden
// transcript (testdata/<family>.golden). A new family is one more file and
// one more line in All.
package commands

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/anopex/opsbot/bot"
)

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
	// AlertTickets, with alerts.tickets, turn alerts into tickets
	// (/ticket alert, /evolution incident's alert).
	AlertTickets *AlertTickets
	// Hosting are the host, ticket, invoice and evolution families.
	Hosting HostingDeps
	// Delegates maps a function (a key of Members.Functions) to what
	// /delegate onboard gives besides its Dolibarr groups.
	Delegates map[string]DelegateFunction
	// People are the configured people with their opsbot roles, and Rights
	// what the rights review compares with.
	People []bot.Member
	Rights Rights
	// Drive is who can edit the Google Drive media folder (rights review).
	Drive bot.FolderEditors
}

// HostingDeps are the capabilities of the hosting families: host (cPanel
// IP blocker, certificates, DNS; the hosting account), ticket (OVH,
// PlanetHoster), invoice (OVH bills) and evolution (the contractor). A nil
// or empty member leaves its family out.
type HostingDeps struct {
	Host     *Hosting
	Tickets  map[string]bot.Tickets // "ovh", "planethoster"
	Invoices bot.Invoices
	// PlanetHosterBills is PlanetHoster's client area, where its invoices
	// are (its API has none); empty without PlanetHoster.
	PlanetHosterBills string
	Contractor        *Contractor
}

// Who may run what, shared by the families.
var (
	everyone = []bot.Role{bot.Admin, bot.Board, bot.Delegate, bot.Treasurer, bot.President}
	admins   = []bot.Role{bot.Admin}
	readers  = []bot.Role{bot.Admin, bot.Board}
	// staff read tickets, bills and evolutions.
	staff = []bot.Role{bot.Admin, bot.Board, bot.Treasurer, bot.President}
)

// All returns every command the deps allow, in a fixed order.
func All(d Deps) []bot.Spec {
	specs := slices.Concat(
		coreCommands{engine: d.Engine, log: d.Audit}.specs(),
		mailCommands{boxes: d.Mail, domain: d.MailDomain}.specs(),
		alertCommands{desk: d.Alerts}.specs(),
		hostCommands(orZero(d.Hosting.Host)).specs(),
		ticketCommands{providers: d.Hosting.Tickets, alarms: d.AlertTickets}.specs(),
		invoiceCommands{bills: d.Hosting.Invoices, elsewhere: d.Hosting.PlanetHosterBills}.specs(),
		evolutionCommands{Contractor: orZero(d.Hosting.Contractor), engine: d.Engine, alarms: d.AlertTickets}.specs(),
		doliCommands(d.Members).specs(),
		wpCommands{accounts: d.Members.WPUsers, admin: d.Members.WPAdmin, roles: wpRoleNames(d.Members), self: d.Members.WPLogin}.specs(),
		newCoherenceCommands(d.Members).specs(),
		d.rights().specs(),
		d.report().specs(),
	)
	return append(specs, newDelegateCommands(d, specs).specs()...)
}

// rights returns the rights review on d's sources.
func (d Deps) rights() rightsCommands {
	r := rightsCommands{m: d.Members, drive: d.Drive, people: d.People, cfg: d.Rights, domain: d.MailDomain}
	if d.Mail != nil {
		r.boxes = d.Mail
	}
	return r
}

// report returns the monthly summary on d's sources.
func (d Deps) report() reportCommands {
	r := reportCommands{log: d.Audit, alarms: d.Alerts, bills: d.Hosting.Invoices, elsewhere: d.Hosting.PlanetHosterBills, sweeps: d.Members.Sweeps, now: time.Now}
	if d.Alerts != nil {
		r.now = d.Alerts.Now
	}
	if d.Hosting.Contractor != nil {
		r.evos = d.Hosting.Contractor.Store
	}
	return r
}

// ReviewRights runs the rights review (the scheduled one).
func ReviewRights(ctx context.Context, d Deps) (RightsReport, error) { return d.rights().Review(ctx) }

// found returns v and err, but notFound (a sentence for people) when err is
// of kind NotFound, and any other error wrapped with op.
func found[T any](v T, err error, op string, notFound error) (T, error) {
	switch {
	case bot.KindOf(err) == bot.NotFound:
		return v, notFound
	case err != nil:
		return v, fmt.Errorf("%s: %w", op, err)
	}
	return v, nil
}

// applied is the outcome of a change that one provider call makes: err
// wrapped with op, else the sentence fr or en with args.
func applied(c bot.Call, err error, op, fr, en string, args ...any) (bot.Outcome, error) {
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("%s: %w", op, err)
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T(fr, en), args...)}, nil
}

// withPassword runs set with a new password. The outcome says text, and
// sends the password privately, after intro, to the owner of mailbox (to
// the requester when it is "" or has no owner).
func withPassword(set func(bot.Secret) error, op, mailbox, text, intro string) (bot.Outcome, error) {
	pw, err := bot.NewPassword()
	if err != nil {
		return bot.Outcome{}, err
	}
	if err := set(pw); err != nil {
		return bot.Outcome{}, fmt.Errorf("%s: %w", op, err)
	}
	return bot.Outcome{Text: text, Private: []bot.Private{{Mailbox: mailbox, Text: intro, Secret: pw}}}, nil
}

// orZero returns *p, or the zero value (a family with nothing to offer)
// when p is nil.
func orZero[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}
