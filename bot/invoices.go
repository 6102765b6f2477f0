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
	neg := m.Cents < 0
	c := m.Cents
	if neg {
		c = -c
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
	num := fmt.Sprintf("%s%s%02d", b.String(), dec, c%100)
	if neg {
		num = "-" + num
	}
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

// Payment is what paying an invoice produced. When the provider could not
// debit a registered means of payment, Paid is false and Link is the page
// where a person pays the order: it holds the order's password, so it is a
// Secret and goes by private message only.
type Payment struct {
	Invoice string
	Order   string // the provider's payment order
	Amount  Money
	Paid    bool
	Link    Secret
}

// Invoices lists a provider's bills and pays them. Errors: NotFound (Pay: no
// such bill, or nothing due on it), Denied, RateLimited, Unavailable. Pay is a
// write: never retried.
type Invoices interface {
	// List returns the bills of the last twelve months, or only those with
	// something due when unpaid is true; newest first.
	List(ctx context.Context, unpaid bool) ([]Invoice, error)
	// Pay settles what is due on the bill id.
	Pay(ctx context.Context, id string) (Payment, error)
}
