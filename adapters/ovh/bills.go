package ovh

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// priceJSON mirrors order.Price.
type priceJSON struct {
	CurrencyCode string      `json:"currencyCode"`
	Value        json.Number `json:"value"`
}

func (p priceJSON) toBot() bot.Money {
	f, err := p.Value.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return bot.Money{Currency: p.CurrencyCode}
	}
	return bot.Money{Cents: int64(math.Round(f * 100)), Currency: p.CurrencyCode}
}

// billJSON mirrors billing.Bill (its password and URLs are not read: they
// open the bill to anyone who has them).
type billJSON struct {
	BillID       string      `json:"billId"`
	Date         string      `json:"date"`
	OrderID      json.Number `json:"orderId"`
	Category     string      `json:"category"`
	PriceWithTax priceJSON   `json:"priceWithTax"`
}

func (b billJSON) toBot() bot.Invoice {
	return bot.Invoice{Provider: provider, ID: b.BillID, Date: parseTime(b.Date), Category: b.Category,
		Total: b.PriceWithTax.toBot(), Due: bot.Money{Currency: b.PriceWithTax.CurrencyCode}}
}

// debtJSON mirrors debt.Debt (field names unconfirmed, reference §5).
type debtJSON struct {
	DebtID    json.Number `json:"debtId"`
	OrderID   json.Number `json:"orderId"`
	Date      string      `json:"date"`
	Amount    priceJSON   `json:"amount"`
	DueAmount priceJSON   `json:"dueAmount"`
}

// orderJSON mirrors billing.Order.
type orderJSON struct {
	OrderID      json.Number `json:"orderId"`
	URL          string      `json:"url"`
	PriceWithTax priceJSON   `json:"priceWithTax"`
}

// orderPrefix names a debt whose order has no bill yet.
const orderPrefix = "order-"

// List returns the bills of the last twelve months with what is still due on
// each, or, when unpaid is true, only the bills with something due (a debt
// whose order has no bill yet appears as "order-ORDERID"). Newest first.
// API: GET /me/bill?date.from=…, GET /me/bill/{billId}, GET /me/debtAccount/debt,
// GET /me/debtAccount/debt/{debtId}, GET /me/bill?orderId=…
func (b *Billing) List(ctx context.Context, unpaid bool) ([]bot.Invoice, error) {
	debts, err := b.debts(ctx)
	if err != nil {
		return nil, err
	}
	due := map[string]debtJSON{} // order ID → debt with something due
	for _, d := range debts {
		if d.DueAmount.toBot().Cents > 0 {
			due[d.OrderID.String()] = d
		}
	}
	var bills []billJSON
	if unpaid {
		bills, err = b.billsOfOrders(ctx, due)
	} else {
		q := url.Values{"date.from": {b.c.set.Now().AddDate(-1, 0, 0).Format("2006-01-02")}}
		bills, err = b.bills(ctx, "/me/bill?"+q.Encode())
	}
	if err != nil {
		return nil, err
	}
	out := make([]bot.Invoice, 0, len(bills))
	for _, bl := range bills {
		inv := bl.toBot()
		if d, ok := due[bl.OrderID.String()]; ok {
			inv.Due = d.DueAmount.toBot()
			delete(due, bl.OrderID.String())
		}
		out = append(out, inv)
	}
	if unpaid {
		for order, d := range due { // debts without a bill
			out = append(out, bot.Invoice{Provider: provider, ID: orderPrefix + order, Date: parseTime(d.Date),
				Total: d.Amount.toBot(), Due: d.DueAmount.toBot()})
		}
	}
	slices.SortFunc(out, func(x, y bot.Invoice) int {
		if c := y.Date.Compare(x.Date); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return out, nil
}

// bills lists bill ids at path and reads each bill.
func (b *Billing) bills(ctx context.Context, path string) ([]billJSON, error) {
	return list[string, billJSON](ctx, b.c, "list bills", path, "read bill", func(id string) string { return "/me/bill/" + url.PathEscape(id) })
}

// billsOfOrders returns the bills of the orders in due.
func (b *Billing) billsOfOrders(ctx context.Context, due map[string]debtJSON) ([]billJSON, error) {
	var out []billJSON
	for order := range due {
		found, err := b.bills(ctx, "/me/bill?"+url.Values{"orderId": {order}}.Encode())
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// debts reads every debt of the debt account.
func (b *Billing) debts(ctx context.Context) ([]debtJSON, error) {
	return list[json.Number, debtJSON](ctx, b.c, "list debts", "/me/debtAccount/debt", "read debt",
		func(id json.Number) string { return "/me/debtAccount/debt/" + id.String() })
}

// paymentMethodJSON mirrors me.payment.PaymentMethod.
type paymentMethodJSON struct {
	PaymentMethodID int64  `json:"paymentMethodId"`
	PaymentType     string `json:"paymentType"`
	Status          string `json:"status"`
	Default         bool   `json:"default"`
	Label           string `json:"label"`
}

// Method returns the configured payment method, else the account's default
// one, if it is VALID; NotFound otherwise. The label's masked digits read
// "…" ("4970…1234").
// API: GET /me/payment/method?status=VALID, GET /me/payment/method/{paymentMethodId}
func (b *Billing) Method(ctx context.Context) (bot.PaymentMethod, error) {
	ms, err := list[int64, paymentMethodJSON](ctx, b.c, "list payment methods", "/me/payment/method?status=VALID", "read payment method",
		func(id int64) string { return "/me/payment/method/" + strconv.FormatInt(id, 10) })
	if err != nil {
		return bot.PaymentMethod{}, err
	}
	want := b.c.set.PaymentMethod
	for _, m := range ms {
		if m.Status == "VALID" && (m.PaymentMethodID == want || want == 0 && m.Default) {
			label := m.Label
			if i, j := strings.IndexByte(label, '*'), strings.LastIndexByte(label, '*'); i >= 0 {
				label = label[:i] + "…" + label[j+1:]
			}
			return bot.PaymentMethod{ID: m.PaymentMethodID, Type: m.PaymentType, Label: label}, nil
		}
	}
	if want != 0 {
		return bot.PaymentMethod{}, bot.Errorf(bot.NotFound, provider, "choose payment method", "payment method %d is not valid", want)
	}
	return bot.PaymentMethod{}, bot.Errorf(bot.NotFound, provider, "choose payment method", "no default valid payment method")
}

// order returns the order of bill id ("FR56012345", or "order-N" for a
// debt without a bill).
func (b *Billing) order(ctx context.Context, id string) (string, error) {
	if order, ok := strings.CutPrefix(id, orderPrefix); ok {
		return order, nil
	}
	var bl billJSON
	err := b.c.call(ctx, http.MethodGet, "/me/bill/"+url.PathEscape(id), nil, &bl, "read bill")
	return bl.OrderID.String(), err
}

// Link returns the page of the bill's order, where a person pays it.
// API: GET /me/order/{orderId}
func (b *Billing) Link(ctx context.Context, id string) (bot.Secret, error) {
	order, err := b.order(ctx, id)
	if err != nil {
		return bot.Secret{}, err
	}
	var o orderJSON
	err = b.c.call(ctx, http.MethodGet, "/me/order/"+url.PathEscape(order), nil, &o, "read order")
	return bot.NewSecret(o.URL), err
}

// Pay settles amount, what is due on bill id, with payment method m: it asks
// OVH for a payment order of the bill's debt, pays that order with m, then
// reads the order's status. A debt or an order of another amount is refused
// (Conflict) before anything is paid. An order left unpaid comes back with
// its link (Payment.Link).
// API: POST /me/debtAccount/debt/{debtId}/pay, POST /me/order/{orderId}/pay
// {"paymentMethod":{"id":…}}, GET /me/order/{orderId}/status
func (b *Billing) Pay(ctx context.Context, id string, m bot.PaymentMethod, amount bot.Money) (bot.Payment, error) {
	order, err := b.order(ctx, id)
	if err != nil {
		return bot.Payment{}, err
	}
	debts, err := b.debts(ctx)
	if err != nil {
		return bot.Payment{}, err
	}
	i := slices.IndexFunc(debts, func(d debtJSON) bool { return d.OrderID.String() == order && d.DueAmount.toBot().Cents > 0 })
	if i < 0 {
		return bot.Payment{}, bot.Errorf(bot.NotFound, provider, "pay bill", "nothing due on %s", id)
	}
	if due := debts[i].DueAmount.toBot(); due != amount {
		return bot.Payment{}, bot.Errorf(bot.Conflict, provider, "pay bill", "%d cents due on %s, not %d", due.Cents, id, amount.Cents)
	}
	var o orderJSON
	if err := b.c.call(ctx, http.MethodPost, "/me/debtAccount/debt/"+debts[i].DebtID.String()+"/pay", nil, &o, "create payment order"); err != nil {
		return bot.Payment{}, err
	}
	p := bot.Payment{Invoice: id, Order: o.OrderID.String(), Amount: o.PriceWithTax.toBot(), Link: bot.NewSecret(o.URL)}
	if _, err := strconv.ParseUint(p.Order, 10, 64); err != nil {
		return bot.Payment{}, bot.Errorf(bot.Internal, provider, "create payment order", "order id %q is not a number", p.Order)
	}
	if p.Amount != amount {
		return p, bot.Errorf(bot.Conflict, provider, "create payment order", "order of %d cents, not %d", p.Amount.Cents, amount.Cents)
	}
	body := map[string]any{"paymentMethod": map[string]int64{"id": m.ID}}
	if err := b.c.call(ctx, http.MethodPost, "/me/order/"+p.Order+"/pay", body, nil, "pay order"); err != nil {
		return p, err
	}
	// The payment is made: a status that cannot be read leaves it empty.
	_ = b.c.call(ctx, http.MethodGet, "/me/order/"+p.Order+"/status", nil, &p.Status, "read order status")
	if p.Paid = p.Status != "notPaid"; p.Paid {
		p.Link = bot.Secret{}
	}
	return p, nil
}
