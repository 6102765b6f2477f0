package bot

import (
	"context"
	"time"
)

// HostingAccount is what a hosting provider's account holds: its credit and
// the hosting accounts (servers) under it.
type HostingAccount struct {
	Provider      string
	Credit        Money // prepaid credit remaining
	ActiveOrders  int
	ActiveDomains int
	Hostings      []Hosting
}

// Hosting is one hosting account (a "World" account at PlanetHoster).
type Hosting struct {
	ID     string
	Domain string
	Server string // host name of the server
	IP     string
	State  string  // "active", "suspended"
	DiskMB float64 // disk used, 0 when unknown
}

// DomainStatus is a domain's registration as its registrar sees it.
type DomainStatus struct {
	Domain  string
	Expires time.Time
	Status  string // registrar's status ("Active")
}

// HostingInfo reads a hosting provider's account. Errors: Denied
// (credentials, or this machine's IP not allowed), NotFound (Domain: not
// registered with this provider), RateLimited, Unavailable.
type HostingInfo interface {
	// Account returns the account with its hosting accounts and their disk use.
	Account(ctx context.Context) (HostingAccount, error)
	// Domain returns the registration of domain ("anopex.fr").
	Domain(ctx context.Context, domain string) (DomainStatus, error)
}
