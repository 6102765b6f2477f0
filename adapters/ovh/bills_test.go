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

func TestBillingPay(t *testing.T) {
	tests := []struct {
		name      string
		mean      string
		meanID    int64
		bill      string
		wantKind  bot.Kind // Internal: success
		wantPaid  bool
		wantLink  bool
		wantDueOn int64 // order whose remaining debt is checked
		wantDue   int64
	}{
		{name: "registered means pays", mean: "bankAccount", meanID: 4242, bill: "FR56098765", wantPaid: true, wantDueOn: 201250001, wantDue: 0},
		{name: "no means leaves the order to a person", bill: "FR56099001", wantLink: true, wantDueOn: 201260002, wantDue: 2399},
		{name: "debt without bill", mean: "bankAccount", meanID: 4242, bill: "order-201270003", wantPaid: true, wantDueOn: 201270003, wantDue: 0},
		{name: "wrong means refused", mean: "creditCard", meanID: 1, bill: "FR56098765", wantKind: bot.Invalid, wantLink: true, wantDueOn: 201250001, wantDue: 1439},
		{name: "paid bill has nothing due", mean: "bankAccount", meanID: 4242, bill: "FR56012345", wantKind: bot.NotFound},
		{name: "unknown bill", bill: "FR00000000", wantKind: bot.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ovhtest.New(appKey, appSecret, consumerKey)
			t.Cleanup(srv.Close)
			seedBills(srv)
			srv.SetPaymentMean("bankAccount", 4242)
			c := client(srv, appKey, appSecret, consumerKey, ovh.Options{PaymentMean: tt.mean, PaymentMeanID: tt.meanID})
			p, err := c.Billing.Pay(t.Context(), tt.bill)
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
