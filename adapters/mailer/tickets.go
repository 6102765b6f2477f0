package mailer

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/anopex/opsbot/bot"
)

// Tickets is the bot.Tickets of a provider without a ticket API
// (PlanetHoster): a ticket is an e-mail to the provider's support address,
// replies are e-mails in the same thread (In-Reply-To, References), and the
// store keeps each ticket with the Message-IDs sent. The provider's answers
// arrive in the association's mailbox, not here: Show lists what opsbot
// sent, and Link points at the provider's client area. A ticket whose
// e-mail failed stays "failed", listed, until Resend sends it.
type Tickets struct {
	Provider string          // "planethoster"
	Ref      string          // "ph": the prefix of the references people type (ph-2)
	Account  string          // the association's account with the provider, named in every message
	From     string          // the association's sending address (for Message-IDs)
	To       string          // the provider's support address
	Link     string          // the provider's client area, shown with each ticket
	Sign     string          // last line of every message ("Association …, réf. …")
	Mail     bot.MailSender  // the SMTP client (*Client)
	Store    bot.TicketStore // storage
	Now      func() time.Time
}

var _ bot.Tickets = (*Tickets)(nil)

func (t *Tickets) now() time.Time {
	if t.Now == nil {
		return time.Now()
	}
	return t.Now()
}

// body renders a message: the text, then who sent it and the ticket number.
func (t *Tickets) body(id, text string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(text))
	b.WriteString("\n\n-- \n")
	if t.Sign != "" {
		b.WriteString(t.Sign + "\n")
	}
	if t.Account != "" {
		fmt.Fprintf(&b, "Compte client : %s\n", t.Account)
	}
	fmt.Fprintf(&b, "Référence interne : %s-%s (merci de la rappeler dans votre réponse)\n", cmp.Or(t.Ref, t.Provider), id)
	return b.String()
}

// Open stores the ticket, then sends it. A ticket whose e-mail could not be
// sent stays in the store in state "failed", so the attempt is not lost.
func (t *Tickets) Open(ctx context.Context, subject, body string) (bot.Ticket, error) {
	now := t.now()
	mid := bot.NewMessageID(t.From, now)
	tk := bot.Ticket{Provider: t.Provider, Subject: subject, State: "sending", LastFrom: "customer", Created: now, Updated: now, Link: t.Link,
		Messages: []bot.TicketMessage{{ID: mid, From: "customer", Body: body, At: now}}}
	if err := t.Store.CreateTicket(ctx, &tk); err != nil {
		return bot.Ticket{}, fmt.Errorf("open %s ticket: %w", t.Provider, err)
	}
	saved, err := t.send(ctx, tk)
	if err != nil {
		return bot.Ticket{}, fmt.Errorf("open %s ticket %s: %w", t.Provider, tk.ID, err)
	}
	saved.Messages = nil
	return saved, nil
}

// send sends a ticket's first message (with its Message-ID, so that a copy
// that did arrive is the same message) and records the ticket "open", or
// "failed" when it could not be sent.
func (t *Tickets) send(ctx context.Context, tk bot.Ticket) (bot.Ticket, error) {
	m := tk.Messages[0]
	_, sendErr := t.Mail.Send(ctx, bot.Email{To: []string{t.To}, Subject: tk.Subject, Body: t.body(tk.ID, m.Body), MessageID: m.ID})
	state := "open"
	if sendErr != nil {
		state = "failed"
	}
	saved, err := t.Store.UpdateTicket(context.WithoutCancel(ctx), tk.ID, func(s *bot.Ticket) error { s.State = state; return nil })
	switch {
	case sendErr != nil:
		return bot.Ticket{}, sendErr
	case err != nil:
		return bot.Ticket{}, fmt.Errorf("sent, but: %w", err)
	}
	return saved, nil
}

// Resend sends again the e-mail of a ticket whose sending failed. A ticket
// that is not "failed" is refused with kind Invalid.
func (t *Tickets) Resend(ctx context.Context, id string) error {
	tk, err := t.Show(ctx, id)
	if err == nil && (tk.State != "failed" || len(tk.Messages) == 0) {
		err = bot.Errorf(bot.Invalid, t.Provider, "resend ticket", "ticket %s is %s", id, tk.State)
	}
	if err == nil {
		_, err = t.send(ctx, tk)
	}
	if err != nil {
		return fmt.Errorf("resend %s ticket %s: %w", t.Provider, id, err)
	}
	return nil
}

// List returns the open tickets and those whose sending failed, newest
// first, without their messages.
func (t *Tickets) List(ctx context.Context) ([]bot.Ticket, error) {
	all, err := t.Store.ListTickets(ctx, t.Provider)
	if err != nil {
		return nil, fmt.Errorf("list %s tickets: %w", t.Provider, err)
	}
	var out []bot.Ticket
	for _, tk := range all {
		if tk.State == "open" || tk.State == "failed" {
			tk.Messages = nil
			out = append(out, tk)
		}
	}
	return out, nil
}

// Show returns one ticket with the messages opsbot sent.
func (t *Tickets) Show(ctx context.Context, id string) (bot.Ticket, error) {
	tk, err := t.Store.StoredTicket(ctx, id)
	if err == nil && tk.Provider != t.Provider {
		err = bot.Errorf(bot.NotFound, t.Provider, "show ticket", "ticket %s belongs to %s", id, tk.Provider)
	}
	if err != nil {
		return bot.Ticket{}, fmt.Errorf("show %s ticket: %w", t.Provider, err)
	}
	return tk, nil
}

// Reply sends a follow-up in the ticket's e-mail thread, then records it.
// A ticket that is not open is refused with kind Invalid.
func (t *Tickets) Reply(ctx context.Context, id, body string) error {
	tk, err := t.Show(ctx, id)
	if err != nil {
		return err
	}
	if tk.State != "open" {
		return bot.Errorf(bot.Invalid, t.Provider, "reply to ticket", "ticket %s is %s", id, tk.State)
	}
	now := t.now()
	mid := bot.NewMessageID(t.From, now)
	refs := make([]string, 0, len(tk.Messages))
	for _, m := range tk.Messages {
		refs = append(refs, m.ID)
	}
	e := bot.Email{To: []string{t.To}, Subject: "Re: " + tk.Subject, Body: t.body(id, body), MessageID: mid, References: refs}
	if len(refs) > 0 {
		e.InReplyTo = refs[len(refs)-1]
	}
	if _, err := t.Mail.Send(ctx, e); err != nil {
		return fmt.Errorf("reply to %s ticket %s: %w", t.Provider, id, err)
	}
	_, err = t.Store.UpdateTicket(context.WithoutCancel(ctx), id, func(s *bot.Ticket) error {
		s.Messages = append(s.Messages, bot.TicketMessage{ID: mid, From: "customer", Body: body, At: now})
		s.LastFrom, s.Updated = "customer", now
		return nil
	})
	if err != nil {
		return fmt.Errorf("reply to %s ticket %s: sent, but: %w", t.Provider, id, err)
	}
	return nil
}
