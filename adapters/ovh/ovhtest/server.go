// Package ovhtest is an in-memory OVH API v1 for tests and the demo: the
// server clock (/auth/time), request signatures checked as OVH checks them,
// the consumer key's access rules, support tickets, bills, the debt account,
// payment orders and payment methods (the retired /me/paymentMean/* and
// payWithRegisteredPaymentMean routes answer OVH's 404), with OVH's error bodies and an X-Ovh-QueryID header on
// every answer. It shares no type with the client.
package ovhtest

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
)

// MaxSkew is how far a request's X-Ovh-Timestamp may be from the server
// clock before the call is refused (OVH's exact window is undocumented).
const MaxSkew = 180 * time.Second

// Rule is one access rule of the consumer key: a method and a path pattern
// where a trailing "*" matches any rest ("/me/*").
type Rule struct{ Method, Path string }

// Server is the fake. Its methods may be called while it serves.
type Server struct {
	// Fault injects latency, 5xx, 429 and hangs in front of every route.
	Fault *faulttest.Injector

	srv                 *httptest.Server
	appKey, appSecret   string
	consumerKey         string
	queryID             atomic.Int64
	signed, timeAsked   atomic.Int64
	loc                 *time.Location
	mu                  sync.Mutex
	now                 func() time.Time
	rules               []Rule // nil: everything granted
	tickets             map[int64]*ticket
	nextTicket, nextNum int64
	nextMsg             int64
	bills               map[string]*bill
	debts               map[int64]*debt
	orders              map[int64]*order
	nextOrder           int64
	methods             map[int64]*method
}

// New starts a fake OVH API that accepts the given application key, secret
// and consumer key. The API lives under URL() (which ends in /1.0).
func New(appKey, appSecret, consumerKey string) *Server {
	paris := time.FixedZone("CET", 3600)
	s := &Server{
		Fault: &faulttest.Injector{}, appKey: appKey, appSecret: appSecret, consumerKey: consumerKey,
		loc: paris, now: time.Now, tickets: map[int64]*ticket{}, nextTicket: 8123456, nextNum: 4455667, nextMsg: 9988776,
		bills: map[string]*bill{}, debts: map[int64]*debt{}, orders: map[int64]*order{}, nextOrder: 201299999, methods: map[int64]*method{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /1.0/auth/time", s.authTime)
	mux.HandleFunc("GET /1.0/auth/currentCredential", s.auth(s.currentCredential))
	s.supportRoutes(mux)
	s.meRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, http.StatusNotFound, "", "Got an invalid (or empty) URL")
	})
	s.srv = httptest.NewServer(s.Fault.Wrap(s.queryIDs(mux)))
	return s
}

// URL returns the API base URL, as given to ovh.New.
func (s *Server) URL() string { return s.srv.URL + "/1.0" }

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// SetClock replaces the server clock (default time.Now); a clock far from the
// client's tests the time delta that go-ovh computes from /auth/time.
func (s *Server) SetClock(now func() time.Time) { s.mu.Lock(); s.now = now; s.mu.Unlock() }

// SetRules restricts the consumer key to rules; nil grants everything.
func (s *Server) SetRules(rules []Rule) { s.mu.Lock(); s.rules = rules; s.mu.Unlock() }

// Signed returns how many requests passed the signature check.
func (s *Server) Signed() int64 { return s.signed.Load() }

// TimeAsked returns how many times /auth/time was called.
func (s *Server) TimeAsked() int64 { return s.timeAsked.Load() }

func (s *Server) clock() time.Time { s.mu.Lock(); defer s.mu.Unlock(); return s.now() }

// queryIDs sets X-Ovh-QueryID on every answer, as OVH does.
func (s *Server) queryIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Ovh-QueryID", fmt.Sprintf("EU.ext-3.6%07d.%d.fake", s.queryID.Add(1), time.Now().UnixNano()%100000))
		next.ServeHTTP(w, r)
	})
}

// authTime answers the server's Unix time as a bare JSON integer.
func (s *Server) authTime(w http.ResponseWriter, _ *http.Request) {
	s.timeAsked.Add(1)
	writeJSON(w, http.StatusOK, s.clock().Unix())
}

// auth checks the application key, the consumer key, the timestamp and the
// signature exactly as reference §2 computes it, then the access rules.
func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(r)
		if err != nil {
			s.fail(w, http.StatusBadRequest, "", "Invalid body")
			return
		}
		switch {
		case r.Header.Get("X-Ovh-Application") == "":
			s.fail(w, http.StatusForbidden, "NOT_CREDENTIAL", "You must login first")
			return
		case r.Header.Get("X-Ovh-Application") != s.appKey:
			s.fail(w, http.StatusForbidden, "INVALID_KEY", "This application key is invalid")
			return
		case r.Header.Get("X-Ovh-Consumer") != s.consumerKey:
			s.fail(w, http.StatusForbidden, "INVALID_CREDENTIAL", "This credential does not exist")
			return
		}
		ts, err := strconv.ParseInt(r.Header.Get("X-Ovh-Timestamp"), 10, 64)
		if err != nil {
			s.fail(w, http.StatusBadRequest, "INVALID_SIGNATURE", "Invalid signature")
			return
		}
		if d := time.Unix(ts, 0).Sub(s.clock()); d > MaxSkew || d < -MaxSkew {
			s.fail(w, http.StatusBadRequest, "QUERY_TIME_OUT", "Query out of time")
			return
		}
		if r.Header.Get("X-Ovh-Signature") != Signature(s.appSecret, s.consumerKey, r.Method, fullURL(r), string(body), ts) {
			s.fail(w, http.StatusBadRequest, "INVALID_SIGNATURE", "Invalid signature")
			return
		}
		s.signed.Add(1)
		if !s.granted(r.Method, strings.TrimPrefix(r.URL.Path, "/1.0")) {
			s.fail(w, http.StatusForbidden, "NOT_GRANTED_CALL", "This call has not been granted")
			return
		}
		h(w, r)
	}
}

// Signature computes X-Ovh-Signature: "$1$" + hex(SHA1(AS+CK+METHOD+URL+BODY+TS joined by "+")).
func Signature(appSecret, consumerKey, method, url, body string, ts int64) string {
	sum := sha1.Sum([]byte(appSecret + "+" + consumerKey + "+" + method + "+" + url + "+" + body + "+" + strconv.FormatInt(ts, 10)))
	return "$1$" + hex.EncodeToString(sum[:])
}

// fullURL is the URL as the client sent it: scheme, host, path and query.
func fullURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.RequestURI
}

func (s *Server) granted(method, p string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rules == nil {
		return true
	}
	for _, rule := range s.rules {
		if rule.Method != method {
			continue
		}
		if prefix, ok := strings.CutSuffix(rule.Path, "*"); ok && strings.HasPrefix(p, prefix) || rule.Path == p {
			return true
		}
		if ok, _ := path.Match(rule.Path, p); ok {
			return true
		}
	}
	return false
}

func (s *Server) currentCredential(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	rules := []map[string]string{}
	for _, r := range s.rules {
		rules = append(rules, map[string]string{"method": r.Method, "path": r.Path})
	}
	if s.rules == nil {
		for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
			rules = append(rules, map[string]string{"method": m, "path": "/*"})
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"credentialId": 123456789, "applicationId": 4242, "status": "validated",
		"rules": rules, "creation": s.date(s.clock().AddDate(0, -6, 0)), "expiration": nil, "lastUse": s.date(s.clock()), "allowedIPs": nil})
}

// date renders t as OVH does: ISO-8601 with the Paris offset.
func (s *Server) date(t time.Time) string { return t.In(s.loc).Format("2006-01-02T15:04:05-07:00") }

// readBody reads the request body (1 MiB at most) and leaves a fresh copy
// for the handler.
func readBody(r *http.Request) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
	if err != nil || len(raw) > 1<<20 {
		return nil, fmt.Errorf("body unreadable or too large")
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	return raw, nil
}

// fail writes OVH's error body. Errors with a code carry errorCode and
// httpCode; the others carry class and message (the 404 form).
func (s *Server) fail(w http.ResponseWriter, status int, code, msg string) {
	if code == "" {
		cls := "Client::BadRequest"
		switch status {
		case http.StatusNotFound:
			cls = "Client::NotFound"
		case http.StatusConflict:
			cls = "Client::Conflict"
		case http.StatusForbidden:
			cls = "Client::Forbidden"
		}
		writeJSON(w, status, map[string]string{"class": cls, "message": msg})
		return
	}
	writeJSON(w, status, map[string]string{"errorCode": code, "httpCode": fmt.Sprintf("%d %s", status, http.StatusText(status)), "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decode reads the JSON body into v, refusing what OVH refuses: a body that
// is not a JSON object of the expected shape.
func decode(r *http.Request, v any) error {
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	return d.Decode(v)
}
