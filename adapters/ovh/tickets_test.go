package ovh_test

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/ovh"
	"github.com/anopex/opsbot/adapters/ovh/ovhtest"
	"github.com/anopex/opsbot/bot"
)

func TestOpenShowReply(t *testing.T) {
	srv := ovhtest.New(appKey, appSecret, consumerKey)
	t.Cleanup(srv.Close)
	var clock atomic.Int64 // the fake's clock, moved by the test
	clock.Store(fixedNow.Unix())
	srv.SetClock(func() time.Time { return time.Unix(clock.Load(), 0) })
	c := client(srv, appKey, appSecret, consumerKey, ovh.Options{Product: "vps", ServiceName: "vps-1a2b3c4d.vps.ovh.net"})
	ctx := t.Context()

	opened, err := c.Support.Open(ctx, "Serveur Dolibarr injoignable", "Bonjour,\nle VPS ne répond plus.")
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	want := bot.Ticket{Provider: "ovh", ID: "8123456", Number: "4455667", Subject: "Serveur Dolibarr injoignable", State: "open"}
	if diff := cmp.Diff(want, opened); diff != "" {
		t.Errorf("Open (-want +got):\n%s", diff)
	}
	id, _ := strconv.ParseInt(opened.ID, 10, 64)
	clock.Add(60)
	srv.SupportReply(id, "Intervention en cours.", time.Unix(clock.Load(), 0))
	clock.Add(60)
	if err := c.Support.Reply(ctx, opened.ID, "Merci, le service est revenu."); err != nil {
		t.Fatalf("Reply = %v", err)
	}
	got, err := c.Support.Show(ctx, opened.ID)
	if err != nil {
		t.Fatalf("Show = %v", err)
	}
	var msgs []string
	for _, m := range got.Messages {
		msgs = append(msgs, m.From+": "+m.Body)
	}
	wantMsgs := []string{"customer: Bonjour,\nle VPS ne répond plus.", "support: Intervention en cours.", "customer: Merci, le service est revenu."}
	if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	if got.LastFrom != "customer" || got.Created.IsZero() || got.Updated.Before(got.Created) {
		t.Errorf("ticket = %+v, want last from customer and dates set", got)
	}
}

func TestListOpenNewestFirst(t *testing.T) {
	c, srv := setup(t)
	old := srv.AddTicket("Ancien", "x", fixedNow.AddDate(0, 0, -9))
	recent := srv.AddTicket("Récent", "x", fixedNow.AddDate(0, 0, -1))
	closed := srv.AddTicket("Fermé", "x", fixedNow)
	if err := c.Support.Reply(t.Context(), strconv.FormatInt(closed, 10), "y"); err != nil {
		t.Fatal(err)
	}
	// close it through the API the fake serves
	srv.SupportReply(closed, "Nous fermons ce ticket.", fixedNow)
	srvClose(t, srv, closed)
	got, err := c.Support.List(t.Context())
	if err != nil {
		t.Fatalf("List = %v", err)
	}
	var ids []string
	for _, tk := range got {
		ids = append(ids, tk.ID)
	}
	want := []string{strconv.FormatInt(recent, 10), strconv.FormatInt(old, 10)}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("List ids (-want +got):\n%s", diff)
	}
}

func TestReplyErrors(t *testing.T) {
	c, srv := setup(t)
	id := srv.AddTicket("Sujet", "Corps", fixedNow)
	srvClose(t, srv, id)
	tests := []struct {
		name, id, body string
		want           bot.Kind
	}{
		{"unknown ticket", "99", "x", bot.NotFound},
		{"closed ticket", strconv.FormatInt(id, 10), "x", bot.Invalid},
		{"empty body", strconv.FormatInt(id, 10), " ", bot.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := c.Support.Reply(t.Context(), tt.id, tt.body); bot.KindOf(err) != tt.want {
				t.Errorf("Reply(%q) = %v, want kind %v", tt.id, err, tt.want)
			}
		})
	}
}

// srvClose closes a ticket as the customer would in the control panel.
func srvClose(t *testing.T, srv *ovhtest.Server, id int64) {
	t.Helper()
	srv.CloseTicket(id)
	if srv.TicketState(id) != "closed" {
		t.Fatalf("ticket %d not closed", id)
	}
}

// TestListCapped: a list of more ids than opsbot reads one by one is
// refused with an Internal error naming OVH, before any of them is read.
func TestListCapped(t *testing.T) {
	c, srv := setup(t)
	for i := range 1001 {
		srv.AddTicket("Ticket "+strconv.Itoa(i), "Corps", fixedNow)
	}
	before := srv.Fault.Requests()
	got, err := c.Support.List(t.Context())
	if bot.KindOf(err) != bot.Internal || bot.ProviderOf(err) != "ovh" || got != nil {
		t.Errorf("List() = %d tickets, %v; want nothing and an Internal error of ovh", len(got), err)
	}
	if n := srv.Fault.Requests() - before; n > 2 {
		t.Errorf("%d requests, want only the clock and the list of ids", n)
	}
}
