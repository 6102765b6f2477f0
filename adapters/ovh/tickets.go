package ovh

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/anopex/opsbot/bot"
)

// ticketJSON mirrors support.Ticket; category, product and serviceName may be null.
type ticketJSON struct {
	TicketID        json.Number `json:"ticketId"`
	TicketNumber    json.Number `json:"ticketNumber"`
	Subject         string      `json:"subject"`
	State           string      `json:"state"`
	LastMessageFrom string      `json:"lastMessageFrom"`
	CreationDate    string      `json:"creationDate"`
	UpdateDate      string      `json:"updateDate"`
}

// messageJSON mirrors support.Message.
type messageJSON struct {
	MessageID    json.Number `json:"messageId"`
	From         string      `json:"from"`
	Body         string      `json:"body"`
	CreationDate string      `json:"creationDate"`
}

// createdJSON is the answer of POST /support/tickets/create.
type createdJSON struct {
	TicketID     json.Number `json:"ticketId"`
	TicketNumber json.Number `json:"ticketNumber"`
	MessageID    json.Number `json:"messageId"`
}

func (t ticketJSON) toBot() bot.Ticket {
	return bot.Ticket{
		Provider: provider, ID: t.TicketID.String(), Number: t.TicketNumber.String(), Subject: t.Subject,
		State: t.State, LastFrom: t.LastMessageFrom, Created: parseTime(t.CreationDate), Updated: parseTime(t.UpdateDate),
	}
}

// parseTime reads OVH's ISO-8601 dates with offset; a malformed date is zero.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ticketPath returns /support/tickets/{id}/suffix with id checked to be a
// number, so no path can be smuggled in.
func ticketPath(id, suffix string) (string, error) {
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return "", bot.Errorf(bot.NotFound, provider, "ticket", "ticket id %q is not a number", id)
	}
	return "/support/tickets/" + id + suffix, nil
}

// Open creates a ticket of type genericRequest about the configured service.
// API: POST /support/tickets/create
func (s *Support) Open(ctx context.Context, subject, body string) (bot.Ticket, error) {
	req := map[string]string{"type": "genericRequest", "category": "assistance", "subject": subject, "body": body}
	if s.c.set.Product != "" {
		req["product"] = s.c.set.Product
	}
	if s.c.set.ServiceName != "" {
		req["serviceName"] = s.c.set.ServiceName
	}
	var out createdJSON
	if err := s.c.call(ctx, http.MethodPost, "/support/tickets/create", req, &out, "open ticket"); err != nil {
		return bot.Ticket{}, err
	}
	return bot.Ticket{Provider: provider, ID: out.TicketID.String(), Number: out.TicketNumber.String(), Subject: subject, State: "open"}, nil
}

// List returns the open tickets, newest first. OVH lists ids only; the
// tickets are then read a few at a time.
// API: GET /support/tickets?status=open, then GET /support/tickets/{ticketId}
func (s *Support) List(ctx context.Context) ([]bot.Ticket, error) {
	ts, err := list[json.Number, ticketJSON](ctx, s.c, "list tickets", "/support/tickets?status=open", "read ticket",
		func(id json.Number) string { return "/support/tickets/" + id.String() })
	if err != nil {
		return nil, err
	}
	out := make([]bot.Ticket, len(ts))
	for i, t := range ts {
		out[i] = t.toBot()
	}
	slices.SortFunc(out, func(a, b bot.Ticket) int { return b.Created.Compare(a.Created) })
	return out, nil
}

func (s *Support) ticket(ctx context.Context, id string) (bot.Ticket, error) {
	p, err := ticketPath(id, "")
	if err != nil {
		return bot.Ticket{}, err
	}
	var t ticketJSON
	if err := s.c.call(ctx, http.MethodGet, p, nil, &t, "read ticket"); err != nil {
		return bot.Ticket{}, err
	}
	return t.toBot(), nil
}

// Show returns one ticket with its messages, oldest first.
// API: GET /support/tickets/{ticketId} and GET /support/tickets/{ticketId}/messages
func (s *Support) Show(ctx context.Context, id string) (bot.Ticket, error) {
	t, err := s.ticket(ctx, id)
	if err != nil {
		return bot.Ticket{}, err
	}
	p, _ := ticketPath(id, "/messages")
	var msgs []messageJSON
	if err := s.c.call(ctx, http.MethodGet, p, nil, &msgs, "read ticket messages"); err != nil {
		return bot.Ticket{}, err
	}
	for _, m := range msgs {
		t.Messages = append(t.Messages, bot.TicketMessage{ID: m.MessageID.String(), From: m.From, Body: m.Body, At: parseTime(m.CreationDate)})
	}
	slices.SortStableFunc(t.Messages, func(a, b bot.TicketMessage) int { return a.At.Compare(b.At) })
	return t, nil
}

// Reply adds the association's message to a ticket.
// API: POST /support/tickets/{ticketId}/reply
func (s *Support) Reply(ctx context.Context, id, body string) error {
	p, err := ticketPath(id, "/reply")
	if err != nil {
		return err
	}
	return s.c.call(ctx, http.MethodPost, p, map[string]string{"body": body}, nil, "reply to ticket")
}
