// Package planethostertest is an in-memory PlanetHoster API for tests and
// the demo: X-API-USER / X-API-KEY checked on every call, an optional IP
// whitelist, the reseller routes (test-connection, account-info,
// domain-info), the World account list and N0C disk usage with its
// success/data/errors envelope (GET with a JSON body or query parameters).
// It shares no type with the client.
package planethostertest

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
)

// Demo credentials of the fake.
const (
	DemoUser = "ph-api-demo"
	DemoKey  = "demo-planethoster-key"
)

// Server is the fake.
type Server struct {
	// Fault injects latency, 5xx, 429 and hangs in front of every route.
	Fault *faulttest.Injector

	srv       *httptest.Server
	user, key string

	mu        sync.Mutex
	whitelist []string // nil: every IP allowed
	credit    float64
	orders    int
	domains   map[string]domain // "anopex.test" → registration
	accounts  []account
}

type domain struct{ expiry, status string }

type account struct {
	id                     int64
	domain, host, ip, stat string
	diskMB                 float64
}

// New starts a fake accepting user and key.
func New(user, key string) *Server {
	s := &Server{Fault: &faulttest.Injector{}, user: user, key: key, domains: map[string]domain{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /reseller-api/test-connection", s.auth(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"message": "Connection successful.", "successful_connection": true})
	}))
	mux.HandleFunc("GET /reseller-api/account-info", s.auth(s.accountInfo))
	mux.HandleFunc("GET /reseller-api/domain-info", s.auth(s.domainInfo))
	mux.HandleFunc("GET /world-api/get-accounts", s.auth(s.getAccounts))
	mux.HandleFunc("GET /n0c-api/stats/disk-usage", s.auth(s.diskUsage))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "Not found", "error_code": 404})
	})
	s.srv = httptest.NewServer(s.Fault.Wrap(mux))
	return s
}

// URL returns the base URL, as given to planethoster.New.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// SetWhitelist allows only the given client IPs (nil: all).
func (s *Server) SetWhitelist(ips []string) { s.mu.Lock(); s.whitelist = ips; s.mu.Unlock() }

// SetAccount sets the reseller credit and counters.
func (s *Server) SetAccount(credit float64, orders int) {
	s.mu.Lock()
	s.credit, s.orders = credit, orders
	s.mu.Unlock()
}

// AddDomain registers domain with its expiry date (YYYY-MM-DD).
func (s *Server) AddDomain(name, expiry string) {
	s.mu.Lock()
	s.domains[name] = domain{expiry: expiry, status: "Active"}
	s.mu.Unlock()
}

// AddHosting adds a World account with its disk use in MB.
func (s *Server) AddHosting(id int64, domain, host, ip string, diskMB float64) {
	s.mu.Lock()
	s.accounts = append(s.accounts, account{id: id, domain: domain, host: host, ip: ip, stat: "active", diskMB: diskMB})
	s.mu.Unlock()
}

// SeedDemo fills the account of the demo association.
func (s *Server) SeedDemo() {
	s.SetAccount(52.3, 3)
	s.AddDomain("anopex.test", "2027-03-14")
	s.AddHosting(123456, "anopex.test", "node42.n0c.example", "203.0.113.7", 5312.46)
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-API-USER") != s.user || r.Header.Get("X-API-KEY") != s.key {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "Invalid API credentials.", "error_code": 401})
			return
		}
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		s.mu.Lock()
		wl := s.whitelist
		s.mu.Unlock()
		if wl != nil && !slices.Contains(wl, host) {
			writeJSON(w, http.StatusForbidden, map[string]any{"error": "Your IP address (" + host + ") is not whitelisted.", "error_code": 403})
			return
		}
		h(w, r)
	}
}

func (s *Server) accountInfo(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"message": "Account information successfully obtained.",
		"credit_remaining": s.credit, "credit_currency": "EUR", "num_active_orders": s.orders, "num_active_domains": len(s.domains)})
}

func (s *Server) domainInfo(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("sld") == "" || q.Get("tld") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Missing parameter sld or tld."})
		return
	}
	s.mu.Lock()
	d, ok := s.domains[q.Get("sld")+"."+q.Get("tld")]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "Domain not found in your account.", "error_code": 2001})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": "Domain information successfully obtained.", "is_registration": true,
		"is_transfer": false, "registration_status": d.status, "expiry_date": d.expiry, "id_protection": false})
}

func (s *Server) getAccounts(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []map[string]any{}
	for _, a := range s.accounts {
		list = append(list, map[string]any{"id": a.id, "domain": a.domain, "hostname": a.host, "ip": a.ip, "status": a.stat})
	}
	writeJSON(w, http.StatusOK, map[string]any{"nb_active_or_suspended_accounts": len(list),
		"total_available_resources": map[string]int{"cpu": 2, "io": 4, "mem": 4}, "world_accounts": list})
}

// diskUsage reads the account id from the JSON body of the GET, else the query.
func (s *Server) diskUsage(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID int64 `json:"id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.ID == 0 {
		in.ID, _ = strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	}
	s.mu.Lock()
	i := slices.IndexFunc(s.accounts, func(a account) bool { return a.id == in.ID })
	var used float64
	if i >= 0 {
		used = s.accounts[i].diskMB
	}
	s.mu.Unlock()
	if i < 0 {
		writeJSON(w, http.StatusOK, map[string]any{"success": false, "data": nil, "errors": []string{"Account not found."}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "errors": []string{},
		"data": map[string]any{"total": used, "disk_usage": []map[string]any{{"path": "/home/anopex/mail", "size": used * 0.8}}, "db_usage": []any{}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
