package ovhtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

type bill struct {
	id       string
	date     time.Time
	orderID  int64
	category string
	cents    int64 // with tax
	password string
}

type debt struct {
	id, orderID int64
	date        time.Time
	amount, due int64 // cents
}

type order struct {
	id       int64
	debtID   int64
	date     time.Time
	cents    int64
	password string
	paid     bool
}

var paymentMeans = []string{"bankAccount", "creditCard", "paypal", "ovhAccount", "fidelityAccount", "deferredPaymentAccount"}

func (s *Server) meRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /1.0/me/bill", s.auth(s.listBills))
	mux.HandleFunc("GET /1.0/me/bill/{billId}", s.auth(s.showBill))
	mux.HandleFunc("GET /1.0/me/debtAccount", s.auth(s.debtAccount))
	mux.HandleFunc("GET /1.0/me/debtAccount/debt", s.auth(s.listDebts))
	mux.HandleFunc("GET /1.0/me/debtAccount/debt/{debtId}", s.auth(s.showDebt))
	mux.HandleFunc("POST /1.0/me/debtAccount/debt/{debtId}/pay", s.auth(s.payDebt))
	mux.HandleFunc("POST /1.0/me/order/{orderId}/payWithRegisteredPaymentMean", s.auth(s.payOrder))
}

// AddBill stores a bill of cents (with tax, 20 % VAT included) for order
// orderID; when unpaid, a debt of the same amount is opened on the debt
// account. It returns the debt's ID (0 when paid).
func (s *Server) AddBill(id string, date time.Time, orderID int64, category string, cents int64, unpaid bool) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bills[id] = &bill{id: id, date: date, orderID: orderID, category: category, cents: cents, password: "pw" + strconv.FormatInt(orderID%9973, 10)}
	if !unpaid {
		return 0
	}
	d := &debt{id: int64(len(s.debts) + 1001), orderID: orderID, date: date, amount: cents, due: cents}
	s.debts[d.id] = d
	return d.id
}

// AddDebt opens a debt for an order that has no bill.
func (s *Server) AddDebt(orderID int64, date time.Time, cents int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := &debt{id: int64(len(s.debts) + 1001), orderID: orderID, date: date, amount: cents, due: cents}
	s.debts[d.id] = d
	return d.id
}

// Due returns what remains due on order orderID.
func (s *Server) Due(orderID int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var c int64
	for _, d := range s.debts {
		if d.orderID == orderID {
			c += d.due
		}
	}
	return c
}

// Orders returns the payment orders created, with whether each was paid.
func (s *Server) Orders() map[int64]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]bool{}
	for id, o := range s.orders {
		out[id] = o.paid
	}
	return out
}

// price renders an order.Price.
func price(cents int64) map[string]any {
	v := fmt.Sprintf("%d.%02d", cents/100, cents%100)
	return map[string]any{"currencyCode": "EUR", "text": v + " €", "value": json.Number(v)}
}

// parseDate reads a filter date: YYYY-MM-DD or a full ISO-8601 datetime.
func parseDate(v string) (time.Time, bool) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

func (s *Server) listBills(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var from, to time.Time
	for _, f := range []struct {
		name string
		t    *time.Time
	}{{"date.from", &from}, {"date.to", &to}} {
		if v := q.Get(f.name); v != "" {
			t, ok := parseDate(v)
			if !ok {
				s.fail(w, http.StatusBadRequest, "", "Invalid value for parameter "+f.name)
				return
			}
			*f.t = t
		}
	}
	var order int64
	if v := q.Get("orderId"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.fail(w, http.StatusBadRequest, "", "Invalid value for parameter orderId")
			return
		}
		order = n
	}
	s.mu.Lock()
	ids := []string{}
	for id, b := range s.bills {
		switch {
		case !from.IsZero() && b.date.Before(from), !to.IsZero() && b.date.After(to),
			order != 0 && b.orderID != order, q.Get("category") != "" && b.category != q.Get("category"):
			continue
		}
		ids = append(ids, id)
	}
	s.mu.Unlock()
	slices.Sort(ids)
	writeJSON(w, http.StatusOK, ids)
}

func (s *Server) showBill(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	b := s.bills[r.PathValue("billId")]
	var out map[string]any
	if b != nil {
		ht := b.cents * 100 / 120
		ref := "https://www.ovh.com/cgi-bin/order/facture.pdf?reference=" + b.id + "&passwd=" + b.password
		out = map[string]any{"billId": b.id, "date": s.date(b.date), "orderId": b.orderID, "category": b.category,
			"password": b.password, "pdfUrl": ref, "url": ref,
			"priceWithoutTax": price(ht), "tax": price(b.cents - ht), "priceWithTax": price(b.cents)}
	}
	s.mu.Unlock()
	if b == nil {
		s.fail(w, http.StatusNotFound, "", "The requested object (billId = "+r.PathValue("billId")+") does not exist")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) debtAccount(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	var due int64
	for _, d := range s.debts {
		due += d.due
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"active": true, "dueAmount": price(due), "pendingAmount": price(0),
		"todoAmount": price(due), "unmaturedAmount": price(0)})
}

func (s *Server) listDebts(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	ids := []int64{}
	for id := range s.debts {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	slices.Sort(ids)
	writeJSON(w, http.StatusOK, ids)
}

func (s *Server) debtOf(w http.ResponseWriter, r *http.Request) *debt {
	id, err := strconv.ParseInt(r.PathValue("debtId"), 10, 64)
	s.mu.Lock()
	d := s.debts[id]
	s.mu.Unlock()
	if err != nil || d == nil {
		s.fail(w, http.StatusNotFound, "", "The requested object (debtId = "+r.PathValue("debtId")+") does not exist")
		return nil
	}
	return d
}

func (s *Server) showDebt(w http.ResponseWriter, r *http.Request) {
	d := s.debtOf(w, r)
	if d == nil {
		return
	}
	s.mu.Lock()
	out := map[string]any{"debtId": d.id, "orderId": d.orderID, "date": s.date(d.date), "dueDate": s.date(d.date.AddDate(0, 0, 15)),
		"amount": price(d.amount), "dueAmount": price(d.due), "pendingAmount": price(0), "todoAmount": price(d.due), "unmaturedAmount": price(0)}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) payDebt(w http.ResponseWriter, r *http.Request) {
	d := s.debtOf(w, r)
	if d == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d.due <= 0 {
		s.fail(w, http.StatusBadRequest, "", "There is nothing to pay on this debt")
		return
	}
	now := s.now()
	o := &order{id: s.nextOrder, debtID: d.id, date: now, cents: d.due, password: "ord" + strconv.FormatInt(s.nextOrder%9973, 10)}
	s.nextOrder++
	s.orders[o.id] = o
	ht := o.cents * 100 / 120
	writeJSON(w, http.StatusOK, map[string]any{"orderId": o.id, "date": s.date(now), "expirationDate": s.date(now.AddDate(0, 0, 14)),
		"retractionDate": nil, "password": o.password,
		"pdfUrl":          fmt.Sprintf("https://www.ovh.com/cgi-bin/order/bon-de-commande.pdf?reference=%d&passwd=%s", o.id, o.password),
		"url":             fmt.Sprintf("https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId=%d&orderPassword=%s", o.id, o.password),
		"priceWithoutTax": price(ht), "tax": price(o.cents - ht), "priceWithTax": price(o.cents)})
}

func (s *Server) payOrder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PaymentMean   string `json:"paymentMean"`
		PaymentMeanID *int64 `json:"paymentMeanId"`
	}
	if err := decode(r, &in); err != nil {
		s.fail(w, http.StatusBadRequest, "", "Invalid JSON body: "+err.Error())
		return
	}
	if !slices.Contains(paymentMeans, in.PaymentMean) {
		s.fail(w, http.StatusBadRequest, "", "Invalid value for parameter paymentMean")
		return
	}
	id, err := strconv.ParseInt(r.PathValue("orderId"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[id]
	switch {
	case err != nil || o == nil:
		s.fail(w, http.StatusNotFound, "", "The requested object (orderId = "+r.PathValue("orderId")+") does not exist")
	case o.paid:
		s.fail(w, http.StatusConflict, "", "This order is already paid")
	case in.PaymentMean != s.meanKind || in.PaymentMeanID == nil || *in.PaymentMeanID != s.meanID:
		s.fail(w, http.StatusBadRequest, "", "This payment mean is not registered on your account")
	default:
		o.paid = true
		if d := s.debts[o.debtID]; d != nil {
			d.due = max(d.due-o.cents, 0)
		}
		writeJSON(w, http.StatusOK, nil)
	}
}

// SetPaymentMean registers the account's means of payment (kind and ID),
// the only one payWithRegisteredPaymentMean accepts.
func (s *Server) SetPaymentMean(kind string, id int64) {
	s.mu.Lock()
	s.meanKind, s.meanID = kind, id
	s.mu.Unlock()
}
