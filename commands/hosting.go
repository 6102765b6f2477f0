package commands

import "github.com/anopex/opsbot/bot"

// HostingDeps are the capabilities of the hosting families: host (cPanel
// IP blocker, certificates, DNS; the hosting account), ticket (OVH,
// PlanetHoster), invoice (OVH bills) and evolution (the contractor). A nil
// or empty member leaves its family out.
type HostingDeps struct {
	Host       *Hosting
	Tickets    map[string]bot.Tickets // "ovh", "planethoster"
	Invoices   bot.Invoices
	Contractor *Contractor
}

// hosting returns the hosting families; e lists pending requests for
// evolution list.
func hosting(d HostingDeps, e Approvals) []bot.Spec {
	var specs []bot.Spec
	if d.Host != nil {
		specs = append(specs, host(*d.Host)...)
	}
	if len(d.Tickets) > 0 {
		specs = append(specs, tickets(d.Tickets)...)
	}
	if d.Invoices != nil {
		specs = append(specs, invoices(d.Invoices)...)
	}
	if d.Contractor != nil {
		specs = append(specs, evolutions(*d.Contractor, e)...)
	}
	return specs
}
