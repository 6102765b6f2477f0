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

type method struct {
	id                  int64
	kind, label, status string
	def                 bool
}

func (s *Server) meRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /1.0/me/bill", s.auth(s.listBills))
	mux.HandleFunc("GET /1.0/me/bill/{billId}", s.auth(s.showBill))
	mux.HandleFunc("GET /1.0/me/debtAccount", s.auth(s.debtAccount))
	mux.HandleFunc("GET /1.0/me/debtAccount/debt", s.auth(s.listDebts))
	mux.HandleFunc("GET /1.0/me/debtAccount/debt/{debtId}", s.auth(s.showDebt))
	mux.HandleFunc("POST /1.0/me/debtAccount/debt/{debtId}/pay", s.auth(s.payDebt))
	mux.HandleFunc("GET /1.0/me/order/{orderId}", s.auth(s.showOrder))
	mux.HandleFunc("GET /1.0/me/order/{orderId}/status", s.auth(s.orderStatus))
	mux.HandleFunc("POST /1.0/me/order/{orderId}/pay", s.auth(s.payOrder))
	mux.HandleFunc("GET /1.0/me/payment/method", s.auth(s.listMethods))
	mux.HandleFunc("GET /1.0/me/payment/method/{id}", s.auth(s.showMethod))
}

// AddBill stores a bill of cents (with tax, 20 % VAT included) for order
// orderID; when unpaid, a debt of the same amount is opened on the debt
// account. It returns the debt's ID (0 when paid).
func (s *Server) AddBill(id string, date time.Time, orderID int64, category string, cents int64, unpaid bool) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bills[id] = &bill{id: id, date: date, orderID: orderID, category: category, cents: cents, password: "pw" + strconv.FormatInt(orderID%9973, 10)}
	if !unpaid {
		s.orders[orderID] = &order{id: orderID, date: date, cents: cents, password: "ord" + strconv.FormatInt(orderID%9973, 10), paid: true}
		return 0
	}
	return s.addDebt(orderID, date, cents)
}

// addDebt opens a debt of cents on order orderID, which awaits payment.
func (s *Server) addDebt(orderID int64, date time.Time, cents int64) int64 {
	d := &debt{id: int64(len(s.debts) + 1001), orderID: orderID, date: date, amount: cents, due: cents}
	s.debts[d.id] = d
	s.orders[orderID] = &order{id: orderID, debtID: d.id, date: date, cents: cents, password: "ord" + strconv.FormatInt(orderID%9973, 10)}
	return d.id
}

// AddDebt opens a debt for an order that has no bill.
func (s *Server) AddDebt(orderID int64, date time.Time, cents int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addDebt(orderID, date, cents)
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
	writeJSON(w, http.StatusOK, s.orderJSON(o))
}

// orderJSON renders a billing.Order; the caller holds s.mu.
func (s *Server) orderJSON(o *order) map[string]any {
	ht := o.cents * 100 / 120
	return map[string]any{"orderId": o.id, "date": s.date(o.date), "expirationDate": s.date(o.date.AddDate(0, 0, 14)),
		"retractionDate": nil, "password": o.password,
		"pdfUrl":          fmt.Sprintf("https://www.ovh.com/cgi-bin/order/bon-de-commande.pdf?reference=%d&passwd=%s", o.id, o.password),
		"url":             fmt.Sprintf("https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId=%d&orderPassword=%s", o.id, o.password),
		"priceWithoutTax": price(ht), "tax": price(o.cents - ht), "priceWithTax": price(o.cents)}
}

// orderOf returns the order of the request's path, or answers 404; the
// caller holds s.mu.
func (s *Server) orderOf(w http.ResponseWriter, r *http.Request) *order {
	id, err := strconv.ParseInt(r.PathValue("orderId"), 10, 64)
	if o := s.orders[id]; err == nil && o != nil {
		return o
	}
	s.fail(w, http.StatusNotFound, "", "The requested object (orderId = "+r.PathValue("orderId")+") does not exist")
	return nil
}

func (s *Server) showOrder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orderOf(w, r); o != nil {
		writeJSON(w, http.StatusOK, s.orderJSON(o))
	}
}

// orderStatus answers billing.order.OrderStatusEnum: a paid order is
// delivered at once here.
func (s *Server) orderStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orderOf(w, r); o != nil {
		writeJSON(w, http.StatusOK, map[bool]string{true: "delivered", false: "notPaid"}[o.paid])
	}
}

// payOrder pays an order with a registered payment method, which must be
// VALID (the refusal texts are the fake's own).
func (s *Server) payOrder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PaymentMethod *struct {
			ID *int64 `json:"id"`
		} `json:"paymentMethod"`
	}
	if err := decode(r, &in); err != nil || in.PaymentMethod == nil || in.PaymentMethod.ID == nil {
		s.fail(w, http.StatusBadRequest, "", "Missing parameter paymentMethod")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderOf(w, r)
	m := s.methods[*in.PaymentMethod.ID]
	switch {
	case o == nil:
	case m == nil:
		s.fail(w, http.StatusNotFound, "", fmt.Sprintf("The requested object (paymentMethodId = %d) does not exist", *in.PaymentMethod.ID))
	case m.status != "VALID":
		s.fail(w, http.StatusBadRequest, "", "This payment method is not valid")
	case o.paid:
		s.fail(w, http.StatusConflict, "", "This order is already paid")
	default:
		o.paid = true
		if d := s.debts[o.debtID]; d != nil {
			d.due = max(d.due-o.cents, 0)
		}
		writeJSON(w, http.StatusOK, nil)
	}
}

// listMethods answers the ids of the payment methods, filtered on default,
// paymentType and status.
func (s *Server) listMethods(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	ids := []int64{}
	for id, m := range s.methods {
		switch {
		case q.Has("default") && strconv.FormatBool(m.def) != q.Get("default"),
			q.Has("paymentType") && m.kind != q.Get("paymentType"), q.Has("status") && m.status != q.Get("status"):
			continue
		}
		ids = append(ids, id)
	}
	s.mu.Unlock()
	slices.Sort(ids)
	writeJSON(w, http.StatusOK, ids)
}

// showMethod answers a me.payment.PaymentMethod.
func (s *Server) showMethod(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	m := s.methods[id]
	var out map[string]any
	if m != nil {
		out = map[string]any{"paymentMethodId": m.id, "paymentType": m.kind, "status": m.status, "default": m.def,
			"label": m.label, "description": nil, "expirationDate": s.date(s.now().AddDate(2, 0, 0)), "creationDate": s.date(s.now())}
	}
	s.mu.Unlock()
	if m == nil {
		s.fail(w, http.StatusNotFound, "", "The requested object (paymentMethodId = "+r.PathValue("id")+") does not exist")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// AddPaymentMethod registers a payment method (kind "CREDIT_CARD", label
// "4970********1234", status "VALID", "EXPIRED"…); a default one takes the
// default from the others.
func (s *Server) AddPaymentMethod(id int64, kind, label, status string, def bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.methods {
		m.def = m.def && !def
	}
	s.methods[id] = &method{id: id, kind: kind, label: label, status: status, def: def}
}
