package dolibarrtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// User is a staff user as a test seeds or reads it.
type User struct {
	ID                  int // set by the server
	Login, Email        string
	FirstName, LastName string
	Admin               bool
	Disabled            bool
	MemberID            int // linked member, 0 for none
	Groups              []string
	Password            string    // the last one set through the API
	LastLogin           time.Time // zero: never logged in
}

type user struct {
	id           int
	login, email string
	first, last  string
	admin        bool
	statut       int
	fkMember     int
	datec        int64
	lastLogin    int64
	pass         string
}

type group struct {
	id         int
	name, note string
	users      map[int]bool
}

// AddGroup creates a group and returns its id.
func (s *Server) AddGroup(name, note string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &group{id: len(s.groups) + 1, name: name, note: note, users: map[int]bool{}}
	s.groups = append(s.groups, g)
	return g.id
}

// AddUser creates a user and puts it in its Groups (created as needed),
// returning its id. It panics on a login already taken: seeds are code.
func (s *Server) AddUser(u User) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userByLogin(u.Login) != nil {
		panic(fmt.Sprintf("dolibarrtest: login %q exists", u.Login))
	}
	nu := &user{id: len(s.users) + 1, login: u.Login, email: u.Email, first: u.FirstName, last: u.LastName,
		admin: u.Admin, statut: 1, fkMember: u.MemberID, datec: s.now().Unix()}
	if !u.LastLogin.IsZero() {
		nu.lastLogin = u.LastLogin.Unix()
	}
	if u.Disabled {
		nu.statut = 0
	}
	s.users = append(s.users, nu)
	for _, name := range u.Groups {
		g := s.groupByName(name)
		if g == nil {
			g = &group{id: len(s.groups) + 1, name: name, users: map[int]bool{}}
			s.groups = append(s.groups, g)
		}
		g.users[nu.id] = true
	}
	return nu.id
}

// User returns the user with login as the server holds it now.
func (s *Server) User(login string) (User, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := s.userByLogin(login)
	if u == nil {
		return User{}, false
	}
	out := User{ID: u.id, Login: u.login, Email: u.email, FirstName: u.first, LastName: u.last,
		Admin: u.admin, Disabled: u.statut == 0, MemberID: u.fkMember, Password: u.pass}
	for _, g := range s.groups {
		if g.users[u.id] {
			out.Groups = append(out.Groups, g.name)
		}
	}
	return out, true
}

func (s *Server) userByLogin(login string) *user {
	for _, u := range s.users {
		if u.login == login {
			return u
		}
	}
	return nil
}

func (s *Server) groupByName(name string) *group {
	for _, g := range s.groups {
		if g.name == name {
			return g
		}
	}
	return nil
}

func (s *Server) userByID(v string) *user {
	id, err := strconv.Atoi(v)
	if err != nil || id < 1 || id > len(s.users) {
		return nil
	}
	return s.users[id-1]
}

type userRow struct{ u *user }

func (r userRow) col(name string) (any, bool) {
	switch name {
	case "t.rowid":
		return int64(r.u.id), true
	case "t.login":
		return r.u.login, true
	case "t.email":
		return r.u.email, true
	case "t.lastname":
		return r.u.last, true
	case "t.firstname":
		return r.u.first, true
	case "t.statut":
		return int64(r.u.statut), true
	case "t.admin":
		return int64(b2i(r.u.admin)), true
	}
	return nil, false
}

type groupRow struct{ g *group }

func (r groupRow) col(name string) (any, bool) {
	switch name {
	case "t.rowid":
		return int64(r.g.id), true
	case "t.nom":
		return r.g.name, true
	}
	return nil, false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Server) renderUser(o *obj, u *user) {
	o.open()
	o.num("id", int64(u.id))
	o.num("ref", int64(u.id))
	o.str("entity", "1")
	o.str("login", u.login)
	o.str("lastname", u.last)
	o.str("firstname", u.first)
	o.str("email", u.email)
	o.str("personal_email", "")
	o.num("admin", int64(b2i(u.admin)))
	o.str("employee", "0")
	o.num("statut", int64(u.statut))
	o.num("status", int64(u.statut))
	if u.fkMember != 0 {
		o.num("fk_member", int64(u.fkMember))
	} else {
		o.raw("fk_member", "null")
	}
	o.raw("socid", "null")
	o.str("job", "")
	o.date("datec", u.datec)
	o.date("datem", u.datec)
	o.date("datelastlogin", u.lastLogin)
	o.str("datestartvalidity", "")
	o.str("dateendvalidity", "")
	o.raw("array_options", "{}")
	o.close()
}

func (s *Server) renderGroup(o *obj, g *group, members bool) {
	o.open()
	o.num("id", int64(g.id))
	o.str("name", g.name)
	o.str("nom", g.name)
	o.str("entity", "1")
	o.str("note", g.note)
	if members {
		o.key("members")
		o.b = append(o.b, '[')
		n := 0
		for _, u := range s.users {
			if g.users[u.id] {
				if n > 0 {
					o.b = append(o.b, ',')
				}
				n++
				sub := obj{b: o.b}
				s.renderUser(&sub, u)
				o.b = sub.b
			}
		}
		o.b = append(o.b, ']')
	}
	o.close()
}

// listUsers serves GET /users (reference §6.1).
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, k *apiKey) {
	if !k.can(RightUsersRead) {
		fail(w, http.StatusForbidden, "You are not allowed to read list of users")
		return
	}
	p, ok := parseList(w, r)
	if !ok {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	serveRows(s, w, p, s.users, func(u *user) row { return userRow{u} }, s.renderUser, "User", "user")
}

// serveRows answers a staff list (users, groups) like Dolibarr: the
// sqlfilters applied (a bad filter is the 503 of an SQL error naming the
// list), sorted, windowed and rendered. The caller holds s.mu.
func serveRows[T any](s *Server, w http.ResponseWriter, p listParams, all []T, wrap func(T) row, render func(*obj, T), label, what string) {
	rows := make([]T, 0, len(all))
	for _, it := range all {
		if p.filter != nil {
			if err := check(p.filter, wrap(it)); err != nil {
				fail(w, http.StatusServiceUnavailable, "Error when retrieve "+label+" list : "+err.Error())
				return
			}
			if !p.filter.eval(wrap(it)) {
				continue
			}
		}
		rows = append(rows, it)
	}
	if len(rows) > 0 {
		if _, ok := wrap(rows[0]).col(p.sortfield); !ok {
			fail(w, http.StatusServiceUnavailable, "Error when retrieve list : Unknown column '"+p.sortfield+"' in 'order clause'")
			return
		}
		order := byColumn(p)
		slices.SortStableFunc(rows, func(a, b T) int { return order(wrap(a), wrap(b)) })
	}
	lo, hi := p.window(len(rows))
	o := obj{props: p.props}
	for i := lo; i < hi; i++ {
		if i > lo {
			o.b = append(o.b, ',')
		}
		render(&o, rows[i])
	}
	s.writeList(w, p, len(rows), o.b, hi-lo, what)
}

// listGroups serves GET /users/groups (reference §6.4).
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request, k *apiKey) {
	if !k.can(RightUsersRead) {
		fail(w, http.StatusForbidden, "You are not allowed to read groups")
		return
	}
	p, ok := parseList(w, r)
	if !ok {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	serveRows(s, w, p, s.groups, func(g *group) row { return groupRow{g} },
		func(o *obj, g *group) { s.renderGroup(o, g, false) }, "Group", "group")
}

func (s *Server) writeUser(w http.ResponseWriter, u *user) {
	var o obj
	s.renderUser(&o, u)
	writeRaw(w, http.StatusOK, o.b)
}

// getUser serves GET /users/{id}.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request, k *apiKey) {
	if !k.can(RightUsersRead) {
		fail(w, http.StatusForbidden, "Access not allowed for login "+k.login)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := s.userByID(r.PathValue("id"))
	if u == nil {
		fail(w, http.StatusNotFound, "User not found")
		return
	}
	s.writeUser(w, u)
}

// userInfo serves GET /users/info: the key's own user with its groups in
// user_group_list, for a key with user/self/creer, user/user/lire or admin
// (api_users.class.php getInfo: else 403 "Not allowed").
func (s *Server) userInfo(w http.ResponseWriter, r *http.Request, k *apiKey) {
	if !k.can(RightUsersRead) && !k.rights[RightSelfWrite] {
		fail(w, http.StatusForbidden, "Not allowed")
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := s.userByLogin(k.login)
	if u == nil {
		fail(w, http.StatusNotFound, "User not found")
		return
	}
	var o obj
	s.renderUser(&o, u)
	o.b = o.b[:len(o.b)-1] // reopened for one more field
	o.key("user_group_list")
	o.b = s.appendGroupsOf(o.b, u)
	o.close()
	writeRaw(w, http.StatusOK, o.b)
}

// appendGroupsOf appends the JSON array of u's groups.
func (s *Server) appendGroupsOf(b []byte, u *user) []byte {
	o := obj{b: append(b, '[')}
	n := 0
	for _, g := range s.groups {
		if g.users[u.id] {
			if n > 0 {
				o.b = append(o.b, ',')
			}
			n++
			s.renderGroup(&o, g, false)
		}
	}
	return append(o.b, ']')
}

// userPair serves the two-segment routes that Go's mux cannot tell apart
// from one another: /users/login/{login}, /users/email/{email},
// /users/groups/{id} (with load_members) and /users/{id}/groups.
func (s *Server) userPair(w http.ResponseWriter, r *http.Request, k *apiKey) {
	a, b := r.PathValue("a"), r.PathValue("b")
	if !k.can(RightUsersRead) {
		fail(w, http.StatusForbidden, "Access not allowed for login "+k.login)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch {
	case a == "login" || a == "email":
		for _, u := range s.users {
			if a == "login" && u.login == b || a == "email" && b != "" && strings.EqualFold(u.email, b) {
				s.writeUser(w, u)
				return
			}
		}
		fail(w, http.StatusNotFound, "User not found")
	case a == "groups":
		id, err := strconv.Atoi(b)
		if err != nil || id < 1 || id > len(s.groups) {
			fail(w, http.StatusNotFound, "Group not found")
			return
		}
		var o obj
		s.renderGroup(&o, s.groups[id-1], r.URL.Query().Get("load_members") == "1")
		writeRaw(w, http.StatusOK, o.b)
	case b == "groups":
		u := s.userByID(a)
		if u == nil {
			fail(w, http.StatusNotFound, "User not found")
			return
		}
		writeRaw(w, http.StatusOK, s.appendGroupsOf(nil, u))
	default:
		fail(w, http.StatusNotFound, "")
	}
}

// setGroup serves GET /users/{id}/setGroup/{group}: a GET that adds the user
// to the group (idempotent: Dolibarr deletes then inserts) and answers 1.
func (s *Server) setGroup(w http.ResponseWriter, r *http.Request, k *apiKey) {
	if !k.can(RightUsersWrite) {
		fail(w, http.StatusForbidden, "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByID(r.PathValue("id"))
	if u == nil {
		fail(w, http.StatusNotFound, "User not found")
		return
	}
	gid, err := strconv.Atoi(r.PathValue("group"))
	if err != nil || gid < 1 || gid > len(s.groups) {
		fail(w, http.StatusInternalServerError, "Error adding user to group")
		return
	}
	s.groups[gid-1].users[u.id] = true
	writeRaw(w, http.StatusOK, []byte("1"))
}

// forbiddenProps may not be set through the API (405).
var forbiddenProps = []string{"api_key", "pass_crypted", "pass_indatabase", "pass_indatabase_crypted", "pass_temp", "entity"}

func decodeBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	var body map[string]any
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		fail(w, http.StatusBadRequest, "Error decoding request body")
		return nil, false
	}
	for _, p := range forbiddenProps {
		if _, ok := body[p]; ok {
			fail(w, http.StatusMethodNotAllowed, "The property "+p+" can't be set/modified using the APIs")
			return nil, false
		}
	}
	return body, true
}

func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.Itoa(b2i(v))
	}
	return ""
}

// createUser serves POST /users (reference §6.3): answers the new id as a
// bare number; an empty or taken login is Dolibarr's 500 "Error creating".
func (s *Server) createUser(w http.ResponseWriter, r *http.Request, k *apiKey) {
	if !k.can(RightUsersWrite) {
		fail(w, http.StatusForbidden, "")
		return
	}
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	if _, ok := body["admin"]; ok && !k.admin {
		fail(w, http.StatusForbidden, "You are not allowed to create an admin user")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	login := strings.TrimSpace(text(body["login"]))
	if login == "" || s.userByLogin(login) != nil {
		fail(w, http.StatusInternalServerError, "Error creating")
		return
	}
	u := &user{id: len(s.users) + 1, login: login, email: text(body["email"]), first: text(body["firstname"]),
		last: text(body["lastname"]), admin: text(body["admin"]) == "1", statut: 1, datec: s.now().Unix()}
	s.users = append(s.users, u)
	writeRaw(w, http.StatusOK, strconv.AppendInt(nil, int64(u.id), 10))
}

// updateUser serves PUT /users/{id}: a partial update; statut/status go
// through setstatus; the updated user is answered.
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, k *apiKey) {
	if !k.can(RightUsersWrite) {
		fail(w, http.StatusForbidden, "")
		return
	}
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByID(r.PathValue("id"))
	if u == nil {
		fail(w, http.StatusNotFound, "User not found")
		return
	}
	if _, ok := body["pass"]; ok && !k.can(RightUsersPassword) {
		fail(w, http.StatusForbidden, "You are not allowed to modify password of other users")
		return
	}
	if v, ok := body["admin"]; ok && (!k.admin || text(v) != "1" && u.admin) {
		fail(w, http.StatusForbidden, "You are not allowed to modify the admin status")
		return
	}
	keys := make([]string, 0, len(body))
	for f := range body {
		keys = append(keys, f)
	}
	slices.Sort(keys)
	for _, f := range keys {
		v := text(body[f])
		switch f {
		case "statut", "status":
			switch v {
			case "0", "1":
				u.statut, _ = strconv.Atoi(v)
			default:
				fail(w, http.StatusBadRequest, "Bad value for status")
				return
			}
		case "pass":
			u.pass = v
		case "email":
			u.email = v
		case "firstname":
			u.first = v
		case "lastname":
			u.last = v
		case "login":
			u.login = v
		case "admin":
			u.admin = v == "1"
		}
	}
	s.writeUser(w, u)
}
