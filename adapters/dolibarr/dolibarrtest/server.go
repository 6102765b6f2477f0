// Package dolibarrtest is an in-memory fake Dolibarr speaking the REST API
// of reference/providers/dolibarr.md under /api/index.php: members
// (/members, /members/{id}), users and groups (/users, /users/login/{login},
// /users/{id}/groups, /users/{id}/setGroup/{group}, /users/groups…), with
// the DOLAPIKEY header (or Bearer, or the query parameter), per-key rights,
// Restler error bodies, numbers as strings, dates as Unix seconds,
// sqlfilters, properties, pagination_data and both ends of a list: 200 []
// (v19+, the default) or 404 "Not Found: No … found" (SetLegacy).
//
// It holds 100,000 members in a few tens of megabytes and renders pages by
// hand, so benchmarks at that size are cheap. It shares no type with the
// client. Every request goes through Fault, which counts them.
package dolibarrtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
)

// Prefix is the API path under the server's root.
const Prefix = "/api/index.php"

// Rights a key may hold (Dolibarr's permission names).
const (
	RightMembersRead = "adherent/lire"
	RightUsersRead   = "user/user/lire"
	RightUsersWrite  = "user/user/creer"
	// RightUsersPassword lets a key's user set other users' passwords.
	RightUsersPassword = "user/user/password"
	// RightSelfWrite lets a key's user edit its own account (and read it
	// through /users/info).
	RightSelfWrite = "user/self/creer"
)

// Server is a fake Dolibarr. Its methods are safe for concurrent use.
type Server struct {
	// Fault injects latency and failures in front of every route and counts requests.
	Fault *faulttest.Injector

	srv *httptest.Server

	mu          sync.RWMutex
	keys        map[string]*apiKey
	legacy      bool
	staffPaged  bool // pagination_data on /users and /users/groups
	badKeyDelay time.Duration
	now         func() time.Time
	members     []member // in id order; id = index+1
	types       map[int]memberType
	users       []*user // in id order; id = index+1
	groups      []*group
	version     string
}

type apiKey struct {
	login  string
	admin  bool
	rights map[string]bool
}

// New starts a fake Dolibarr on loopback whose administrator's API key is
// key, with two member types (TypeActive, which needs a subscription, and
// TypeHonorary, which does not), no member, and one user: the API user
// "admin". Close it with Close.
func New(key string) *Server {
	s := &Server{
		Fault:   &faulttest.Injector{},
		keys:    map[string]*apiKey{},
		now:     time.Now,
		version: "18.0.4",
		types: map[int]memberType{
			TypeActive:   {label: "Membre actif", subscription: true},
			TypeHonorary: {label: "Membre d'honneur", subscription: false},
		},
	}
	s.users = append(s.users, &user{id: 1, login: "admin", last: "SuperAdmin", admin: true, statut: 1})
	s.keys[key] = &apiKey{login: "admin", admin: true}
	mux := http.NewServeMux()
	s.routes(mux)
	s.srv = httptest.NewServer(s.Fault.Wrap(mux))
	return s
}

// URL returns the API base URL to give the client (…/api/index.php).
func (s *Server) URL() string { return s.srv.URL + Prefix }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// SetLegacy makes the server behave like Dolibarr v14–v18: an empty list
// (empty table, no match, page past the end) answers 404 "Not Found: No …
// found", and pagination_data is ignored (lists are bare arrays).
func (s *Server) SetLegacy(on bool) { s.mu.Lock(); s.legacy = on; s.mu.Unlock() }

// SetStaffPagination makes /users and /users/groups honour pagination_data
// as /members does. Off by default: develop's api_users.class.php has no
// such parameter there.
func (s *Server) SetStaffPagination(on bool) { s.mu.Lock(); s.staffPaged = on; s.mu.Unlock() }

// SetBadKeyDelay sets how long a request with an unknown key waits before
// its 401 (Dolibarr sleeps about a second; the default here is none).
func (s *Server) SetBadKeyDelay(d time.Duration) { s.mu.Lock(); s.badKeyDelay = d; s.mu.Unlock() }

// SetClock sets the clock used for creation and modification dates and by Generate.
func (s *Server) SetClock(now func() time.Time) { s.mu.Lock(); s.now = now; s.mu.Unlock() }

// SetVersion sets the version GET /status gives (default 18.0.4).
func (s *Server) SetVersion(v string) { s.mu.Lock(); s.version = v; s.mu.Unlock() }

// status serves GET /status as api_status.class.php does: any valid key.
func (s *Server) status(w http.ResponseWriter, r *http.Request, _ *apiKey) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	writeJSON(w, http.StatusOK, map[string]any{"success": map[string]any{"code": 200, "dolibarr_version": s.version, "access_locked": "0"}})
}

// AddKey adds an API key acting as a new non-admin user login holding
// rights (RightMembersRead…); admin keys hold every right.
func (s *Server) AddKey(key, login string, admin bool, rights ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := &apiKey{login: login, admin: admin, rights: map[string]bool{}}
	for _, r := range rights {
		k.rights[r] = true
	}
	s.keys[key] = k
}

func (k *apiKey) can(right string) bool { return k.admin || k.rights[right] }

// routes registers the API. Unknown routes answer Restler's 404.
func (s *Server) routes(mux *http.ServeMux) {
	h := func(pattern string, f func(http.ResponseWriter, *http.Request, *apiKey)) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+Prefix+path, func(w http.ResponseWriter, r *http.Request) {
			k, ok := s.auth(w, r)
			if ok {
				f(w, r, k)
			}
		})
	}
	h("GET /status", s.status)
	h("GET /members", s.listMembers)
	h("GET /members/{id}", s.getMember)
	h("GET /users", s.listUsers)
	h("GET /users/info", s.userInfo)
	h("GET /users/groups", s.listGroups)
	h("GET /users/{id}", s.getUser)
	h("GET /users/{a}/{b}", s.userPair) // login/{login}, email/{email}, groups/{id}, {id}/groups
	h("GET /users/{id}/setGroup/{group}", s.setGroup)
	h("POST /users", s.createUser)
	h("PUT /users/{id}", s.updateUser)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.auth(w, r); ok {
			fail(w, http.StatusNotFound, "")
		}
	})
}

// auth finds the key the way Dolibarr's api_access does: the DOLAPIKEY
// header, else Authorization: Bearer, else the DOLAPIKEY or api_key query
// parameter.
func (s *Server) auth(w http.ResponseWriter, r *http.Request) (*apiKey, bool) {
	key := r.Header.Get("DOLAPIKEY")
	if key == "" {
		if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			key = strings.TrimSpace(b)
		}
	}
	if key == "" {
		key = r.URL.Query().Get("DOLAPIKEY")
	}
	if key == "" {
		key = r.URL.Query().Get("api_key")
	}
	if key == "" {
		fail(w, http.StatusUnauthorized, "Failed to login to API. Neither parameter 'HTTP_DOLAPIKEY' nor 'Authentication: Bearer' found on HTTP header (and no parameter DOLAPIKEY in URL).")
		return nil, false
	}
	if strings.HasPrefix(key, "dolcrypt:") {
		fail(w, http.StatusServiceUnavailable, "Bad value for the API key. An API key should not start with dolcrypt:")
		return nil, false
	}
	s.mu.RLock()
	k, ok := s.keys[key]
	delay := s.badKeyDelay
	s.mu.RUnlock()
	if !ok {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return nil, false
			}
		}
		fail(w, http.StatusUnauthorized, "Error user not valid (not found with api key or bad status or bad validity dates) (conf->entity=1)")
		return nil, false
	}
	return k, true
}

// fail writes a Restler error: {"error":{"code":N,"message":"Reason: msg"}}
// with the debug block Dolibarr adds.
func fail(w http.ResponseWriter, status int, msg string) {
	m := http.StatusText(status)
	if msg != "" {
		m += ": " + msg
	}
	body := map[string]any{
		"error": map[string]any{"code": status, "message": m},
		"debug": map[string]any{
			"source": "api.class.php:0 at call stage",
			"stages": map[string]any{"success": []string{"get", "route", "negotiate", "authenticate", "validate"}, "failure": []string{"call", "message"}},
		},
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// listParams are the common list parameters (reference §4).
type listParams struct {
	sortfield, sortorder string
	limit, page          int
	filter               filter
	props                map[string]bool
	paginationData       bool
}

// parseList reads the list parameters, answering Restler's 400 on a bad one.
func parseList(w http.ResponseWriter, r *http.Request) (listParams, bool) {
	q := r.URL.Query()
	p := listParams{sortfield: "t.rowid", sortorder: "ASC", limit: 100}
	for _, name := range []string{"limit", "page"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fail(w, http.StatusBadRequest, fmt.Sprintf("Invalid value specified for `%s`. Expecting integer value", name))
			return p, false
		}
		if name == "limit" {
			p.limit = n
		} else {
			p.page = n
		}
	}
	if v := q.Get("sortfield"); v != "" {
		p.sortfield = v
	}
	if v := strings.ToUpper(q.Get("sortorder")); v != "" {
		if v != "ASC" && v != "DESC" {
			fail(w, http.StatusBadRequest, "Error when validating parameter sortorder")
			return p, false
		}
		p.sortorder = v
	}
	if v := q.Get("sqlfilters"); v != "" {
		f, err := parseFilter(v)
		if err != nil {
			fail(w, http.StatusBadRequest, "Error when validating parameter sqlfilters -> "+v)
			return p, false
		}
		p.filter = f
	}
	if v := q.Get("properties"); v != "" {
		p.props = map[string]bool{}
		for _, f := range strings.Split(v, ",") {
			p.props[strings.TrimSpace(f)] = true
		}
	}
	p.paginationData = q.Get("pagination_data") == "true" || q.Get("pagination_data") == "1"
	return p, true
}

// window returns the [lo, hi) slice bounds of page p of n items.
func (p listParams) window(n int) (int, int) {
	if p.limit == 0 {
		return 0, n
	}
	lo := min(p.limit*p.page, n)
	return lo, min(lo+p.limit, n)
}

// writeList writes a list page: items (already rendered, comma-joined) as a
// bare array, or inside {"data":…,"pagination":…} with pagination_data on
// v20+ (members only, unless SetStaffPagination); an empty page is 404 "No <what> found" in legacy mode.
func (s *Server) writeList(w http.ResponseWriter, p listParams, total int, items []byte, count int, what string) {
	s.mu.RLock()
	legacy, paged := s.legacy, what == "member" || s.staffPaged
	s.mu.RUnlock()
	if count == 0 && legacy {
		fail(w, http.StatusNotFound, "No "+what+" found")
		return
	}
	// The items are written as they are, between a prefix and a suffix:
	// no copy of a page that may weigh a megabyte.
	head, tail := []byte("["), []byte("]")
	if p.paginationData && paged && !legacy {
		pageCount := 1
		if p.limit > 0 {
			pageCount = (total + p.limit - 1) / p.limit
		}
		head = []byte(`{"data":[`)
		tail = fmt.Appendf(nil, `],"pagination":{"total":%d,"page":%d,"page_count":%d,"limit":%d}}`, total, p.page, pageCount, p.limit)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(items)+len(tail)))
	w.WriteHeader(http.StatusOK)
	w.Write(head)
	w.Write(items)
	w.Write(tail)
}

// Requests returns how many requests reached the server (Fault.Requests).
func (s *Server) Requests() int64 { return s.Fault.Requests() }
