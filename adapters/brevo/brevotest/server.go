// Package brevotest is an in-memory fake Brevo speaking the API v3 of
// reference/providers/brevo.md under /v3: contacts (list with offset, limit,
// sort, listIds, modifiedSince; get by address or id; create or upsert;
// update; delete), lists (list, get, list's contacts, add and remove by
// batches of 150), with the api-key header, {code, message} error bodies, the
// per-endpoint page maxima, and the three x-sib-ratelimit-* headers on every
// answer from a fixed-window bucket that answers 429 when exhausted.
//
// It holds 100,000 contacts in a few tens of megabytes and renders pages by
// hand. It shares no type with the client. Requests counts every request;
// Fault injects latency and failures behind the bucket.
package brevotest

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
)

// Server is a fake Brevo. Its methods are safe for concurrent use.
type Server struct {
	// Fault injects latency and failures in front of every route (behind
	// the rate-limit bucket).
	Fault *faulttest.Injector

	srv      *httptest.Server
	requests atomic.Int64

	mu        sync.RWMutex
	key       string
	now       func() time.Time
	firstAttr string
	lastAttr  string
	contacts  []contact // index = id-1; deleted ones stay as tombstones
	order     []int32   // live contacts, creation order
	byEmail   map[string]int32
	lists     []*list // index = id-1
	unsubOn   bool

	bucketMu    sync.Mutex
	limit       int
	window      time.Duration
	windowStart time.Time
	used        int
}

// New starts a fake Brevo on loopback accepting the API key key, with no
// contact and no list, name attributes PRENOM and NOM, and a rate-limit
// bucket of 36,000 requests an hour (Brevo's general tier on contacts).
func New(key string) *Server {
	s := &Server{
		Fault:     &faulttest.Injector{},
		key:       key,
		now:       time.Now,
		firstAttr: "PRENOM",
		lastAttr:  "NOM",
		byEmail:   map[string]int32{},
		limit:     36000,
		window:    time.Hour,
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.srv = httptest.NewServer(s.front(s.Fault.Wrap(mux)))
	return s
}

// URL returns the API base URL to give the client (…/v3).
func (s *Server) URL() string { return s.srv.URL + "/v3" }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Requests returns how many requests reached the server, 429s of the
// bucket included.
func (s *Server) Requests() int64 { return s.requests.Load() }

// SetClock sets the clock of the bucket and of creation and modification dates.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
	s.bucketMu.Lock()
	s.windowStart = time.Time{}
	s.bucketMu.Unlock()
}

// SetRateLimit sets the bucket: limit requests per window, the window
// starting at the first request after the previous one ended.
func (s *Server) SetRateLimit(limit int, window time.Duration) {
	s.bucketMu.Lock()
	s.limit, s.window, s.windowStart, s.used = limit, window, time.Time{}, 0
	s.bucketMu.Unlock()
}

// SetNameAttributes names the account's first- and last-name attributes
// (PRENOM and NOM by default; English accounts have FIRSTNAME and LASTNAME).
func (s *Server) SetNameAttributes(first, last string) {
	s.mu.Lock()
	s.firstAttr, s.lastAttr = first, last
	s.mu.Unlock()
}

// SetListUnsubscription turns on per-list unsubscription: contacts then
// carry listUnsubscribed.
func (s *Server) SetListUnsubscription(on bool) { s.mu.Lock(); s.unsubOn = on; s.mu.Unlock() }

// front counts requests, applies the bucket and sets the three rate-limit
// headers on every answer, then checks the api-key header.
func (s *Server) front(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.RLock()
		now := s.now()
		s.mu.RUnlock()
		limit, remaining, reset, ok := s.take(now)
		h := w.Header()
		h.Set("x-sib-ratelimit-limit", strconv.Itoa(limit))
		h.Set("x-sib-ratelimit-remaining", strconv.Itoa(remaining))
		h.Set("x-sib-ratelimit-reset", reset)
		if !ok {
			fail(w, http.StatusTooManyRequests, "too_many_requests", "The expected rate limit is exceeded.")
			return
		}
		if r.Header.Get("api-key") != s.key || s.key == "" {
			fail(w, http.StatusUnauthorized, "unauthorized", "Key not found")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// take spends one request of the bucket. reset is the time left in the
// window in seconds: whole seconds rounded up, or with decimals under one
// second so that tests with short windows wait short.
func (s *Server) take(now time.Time) (limit, remaining int, reset string, ok bool) {
	s.bucketMu.Lock()
	defer s.bucketMu.Unlock()
	if s.windowStart.IsZero() || !now.Before(s.windowStart.Add(s.window)) {
		s.windowStart, s.used = now, 0
	}
	left := s.windowStart.Add(s.window).Sub(now)
	if left >= time.Second {
		reset = strconv.Itoa(int(math.Ceil(left.Seconds())))
	} else {
		reset = strconv.FormatFloat(left.Seconds(), 'f', 3, 64)
	}
	if s.used >= s.limit {
		return s.limit, 0, reset, false
	}
	s.used++
	return s.limit, s.limit - s.used, reset, true
}

// fail writes Brevo's error body {"code":…,"message":…}.
func fail(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"code": code, "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v3/contacts", s.listContacts)
	mux.HandleFunc("POST /v3/contacts", s.createContact)
	mux.HandleFunc("GET /v3/contacts/{identifier}", s.getContact)
	mux.HandleFunc("PUT /v3/contacts/{identifier}", s.updateContact)
	mux.HandleFunc("DELETE /v3/contacts/{identifier}", s.deleteContact)
	mux.HandleFunc("GET /v3/contacts/lists", s.listLists)
	mux.HandleFunc("GET /v3/contacts/lists/{id}", s.getList)
	mux.HandleFunc("GET /v3/contacts/lists/{id}/contacts", s.listListContacts)
	mux.HandleFunc("POST /v3/contacts/lists/{id}/contacts/add", s.addToList)
	mux.HandleFunc("POST /v3/contacts/lists/{id}/contacts/remove", s.removeFromList)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusNotFound, "document_not_found", "Invalid route")
	})
}

// page reads limit (default def, at most max), offset and sort (default
// desc); false after a 400.
func page(w http.ResponseWriter, r *http.Request, def, maxLimit int) (limit, offset int, asc, ok bool) {
	q := r.URL.Query()
	limit = def
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fail(w, http.StatusBadRequest, "invalid_parameter", "limit should be an integer")
			return 0, 0, false, false
		}
		if n > maxLimit {
			fail(w, http.StatusBadRequest, "out_of_range", "Limit exceeds max value of "+strconv.Itoa(maxLimit))
			return 0, 0, false, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fail(w, http.StatusBadRequest, "invalid_parameter", "offset should be an integer")
			return 0, 0, false, false
		}
		offset = n
	}
	switch q.Get("sort") {
	case "asc":
		asc = true
	case "", "desc":
	default:
		fail(w, http.StatusBadRequest, "invalid_parameter", "sort should be asc or desc")
		return 0, 0, false, false
	}
	return limit, offset, asc, true
}
