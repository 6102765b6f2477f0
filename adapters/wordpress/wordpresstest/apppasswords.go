package wordpresstest

import (
	"net/http"
	"strconv"
)

// appPasswordUser is the application-passwords controller's get_user: "me"
// needs a logged-in caller.
func (s *Server) appPasswordUser(c *call) (*user, *reply) {
	if c.id == "me" {
		if c.me == nil {
			r := fail(401, "rest_not_logged_in", "You are not currently logged in.")
			return nil, &r
		}
		return c.me, nil
	}
	return s.lookup(c.id)
}

// appPasswordsPerm checks a meta capability on the target user: create,
// list and delete application passwords map to edit_user.
func (s *Server) appPasswordsPerm(action string) func(c *call) *reply {
	codes := map[string][2]string{
		"list_app_passwords":   {"rest_cannot_list_application_passwords", "Sorry, you are not allowed to list application passwords for this user."},
		"create_app_password":  {"rest_cannot_create_application_passwords", "Sorry, you are not allowed to create application passwords for this user."},
		"delete_app_passwords": {"rest_cannot_delete_application_passwords", "Sorry, you are not allowed to delete application passwords for this user."},
	}
	return func(c *call) *reply {
		u, rep := s.appPasswordUser(c)
		if rep != nil {
			return rep
		}
		if !s.canEditUser(c.me, u) {
			r := fail(c.authCode(), codes[action][0], codes[action][1])
			return &r
		}
		return nil
	}
}

func (s *Server) renderAppPassword(w *jsonWriter, c *call, u *user, ap appPassword, password string) {
	self := c.base + "/wp-json/wp/v2/users/" + strconv.Itoa(u.id) + "/application-passwords/" + ap.uuid
	w.raw(`{"uuid":`)
	w.str(ap.uuid)
	w.raw(`,"app_id":"","name":`)
	w.str(ap.name)
	w.raw(`,"created":`)
	w.str(ap.created.Format("2006-01-02T15:04:05"))
	w.raw(`,"last_used":null,"last_ip":null`)
	if password != "" {
		w.raw(`,"password":`)
		w.str(password)
	}
	w.raw(`,"_links":{"self":[{"href":`)
	w.str(self)
	w.raw(`}]}}`)
}

func (s *Server) listAppPasswords(c *call) reply {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if rep := s.appPasswordsPerm("list_app_passwords")(c); rep != nil {
		return *rep
	}
	u, _ := s.appPasswordUser(c)
	var w jsonWriter
	w.raw("[")
	for i, ap := range u.appPasswords {
		if i > 0 {
			w.raw(",")
		}
		s.renderAppPassword(&w, c, u, ap, "")
	}
	w.raw("]")
	return reply{status: 200, body: w.b}
}

func (s *Server) createAppPassword(c *call) reply {
	if _, ok := c.param("name"); !ok {
		return missingParams("name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rep := s.appPasswordsPerm("create_app_password")(c); rep != nil {
		return *rep
	}
	u, _ := s.appPasswordUser(c)
	ap := s.addAppPassword(u, c.str("name"), "")
	var w jsonWriter
	s.renderAppPassword(&w, c, u, ap, chunk(ap.password))
	return reply{status: 201, body: w.b, header: http.Header{
		"Location": {c.base + "/wp-json/wp/v2/users/" + strconv.Itoa(u.id) + "/application-passwords/" + ap.uuid}}}
}

func (s *Server) deleteAppPasswords(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rep := s.appPasswordsPerm("delete_app_passwords")(c); rep != nil {
		return *rep
	}
	u, _ := s.appPasswordUser(c)
	n := len(u.appPasswords)
	u.appPasswords = nil
	return reply{status: 200, body: []byte(`{"deleted":true,"count":` + strconv.Itoa(n) + `}`)}
}
