package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Money is an amount in cents of a currency. Cents avoid the rounding of
// floating point: 23.99 € is {2399, "EUR"}.
type Money struct {
	Cents    int64  `json:"cents"`
	Currency string `json:"currency"` // ISO 4217 code, "EUR"
}

// Zero reports whether the amount is nil.
func (m Money) Zero() bool { return m.Cents == 0 }

// Format renders the amount for people: "1 234,50 €" in French, "€1,234.50"
// in English (other currencies keep their code: "12.00 USD").
func (m Money) Format(l Locale) string {
	c, sign := m.Cents, ""
	if c < 0 {
		c, sign = -c, "-"
	}
	units := strconv.FormatInt(c/100, 10)
	sep, dec := " ", ","
	if l == EN {
		sep, dec = ",", "."
	}
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	num := fmt.Sprintf("%s%s%s%02d", sign, b.String(), dec, c%100)
	switch {
	case m.Currency == "EUR" && l == EN:
		return "€" + num
	case m.Currency == "EUR" || m.Currency == "":
		return num + " €"
	}
	return num + " " + m.Currency
}

// Invoice is one bill of a hosting provider, with what remains to pay on it.
type Invoice struct {
	Provider string // "ovh"
	ID       string // the bill's reference ("FR56012345")
	Date     time.Time
	Category string // provider's category ("autorenew", "purchase"…)
	Total    Money  // with tax
	Due      Money  // what remains to pay; zero when paid
}

// Unpaid reports whether something remains to pay on the invoice.
func (i Invoice) Unpaid() bool { return i.Due.Cents > 0 }

// PaymentMethod is a means of payment registered at the provider: its ID,
// type ("CREDIT_CARD", "SEPA_DIRECT_DEBIT", "PAYPAL"…) and public label
// ("4970…1234").
type PaymentMethod struct {
	ID    int64  `json:"id"`
	Type  string `json:"type"`
	Label string `json:"label"`
}

// Payment is what paying an invoice produced: Status is the order's state
// read after the payment ("delivered", "checking"…; empty when it could not
// be read). When the order is left unpaid, Link is the page where a person
// pays it: it holds the order's password, so it is a Secret and goes by
// private message only.
type Payment struct {
	Invoice string
	Order   string // the provider's payment order
	Amount  Money
	Paid    bool
	Status  string
	Link    Secret
}

// Invoices lists a provider's bills and pays them. Errors: NotFound (no such
// bill, nothing due on it, no valid means of payment), Conflict (Pay: the
// amount due is not the one given), Denied, RateLimited, Unavailable. Pay is
// a write: never retried.
type Invoices interface {
	// List returns the bills of the last twelve months, or only those with
	// something due when unpaid is true; newest first.
	List(ctx context.Context, unpaid bool) ([]Invoice, error)
	// Method returns the means of payment Pay would be given now.
	Method(ctx context.Context) (PaymentMethod, error)
	// Link returns the page where a person pays the bill id.
	Link(ctx context.Context, id string) (Secret, error)
	// Pay settles amount, what is due on the bill id, with method m.
	Pay(ctx context.Context, id string, m PaymentMethod, amount Money) (Payment, error)
}
