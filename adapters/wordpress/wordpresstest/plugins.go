package wordpresstest

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
)

// Plugin is an installed plugin as a test seeds it.
type Plugin struct {
	File    string // "akismet/akismet.php"
	Name    string
	Version string
	Active  bool
}

// AddPlugin installs p.
func (s *Server) AddPlugin(p Plugin) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.plugins = append(s.plugins, p)
}

// SetCoreVersion sets the WordPress version the feed names (default 6.1.9).
func (s *Server) SetCoreVersion(v string) { s.mu.Lock(); s.coreVersion = v; s.mu.Unlock() }

// listPlugins serves GET /wp/v2/plugins as prepare_item_for_response
// renders a plugin (description and the multisite fields left out).
func (s *Server) listPlugins(c *call) reply {
	type pluginJSON struct {
		Plugin      string `json:"plugin"`
		Status      string `json:"status"`
		Name        string `json:"name"`
		Version     string `json:"version"`
		RequiresWP  string `json:"requires_wp"`
		RequiresPHP string `json:"requires_php"`
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if rep := s.pluginsPerm(c); rep != nil {
		return *rep
	}
	out := []pluginJSON{}
	for _, p := range s.plugins {
		st := "inactive"
		if p.Active {
			st = "active"
		}
		out = append(out, pluginJSON{Plugin: strings.TrimSuffix(p.File, ".php"), Status: st, Name: p.Name, Version: p.Version})
	}
	b, _ := json.Marshal(out)
	return reply{status: 200, body: b}
}

// pluginsPerm (under s.mu) is get_items_permissions_check: activate_plugins, which only
// administrators hold.
func (s *Server) pluginsPerm(c *call) *reply {
	if !s.can(c.me, "activate_plugins") {
		r := fail(c.authCode(), "rest_cannot_view_plugins", "Sorry, you are not allowed to manage plugins for this site.")
		return &r
	}
	return nil
}

// feed serves /?feed=rss2, trimmed to the channel's generator, which names
// the WordPress version (get_the_generator('rss2')); it needs no login.
func (s *Server) feed(w http.ResponseWriter) {
	s.mu.RLock()
	v := s.coreVersion
	s.mu.RUnlock()
	w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Site</title><generator>https://wordpress.org/?v=%s</generator></channel></rss>\n", html.EscapeString(v))
}
