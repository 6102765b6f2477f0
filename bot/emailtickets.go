package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

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

// EmailTickets is the Tickets of a provider without a ticket API
// (PlanetHoster): a ticket is an e-mail to the provider's support address,
// replies are e-mails in the same thread (In-Reply-To, References), and the
// store keeps each ticket with the Message-IDs sent. The provider's answers
// arrive in the association's mailbox, not here: Show lists what opsbot
// sent, and Link points at the provider's client area.
type EmailTickets struct {
	Provider string      // "planethoster"
	From     string      // the association's sending address (for Message-IDs)
	To       string      // the provider's support address
	Link     string      // the provider's client area, shown with each ticket
	Sign     string      // last line of every message ("Association …, réf. …")
	Mail     MailSender  // the SMTP client
	Store    TicketStore // storage
	Now      func() time.Time
}

var _ Tickets = (*EmailTickets)(nil)

func (t *EmailTickets) now() time.Time {
	if t.Now == nil {
		return time.Now()
	}
	return t.Now()
}

// body renders a message: the text, then who sent it and the ticket number.
func (t *EmailTickets) body(id, text string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(text))
	b.WriteString("\n\n-- \n")
	if t.Sign != "" {
		b.WriteString(t.Sign + "\n")
	}
	fmt.Fprintf(&b, "Référence interne : %s-%s (merci de la rappeler dans votre réponse)\n", strings.ToUpper(t.Provider), id)
	return b.String()
}

// Open stores the ticket, then sends it. A ticket whose e-mail could not be
// sent stays in the store in state "failed", so the attempt is not lost.
func (t *EmailTickets) Open(ctx context.Context, subject, body string) (Ticket, error) {
	now := t.now()
	mid := NewMessageID(t.From, now)
	tk := Ticket{Provider: t.Provider, Subject: subject, State: "sending", LastFrom: "customer", Created: now, Updated: now, Link: t.Link,
		Messages: []TicketMessage{{ID: mid, From: "customer", Body: body, At: now}}}
	if err := t.Store.CreateTicket(ctx, &tk); err != nil {
		return Ticket{}, fmt.Errorf("open %s ticket: %w", t.Provider, err)
	}
	_, sendErr := t.Mail.Send(ctx, Email{To: []string{t.To}, Subject: subject, Body: t.body(tk.ID, body), MessageID: mid})
	state := "open"
	if sendErr != nil {
		state = "failed"
	}
	saved, err := t.Store.UpdateTicket(context.WithoutCancel(ctx), tk.ID, func(s *Ticket) error { s.State = state; return nil })
	switch {
	case sendErr != nil:
		return Ticket{}, fmt.Errorf("open %s ticket %s: %w", t.Provider, tk.ID, sendErr)
	case err != nil:
		return Ticket{}, fmt.Errorf("open %s ticket %s: sent, but: %w", t.Provider, tk.ID, err)
	}
	saved.Messages = nil
	return saved, nil
}

// List returns the open tickets, newest first, without their messages.
func (t *EmailTickets) List(ctx context.Context) ([]Ticket, error) {
	all, err := t.Store.ListTickets(ctx, t.Provider)
	if err != nil {
		return nil, fmt.Errorf("list %s tickets: %w", t.Provider, err)
	}
	var out []Ticket
	for _, tk := range all {
		if tk.State == "open" {
			tk.Messages = nil
			out = append(out, tk)
		}
	}
	return out, nil
}

// Show returns one ticket with the messages opsbot sent.
func (t *EmailTickets) Show(ctx context.Context, id string) (Ticket, error) {
	tk, err := t.Store.StoredTicket(ctx, id)
	if err == nil && tk.Provider != t.Provider {
		err = Errorf(NotFound, t.Provider, "show ticket", "ticket %s belongs to %s", id, tk.Provider)
	}
	if err != nil {
		return Ticket{}, fmt.Errorf("show %s ticket: %w", t.Provider, err)
	}
	return tk, nil
}

// Reply sends a follow-up in the ticket's e-mail thread, then records it.
// A ticket that is not open is refused with kind Invalid.
func (t *EmailTickets) Reply(ctx context.Context, id, body string) error {
	tk, err := t.Show(ctx, id)
	if err != nil {
		return err
	}
	if tk.State != "open" {
		return Errorf(Invalid, t.Provider, "reply to ticket", "ticket %s is %s", id, tk.State)
	}
	now := t.now()
	mid := NewMessageID(t.From, now)
	refs := make([]string, 0, len(tk.Messages))
	for _, m := range tk.Messages {
		refs = append(refs, m.ID)
	}
	e := Email{To: []string{t.To}, Subject: "Re: " + tk.Subject, Body: t.body(id, body), MessageID: mid, References: refs}
	if len(refs) > 0 {
		e.InReplyTo = refs[len(refs)-1]
	}
	if _, err := t.Mail.Send(ctx, e); err != nil {
		return fmt.Errorf("reply to %s ticket %s: %w", t.Provider, id, err)
	}
	_, err = t.Store.UpdateTicket(context.WithoutCancel(ctx), id, func(s *Ticket) error {
		s.Messages = append(s.Messages, TicketMessage{ID: mid, From: "customer", Body: body, At: now})
		s.LastFrom, s.Updated = "customer", now
		return nil
	})
	if err != nil {
		return fmt.Errorf("reply to %s ticket %s: sent, but: %w", t.Provider, id, err)
	}
	return nil
}
