package ovhtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

type ticket struct {
	id, number                  int64
	typ, category, product, svc string
	subject, state, lastFrom    string
	created, updated            time.Time
	messages                    []message
}

type message struct {
	id        int64
	from      string
	body      string
	createdAt time.Time
}

var (
	ticketTypes      = []string{"genericRequest", "criticalIntervention"}
	ticketCategories = []string{"assistance", "billing", "incident"}
	ticketProducts   = []string{"adsl", "cdn", "dedicated", "dedicated-billing", "dedicated-other", "dedicatedcloud", "domain", "exchange",
		"fax", "hosting", "housing", "iaas", "mail", "network", "publiccloud", "sms", "ssl", "storage", "telecom-billing",
		"telecom-other", "vac", "voip", "vps", "web-billing", "web-other"}
)

func (s *Server) supportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /1.0/support/tickets/create", s.auth(s.createTicket))
	mux.HandleFunc("GET /1.0/support/tickets", s.auth(s.listTickets))
	mux.HandleFunc("GET /1.0/support/tickets/{id}", s.auth(s.withTicket(s.showTicket)))
	mux.HandleFunc("GET /1.0/support/tickets/{id}/messages", s.auth(s.withTicket(s.ticketMessages)))
	mux.HandleFunc("POST /1.0/support/tickets/{id}/reply", s.auth(s.withTicket(s.replyTicket)))
	mux.HandleFunc("POST /1.0/support/tickets/{id}/close", s.auth(s.withTicket(s.closeTicket)))
}

// AddTicket stores a ticket as if the customer had opened it at created,
// and returns its ticketId.
func (s *Server) AddTicket(subject, body string, created time.Time) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addTicket("genericRequest", "assistance", "", "", subject, body, created)
}

func (s *Server) addTicket(typ, cat, product, svc, subject, body string, at time.Time) int64 {
	t := &ticket{id: s.nextTicket, number: s.nextNum, typ: typ, category: cat, product: product, svc: svc,
		subject: subject, state: "open", lastFrom: "customer", created: at, updated: at}
	s.nextTicket++
	s.nextNum++
	t.messages = append(t.messages, message{id: s.nextMsg, from: "customer", body: body, createdAt: at})
	s.nextMsg++
	s.tickets[t.id] = t
	return t.id
}

// SupportReply adds a message from OVH's support to ticket id; it reports
// false when there is no such ticket.
func (s *Server) SupportReply(id int64, body string, at time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tickets[id]
	if t == nil {
		return false
	}
	t.messages = append(t.messages, message{id: s.nextMsg, from: "support", body: body, createdAt: at})
	s.nextMsg++
	t.lastFrom, t.updated = "support", at
	return true
}

// TicketMessages returns the bodies of ticket id's messages, oldest first.
func (s *Server) TicketMessages(id int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if t := s.tickets[id]; t != nil {
		for _, m := range t.messages {
			out = append(out, m.from+": "+m.body)
		}
	}
	return out
}

// TicketState returns ticket id's state ("" if none).
func (s *Server) TicketState(id int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tickets[id]; t != nil {
		return t.state
	}
	return ""
}

func (s *Server) createTicket(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Type        string `json:"type"`
		Subject     string `json:"subject"`
		Body        string `json:"body"`
		ServiceName string `json:"serviceName"`
		Category    string `json:"category"`
		Subcategory string `json:"subcategory"`
		Product     string `json:"product"`
	}
	if err := decode(r, &in); err != nil {
		s.fail(w, http.StatusBadRequest, "", "Invalid JSON body: "+err.Error())
		return
	}
	switch {
	case in.Type == "":
		s.fail(w, http.StatusBadRequest, "", "Missing parameter: type")
	case !slices.Contains(ticketTypes, in.Type):
		s.fail(w, http.StatusBadRequest, "", "Invalid value for parameter type")
	case strings.TrimSpace(in.Subject) == "":
		s.fail(w, http.StatusBadRequest, "", "Missing parameter: subject")
	case strings.TrimSpace(in.Body) == "":
		s.fail(w, http.StatusBadRequest, "", "Missing parameter: body")
	case in.Category != "" && !slices.Contains(ticketCategories, in.Category):
		s.fail(w, http.StatusBadRequest, "", "Invalid value for parameter category")
	case in.Product != "" && !slices.Contains(ticketProducts, in.Product):
		s.fail(w, http.StatusBadRequest, "", "Invalid value for parameter product")
	default:
		s.mu.Lock()
		id := s.addTicket(in.Type, in.Category, in.Product, in.ServiceName, in.Subject, in.Body, s.now())
		t := s.tickets[id]
		out := map[string]int64{"ticketId": t.id, "ticketNumber": t.number, "messageId": t.messages[0].id}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) listTickets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status := q.Get("status")
	if status != "" && !slices.Contains([]string{"open", "closed", "unknown"}, status) {
		s.fail(w, http.StatusBadRequest, "", "Invalid value for parameter status")
		return
	}
	s.mu.Lock()
	ids := []int64{}
	for id, t := range s.tickets {
		if status == "" || t.state == status {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	slices.Sort(ids)
	writeJSON(w, http.StatusOK, ids)
}

// withTicket resolves {id} and answers OVH's 404 when there is none.
func (s *Server) withTicket(h func(http.ResponseWriter, *http.Request, *ticket)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		s.mu.Lock()
		t := s.tickets[id]
		s.mu.Unlock()
		if err != nil || t == nil {
			s.fail(w, http.StatusNotFound, "", "The requested object (ticketId = "+r.PathValue("id")+") does not exist")
			return
		}
		h(w, r, t)
	}
}

func (s *Server) showTicket(w http.ResponseWriter, _ *http.Request, t *ticket) {
	s.mu.Lock()
	out := map[string]any{"ticketId": t.id, "ticketNumber": t.number, "accountId": "ab12345-ovh", "type": t.typ,
		"category": orNull(t.category), "product": orNull(t.product), "serviceName": orNull(t.svc),
		"subject": t.subject, "state": t.state, "lastMessageFrom": t.lastFrom, "canBeClosed": t.state == "open", "score": "",
		"creationDate": s.date(t.created), "updateDate": s.date(t.updated)}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) ticketMessages(w http.ResponseWriter, _ *http.Request, t *ticket) {
	s.mu.Lock()
	out := []map[string]any{}
	for i := len(t.messages) - 1; i >= 0; i-- { // newest first, as OVH lists them
		m := t.messages[i]
		out = append(out, map[string]any{"messageId": m.id, "ticketId": t.id, "from": m.from, "body": m.body,
			"creationDate": s.date(m.createdAt), "updateDate": s.date(m.createdAt)})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) replyTicket(w http.ResponseWriter, r *http.Request, t *ticket) {
	var in struct {
		Body string `json:"body"`
	}
	if err := decode(r, &in); err != nil || strings.TrimSpace(in.Body) == "" {
		s.fail(w, http.StatusBadRequest, "", "Missing parameter: body")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.state != "open" {
		s.fail(w, http.StatusBadRequest, "", "This ticket is closed")
		return
	}
	now := s.now()
	t.messages = append(t.messages, message{id: s.nextMsg, from: "customer", body: in.Body, createdAt: now})
	s.nextMsg++
	t.lastFrom, t.updated = "customer", now
	writeJSON(w, http.StatusOK, nil)
}

func (s *Server) closeTicket(w http.ResponseWriter, _ *http.Request, t *ticket) {
	s.mu.Lock()
	t.state, t.updated = "closed", s.now()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, nil)
}

// CloseTicket closes ticket id as the control panel would.
func (s *Server) CloseTicket(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tickets[id]; t != nil {
		t.state, t.updated = "closed", s.now()
	}
}
