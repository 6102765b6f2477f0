package ovh_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/ovh"
	"github.com/anopex/opsbot/adapters/ovh/ovhtest"
	"github.com/anopex/opsbot/bot"
)

func eur(c int64) bot.Money { return bot.Money{Cents: c, Currency: "EUR"} }

// seedBills stores a paid bill, two unpaid ones, a bill too old to list and
// a debt without a bill.
func seedBills(srv *ovhtest.Server) {
	day := func(n int) time.Time { return fixedNow.AddDate(0, 0, -n) }
	srv.AddBill("FR56012345", day(200), 201234567, "autorenew", 8388, false)
	srv.AddBill("FR56098765", day(20), 201250001, "autorenew", 1439, true)
	srv.AddBill("FR56099001", day(3), 201260002, "purchase-web", 2399, true)
	srv.AddBill("FR55000001", day(400), 201100000, "autorenew", 8388, false)
	srv.AddDebt(201270003, day(1), 500)
}

func TestBillingList(t *testing.T) {
	c, srv := setup(t)
	seedBills(srv)
	tests := []struct {
		unpaid bool
		want   []string
	}{
		{false, []string{"FR56099001 23.99 due 23.99", "FR56098765 14.39 due 14.39", "FR56012345 83.88 due 0.00"}},
		{true, []string{"order-201270003 5.00 due 5.00", "FR56099001 23.99 due 23.99", "FR56098765 14.39 due 14.39"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("unpaid=%v", tt.unpaid), func(t *testing.T) {
			got, err := c.Billing.List(t.Context(), tt.unpaid)
			if err != nil {
				t.Fatalf("List = %v", err)
			}
			var lines []string
			for _, inv := range got {
				lines = append(lines, fmt.Sprintf("%s %d.%02d due %d.%02d", inv.ID, inv.Total.Cents/100, inv.Total.Cents%100, inv.Due.Cents/100, inv.Due.Cents%100))
				if inv.Provider != "ovh" || inv.Total.Currency != "EUR" || inv.Date.IsZero() {
					t.Errorf("invoice %+v: want provider ovh, EUR and a date", inv)
				}
			}
			if diff := cmp.Diff(tt.want, lines); diff != "" {
				t.Errorf("List(%v) (-want +got):\n%s", tt.unpaid, diff)
			}
		})
	}
}

// card is the demo account's default payment method as Method reads it.
var card = bot.PaymentMethod{ID: ovhtest.DemoPaymentID, Type: "CREDIT_CARD", Label: "4970…1234"}

func TestBillingMethod(t *testing.T) {
	sepa := bot.PaymentMethod{ID: 77, Type: "SEPA_DIRECT_DEBIT", Label: "FR76…0042"}
	tests := []struct {
		name       string
		configured int64
		seed       func(*ovhtest.Server)
		want       bot.PaymentMethod
		wantKind   bot.Kind // Internal: success
	}{
		{name: "default valid", seed: func(s *ovhtest.Server) {}, want: card},
		{name: "configured one", configured: 77, seed: func(s *ovhtest.Server) {}, want: sepa},
		{name: "default expired, no fallback to another", seed: func(s *ovhtest.Server) {
			s.AddPaymentMethod(ovhtest.DemoPaymentID, "CREDIT_CARD", "4970********1234", "EXPIRED", true)
		}, wantKind: bot.NotFound},
		{name: "configured not valid", configured: 78, seed: func(s *ovhtest.Server) {}, wantKind: bot.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ovhtest.New(appKey, appSecret, consumerKey)
			t.Cleanup(srv.Close)
			srv.AddPaymentMethod(ovhtest.DemoPaymentID, "CREDIT_CARD", "4970********1234", "VALID", true)
			srv.AddPaymentMethod(77, "SEPA_DIRECT_DEBIT", "FR76****************0042", "VALID", false)
			srv.AddPaymentMethod(78, "PAYPAL", "tresoriere@anopex.test", "EXPIRED", false)
			tt.seed(srv)
			m, err := client(srv, appKey, appSecret, consumerKey, ovh.Options{PaymentMethod: tt.configured}).Billing.Method(t.Context())
			if tt.wantKind != bot.Internal {
				if bot.KindOf(err) != tt.wantKind {
					t.Fatalf("Method = %+v, %v; want kind %v", m, err, tt.wantKind)
				}
				return
			}
			if err != nil || m != tt.want {
				t.Errorf("Method = %+v, %v; want %+v", m, err, tt.want)
			}
		})
	}
}

func TestBillingPay(t *testing.T) {
	tests := []struct {
		name      string
		method    bot.PaymentMethod
		bill      string
		amount    int64
		wantKind  bot.Kind // Internal: success
		wantPaid  bool
		wantLink  bool
		wantDueOn int64 // order whose remaining debt is checked
		wantDue   int64
	}{
		{name: "default card pays", method: card, bill: "FR56098765", amount: 1439, wantPaid: true, wantDueOn: 201250001, wantDue: 0},
		{name: "debt without bill", method: card, bill: "order-201270003", amount: 500, wantPaid: true, wantDueOn: 201270003, wantDue: 0},
		{name: "expired method refused", method: bot.PaymentMethod{ID: 78}, bill: "FR56098765", amount: 1439, wantKind: bot.Invalid, wantLink: true, wantDueOn: 201250001, wantDue: 1439},
		{name: "unknown method refused", method: bot.PaymentMethod{ID: 1}, bill: "FR56099001", amount: 2399, wantKind: bot.NotFound, wantLink: true, wantDueOn: 201260002, wantDue: 2399},
		{name: "another amount is not paid", method: card, bill: "FR56098765", amount: 1000, wantKind: bot.Conflict, wantDueOn: 201250001, wantDue: 1439},
		{name: "paid bill has nothing due", method: card, bill: "FR56012345", amount: 8388, wantKind: bot.NotFound},
		{name: "unknown bill", method: card, bill: "FR00000000", amount: 1, wantKind: bot.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ovhtest.New(appKey, appSecret, consumerKey)
			t.Cleanup(srv.Close)
			seedBills(srv)
			srv.AddPaymentMethod(ovhtest.DemoPaymentID, "CREDIT_CARD", "4970********1234", "VALID", true)
			srv.AddPaymentMethod(78, "PAYPAL", "tresoriere@anopex.test", "EXPIRED", false)
			c := client(srv, appKey, appSecret, consumerKey, ovh.Options{})
			p, err := c.Billing.Pay(t.Context(), tt.bill, tt.method, eur(tt.amount))
			if tt.wantKind != bot.Internal {
				if bot.KindOf(err) != tt.wantKind {
					t.Fatalf("Pay = %v, want kind %v", err, tt.wantKind)
				}
			} else if err != nil {
				t.Fatalf("Pay = %v", err)
			}
			if p.Paid != tt.wantPaid || p.Link.Empty() == tt.wantLink {
				t.Errorf("Pay = paid %v link %v, want paid %v link %v", p.Paid, !p.Link.Empty(), tt.wantPaid, tt.wantLink)
			}
			if tt.wantPaid && p.Status != "delivered" {
				t.Errorf("Pay status = %q, want the order's status read after paying", p.Status)
			}
			if tt.wantLink && !strings.Contains(p.Link.Reveal(), "orderPassword=") {
				t.Errorf("link %q is not the order page", p.Link.Reveal())
			}
			if s := fmt.Sprintf("%v %+v", p, p); strings.Contains(s, "orderPassword") {
				t.Errorf("payment prints its link: %s", s)
			}
			if tt.wantDueOn != 0 {
				if got := srv.Due(tt.wantDueOn); got != tt.wantDue {
					t.Errorf("due on order %d = %d, want %d", tt.wantDueOn, got, tt.wantDue)
				}
			}
		})
	}
}

// Link is the page of the bill's order, where a person pays it.
func TestBillingLink(t *testing.T) {
	c, srv := setup(t)
	seedBills(srv)
	for bill, want := range map[string]string{"FR56099001": "orderId=201260002&orderPassword=", "order-201270003": "orderId=201270003&orderPassword="} {
		l, err := c.Billing.Link(t.Context(), bill)
		if err != nil || !strings.Contains(l.Reveal(), want) {
			t.Errorf("Link(%s) = %q, %v; want the order page %s…", bill, l.Reveal(), err, want)
		}
	}
	if _, err := c.Billing.Link(t.Context(), "FR00000000"); bot.KindOf(err) != bot.NotFound {
		t.Errorf("Link(unknown) = %v, want NotFound", err)
	}
}
