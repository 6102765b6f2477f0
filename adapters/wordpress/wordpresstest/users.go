package wordpresstest

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// user is one account. Fields are read and written under Server.mu.
type user struct {
	id                                                     int
	login, email, first, last, display, nickname, nicename string
	url                                                    string
	siteURL                                                bool // url is the site's address (the installer's account)
	roles                                                  []string
	registered                                             time.Time
	posts                                                  int
	password                                               string
	appPasswords                                           []appPassword
	folded                                                 folded // for searches and sorts
}

// folded holds the searchable columns under the collation's folding.
type folded struct{ login, email, url, nicename, display string }

// refold recomputes u.folded after a change of u.
func (u *user) refold() {
	u.folded = folded{fold(u.login), fold(u.email), fold(u.url), fold(u.nicename), fold(u.display)}
}

type appPassword struct {
	uuid, name, password string
	created              time.Time
}

// can reports whether u holds capability cap through one of its roles.
func (s *Server) can(u *user, cap string) bool {
	if u == nil {
		return false
	}
	for _, r := range u.roles {
		if ro := s.roles[r]; ro != nil && ro.has[cap] {
			return true
		}
	}
	return false
}

// canEditUser is the meta capability edit_user: oneself, or edit_users.
func (s *Server) canEditUser(me, target *user) bool {
	return me != nil && (me.id == target.id || s.can(me, "edit_users"))
}

// lookup is the controller's get_user: 404 rest_user_invalid_id for an ID
// that is not positive or names nobody.
func (s *Server) lookup(id string) (*user, *reply) {
	n, err := strconv.Atoi(id)
	if u := s.users[n]; err == nil && n > 0 && u != nil {
		return u, nil
	}
	rep := fail(404, "rest_user_invalid_id", "Invalid user ID.")
	return nil, &rep
}

func (c *call) context(def string) string {
	if v := c.str("context"); v != "" {
		return v
	}
	return def
}

// ---- GET /wp/v2/users

func (s *Server) listPerm(c *call) *reply {
	deny := func(code, msg string) *reply { r := fail(c.authCode(), code, msg); return &r }
	listUsers := s.can(c.me, "list_users")
	if len(c.list("roles")) > 0 && !listUsers {
		return deny("rest_user_cannot_view", "Sorry, you are not allowed to filter users by role.")
	}
	if len(c.list("capabilities")) > 0 && !listUsers {
		return deny("rest_user_cannot_view", "Sorry, you are not allowed to filter users by capability.")
	}
	if c.context("view") == "edit" && !listUsers {
		return deny("rest_forbidden_context", "Sorry, you are not allowed to edit users.")
	}
	if o := c.str("orderby"); (o == "email" || o == "registered_date") && !listUsers {
		return deny("rest_forbidden_orderby", "Sorry, you are not allowed to order users by this parameter.")
	}
	if c.str("who") == "authors" && !s.can(c.me, "edit_posts") {
		return deny("rest_forbidden_who", "Sorry, you are not allowed to query users by this parameter.")
	}
	return nil
}

// list returns a list parameter as wp_parse_list reads it: an array, or a
// string split on commas and spaces.
func (c *call) list(name string) []string {
	v, ok := c.param(name)
	if !ok {
		return nil
	}
	var out []string
	switch v := v.(type) {
	case string:
		out = splitList(v)
	case []any:
		for _, x := range v {
			switch x := x.(type) {
			case string:
				out = append(out, splitList(x)...)
			case float64:
				out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
			}
		}
	}
	return out
}

var listSep = regexp.MustCompile(`[\s,]+`)

func splitList(s string) []string {
	var out []string
	for _, p := range listSep.Split(s, -1) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

var orderbyEnum = []string{"id", "include", "name", "registered_date", "slug", "include_slugs", "email", "url"}

// validateList checks the collection parameters in the order WordPress
// registers them and lists the bad ones of the first phase that has any.
func validateList(c *call) []paramError {
	var errs []paramError
	enum := func(name string, values []string) {
		if v, ok := c.param(name); ok {
			if s, _ := v.(string); !slices.Contains(values, s) {
				msg := name + " is not one of " + phpList(values) + "."
				if len(values) == 1 {
					msg = name + " is not " + values[0] + "."
				}
				errs = append(errs, paramError{name: name, code: "rest_not_in_enum", message: msg})
			}
		}
	}
	integer := func(name string, lo, hi int) {
		v, ok := c.param(name)
		if !ok {
			return
		}
		n, isInt := phpInt(v)
		switch {
		case !isInt:
			errs = append(errs, paramError{name: name, code: "rest_invalid_type", message: name + " is not of type integer.", dataParam: name})
		case hi > 0 && (n < lo || n > hi):
			errs = append(errs, paramError{name: name, code: "rest_out_of_bounds",
				message: fmt.Sprintf("%s must be between %d (inclusive) and %d (inclusive)", name, lo, hi)})
		case hi == 0 && n < lo:
			errs = append(errs, paramError{name: name, code: "rest_out_of_bounds",
				message: fmt.Sprintf("%s must be greater than or equal to %d", name, lo)})
		}
	}
	ints := func(name string) {
		for i, s := range c.list(name) {
			if _, ok := phpInt(s); !ok {
				p := fmt.Sprintf("%s[%d]", name, i)
				errs = append(errs, paramError{name: name, code: "rest_invalid_type", message: p + " is not of type integer.", dataParam: p})
				return
			}
		}
	}
	// Phase 1, has_valid_params: the parameters with a validate_callback.
	enum("context", []string{"view", "embed", "edit"})
	integer("page", 1, 0)
	integer("per_page", 1, 100)
	if len(errs) > 0 {
		return errs
	}
	// Phase 2, sanitize_params: the others, only when phase 1 passed.
	ints("exclude")
	ints("include")
	integer("offset", math.MinInt32, 0)
	enum("order", []string{"asc", "desc"})
	enum("orderby", orderbyEnum)
	enum("who", []string{"authors"})
	return errs
}

// phpInt is rest_is_integer: a number (or numeric string) without a fraction.
func phpInt(v any) (int, bool) {
	var f float64
	switch v := v.(type) {
	case float64:
		f = v
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil || strings.ContainsAny(v, "xXnN") {
			return 0, false
		}
	default:
		return 0, false
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int(f), true
}

// phpList is wp_sprintf's %l: "a", "a and b", "a, b, and c".
func phpList(v []string) string {
	switch len(v) {
	case 0:
		return ""
	case 1:
		return v[0]
	case 2:
		return v[0] + " and " + v[1]
	}
	return strings.Join(v[:len(v)-1], ", ") + ", and " + v[len(v)-1]
}

func (s *Server) listUsers(c *call) reply {
	if errs := validateList(c); len(errs) > 0 {
		return invalidParams(errs)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if rep := s.listPerm(c); rep != nil {
		return *rep
	}
	perPage := 10
	if v, ok := c.param("per_page"); ok {
		perPage, _ = phpInt(v)
	}
	offset := 0
	if v, ok := c.param("offset"); ok {
		offset, _ = phpInt(v)
	}
	if offset == 0 {
		if v, ok := c.param("page"); ok {
			p, _ := phpInt(v)
			offset = (p - 1) * perPage
		}
	}
	matched := s.query(c)
	total := len(matched)
	start, end := min(max(offset, 0), total), min(max(offset, 0)+perPage, total)
	maxPages := (total + perPage - 1) / perPage
	page := int(math.Ceil(float64(offset)/float64(perPage) + 1))

	rep := reply{status: 200, header: http.Header{}}
	rep.header.Set("X-WP-Total", strconv.Itoa(total))
	rep.header.Set("X-WP-TotalPages", strconv.Itoa(maxPages))
	base := c.base + "/wp-json/wp/v2/users?"
	if v := c.q.list("search"); len(v) == 1 && !c.q.isArray("search") {
		c.q.vals["search"] = []string{sanitizeText(v[0])} // the links carry the sanitized parameters
	}
	var links []string
	if page > 1 {
		links = append(links, "<"+base+c.q.withPage(min(page-1, maxPages))+">; rel=\"prev\"")
	}
	if maxPages > page {
		links = append(links, "<"+base+c.q.withPage(page+1)+">; rel=\"next\"")
	}
	if len(links) > 0 {
		rep.header.Set("Link", strings.Join(links, ", "))
	}
	ctx, f := c.context("view"), parseFields(c)
	w := jsonWriter{b: make([]byte, 0, 64+(end-start)*256)}
	w.raw("[")
	for i, u := range matched[start:end] {
		if i > 0 {
			w.raw(",")
		}
		s.renderUser(&w, c, u, ctx, f, true)
	}
	w.raw("]")
	rep.body = w.b
	return rep
}

// query returns the users a list request matches, in the requested order,
// from the cache while nothing changed. Call with s.mu held.
func (s *Server) query(c *call) []*user {
	visibleAll := s.can(c.me, "list_users")
	search := strings.Trim(sanitizeText(c.str("search")), "*")
	roles, include, exclude, slugs := c.list("roles"), c.list("include"), c.list("exclude"), c.list("slug")
	who := c.str("who") == "authors"
	orderby, desc := c.str("orderby"), c.str("order") == "desc"
	if orderby == "" {
		orderby = "name"
	}
	key := fmt.Sprintf("%v|%q|%q|%q|%q|%q|%v|%s|%v", visibleAll, search, roles, include, exclude, slugs, who, orderby, desc)
	s.cacheMu.Lock()
	hit, ok := s.cache[key]
	s.cacheMu.Unlock()
	if ok && hit.version == s.version {
		return hit.users
	}

	var cols []string
	switch {
	case search == "":
	case strings.Contains(search, "@"):
		cols = []string{"email"}
	case isNumeric(search):
		cols = []string{"login", "ID"}
	case strings.HasPrefix(search, "http://") || strings.HasPrefix(search, "https://"):
		cols = []string{"url"}
	default:
		cols = []string{"login", "url", "email", "nicename", "display"}
	}
	term := fold(search)
	incl := intSet(include)
	excl := intSet(exclude)
	var out []*user
	for _, id := range s.ids() {
		u := s.users[id]
		if !visibleAll && u.posts == 0 ||
			len(roles) > 0 && !slices.ContainsFunc(u.roles, func(r string) bool { return slices.Contains(roles, r) }) ||
			incl != nil && !incl[u.id] || excl[u.id] ||
			len(slugs) > 0 && !slices.Contains(slugs, u.nicename) ||
			who && !s.can(u, "level_1") ||
			search != "" && !matches(u, cols, search, term) {
			continue
		}
		out = append(out, u)
	}
	sortUsers(out, orderby, include, slugs)
	if desc {
		slices.Reverse(out)
	}
	s.cacheMu.Lock()
	if len(s.cache) > 64 {
		clear(s.cache)
	}
	s.cache[key] = cached{version: s.version, users: out}
	s.cacheMu.Unlock()
	return out
}

// ids returns the user IDs in ascending order (cached with the version).
func (s *Server) ids() []int {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if s.idsVersion == s.version && s.idList != nil {
		return s.idList
	}
	ids := make([]int, 0, len(s.users))
	for id := range s.users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	s.idList, s.idsVersion = ids, s.version
	return ids
}

func intSet(v []string) map[int]bool {
	if len(v) == 0 {
		return nil
	}
	m := map[int]bool{}
	for _, s := range v {
		if n, ok := phpInt(s); ok {
			m[n] = true
		}
	}
	return m
}

var (
	blanks  = regexp.MustCompile(`[\r\n\t ]+`)
	octet   = regexp.MustCompile(`(?i)%[a-f0-9]{2}`)
	spaces  = regexp.MustCompile(` +`)
	phpTrim = " \t\n\r\x00\x0b"
)

// sanitizeText is sanitize_text_field, the search parameter's sanitizer
// (wp-includes/formatting.php _sanitize_text_fields, without its HTML tag
// stripping): blanks collapsed, trimmed, percent-encoded octets removed
// ("anne%41b@x" searches "anneb@x"), spaces collapsed again.
func sanitizeText(v string) string {
	v = strings.Trim(blanks.ReplaceAllString(v, " "), phpTrim)
	if !octet.MatchString(v) {
		return v
	}
	for octet.MatchString(v) {
		v = octet.ReplaceAllString(v, "")
	}
	return strings.Trim(spaces.ReplaceAllString(v, " "), phpTrim)
}

// matches is WP_User_Query's search: a LIKE '%term%' on each column, under
// MariaDB's case- and accent-insensitive collation; ID compares exactly.
func matches(u *user, cols []string, raw, term string) bool {
	for _, col := range cols {
		var v string
		switch col {
		case "ID":
			if strconv.Itoa(u.id) == raw {
				return true
			}
			continue
		case "login":
			v = u.folded.login
		case "email":
			v = u.folded.email
		case "url":
			v = u.folded.url
		case "nicename":
			v = u.folded.nicename
		case "display":
			v = u.folded.display
		}
		if strings.Contains(v, term) {
			return true
		}
	}
	return false
}

// isNumeric is PHP's is_numeric for the plain forms a search holds.
func isNumeric(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil && !strings.ContainsAny(s, "xXnN")
}

func sortUsers(out []*user, orderby string, include, slugs []string) {
	pos := func(list []string, v string) int {
		if i := slices.Index(list, v); i >= 0 {
			return i
		}
		return len(list)
	}
	by := func(key func(u *user) string) {
		slices.SortStableFunc(out, func(a, b *user) int { return cmp.Or(cmp.Compare(key(a), key(b)), a.id-b.id) })
	}
	switch orderby {
	case "name":
		by(func(u *user) string { return u.folded.display })
	case "slug":
		by(func(u *user) string { return u.nicename })
	case "email":
		by(func(u *user) string { return u.folded.email })
	case "url":
		by(func(u *user) string { return u.folded.url })
	case "registered_date":
		slices.SortStableFunc(out, func(a, b *user) int { return cmp.Or(a.registered.Compare(b.registered), a.id-b.id) })
	case "include":
		if len(include) > 0 {
			slices.SortStableFunc(out, func(a, b *user) int {
				return pos(include, strconv.Itoa(a.id)) - pos(include, strconv.Itoa(b.id))
			})
		}
	case "include_slugs":
		if len(slugs) > 0 {
			slices.SortStableFunc(out, func(a, b *user) int { return pos(slugs, a.nicename) - pos(slugs, b.nicename) })
		}
	}
}

// ---- GET /wp/v2/users/{id} and /users/me

func (s *Server) getPerm(c *call) *reply {
	u, rep := s.lookup(c.id)
	if rep != nil {
		return rep
	}
	if c.me != nil && c.me.id == u.id {
		return nil
	}
	if c.context("view") == "edit" && !s.can(c.me, "list_users") {
		r := fail(c.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to edit this user.") // as 6.1 answers
		return &r
	}
	if u.posts == 0 && !s.canEditUser(c.me, u) && !s.can(c.me, "list_users") {
		r := fail(c.authCode(), "rest_user_cannot_view", "Sorry, you are not allowed to list users.")
		return &r
	}
	return nil
}

func contextError(c *call) *reply {
	if v, ok := c.param("context"); ok {
		if s, _ := v.(string); s != "view" && s != "embed" && s != "edit" {
			r := invalidParams([]paramError{{name: "context", code: "rest_not_in_enum", message: "context is not one of view, embed, and edit."}})
			return &r
		}
	}
	return nil
}

func (s *Server) getUser(c *call) reply {
	if rep := contextError(c); rep != nil {
		return *rep
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if rep := s.getPerm(c); rep != nil {
		return *rep
	}
	u := s.users[atoi(c.id)]
	return s.userReply(c, u, c.context("view"), 200)
}

func (s *Server) getMe(c *call) reply {
	if rep := contextError(c); rep != nil {
		return *rep
	}
	if c.me == nil {
		return fail(401, "rest_not_logged_in", "You are not currently logged in.")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.userReply(c, c.me, c.context("view"), 200)
}

func (s *Server) userReply(c *call, u *user, ctx string, status int) reply {
	var w jsonWriter
	s.renderUser(&w, c, u, ctx, parseFields(c), true)
	return reply{status: status, body: w.b}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// ---- POST/PUT/PATCH /wp/v2/users/{id} and /users/me

// rolesGiven returns the roles parameter and whether it was sent at all;
// a malformed one is a 400.
func (c *call) rolesGiven() ([]string, bool, *reply) {
	v, ok := c.param("roles")
	if !ok {
		return nil, false, nil
	}
	bad := func(p, msg string) *reply {
		r := invalidParams([]paramError{{name: "roles", code: "rest_invalid_type", message: msg, dataParam: p}})
		return &r
	}
	switch v := v.(type) {
	case string:
		return splitList(v), true, nil
	case []any:
		out := make([]string, 0, len(v))
		for i, x := range v {
			s, ok := x.(string)
			if !ok {
				p := fmt.Sprintf("roles[%d]", i)
				return nil, true, bad(p, p+" is not of type string.")
			}
			out = append(out, s)
		}
		return out, true, nil
	}
	return nil, true, bad("roles", "roles is not of type array.")
}

func (s *Server) updatePerm(c *call) *reply {
	u, rep := s.lookup(c.id)
	if rep != nil {
		return rep
	}
	if roles, _, _ := c.rolesGiven(); len(roles) > 0 {
		if !s.can(c.me, "promote_users") {
			r := fail(c.authCode(), "rest_cannot_edit_roles", "Sorry, you are not allowed to edit roles of this user.")
			return &r
		}
		if slices.Equal(c.paramKeys(), []string{"id", "roles"}) {
			return nil // only a role change: promote_user is enough
		}
	}
	if !s.canEditUser(c.me, u) {
		r := fail(c.authCode(), "rest_cannot_edit", "Sorry, you are not allowed to edit this user.")
		return &r
	}
	return nil
}

// checkRoles is check_role_update: every role must exist, and nobody gives
// themselves a role without edit_users.
func (s *Server) checkRoles(c *call, target int, roles []string) *reply {
	for _, r := range roles {
		ro := s.roles[r]
		if ro == nil {
			rep := fail(400, "rest_user_invalid_role", "The role "+r+" does not exist.")
			return &rep
		}
		if c.me != nil && c.me.id == target && !ro.has["edit_users"] {
			rep := fail(c.authCode(), "rest_user_invalid_role", "Sorry, you are not allowed to give users that role.")
			return &rep
		}
	}
	return nil
}

var emailRE = regexp.MustCompile(`^[A-Za-z0-9._%+'&!#$*=?^{|}~/-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

func (s *Server) updateUser(c *call) reply {
	roles, rolesSet, rep := c.rolesGiven()
	if rep != nil {
		return *rep
	}
	email, emailSet := c.param("email")
	if emailSet {
		if e, _ := email.(string); !emailRE.MatchString(e) {
			return invalidParams([]paramError{{name: "email", code: "rest_invalid_email", message: "Invalid email address."}})
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rep := s.updatePerm(c); rep != nil {
		return *rep
	}
	u := s.users[atoi(c.id)]
	if emailSet {
		if owner := s.byEmail[strings.ToLower(email.(string))]; owner != nil && owner != u {
			return fail(400, "rest_user_invalid_email", "Invalid email address.")
		}
	}
	if name := c.str("username"); name != "" && name != u.login {
		return fail(400, "rest_user_invalid_argument", "Username is not editable.")
	}
	if len(roles) > 0 {
		if rep := s.checkRoles(c, u.id, roles); rep != nil {
			return *rep
		}
	}
	if emailSet {
		delete(s.byEmail, strings.ToLower(u.email))
		u.email = email.(string)
		s.byEmail[strings.ToLower(u.email)] = u
	}
	for name, field := range map[string]*string{"first_name": &u.first, "last_name": &u.last, "name": &u.display,
		"nickname": &u.nickname, "url": &u.url, "password": &u.password} {
		if v, ok := c.param(name); ok {
			if sv, ok := v.(string); ok {
				*field = sv
				if name == "url" {
					u.siteURL = false
				}
			}
		}
	}
	if rolesSet {
		u.roles = uniq(roles) // set_role('') then add_role for each
	}
	u.refold()
	s.changed()
	return s.userReply(c, u, "edit", 200)
}

func uniq(v []string) []string {
	out := make([]string, 0, len(v))
	for _, s := range v {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// changed invalidates the query caches. Call with s.mu held for writing.
func (s *Server) changed() { s.version++ }

func (c *call) asMe() *call {
	c2 := *c
	c2.id = "0"
	if c.me != nil {
		c2.id = strconv.Itoa(c.me.id)
	}
	return &c2
}

func (s *Server) updateMePerm(c *call) *reply { return s.updatePerm(c.asMe()) }
func (s *Server) updateMe(c *call) reply      { return s.updateUser(c.asMe()) }
func (s *Server) deleteMePerm(c *call) *reply { return s.deletePerm(c.asMe()) }
func (s *Server) deleteMe(c *call) reply      { return s.deleteUser(c.asMe()) }

// ---- DELETE /wp/v2/users/{id}

func (s *Server) deletePerm(c *call) *reply {
	if _, rep := s.lookup(c.id); rep != nil {
		return rep
	}
	if !s.can(c.me, "delete_users") {
		r := fail(c.authCode(), "rest_user_cannot_delete", "Sorry, you are not allowed to delete this user.")
		return &r
	}
	return nil
}

func (s *Server) deleteUser(c *call) reply {
	rv, ok := c.param("reassign")
	if !ok {
		return missingParams("reassign")
	}
	reassign := 0
	switch {
	case isNumeric(c.str("reassign")):
		reassign, _ = phpInt(rv)
	case c.str("reassign") == "" || c.str("reassign") == "false":
	default:
		return invalidParams([]paramError{{name: "reassign", code: "rest_invalid_param", message: "Invalid user parameter(s)."}})
	}
	force := false
	if v, ok := c.param("force"); ok {
		b, ok := phpBool(v)
		if !ok {
			return invalidParams([]paramError{{name: "force", code: "rest_invalid_type", message: "force is not of type boolean.", dataParam: "force"}})
		}
		force = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rep := s.deletePerm(c); rep != nil {
		return *rep
	}
	if !force {
		return fail(501, "rest_trash_not_supported", "Users do not support trashing. Set 'force=true' to delete.")
	}
	u := s.users[atoi(c.id)]
	if reassign != 0 {
		to := s.users[reassign]
		if to == nil || reassign == u.id {
			return fail(400, "rest_user_invalid_reassign", "Invalid user ID for reassignment.")
		}
		to.posts += u.posts
	}
	var w jsonWriter
	w.raw(`{"deleted":true,"previous":`)
	s.renderUser(&w, c, u, "edit", parseFields(c), false)
	w.raw("}")
	delete(s.users, u.id)
	delete(s.byLogin, fold(u.login))
	delete(s.byEmail, strings.ToLower(u.email))
	delete(s.byNice, u.nicename)
	s.changed()
	return reply{status: 200, body: w.b}
}

func phpBool(v any) (bool, bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case float64:
		return v != 0, v == 0 || v == 1
	case string:
		switch strings.ToLower(v) {
		case "true", "1":
			return true, true
		case "false", "0", "":
			return false, true
		}
	}
	return false, false
}

// ---- POST /wp/v2/users

func (s *Server) createPerm(c *call) *reply {
	if !s.can(c.me, "create_users") {
		r := fail(c.authCode(), "rest_cannot_create_user", "Sorry, you are not allowed to create new users.")
		return &r
	}
	return nil
}

var strictLogin = regexp.MustCompile(`^[A-Za-z0-9 _.\-@]+$`)

func (s *Server) createUser(c *call) reply {
	var missing []string
	for _, p := range []string{"username", "email", "password"} {
		if _, ok := c.param(p); !ok {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return missingParams(missing...)
	}
	roles, _, rep := c.rolesGiven()
	if rep != nil {
		return *rep
	}
	login, email := strings.TrimSpace(c.str("username")), c.str("email")
	var errs []paramError
	if !strictLogin.MatchString(login) {
		errs = append(errs, paramError{name: "username", code: "rest_user_invalid_username",
			message: "This username is invalid because it uses illegal characters. Please enter a valid username."})
	}
	if !emailRE.MatchString(email) {
		errs = append(errs, paramError{name: "email", code: "rest_invalid_email", message: "Invalid email address."})
	}
	switch pw := c.str("password"); { // check_user_password
	case pw == "":
		errs = append(errs, paramError{name: "password", code: "rest_user_invalid_password", message: "Passwords cannot be empty."})
	case strings.Contains(pw, `\`):
		errs = append(errs, paramError{name: "password", code: "rest_user_invalid_password", message: `Passwords cannot contain the "\" character.`})
	}
	if len(errs) > 0 {
		return invalidParams(errs)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rep := s.createPerm(c); rep != nil {
		return *rep
	}
	if _, ok := c.param("id"); ok {
		return fail(400, "rest_user_exists", "Cannot create existing user.")
	}
	if rep := s.checkRoles(c, 0, roles); rep != nil {
		return *rep
	}
	if s.byLogin[fold(login)] != nil {
		return failData(500, "existing_user_login", "Sorry, that username already exists!", "null")
	}
	if s.byEmail[strings.ToLower(email)] != nil {
		return failData(500, "existing_user_email", "Sorry, that email address is already used!", "null")
	}
	if len(roles) == 0 {
		roles = []string{"subscriber"}
	}
	name := c.str("name")
	if name == "" {
		name = login
	}
	u := s.insert(User{Login: login, Email: email, Name: name, FirstName: c.str("first_name"), LastName: c.str("last_name"),
		URL: c.str("url"), Roles: uniq(roles), Password: c.str("password")})
	rep2 := s.userReply(c, u, "edit", 201)
	rep2.header = http.Header{"Location": {c.base + "/wp-json/wp/v2/users/" + strconv.Itoa(u.id)}}
	return rep2
}
