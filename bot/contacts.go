package bot

import (
	"context"
	"slices"
	"time"
)

// Contact is a newsletter contact (Brevo).
type Contact struct {
	ID        int64
	Email     string // as stored (Brevo keeps addresses lower-case)
	FirstName string // from the account's first-name attribute (PRENOM or FIRSTNAME)
	LastName  string // from the last-name attribute (NOM or LASTNAME)
	// Blacklisted is Brevo's emailBlacklisted: the person unsubscribed from
	// all marketing e-mail (or was blocked). It is global, not per list.
	Blacklisted bool
	ListIDs     []int // lists the contact is in
	// Unsubscribed are the lists the contact left (only when per-list
	// unsubscription is enabled on the account).
	Unsubscribed []int
	ModifiedAt   time.Time
}

// Name returns "First Last", or whichever part is set.
func (c Contact) Name() string { return joinName(c.FirstName, c.LastName) }

// InList reports whether the contact is in list id.
func (c Contact) InList(id int) bool { return slices.Contains(c.ListIDs, id) }

// ContactList is a newsletter list.
type ContactList struct {
	ID          int
	Name        string
	Subscribers int // Brevo's totalSubscribers
	Blacklisted int // Brevo's totalBlacklisted
}

// Contacts reads newsletter contacts and lists. Errors: Denied (bad key,
// key not allowed from this IP), NotFound (Contact: unknown address),
// RateLimited (still limited after the reads' retries), Unavailable
// (timeout, 5xx, out of credits), Internal.
type Contacts interface {
	// AllContacts returns every contact of the account, in every list or
	// none, blacklisted or not: what a sweep needs to tell a blacklisted
	// member from a missing one.
	AllContacts(ctx context.Context) ([]Contact, error)
	// Contact returns the contact with the address email.
	Contact(ctx context.Context, email string) (Contact, error)
	// Lists returns every list of the account.
	Lists(ctx context.Context) ([]ContactList, error)
}

// ListChange is what a batch change of a list did, address by address.
type ListChange struct {
	// Done are the addresses added (or removed).
	Done []string
	// Failed are the addresses Brevo refused: for an addition, no such
	// contact or already in the list; for a removal, no such contact or
	// not in the list.
	Failed []string
}

// ContactAdmin changes newsletter contacts. Writes go in the API's batch
// sizes, one batch after the other, and are never retried: on an error the
// ListChange returned holds the batches already done. Errors: NotFound
// (unknown list), Invalid, Conflict (SaveContact: the address belongs to
// another contact), Denied, RateLimited, Unavailable, Internal.
type ContactAdmin interface {
	// AddToList adds existing contacts to a list.
	AddToList(ctx context.Context, listID int, emails []string) (ListChange, error)
	// RemoveFromList removes contacts from a list (they stay in the account).
	RemoveFromList(ctx context.Context, listID int, emails []string) (ListChange, error)
	// SaveContact creates the contact, or updates the one with that address
	// (names), and adds it to c.ListIDs. It never clears a blacklist.
	SaveContact(ctx context.Context, c Contact) error
}
