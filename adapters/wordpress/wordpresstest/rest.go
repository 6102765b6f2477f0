package wordpresstest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// call is one REST request being answered.
type call struct {
	s     *Server
	r     *http.Request
	route string // "/wp/v2/users/5"
	q     query  // the URL's query ($_GET), rest_route included
	body  map[string]any
	me    *user  // nil when anonymous
	base  string // http://host:port
	id    string // the route's {id} or {user_id}
	// bodyErr is the answer to a body that does not parse, given once the
	// route is matched (so with its Allow header).
	bodyErr *reply
}

// reply is an answer before the common headers are added.
type reply struct {
	status int
	body   []byte
	header http.Header
}

// handler is one method group of a route, as register_rest_route declares it.
type handler struct {
	methods []string
	perm    func(c *call) *reply // nil result: allowed; a nil func: always allowed
	serve   func(c *call) reply
}

type endpoint struct {
	re       *regexp.Regexp
	handlers []handler
}

var (
	readable  = []string{"GET"}
	creatable = []string{"POST"}
	editable  = []string{"POST", "PUT", "PATCH"}
	deletable = []string{"DELETE"}
)

func (s *Server) endpoints() []endpoint {
	return []endpoint{
		{regexp.MustCompile(`^/$`), []handler{{readable, nil, s.index}}},
		{regexp.MustCompile(`^/wp/v2/users$`), []handler{
			{readable, s.listPerm, s.listUsers},
			{creatable, s.createPerm, s.createUser},
		}},
		{regexp.MustCompile(`^/wp/v2/users/(?P<id>[\d]+)$`), []handler{
			{readable, s.getPerm, s.getUser},
			{editable, s.updatePerm, s.updateUser},
			{deletable, s.deletePerm, s.deleteUser},
		}},
		{regexp.MustCompile(`^/wp/v2/plugins$`), []handler{{readable, s.pluginsPerm, s.listPlugins}}},
		{regexp.MustCompile(`^/wp/v2/users/me$`), []handler{
			{readable, nil, s.getMe},
			{editable, s.updateMePerm, s.updateMe},
			{deletable, s.deleteMePerm, s.deleteMe},
		}},
		{regexp.MustCompile(`^/wp/v2/users/(?P<id>(?:[\d]+|me))/application-passwords$`), []handler{
			{readable, s.appPasswordsPerm("list_app_passwords"), s.listAppPasswords},
			{creatable, s.appPasswordsPerm("create_app_password"), s.createAppPassword},
			{deletable, s.appPasswordsPerm("delete_app_passwords"), s.deleteAppPasswords},
		}},
	}
}

// dispatch matches the route and method (404 rest_no_route otherwise, as
// WordPress answers a wrong method too), serves, then computes Allow: the
// methods of the matched route whose permission check passes for this very
// request, after the handler ran (a deleted user allows nothing).
func (s *Server) dispatch(c *call) reply {
	for _, ep := range s.eps {
		m := ep.re.FindStringSubmatch(c.route)
		if m == nil {
			continue
		}
		if i := ep.re.SubexpIndex("id"); i > 0 {
			c.id = m[i]
		}
		for _, h := range ep.handlers {
			if !slices.Contains(h.methods, c.r.Method) {
				continue
			}
			var rep reply
			if c.bodyErr != nil {
				rep = *c.bodyErr
			} else {
				rep = h.serve(c)
			}
			var allow []string
			s.mu.RLock()
			for _, h := range ep.handlers {
				if h.perm == nil || h.perm(c) == nil {
					allow = append(allow, h.methods...)
				}
			}
			s.mu.RUnlock()
			if len(allow) > 0 {
				if rep.header == nil {
					rep.header = http.Header{}
				}
				rep.header.Set("Allow", strings.Join(allow, ", "))
			}
			return rep
		}
		break
	}
	return fail(404, "rest_no_route", "No route was found matching the URL and request method.")
}

// send writes rep with the headers WordPress adds to every REST answer.
func (c *call) send(w http.ResponseWriter, rep reply) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Link", "<"+c.base+"/wp-json/>; rel=\"https://api.w.org/\"")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link")
	h.Set("Access-Control-Allow-Headers", "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type")
	for k, v := range rep.header {
		h[k] = v // a pagination Link replaces the api.w.org one, as PHP's header() does
	}
	if c.me != nil {
		h.Set("Expires", "Wed, 11 Jan 1984 05:00:00 GMT")
		h.Set("Cache-Control", "no-cache, must-revalidate, max-age=0")
	} else if c.r.Method == http.MethodGet {
		h.Set("Vary", "Origin")
	}
	h.Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	w.Write(rep.body)
}

// authenticate returns the account whose application password the Basic
// credentials carry, or nil: WordPress 6.1 serves a failed application
// password as an anonymous request. The login may also be the e-mail.
func (s *Server) authenticate(r *http.Request) *user {
	if s.stripAuth {
		return nil
	}
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return nil
	}
	login, pw, ok := strings.Cut(string(raw), ":")
	if !ok {
		return nil
	}
	u := s.byLogin[fold(login)]
	if u == nil && strings.Contains(login, "@") {
		u = s.byEmail[strings.ToLower(login)]
	}
	if u == nil {
		return nil
	}
	pw = alnum(pw)
	for _, ap := range u.appPasswords {
		if ap.password == pw {
			return u
		}
	}
	return nil
}

// alnum keeps the letters and digits of an application password, as
// WordPress does before comparing it.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// readBody parses a JSON or form body into c.body.
func (c *call) readBody() *reply {
	if c.r.Body == nil || c.r.Method == http.MethodGet {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20))
	if err != nil || len(b) == 0 {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			rep := failData(400, "rest_invalid_json", "Invalid JSON body passed.",
				`{"status":400,"json_error_code":4,"json_error_message":"Syntax error"}`)
			return &rep
		}
		c.body = m
	case "application/x-www-form-urlencoded":
		vals, _ := url.ParseQuery(string(b))
		c.body = map[string]any{}
		for k, v := range vals {
			if name, ok := strings.CutSuffix(k, "[]"); ok {
				c.body[name] = toAny(v)
			} else {
				c.body[k] = v[len(v)-1]
			}
		}
	}
	return nil
}

func toAny(v []string) []any {
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = s
	}
	return out
}

// param returns a request parameter the way WP_REST_Request::get_param
// looks it up: the body first, then the query string, then the route.
func (c *call) param(name string) (any, bool) {
	if v, ok := c.body[name]; ok {
		return v, true
	}
	if c.q.has(name) {
		if v := c.q.list(name); len(v) > 1 || c.q.isArray(name) {
			return toAny(v), true
		}
		return c.q.get(name), true
	}
	if name == "id" && c.id != "" {
		return c.id, true
	}
	return nil, false
}

// str returns a scalar parameter as a string ("" when absent).
func (c *call) str(name string) string {
	v, _ := c.param(name)
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		if v {
			return "1"
		}
		return ""
	}
	return ""
}

// paramKeys returns the names of every parameter of the request (body,
// query, route), sorted, as update_item_permissions_check sees them.
func (c *call) paramKeys() []string {
	var keys []string
	for k := range c.body {
		keys = append(keys, k)
	}
	keys = append(keys, c.q.keys...)
	if c.id != "" {
		keys = append(keys, "id")
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// query is a parsed query string that keeps the order of first appearance,
// as PHP's $_GET does (a repeated key keeps its place and takes the last
// value; key[] makes a list).
type query struct {
	keys   []string
	vals   map[string][]string
	arrays map[string]bool
}

func parseQuery(raw string) query {
	q := query{vals: map[string][]string{}, arrays: map[string]bool{}}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || k == "" {
			continue
		}
		arr := false
		if name, ok := strings.CutSuffix(k, "[]"); ok {
			k, arr = name, true
		}
		if _, seen := q.vals[k]; !seen {
			q.keys = append(q.keys, k)
		}
		if arr {
			q.arrays[k] = true
			q.vals[k] = append(q.vals[k], v)
		} else {
			q.vals[k] = []string{v}
		}
	}
	return q
}

func (q query) has(k string) bool      { _, ok := q.vals[k]; return ok }
func (q query) isArray(k string) bool  { return q.arrays[k] }
func (q query) list(k string) []string { return q.vals[k] }
func (q query) get(k string) (v string) {
	if l := q.vals[k]; len(l) > 0 {
		v = l[len(l)-1]
	}
	return v
}

// withPage returns the query string with page set to p, in place if it was
// there, appended otherwise; values are encoded as PHP's urlencode does.
func (q query) withPage(p int) string {
	var b strings.Builder
	put := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(phpURLEncode(v))
	}
	done := false
	for _, k := range q.keys {
		if k == "page" {
			put(k, strconv.Itoa(p))
			done = true
			continue
		}
		if q.arrays[k] || arrayParams[k] {
			// Sanitising made the parameter an array (wp_parse_list), and
			// http_build_query writes an array as key[0]=…&key[1]=….
			var list []string
			for _, v := range q.vals[k] {
				list = append(list, splitList(v)...)
			}
			for i, v := range list {
				put(k+"%5B"+strconv.Itoa(i)+"%5D", v)
			}
			continue
		}
		put(k, q.get(k))
	}
	if !done {
		put("page", strconv.Itoa(p))
	}
	return b.String()
}

// arrayParams are the list parameters of type array: in a Link header
// they come back as the array WordPress made of them.
var arrayParams = map[string]bool{"exclude": true, "include": true, "slug": true, "roles": true, "capabilities": true}

// phpURLEncode is PHP's urlencode: spaces as '+', everything but letters,
// digits and "-_." escaped (Go's QueryEscape also spares '~').
func phpURLEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "~", "%7E")
}

// fail builds a WP_Error answer {"code","message","data":{"status"}}.
func fail(status int, code, message string) reply {
	return failData(status, code, message, `{"status":`+strconv.Itoa(status)+`}`)
}

// failData builds a WP_Error answer with raw JSON data ("null" for the
// errors of wp_insert_user, which carry no status).
func failData(status int, code, message, data string) reply {
	var w jsonWriter
	w.raw(`{"code":`)
	w.str(code)
	w.raw(`,"message":`)
	w.str(message)
	w.raw(`,"data":`)
	w.raw(data)
	w.raw(`}`)
	return reply{status: status, body: w.b}
}

// paramError is one invalid parameter of a rest_invalid_param answer.
type paramError struct {
	name, code, message string
	dataParam           string // data.param of rest_invalid_type; "" for null
}

// invalidParams answers 400 rest_invalid_param the way WordPress lists the
// bad parameters: params (name → message) and details (name → error).
func invalidParams(errs []paramError) reply {
	names := make([]string, len(errs))
	for i, e := range errs {
		names[i] = e.name
	}
	var w jsonWriter
	w.raw(`{"code":"rest_invalid_param","message":`)
	w.str("Invalid parameter(s): " + strings.Join(names, ", "))
	w.raw(`,"data":{"status":400,"params":{`)
	for i, e := range errs {
		if i > 0 {
			w.raw(",")
		}
		w.str(e.name)
		w.raw(":")
		w.str(e.message)
	}
	w.raw(`},"details":{`)
	for i, e := range errs {
		if i > 0 {
			w.raw(",")
		}
		w.str(e.name)
		w.raw(`:{"code":`)
		w.str(e.code)
		w.raw(`,"message":`)
		w.str(e.message)
		w.raw(`,"data":`)
		if e.dataParam == "" {
			w.raw("null")
		} else {
			w.raw(`{"param":`)
			w.str(e.dataParam)
			w.raw("}")
		}
		w.raw("}")
	}
	w.raw(`}}}`)
	return reply{status: 400, body: w.b}
}

// missingParams answers 400 rest_missing_callback_param.
func missingParams(names ...string) reply {
	var w jsonWriter
	w.raw(`{"code":"rest_missing_callback_param","message":`)
	w.str("Missing parameter(s): " + strings.Join(names, ", "))
	w.raw(`,"data":{"status":400,"params":[`)
	for i, n := range names {
		if i > 0 {
			w.raw(",")
		}
		w.str(n)
	}
	w.raw(`]}}`)
	return reply{status: 400, body: w.b}
}

// authCode is rest_authorization_required_code(): 403 for a logged-in
// caller, 401 for an anonymous one.
func (c *call) authCode() int {
	if c.me != nil {
		return 403
	}
	return 401
}

// index answers GET /wp-json/ with the discovery document, trimmed to what
// clients read: the site, the namespaces and the application-password
// authorisation endpoint.
func (s *Server) index(c *call) reply {
	var w jsonWriter
	w.raw(`{"name":"opsbot fake site","description":"","url":`)
	w.str(c.base)
	w.raw(`,"home":`)
	w.str(c.base)
	w.raw(`,"gmt_offset":"0","timezone_string":"","namespaces":["wp\/v2"],"authentication":{"application-passwords":{"endpoints":{"authorization":`)
	w.str(c.base + "/wp-admin/authorize-application.php")
	w.raw(`}}},"routes":{}}`)
	return reply{status: 200, body: w.b}
}
