package storage

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

func TestTickets(t *testing.T) {
	db, _ := open(t)
	ctx := t.Context()
	ph := bot.Ticket{Provider: "planethoster", Subject: "Certificat expiré", State: "open", Created: t0, Updated: t0,
		Messages: []bot.TicketMessage{{ID: "a@anopex.test", From: "customer", Body: "Bonjour", At: t0}}}
	other := bot.Ticket{Provider: "other", Subject: "x", State: "open"}
	for _, tk := range []*bot.Ticket{&ph, &other} {
		if err := db.CreateTicket(ctx, tk); err != nil {
			t.Fatalf("CreateTicket: %v", err)
		}
	}
	if ph.ID != "1" || other.ID != "2" {
		t.Fatalf("IDs %q %q, want 1 and 2", ph.ID, other.ID)
	}
	got, err := db.UpdateTicket(ctx, "1", func(tk *bot.Ticket) error {
		tk.ID = "99" // restored
		tk.Messages = append(tk.Messages, bot.TicketMessage{ID: "b@anopex.test", From: "customer", Body: "Relance", At: t0})
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateTicket: %v", err)
	}
	want := ph
	want.Messages = append(want.Messages, bot.TicketMessage{ID: "b@anopex.test", From: "customer", Body: "Relance", At: t0})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UpdateTicket (-want +got):\n%s", diff)
	}
	stored, err := db.StoredTicket(ctx, "1")
	if err != nil || !cmp.Equal(want, stored) {
		t.Errorf("StoredTicket = %+v, %v; want %+v", stored, err, want)
	}
	list, err := db.ListTickets(ctx, "planethoster")
	if err != nil || len(list) != 1 || list[0].ID != "1" {
		t.Errorf("ListTickets = %+v, %v; want ticket 1 only", list, err)
	}
	stop := errors.New("stop")
	if _, err := db.UpdateTicket(ctx, "1", func(tk *bot.Ticket) error { tk.State = "closed"; return stop }); !errors.Is(err, stop) {
		t.Errorf("UpdateTicket with failing fn = %v, want the fn's error", err)
	}
	if s, _ := db.StoredTicket(ctx, "1"); s.State != "open" {
		t.Errorf("state after a failed update = %q, want open (nothing saved)", s.State)
	}
	for _, id := range []string{"3", "0", "-1", "abc", ""} {
		if _, err := db.StoredTicket(ctx, id); bot.KindOf(err) != bot.NotFound {
			t.Errorf("StoredTicket(%q) = %v, want kind not found", id, err)
		}
		if _, err := db.UpdateTicket(ctx, id, func(*bot.Ticket) error { return nil }); bot.KindOf(err) != bot.NotFound {
			t.Errorf("UpdateTicket(%q) = %v, want kind not found", id, err)
		}
	}
}

func TestEvolutionsSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "opsbot.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	e := bot.Evolution{RequestID: 7, Title: "Export CSV des adhérents", Description: "…", Budget: bot.Money{Cents: 150000, Currency: "EUR"},
		RequesterID: "u1", RequesterName: "Sam Admin", Approvers: []string{"Thérèse"}, ApprovedAt: t0, Reference: "W751234567",
		To: "support@cf2d.test", MessageID: "m@anopex.test", State: "sent", Created: t0, Updated: t0}
	if err := db.CreateEvolution(ctx, &e); err != nil || e.ID != 1 {
		t.Fatalf("CreateEvolution = %v, ID %d; want nil and 1", err, e.ID)
	}
	if _, err := db.UpdateEvolution(ctx, 1, func(x *bot.Evolution) error { x.State, x.ClosedBy = "closed", "Sam Admin"; return nil }); err != nil {
		t.Fatalf("UpdateEvolution: %v", err)
	}
	db.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := e
	want.State, want.ClosedBy = "closed", "Sam Admin"
	got, err := db.Evolution(ctx, 1)
	if err != nil {
		t.Fatalf("Evolution: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Evolution after reopen (-want +got):\n%s", diff)
	}
	list, err := db.ListEvolutions(ctx)
	if err != nil || len(list) != 1 {
		t.Errorf("ListEvolutions = %d, %v; want 1", len(list), err)
	}
	for _, id := range []int64{0, 2, -5} {
		if _, err := db.Evolution(ctx, id); bot.KindOf(err) != bot.NotFound {
			t.Errorf("Evolution(%d) = %v, want kind not found", id, err)
		}
		if _, err := db.UpdateEvolution(ctx, id, func(*bot.Evolution) error { return nil }); bot.KindOf(err) != bot.NotFound {
			t.Errorf("UpdateEvolution(%d) = %v, want kind not found", id, err)
		}
	}
}
