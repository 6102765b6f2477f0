package wordpresstest

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonWriter writes JSON as PHP's json_encode does with WordPress's flags:
// '/' escaped as "\/", every non-ASCII character as a \u escape (UTF-16).
type jsonWriter struct{ b []byte }

func (w *jsonWriter) raw(s string) { w.b = append(w.b, s...) }
func (w *jsonWriter) int(n int)    { w.b = strconv.AppendInt(w.b, int64(n), 10) }

const hexDigits = "0123456789abcdef"

func (w *jsonWriter) str(s string) {
	w.b = append(w.b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || r == '/':
			w.b = append(w.b, '\\', byte(r))
		case r == '\n':
			w.b = append(w.b, '\\', 'n')
		case r == '\r':
			w.b = append(w.b, '\\', 'r')
		case r == '\t':
			w.b = append(w.b, '\\', 't')
		case r == '\b':
			w.b = append(w.b, '\\', 'b')
		case r == '\f':
			w.b = append(w.b, '\\', 'f')
		case r < 0x20:
			w.u16(uint16(r))
		case r < utf8.RuneSelf:
			w.b = append(w.b, byte(r))
		case r > 0xFFFF:
			r -= 0x10000
			w.u16(uint16(0xD800 + (r>>10)&0x3FF))
			w.u16(uint16(0xDC00 + r&0x3FF))
		default:
			w.u16(uint16(r))
		}
	}
	w.b = append(w.b, '"')
}

func (w *jsonWriter) u16(v uint16) {
	w.b = append(w.b, '\\', 'u', hexDigits[v>>12], hexDigits[v>>8&0xF], hexDigits[v>>4&0xF], hexDigits[v&0xF])
}

// fields is the _fields filter: nil renders everything. WordPress matches
// top-level names here (the users controller ignores "capabilities.x").
type fields map[string]bool

func parseFields(c *call) fields {
	v, ok := c.param("_fields")
	if !ok {
		return nil
	}
	var names []string
	switch v := v.(type) {
	case string:
		names = strings.Split(v, ",")
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				names = append(names, strings.Split(s, ",")...)
			}
		}
	}
	f := fields{}
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			f[n] = true
		}
	}
	if len(f) == 0 {
		return nil
	}
	return f
}

func (f fields) has(name string) bool { return f == nil || f[name] }

// The fields of each context, in the schema's order.
var contextFields = map[string][]string{
	"edit": {"id", "username", "name", "first_name", "last_name", "email", "url", "description", "link", "locale",
		"nickname", "slug", "roles", "registered_date", "capabilities", "extra_capabilities", "avatar_urls", "meta"},
	"view":  {"id", "name", "url", "description", "link", "slug", "avatar_urls", "meta"},
	"embed": {"id", "name", "url", "description", "link", "slug", "avatar_urls"},
}

// renderUser writes u as the users controller does in context ctx, trimmed
// to f, with _links unless f leaves them out or links is false (a deleted
// user's "previous").
func (s *Server) renderUser(w *jsonWriter, c *call, u *user, ctx string, f fields, links bool) {
	w.raw("{")
	first := true
	key := func(k string) {
		if !first {
			w.raw(",")
		}
		first = false
		w.str(k)
		w.raw(":")
	}
	for _, name := range contextFields[ctx] {
		if !f.has(name) {
			continue
		}
		key(name)
		switch name {
		case "id":
			w.int(u.id)
		case "username":
			w.str(u.login)
		case "name":
			w.str(u.display)
		case "first_name":
			w.str(u.first)
		case "last_name":
			w.str(u.last)
		case "email":
			w.str(u.email)
		case "url":
			if u.siteURL {
				w.str(c.base)
			} else {
				w.str(u.url)
			}
		case "description":
			w.str("")
		case "link":
			w.str(c.base + "/author/" + u.nicename + "/")
		case "locale":
			w.str("en_US")
		case "nickname":
			w.str(u.nickname)
		case "slug":
			w.str(u.nicename)
		case "roles":
			w.raw("[")
			for i, r := range u.roles {
				if i > 0 {
					w.raw(",")
				}
				w.str(r)
			}
			w.raw("]")
		case "registered_date":
			w.str(u.registered.UTC().Format("2006-01-02T15:04:05+00:00"))
		case "capabilities":
			s.renderCaps(w, u)
		case "extra_capabilities":
			w.raw("{")
			for i, r := range u.roles {
				if i > 0 {
					w.raw(",")
				}
				w.str(r)
				w.raw(":true")
			}
			w.raw("}")
		case "avatar_urls":
			avatar := gravatar(u.email)
			w.raw("{")
			for i, size := range []string{"24", "48", "96"} {
				if i > 0 {
					w.raw(",")
				}
				w.str(size)
				w.raw(":")
				w.str(avatar + "?s=" + size + "&d=mm&r=g")
			}
			w.raw("}")
		case "meta":
			if ctx == "edit" {
				w.raw(`{"persisted_preferences":[]}`)
			} else {
				w.raw("[]")
			}
		}
	}
	if links && f.has("_links") {
		key("_links")
		w.raw(`{"self":[{"href":`)
		w.str(c.base + "/wp-json/wp/v2/users/" + strconv.Itoa(u.id))
		w.raw(`}],"collection":[{"href":`)
		w.str(c.base + "/wp-json/wp/v2/users")
		w.raw(`}]}`)
	}
	w.raw("}")
}

// renderCaps writes the user's allcaps as WP_User::get_role_caps builds
// them: each role's capabilities merged in role order (a key keeps the
// place of its first appearance), then one key per role.
func (s *Server) renderCaps(w *jsonWriter, u *user) {
	seen := map[string]bool{}
	w.raw("{")
	first := true
	put := func(k string) {
		if seen[k] {
			return
		}
		seen[k] = true
		if !first {
			w.raw(",")
		}
		first = false
		w.str(k)
		w.raw(":true")
	}
	for _, r := range u.roles {
		if ro := s.roles[r]; ro != nil {
			for _, c := range ro.caps {
				put(c)
			}
		}
	}
	for _, r := range u.roles {
		put(r)
	}
	w.raw("}")
}

// gravatar returns the avatar address WordPress builds for an e-mail: the
// md5 of the trimmed lower-case address, on host N.gravatar.com where N is
// the hash's first hex digit modulo 3.
func gravatar(email string) string {
	sum := md5.Sum([]byte(strings.ToLower(strings.TrimSpace(email))))
	h := hex.EncodeToString(sum[:])
	n, _ := strconv.ParseUint(h[:1], 16, 8)
	return "http://" + strconv.Itoa(int(n%3)) + ".gravatar.com/avatar/" + h
}

// role is a WordPress role: its slug, its label and its capabilities in the
// order WordPress stores them.
type role struct {
	slug, name string
	caps       []string
	has        map[string]bool
}

// coreRoles are WordPress 6.1's roles with their capabilities, in the order
// the recordings show them.
var coreRoles = []role{
	{slug: "administrator", name: "Administrator", caps: strings.Fields(`switch_themes edit_themes activate_plugins
		edit_plugins edit_users edit_files manage_options moderate_comments manage_categories manage_links upload_files
		import unfiltered_html edit_posts edit_others_posts edit_published_posts publish_posts edit_pages read level_10
		level_9 level_8 level_7 level_6 level_5 level_4 level_3 level_2 level_1 level_0 edit_others_pages
		edit_published_pages publish_pages delete_pages delete_others_pages delete_published_pages delete_posts
		delete_others_posts delete_published_posts delete_private_posts edit_private_posts read_private_posts
		delete_private_pages edit_private_pages read_private_pages delete_users create_users unfiltered_upload
		edit_dashboard update_plugins delete_plugins install_plugins update_themes install_themes update_core
		list_users remove_users promote_users edit_theme_options delete_themes export`)},
	{slug: "editor", name: "Editor", caps: strings.Fields(`moderate_comments manage_categories manage_links
		upload_files unfiltered_html edit_posts edit_others_posts edit_published_posts publish_posts edit_pages read
		level_7 level_6 level_5 level_4 level_3 level_2 level_1 level_0 edit_others_pages edit_published_pages
		publish_pages delete_pages delete_others_pages delete_published_pages delete_posts delete_others_posts
		delete_published_posts delete_private_posts edit_private_posts read_private_posts delete_private_pages
		edit_private_pages read_private_pages`)},
	{slug: "author", name: "Author", caps: strings.Fields(`upload_files edit_posts edit_published_posts publish_posts
		read level_2 level_1 level_0 delete_posts delete_published_posts`)},
	{slug: "contributor", name: "Contributor", caps: strings.Fields(`edit_posts read level_1 level_0 delete_posts`)},
	{slug: "subscriber", name: "Subscriber", caps: strings.Fields(`read level_0`)},
}
