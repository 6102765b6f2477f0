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
	Text         string      `json:"text"`
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
	var ids []string
	if err := b.c.call(ctx, http.MethodGet, path, nil, &ids, "list bills"); err != nil {
		return nil, err
	}
	out := make([]billJSON, len(ids))
	err := each(ctx, "list bills", len(ids), func(ctx context.Context, i int) error {
		return b.c.call(ctx, http.MethodGet, "/me/bill/"+url.PathEscape(ids[i]), nil, &out[i], "read bill")
	})
	return out, err
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
	var ids []json.Number
	if err := b.c.call(ctx, http.MethodGet, "/me/debtAccount/debt", nil, &ids, "list debts"); err != nil {
		return nil, err
	}
	out := make([]debtJSON, len(ids))
	err := each(ctx, "list debts", len(ids), func(ctx context.Context, i int) error {
		return b.c.call(ctx, http.MethodGet, "/me/debtAccount/debt/"+ids[i].String(), nil, &out[i], "read debt")
	})
	return out, err
}

// Pay settles what is due on bill id ("FR56012345", or "order-N" for a debt
// without a bill): it asks OVH for a payment order of the bill's debt, then
// pays that order with the configured means of payment. Without one, the
// order is left for a person: its link comes back as Payment.Link.
// API: POST /me/debtAccount/debt/{debtId}/pay, POST /me/order/{orderId}/payWithRegisteredPaymentMean
func (b *Billing) Pay(ctx context.Context, id string) (bot.Payment, error) {
	order, ok := strings.CutPrefix(id, orderPrefix)
	if !ok {
		var bl billJSON
		if err := b.c.call(ctx, http.MethodGet, "/me/bill/"+url.PathEscape(id), nil, &bl, "read bill"); err != nil {
			return bot.Payment{}, err
		}
		order = bl.OrderID.String()
	}
	debts, err := b.debts(ctx)
	if err != nil {
		return bot.Payment{}, err
	}
	i := slices.IndexFunc(debts, func(d debtJSON) bool { return d.OrderID.String() == order && d.DueAmount.toBot().Cents > 0 })
	if i < 0 {
		return bot.Payment{}, bot.Errorf(bot.NotFound, provider, "pay bill", "nothing due on %s", id)
	}
	var o orderJSON
	if err := b.c.call(ctx, http.MethodPost, "/me/debtAccount/debt/"+debts[i].DebtID.String()+"/pay", nil, &o, "create payment order"); err != nil {
		return bot.Payment{}, err
	}
	p := bot.Payment{Invoice: id, Order: o.OrderID.String(), Amount: o.PriceWithTax.toBot()}
	if _, err := strconv.ParseUint(p.Order, 10, 64); err != nil {
		return bot.Payment{}, bot.Errorf(bot.Internal, provider, "create payment order", "order id %q is not a number", p.Order)
	}
	if b.c.set.PaymentMean == "" {
		p.Link = bot.NewSecret(o.URL)
		return p, nil
	}
	body := map[string]any{"paymentMean": b.c.set.PaymentMean, "paymentMeanId": b.c.set.PaymentMeanID}
	if err := b.c.call(ctx, http.MethodPost, "/me/order/"+p.Order+"/payWithRegisteredPaymentMean", body, nil, "pay order"); err != nil {
		p.Link = bot.NewSecret(o.URL)
		return p, err
	}
	p.Paid = true
	return p, nil
}
