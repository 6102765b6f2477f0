package bot

import (
	"context"
	"time"
)

// Ticket is one support ticket with a hosting provider (OVH, PlanetHoster).
// ID is the provider's own identifier, unique for that provider only; the
// commands show it prefixed with the provider ("ovh-8123456").
//
// Tickets sent by e-mail are stored as this type (storage's tickets bucket).
type Ticket struct {
	Provider string    `json:"provider"`         // "ovh", "planethoster"
	ID       string    `json:"id"`               // the provider's identifier (OVH ticketId, the store's number for e-mailed tickets)
	Number   string    `json:"number,omitempty"` // the number the provider shows to people (OVH ticketNumber), if any
	Subject  string    `json:"subject"`
	State    string    `json:"state"`               // "open", "closed" or "unknown"
	LastFrom string    `json:"last_from,omitempty"` // "customer" or "support": who wrote last, when known
	Created  time.Time `json:"created"`             // zero when unknown
	Updated  time.Time `json:"updated"`
	// Messages are filled by Show only, oldest first.
	Messages []TicketMessage `json:"messages,omitempty"`
	// Link is where a person follows the ticket when the provider has no API
	// for it (PlanetHoster's client area).
	Link string `json:"link,omitempty"`
}

// TicketMessage is one message of a ticket.
type TicketMessage struct {
	ID   string    `json:"id,omitempty"` // the provider's message ID, or the e-mail's Message-ID
	From string    `json:"from"`         // "customer" or "support"
	Body string    `json:"body"`
	At   time.Time `json:"at"`
}

// Tickets opens and follows support tickets with one provider. Errors:
// NotFound (Show, Reply: no such ticket), Invalid (the provider refused the
// subject or body, or the ticket is closed), Denied (credentials), RateLimited,
// Unavailable. Open and Reply are writes: never retried.
type Tickets interface {
	// Open creates a ticket and returns it as the provider recorded it.
	Open(ctx context.Context, subject, body string) (Ticket, error)
	// List returns the open tickets, newest first, without their messages.
	List(ctx context.Context) ([]Ticket, error)
	// Show returns one ticket with its messages.
	Show(ctx context.Context, id string) (Ticket, error)
	// Reply adds a message from the association to a ticket.
	Reply(ctx context.Context, id, body string) error
}

// TicketStore keeps the tickets opsbot sends by e-mail. Errors: NotFound for
// a missing ticket, Internal otherwise.
type TicketStore interface {
	// CreateTicket stores t and sets its ID (a number, as a string).
	CreateTicket(ctx context.Context, t *Ticket) error
	// StoredTicket returns ticket id.
	StoredTicket(ctx context.Context, id string) (Ticket, error)
	// UpdateTicket runs fn on ticket id inside one transaction and saves the
	// result; an error from fn saves nothing and comes back unchanged.
	UpdateTicket(ctx context.Context, id string, fn func(*Ticket) error) (Ticket, error)
	// ListTickets returns the tickets of provider, newest first.
	ListTickets(ctx context.Context, provider string) ([]Ticket, error)
}
