package bot

import (
	"cmp"
	"context"
	"time"
)

// AdherentStatus is the state of a membership record in the members'
// register (Dolibarr's "adhérents").
type AdherentStatus string

// The membership states, from Dolibarr's statut: -1 draft, 1 validated,
// 0 resiliated, -2 excluded.
const (
	AdherentDraft    AdherentStatus = "draft"    // created, never validated
	AdherentActive   AdherentStatus = "active"   // validated; see Adherent.Active for "up to date"
	AdherentResigned AdherentStatus = "resigned" // resiliated (left the association)
	AdherentExcluded AdherentStatus = "excluded" // excluded by the board
)

// Adherent is one member of the association as the members' register holds
// them. It is not a configured chat user (that is Member, in role.go).
type Adherent struct {
	ID        string // register id, decimal ("42")
	Ref       string
	Login     string
	FirstName string
	LastName  string
	Email     string // as stored: not normalised, may be empty or shared with another adherent
	Type      string // member type label ("Membre actif")
	Status    AdherentStatus
	// NeedSubscription is false for member types that pay no subscription
	// (honorary members): they are active as long as they are validated.
	NeedSubscription bool
	// SubscriptionEnd is the end of the current subscription (Dolibarr's
	// datefin); zero if the member never paid.
	SubscriptionEnd time.Time
	// Active is ActiveAt(the client's clock at read time).
	Active bool
}

// ActiveAt reports whether the adherent is a member in good standing at t,
// following Dolibarr's own rule (Adherent::LibStatut): validated, and either
// their type needs no subscription or their subscription ends at or after t.
// A validated member who never paid, or whose subscription ended before t,
// is not active (Dolibarr shows "waiting for subscription" or "late").
func (a Adherent) ActiveAt(t time.Time) bool {
	paid := !a.SubscriptionEnd.IsZero() && !a.SubscriptionEnd.Before(t)
	return a.Status == AdherentActive && (paid || !a.NeedSubscription)
}

// Name returns "First Last", or whichever part is set.
func (a Adherent) Name() string { return joinName(a.FirstName, a.LastName) }

// Adherents reads the members' register. Errors: Denied (bad key, or the
// key's user lacks the right to read members), Unavailable (timeout, 5xx,
// after the reads' retries), RateLimited, Internal (unexpected answer).
type Adherents interface {
	// Adherents returns every adherent whatever their status, in register
	// order, reading pages of the largest size with overlapping requests.
	// On error nothing partial is returned: a sweep never works from
	// incomplete data.
	Adherents(ctx context.Context) ([]Adherent, error)
	// AdherentsByEmail returns the adherents whose address equals email
	// (case-insensitively); several means a duplicate, none is an empty
	// slice and a nil error. A constant number of requests.
	AdherentsByEmail(ctx context.Context, email string) ([]Adherent, error)
	// AdherentsByName returns the adherents whose first or last name may
	// hold every word of name (case, accents and punctuation aside): a
	// wide match the caller narrows. Invalid for a name without a letter.
	AdherentsByName(ctx context.Context, name string) ([]Adherent, error)
	// Adherent returns one adherent by register id: NotFound if there is
	// none, Invalid if id is not a decimal number.
	Adherent(ctx context.Context, id string) (Adherent, error)
}

// StaffUser is an account of the ERP's staff (Dolibarr users: delegates,
// board members, the treasurer), with the groups that grant their rights.
type StaffUser struct {
	ID        string
	Login     string
	Email     string
	FirstName string
	LastName  string
	Active    bool   // enabled and within its validity dates
	Admin     bool   // a Dolibarr administrator (bypasses groups)
	MemberID  string // the linked adherent's ID, "" if none
	Groups    []string
	LastLogin time.Time // zero: never logged in (Dolibarr's datelastlogin)
}

// Name returns "First Last", or whichever part is set, or the login.
func (u StaffUser) Name() string { return cmp.Or(joinName(u.FirstName, u.LastName), u.Login) }

// StaffGroup is a group of staff users; rights are granted per group.
type StaffGroup struct {
	ID   string
	Name string
}

// StaffUsers reads staff accounts. Errors: Denied (bad key or no right to
// read users), NotFound (User: unknown login), Unavailable, Internal.
type StaffUsers interface {
	// Users returns every staff account with its groups, in id order.
	Users(ctx context.Context) ([]StaffUser, error)
	// User returns one account by login, with its groups.
	User(ctx context.Context, login string) (StaffUser, error)
	// Groups returns every group, in id order.
	Groups(ctx context.Context) ([]StaffGroup, error)
}

// StaffAdmin changes staff accounts. Writes are never retried. Errors:
// Conflict (CreateUser: the login exists), NotFound (unknown login or
// group), Invalid (refused values), Denied, Unavailable, Internal.
//
// Dolibarr's API has no call that removes a user from a group: a change of
// function can add groups, and the groups to drop must be removed by hand
// in Dolibarr (the preview should say so).
type StaffAdmin interface {
	// CreateUser creates an enabled account and returns its ID.
	CreateUser(ctx context.Context, login, email, firstName, lastName string) (string, error)
	// DisableUser disables the account; disabling a disabled account is not an error.
	DisableUser(ctx context.Context, login string) error
	// EnableUser enables the account; enabling an enabled account is not an error.
	EnableUser(ctx context.Context, login string) error
	// SetUserPassword replaces the account's password (Denied when the
	// key's user lacks the right to change other users' passwords).
	SetUserPassword(ctx context.Context, login string, password Secret) error
	// AddToGroup adds the user to the group, named by its name (or its ID);
	// adding to a group the user is already in is not an error.
	AddToGroup(ctx context.Context, login, group string) error
}

func joinName(first, last string) string {
	if first == "" || last == "" {
		return first + last
	}
	return first + " " + last
}
