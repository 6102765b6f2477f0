package mailer_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/mailer"
	"github.com/anopex/opsbot/bot"
)

// memTickets is an in-memory bot.TicketStore.
type memTickets struct {
	mu sync.Mutex
	t  []bot.Ticket
}

func (m *memTickets) CreateTicket(_ context.Context, t *bot.Ticket) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t.ID = strconv.Itoa(len(m.t) + 1)
	m.t = append(m.t, *t)
	return nil
}

func (m *memTickets) StoredTicket(_ context.Context, id string) (bot.Ticket, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := strconv.Atoi(id)
	if err != nil || n < 1 || n > len(m.t) {
		return bot.Ticket{}, bot.Errorf(bot.NotFound, "storage", "get ticket", "no ticket %q", id)
	}
	return m.t[n-1], nil
}

func (m *memTickets) UpdateTicket(ctx context.Context, id string, fn func(*bot.Ticket) error) (bot.Ticket, error) {
	t, err := m.StoredTicket(ctx, id)
	if err != nil {
		return t, err
	}
	if err := fn(&t); err != nil {
		return bot.Ticket{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n, _ := strconv.Atoi(id)
	m.t[n-1] = t
	return t, nil
}

func (m *memTickets) ListTickets(_ context.Context, provider string) ([]bot.Ticket, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []bot.Ticket
	for _, t := range slices.Backward(m.t) {
		if t.Provider == provider {
			out = append(out, t)
		}
	}
	return out, nil
}

// outbox is a bot.MailSender that records messages, failing when fail is set.
type outbox struct {
	sent []bot.Email
	fail error
}

func (o *outbox) Send(_ context.Context, e bot.Email) (string, error) {
	if o.fail != nil {
		return "", o.fail
	}
	o.sent = append(o.sent, e)
	return e.MessageID, nil
}

func TestTickets(t *testing.T) {
	now := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	store, mail := &memTickets{}, &outbox{}
	et := &mailer.Tickets{Provider: "planethoster", Ref: "ph", Account: "anopex (client 12345)", From: "sysadmin@anopex.test", To: "support@planethoster.test",
		Link: "https://my.planethoster.com", Sign: "Anopex", Mail: mail, Store: store, Now: func() time.Time { return now }}
	ctx := t.Context()

	tk, err := et.Open(ctx, "Certificat expiré", "Bonjour,\nle certificat de mail.anopex.test a expiré.")
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	want := bot.Ticket{Provider: "planethoster", ID: "1", Subject: "Certificat expiré", State: "open", LastFrom: "customer",
		Created: now, Updated: now, Link: "https://my.planethoster.com"}
	if diff := cmp.Diff(want, tk); diff != "" {
		t.Errorf("Open (-want +got):\n%s", diff)
	}
	if err := et.Reply(ctx, "1", "Une relance."); err != nil {
		t.Fatalf("Reply = %v", err)
	}
	if len(mail.sent) != 2 {
		t.Fatalf("sent %d mails, want 2", len(mail.sent))
	}
	first, second := mail.sent[0], mail.sent[1]
	if first.MessageID == "" || !strings.HasSuffix(first.MessageID, "@anopex.test") {
		t.Errorf("Message-ID %q, want one on the association's domain", first.MessageID)
	}
	if second.InReplyTo != first.MessageID || !slices.Equal(second.References, []string{first.MessageID}) || second.Subject != "Re: Certificat expiré" {
		t.Errorf("reply = %+v, want it threaded under %s", second, first.MessageID)
	}
	if !strings.Contains(first.Body, "Référence interne : ph-1 ") || strings.Contains(first.Body, "PLANETHOSTER-1") ||
		!strings.Contains(first.Body, "Compte client : anopex (client 12345)") || !slices.Equal(first.To, []string{"support@planethoster.test"}) {
		t.Errorf("first mail = %+v, want the chat's reference, the account and the support address", first)
	}
	shown, err := et.Show(ctx, "1")
	if err != nil || len(shown.Messages) != 2 || shown.Messages[1].ID != second.MessageID {
		t.Errorf("Show = %+v, %v; want both messages with their Message-IDs", shown, err)
	}
	list, err := et.List(ctx)
	if err != nil || len(list) != 1 || list[0].Messages != nil {
		t.Errorf("List = %+v, %v; want ticket 1 without messages", list, err)
	}

	mail.fail = bot.Errorf(bot.Unavailable, "mailer", "send", "connection refused")
	if _, err := et.Open(ctx, "Autre", "x"); bot.KindOf(err) != bot.Unavailable {
		t.Errorf("Open with SMTP down = %v, want kind unavailable", err)
	}
	if failed, _ := store.StoredTicket(ctx, "2"); failed.State != "failed" {
		t.Errorf("unsent ticket state = %q, want failed", failed.State)
	}
	if list, _ := et.List(ctx); len(list) != 2 || list[0].State != "failed" {
		t.Errorf("List after a failed open = %+v, want the failed ticket listed", list)
	}
	if err := et.Reply(ctx, "2", "x"); bot.KindOf(err) != bot.Invalid {
		t.Errorf("Reply to an unsent ticket = %v, want kind invalid", err)
	}
	if err := et.Resend(ctx, "2"); bot.KindOf(err) != bot.Unavailable {
		t.Errorf("Resend with SMTP down = %v, want kind unavailable", err)
	}
	mail.fail = nil
	if err := et.Resend(ctx, "2"); err != nil {
		t.Fatalf("Resend = %v", err)
	}
	if resent, _ := store.StoredTicket(ctx, "2"); resent.State != "open" || mail.sent[2].MessageID != resent.Messages[0].ID {
		t.Errorf("after Resend: %+v, sent %+v; want open, its own Message-ID sent", resent, mail.sent[2])
	}
	if err := et.Resend(ctx, "1"); bot.KindOf(err) != bot.Invalid {
		t.Errorf("Resend of an open ticket = %v, want kind invalid", err)
	}
	other := &mailer.Tickets{Provider: "other", Mail: mail, Store: store}
	if _, err := other.Show(ctx, "1"); bot.KindOf(err) != bot.NotFound {
		t.Errorf("Show of another provider's ticket = %v, want kind not found", err)
	}
	if err := et.Reply(ctx, "9", "x"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Reply(9) = %v, want not found", err)
	}
}
