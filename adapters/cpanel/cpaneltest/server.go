// Package cpaneltest is an in-memory cPanel UAPI server for tests, benchmarks
// and the demo. It speaks /execute/MODULE/FUNCTION as the reference describes
// it (see the cpanel package's doc for the sources): the "Authorization: cpanel
// USER:TOKEN" header, a 401 with an HTML body for bad credentials, the flat
// envelope with HTTP 200 and status 0 on functional failures, cPanel's error
// strings with their typographic quotes, query parameters on GET and
// form-encoded bodies on POST, and the api.paginate output variables. It holds
// mailboxes with their quota and usage, forwarders and the account's disk
// quota, and shares no type with the client.
//
// Functions: Email::list_pops, list_pops_with_disk, add_pop, passwd_pop,
// delete_pop, edit_pop_quota, suspend_login, unsuspend_login,
// list_forwarders, add_forwarder, delete_forwarder; Quota::get_quota_info;
// PasswdStrength::get_required_strength; BlockIP, SSL (certificates and
// AutoSSL), DNS and API 2's DenyIp and DiskUsage (host.go, files.go). Disable
// and SetMaxQuota give the
// refusals of a host's configuration with cPanel's own texts.
package cpaneltest

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
)

// Server is the fake. Its methods may be called while it serves.
type Server struct {
	// Fault injects latency, 5xx, 429 and hangs in front of every function.
	Fault *faulttest.Injector

	srv         *httptest.Server
	user, token string

	mu       sync.Mutex
	domains  []string // the first is the account's main domain
	boxes    map[string]*box
	fwds     []forwarder       // in the order they were added
	strength int               // required password strength
	limitMB  float64           // account disk limit, 0: unlimited
	otherMB  float64           // account disk used outside mailboxes (web, databases)
	host     hostState         // IP blocker, certificates, DNS zones (host.go)
	maxMB    int               // maximum quota per mailbox (MAX_EMAILACCT_QUOTA), 0: none
	disabled map[string]string // function → the error cPanel gives when it is off
}

type box struct {
	quotaMB           int // 0: unlimited
	usedMB            float64
	password          string
	suspendedLogin    bool
	suspendedIncoming bool
}

type forwarder struct{ dest, forward string }

// mtime is the modification time shown for every mailbox (2025-11-28 08:00 UTC),
// fixed so that answers are reproducible.
const mtime = 1764316800

// RequiredStrength is the default password strength the fake requires, the
// value of the reference's example message.
const RequiredStrength = 65

// New starts a fake cPanel account named user that accepts token. It has no
// domain until a mailbox is added (or SeedDemo is called).
func New(user, token string) *Server {
	s := &Server{
		Fault: &faulttest.Injector{}, user: user, token: token,
		boxes: map[string]*box{}, strength: RequiredStrength,
	}
	mux := http.NewServeMux()
	s.mailRoutes(mux)
	s.hostRoutes(mux)
	s.route(mux, "Quota/get_quota_info", s.quotaInfo)
	s.route(mux, "PasswdStrength/get_required_strength", s.requiredStrength)
	mux.HandleFunc("/execute/{module}/{function}", s.unknownFunction)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n")
	})
	s.srv = httptest.NewServer(s.Fault.Wrap(mux))
	return s
}

// Disable turns function fn ("Email/add_pop") off as the host can: with a
// feature name, the account's package lacks that feature (cPanel's
// Cpanel::Exception::FeatureNotEnabled); without, a server role is disabled
// (Cpanel::Exception::System::RequiredRoleDisabled, as a non-root caller
// reads it).
func (s *Server) Disable(fn, feature string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := "This server does not support this functionality."
	if feature != "" {
		msg = "You do not have the feature “" + feature + "”."
	}
	if s.disabled == nil {
		s.disabled = map[string]string{}
	}
	s.disabled[fn] = msg
}

// SetMaxQuota sets the account's maximum quota per mailbox in MB (0: none):
// add_pop and edit_pop_quota then refuse a larger or unlimited quota.
func (s *Server) SetMaxQuota(mb int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxMB = mb
}

// URL returns the base URL to give cpanel.New (the /execute paths hang below it).
func (s *Server) URL() string { return s.srv.URL }

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// uapiError is a functional failure: HTTP 200, status 0, the text in errors.
type uapiError string

func (e uapiError) Error() string { return string(e) }

func errorf(format string, args ...any) error { return uapiError(fmt.Sprintf(format, args...)) }

// missing is cPanel's message for an absent required parameter.
func missing(name string) error { return errorf("Provide the “%s” parameter.", name) }

// reply lets a function set messages beside its data (add_pop answers [""]).
type reply struct {
	data     any
	messages []string
}

// function implements one UAPI function on the parsed parameters; it runs
// with s.mu held.
type function func(q url.Values) (any, error)

// route serves fn ("Module/function") on GET (query string) and POST (form
// body and query string), behind the token check.
func (s *Server) route(mux *http.ServeMux, fn string, f function) {
	h := func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			denied(w)
			return
		}
		if err := r.ParseForm(); err != nil {
			writeEnvelope(w, envelope{Status: 0, Errors: []string{"The request body could not be parsed."}, Metadata: map[string]any{}})
			return
		}
		s.mu.Lock()
		data, err := any(nil), error(uapiError(s.disabled[fn]))
		if _, off := s.disabled[fn]; !off { // a disabled function changes nothing
			data, err = f(r.Form)
		}
		s.mu.Unlock()
		if err != nil {
			writeEnvelope(w, envelope{Status: 0, Errors: []string{err.Error()}, Metadata: map[string]any{}})
			return
		}
		env := envelope{Status: 1, Data: data, Metadata: map[string]any{"transformed": 1}}
		if rp, ok := data.(reply); ok {
			env.Data, env.Messages = rp.data, rp.messages
		}
		paginate(&env, r.Form)
		writeEnvelope(w, env)
	}
	mux.HandleFunc("GET /execute/"+fn, h)
	mux.HandleFunc("POST /execute/"+fn, h)
}

// authorized checks "Authorization: cpanel USER:TOKEN".
func (s *Server) authorized(r *http.Request) bool {
	scheme, creds, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "cpanel") {
		return false
	}
	want := s.user + ":" + s.token
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(creds)), []byte(want)) == 1
}

// denied answers a refused login: not JSON (reference §2: the status is
// believed 401 and the body HTML/text).
func denied(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>cPanel Login</title></head><body><h1>Access denied</h1><p>The login is invalid.</p></body></html>\n")
}

func (s *Server) unknownFunction(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		denied(w)
		return
	}
	// cPanel's exact wording for a missing function is not in the reference.
	writeEnvelope(w, envelope{Status: 0, Metadata: map[string]any{},
		Errors: []string{fmt.Sprintf("Could not find function “%s” in module “%s”.", r.PathValue("function"), r.PathValue("module"))}})
}

// envelope is the flat /execute answer (reference §2).
type envelope struct {
	Status   int            `json:"status"`
	Data     any            `json:"data"`
	Errors   []string       `json:"errors"`
	Warnings []string       `json:"warnings"`
	Messages []string       `json:"messages"`
	Metadata map[string]any `json:"metadata"`
}

func writeEnvelope(w http.ResponseWriter, env envelope) {
	b, err := json.Marshal(env)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// paginate applies api.paginate, api.paginate_size, api.paginate_start and
// api.paginate_page (reference §3) to a list answer.
func paginate(env *envelope, q url.Values) {
	rows, ok := env.Data.([]map[string]any)
	if !ok || q.Get("api.paginate") != "1" {
		return
	}
	size, err := strconv.Atoi(q.Get("api.paginate_size"))
	if err != nil || size <= 0 {
		size = 10
	}
	start, err := strconv.Atoi(q.Get("api.paginate_start"))
	if err != nil || start <= 0 {
		page, err := strconv.Atoi(q.Get("api.paginate_page"))
		if err != nil || page <= 0 {
			page = 1
		}
		start = (page-1)*size + 1
	}
	total := len(rows)
	lo, hi := min(start-1, total), min(start-1+size, total)
	env.Data = rows[lo:hi]
	env.Metadata["paginate"] = map[string]any{
		"total_pages": (total + size - 1) / size, "total_results": total,
		"current_page": (start-1)/size + 1, "results_per_page": size, "start_result": strconv.Itoa(start),
	}
}

// quotaInfo is Quota::get_quota_info (reference §4.15).
func (s *Server) quotaInfo(url.Values) (any, error) {
	used := s.otherMB
	for _, b := range s.boxes {
		used += b.usedMB
	}
	under, remain := 1, 0.0
	if s.limitMB > 0 {
		remain = math.Max(s.limitMB-used, 0)
		if used >= s.limitMB {
			under = 0
		}
	}
	inodes := 3000 + 150*len(s.boxes)
	return map[string]any{
		"megabytes_used": round2(used), "megabyte_limit": round2(s.limitMB), "megabytes_remain": round2(remain),
		"inodes_used": inodes, "inode_limit": 0, "inodes_remain": 0,
		"under_megabyte_limit": under, "under_inode_limit": 1, "under_quota_overall": under,
	}, nil
}

// requiredStrength is PasswdStrength::get_required_strength.
func (s *Server) requiredStrength(q url.Values) (any, error) {
	if q.Get("app") == "" {
		return nil, missing("app")
	}
	return map[string]any{"strength": s.strength}, nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
