// Package wordpresstest is an in-memory fake WordPress speaking the users
// part of the REST API as WordPress 6.1 does (the sources are in the
// wordpress package's doc; the real answers recorded in
// ../testdata/recorded/, which this fake reproduces, and the real site of
// real_test.go decide where they differ):
//
//   - routes under /wp-json/ and the same through /?rest_route=;
//   - HTTP Basic authentication with application passwords (spaces and other
//     separators ignored); a wrong password, an unknown login or an account's
//     login password makes the request anonymous, as WordPress does, so the
//     answer is the anonymous one (401 rest_forbidden_context, 401
//     rest_not_logged_in, 401 rest_cannot_edit_roles…);
//   - GET /wp/v2/users with context, page, per_page (1–100), offset, search
//     (sanitize_text_field, then WP_User_Query's columns: e-mail only when
//     the term holds '@'), roles,
//     include, exclude, slug, who, orderby, order and _fields; X-WP-Total,
//     X-WP-TotalPages and the Link header (prev/next, replacing the api.w.org
//     link); 200 [] past the last page; callers without list_users see only
//     users with published posts;
//   - GET, POST/PUT/PATCH (roles replace the role set) and DELETE
//     (reassign required, force=true) on /wp/v2/users/{id} and /users/me;
//     POST /wp/v2/users (201 + Location, 500 existing_user_login/email);
//     POST /wp/v2/users/{id}/application-passwords;
//   - the lost-password form, wp-login.php?action=lostpassword (login.go),
//     with a site that cannot send mail (SetMailBroken);
//   - the error bodies {"code","message","data":{"status"}}, the Allow header
//     computed from the caller's permissions, the no-cache headers for a
//     logged-in caller and Vary: Origin for an anonymous GET.
//
// It holds 100,000 users in a few tens of megabytes, renders JSON by hand as
// PHP's json_encode does (escaped slashes, \u escapes) and caches the sorted
// result of a query until the next change, so that a full read at 100 per
// page costs little per request. It shares no type with the client.
package wordpresstest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
)

// Server is a fake WordPress site. Its methods are safe for concurrent use.
type Server struct {
	// Fault injects latency and failures in front of every request.
	Fault *faulttest.Injector

	srv      *httptest.Server
	requests atomic.Int64

	mu          sync.RWMutex
	now         func() time.Time
	roles       map[string]*role
	roleOrder   []string
	users       map[int]*user
	byLogin     map[string]*user // folded login
	byEmail     map[string]*user // lower-case e-mail
	byNice      map[string]*user // nicename (the author slug)
	nextID      int
	version     uint64 // bumped by every change; query caches are keyed by it
	stripAuth   bool
	plugins     []Plugin
	coreVersion string
	mailBroken  bool   // wp_mail fails (SetMailBroken)
	mails       []Mail // the password-reset mails sent

	eps []endpoint // the REST routes, built once

	cacheMu    sync.Mutex
	cache      map[string]cached
	idList     []int // user IDs in order, valid for idsVersion
	idsVersion uint64
}

type cached struct {
	version uint64
	users   []*user
}

// New starts a fake WordPress on loopback whose administrator (ID 1, e-mail
// admin@example.test, one published post, as wp_install leaves it) is admin
// with the application password appPassword (given in WordPress's
// "abcd efgh …" form or without spaces).
func New(admin, appPassword string) *Server {
	s := &Server{
		Fault:       &faulttest.Injector{},
		now:         time.Now,
		users:       map[int]*user{},
		byLogin:     map[string]*user{},
		byEmail:     map[string]*user{},
		byNice:      map[string]*user{},
		nextID:      1,
		cache:       map[string]cached{},
		coreVersion: "6.1.9",
	}
	s.roles = map[string]*role{}
	for _, r := range coreRoles {
		s.addRole(r.slug, r.name, r.caps)
	}
	a := s.insert(User{Login: admin, Email: admin + "@example.test", Name: admin, Roles: []string{"administrator"}, Posts: 1})
	a.siteURL = true // wp_install sets the installer's website to the site
	if appPassword != "" {
		s.addAppPassword(a, "opsbot", appPassword)
	}
	s.eps = s.endpoints()
	s.srv = httptest.NewServer(s.count(s.Fault.Wrap(http.HandlerFunc(s.serve))))
	return s
}

// URL returns the site's address (http://127.0.0.1:port), the base URL to give
// the client; the API is under /wp-json/ and through /?rest_route=.
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Requests returns how many requests reached the server, failed or not.
func (s *Server) Requests() int64 { return s.requests.Load() }

// SetClock sets the clock of registration and application-password dates.
func (s *Server) SetClock(now func() time.Time) { s.mu.Lock(); s.now = now; s.mu.Unlock() }

// SetAuthorizationStripped makes every request anonymous, as a site whose
// web server drops the Authorization header (reference §9.6): a right
// password then gets the same 401 as a wrong one.
func (s *Server) SetAuthorizationStripped(on bool) { s.mu.Lock(); s.stripAuth = on; s.mu.Unlock() }

func (s *Server) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		next.ServeHTTP(w, r)
	})
}

// serve finds the REST route (pretty /wp-json/… or /?rest_route=…), the
// caller, and answers; any other path is the theme's HTML 404 page.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	q := parseQuery(r.URL.RawQuery)
	var route string
	switch {
	case r.URL.Path == "/wp-json" || strings.HasPrefix(r.URL.Path, "/wp-json/"):
		route = strings.TrimPrefix(r.URL.Path, "/wp-json")
	case (r.URL.Path == "/" || r.URL.Path == "/index.php") && q.has("rest_route"):
		route = q.get("rest_route")
	case r.URL.Path == "/" && q.get("feed") == "rss2":
		s.feed(w)
		return
	case r.URL.Path == "/wp-login.php" && (q.get("action") == "lostpassword" || q.get("action") == "retrievepassword"):
		s.lostPassword(w, r)
		return
	default:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("<!DOCTYPE html>\n<html><head><title>Page not found</title></head><body><h1>Oops! That page can&rsquo;t be found.</h1></body></html>\n"))
		return
	}
	if route != "/" {
		route = strings.TrimRight(route, "/")
	}
	if route == "" {
		route = "/"
	}
	c := &call{s: s, r: r, route: route, q: q, base: "http://" + r.Host}
	c.bodyErr = c.readBody()
	s.mu.RLock()
	c.me = s.authenticate(r)
	s.mu.RUnlock()
	c.send(w, s.dispatch(c))
}
