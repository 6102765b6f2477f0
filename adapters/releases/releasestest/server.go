// Package releasestest is a fake of the release sources the releases
// package reads: api.wordpress.org's core/version-check/1.7,
// core/stable-check/1.0 and plugins/info/1.2, and GitHub's
// /repos/Dolibarr/dolibarr/releases/latest. It shares no type with the client.
package releasestest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Server is the fake. Set its fields before the first request, or under Lock.
type Server struct {
	sync.Mutex
	WordPress string            // the latest WordPress release
	Insecure  []string          // WordPress versions stable-check calls insecure
	Plugins   map[string]string // slug → latest version
	// Dolibarr's latest release: its tag and notes.
	DolibarrTag, DolibarrNotes string

	srv *httptest.Server
}

// New starts a fake on loopback: WordPress 6.7.1 (6.1.9 insecure),
// Akismet 5.3.5, Dolibarr 22.0.3 (not a security release).
func New() *Server {
	s := &Server{WordPress: "6.7.1", Insecure: []string{"6.1.9"}, Plugins: map[string]string{"akismet": "5.3.5"},
		DolibarrTag: "22.0.3", DolibarrNotes: "Maintenance release."}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /core/version-check/1.7/", func(w http.ResponseWriter, r *http.Request) {
		s.Lock()
		defer s.Unlock()
		offer := map[string]any{"response": "upgrade", "current": s.WordPress, "version": s.WordPress, "locale": "en_US"}
		reply(w, 200, map[string]any{"offers": []any{offer}, "translations": []any{}})
	})
	mux.HandleFunc("GET /core/stable-check/1.0/", func(w http.ResponseWriter, r *http.Request) {
		s.Lock()
		defer s.Unlock()
		out := map[string]string{"4.0": "insecure", s.WordPress: "latest"}
		for _, v := range s.Insecure {
			out[v] = "insecure"
		}
		reply(w, 200, out)
	})
	mux.HandleFunc("GET /plugins/info/1.2/", func(w http.ResponseWriter, r *http.Request) {
		s.Lock()
		defer s.Unlock()
		q := r.URL.Query()
		if q.Get("action") != "plugin_information" {
			reply(w, 400, map[string]string{"error": "Action not implemented. <a href=\"https://codex.wordpress.org/WordPress.org_API\">API Docs</a>"})
			return
		}
		slug := q.Get("request[slug]")
		v, ok := s.Plugins[slug]
		if !ok {
			reply(w, 404, map[string]string{"error": "Plugin not found."})
			return
		}
		reply(w, 200, map[string]any{"name": slug, "slug": slug, "version": v})
	})
	mux.HandleFunc("GET /repos/Dolibarr/dolibarr/releases/latest", func(w http.ResponseWriter, r *http.Request) {
		s.Lock()
		defer s.Unlock()
		reply(w, 200, map[string]any{"tag_name": s.DolibarrTag, "name": s.DolibarrTag, "body": s.DolibarrNotes, "prerelease": false, "draft": false})
	})
	s.srv = httptest.NewServer(mux)
	return s
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// WordPressURL is the base to give as releases.Options.WordPressURL.
func (s *Server) WordPressURL() string { return s.srv.URL }

// DolibarrURL is the URL to give as releases.Options.DolibarrURL.
func (s *Server) DolibarrURL() string { return s.srv.URL + "/repos/Dolibarr/dolibarr/releases/latest" }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }
