package brevotest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Contact is a contact as a test seeds or reads it.
type Contact struct {
	ID                  int64 // set by the server
	Email               string
	FirstName, LastName string
	Blacklisted         bool
	ListIDs             []int
	Unsubscribed        []int
	ExtID               string
}

// contact is the stored form.
type contact struct {
	email, first, last, extID string
	blacklisted, deleted      bool
	lists, unsub              []int32
	created, modified         int64 // Unix milliseconds
}

type list struct {
	id       int
	name     string
	folderID int
	created  int64
	members  []int32 // contact indexes, ascending (creation order)
}

// paris is the offset Brevo's answers carry for a French account.
var paris = time.FixedZone("CET", 3600)

const stamp = "2006-01-02T15:04:05.000-07:00"

// AddList creates a list in folder 1 and returns its id (ids count from 1).
func (s *Server) AddList(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := &list{id: len(s.lists) + 1, name: name, folderID: 1, created: s.now().UnixMilli()}
	s.lists = append(s.lists, l)
	return l.id
}

// AddContact stores a contact (its address lower-cased, as Brevo does) in
// its lists and returns its id. It panics on a taken address or an unknown
// list: seeds are code.
func (s *Server) AddContact(c Contact) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.addLocked(c, s.now().UnixMilli())
	if err != nil {
		panic("brevotest: " + err.Error())
	}
	return id
}

func (s *Server) addLocked(c Contact, now int64) (int64, error) {
	email := strings.ToLower(strings.TrimSpace(c.Email))
	if _, taken := s.byEmail[email]; taken || email == "" {
		return 0, fmt.Errorf("address %q taken or empty", email)
	}
	for _, l := range append(slices.Clone(c.ListIDs), c.Unsubscribed...) {
		if l < 1 || l > len(s.lists) {
			return 0, fmt.Errorf("no list %d", l)
		}
	}
	idx := int32(len(s.contacts))
	s.contacts = append(s.contacts, contact{email: email, first: c.FirstName, last: c.LastName, extID: c.ExtID,
		blacklisted: c.Blacklisted, created: now, modified: now})
	s.order = append(s.order, idx)
	s.byEmail[email] = idx
	for _, l := range c.ListIDs {
		s.link(idx, l)
	}
	for _, l := range c.Unsubscribed {
		s.contacts[idx].unsub = append(s.contacts[idx].unsub, int32(l))
	}
	return int64(idx) + 1, nil
}

// link puts contact idx in list id; false if it already was.
func (s *Server) link(idx int32, id int) bool {
	c := &s.contacts[idx]
	if slices.Contains(c.lists, int32(id)) {
		return false
	}
	c.lists = append(c.lists, int32(id))
	l := s.lists[id-1]
	at, _ := slices.BinarySearch(l.members, idx)
	l.members = slices.Insert(l.members, at, idx)
	return true
}

// unlink takes contact idx out of list id; false if it was not in it.
func (s *Server) unlink(idx int32, id int) bool {
	c := &s.contacts[idx]
	i := slices.Index(c.lists, int32(id))
	if i < 0 {
		return false
	}
	c.lists = slices.Delete(c.lists, i, i+1)
	l := s.lists[id-1]
	if at, found := slices.BinarySearch(l.members, idx); found {
		l.members = slices.Delete(l.members, at, at+1)
	}
	return true
}

// Contact returns the contact with address email as the server holds it now.
func (s *Server) Contact(email string) (Contact, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	idx, ok := s.byEmail[strings.ToLower(strings.TrimSpace(email))]
	if !ok {
		return Contact{}, false
	}
	return s.seed(idx), true
}

func (s *Server) seed(idx int32) Contact {
	c := s.contacts[idx]
	out := Contact{ID: int64(idx) + 1, Email: c.email, FirstName: c.first, LastName: c.last, Blacklisted: c.blacklisted, ExtID: c.extID}
	for _, l := range c.lists {
		out.ListIDs = append(out.ListIDs, int(l))
	}
	for _, l := range c.unsub {
		out.Unsubscribed = append(out.Unsubscribed, int(l))
	}
	return out
}

// ListMembers returns the addresses in list id, in creation order.
func (s *Server) ListMembers(id int) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id < 1 || id > len(s.lists) {
		return nil
	}
	out := make([]string, 0, len(s.lists[id-1].members))
	for _, idx := range s.lists[id-1].members {
		out = append(out, s.contacts[idx].email)
	}
	return out
}

// GeneratedEmail is the address Generate gives person number i; it is the
// one dolibarrtest.Generate gives member i, so generated sources join.
func GeneratedEmail(i int) string { return fmt.Sprintf("member%06d@example.org", i) }

var (
	firstNames = []string{"Jeanne", "Marc", "Sophie", "Louis", "Claire", "Pierre", "Anne", "Jacques", "Marie", "Paul", "Hélène", "André"}
	lastNames  = []string{"Dupont", "Martin", "Bernard", "Durand", "Lefèvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia", "Roux", "Fournier"}
)

// Generate adds contacts for people 0…n-1 with GeneratedEmail(i), drawn
// from seed: about 90 % in list listID, 3 % in it but blacklisted, 2 % in
// no list, 5 % absent; plus n/50 contacts in the list whose addresses
// (extra%06d@example.org) belong to no member. It panics on an unknown list.
func (s *Server) Generate(listID, n int, seed int64) {
	r := rand.New(rand.NewPCG(uint64(seed), 0xb2e70))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UnixMilli()
	s.contacts = slices.Grow(s.contacts, n+n/50)
	s.order = slices.Grow(s.order, n+n/50)
	add := func(c Contact) {
		if _, err := s.addLocked(c, now); err != nil {
			panic("brevotest: " + err.Error())
		}
	}
	for i := range n {
		c := Contact{Email: GeneratedEmail(i), FirstName: firstNames[r.IntN(len(firstNames))], LastName: lastNames[r.IntN(len(lastNames))]}
		switch x := r.IntN(100); {
		case x < 90:
			c.ListIDs = []int{listID}
		case x < 93:
			c.ListIDs, c.Blacklisted = []int{listID}, true
		case x < 95:
		default:
			continue
		}
		add(c)
	}
	for i := range n / 50 {
		add(Contact{Email: fmt.Sprintf("extra%06d@example.org", i), FirstName: "Ex", LastName: "Terne", ListIDs: []int{listID}})
	}
}

// render writes contact idx as Brevo does (reference §4).
func (s *Server) render(b []byte, idx int32, single bool, st *stamps) []byte {
	c := &s.contacts[idx]
	b = append(b, `{"email":`...)
	b = appendString(b, c.email)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, int64(idx)+1, 10)
	b = append(b, `,"emailBlacklisted":`...)
	b = strconv.AppendBool(b, c.blacklisted)
	b = append(b, `,"smsBlacklisted":false,"createdAt":"`...)
	b = st.append(b, c.created)
	b = append(b, `","modifiedAt":"`...)
	b = st.append(b, c.modified)
	b = append(b, `","listIds":`...)
	b = appendInts(b, c.lists)
	if s.unsubOn {
		b = append(b, `,"listUnsubscribed":`...)
		b = appendInts(b, c.unsub)
	}
	b = append(b, `,"attributes":{`...)
	n := 0
	for _, kv := range [][2]string{{s.firstAttr, c.first}, {s.lastAttr, c.last}} {
		if kv[1] == "" {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendString(b, kv[0])
		b = append(b, ':')
		b = appendString(b, kv[1])
	}
	b = append(b, '}')
	if single {
		b = append(b, `,"statistics":{}`...)
	}
	return append(b, '}')
}

// stamps formats Unix milliseconds as Brevo does, remembering the last two
// answers: a page's contacts mostly share their dates (an import, the
// fake's frozen clock), and formatting a time costs more than the rest of a
// contact. A nil *stamps formats every time.
type stamps struct {
	ms  [2]int64
	out [2][]byte
	n   int
}

func (st *stamps) append(b []byte, ms int64) []byte {
	if st == nil {
		return time.UnixMilli(ms).In(paris).AppendFormat(b, stamp)
	}
	for i := range min(st.n, 2) {
		if st.ms[i] == ms {
			return append(b, st.out[i]...)
		}
	}
	k := st.n % 2
	st.ms[k], st.out[k] = ms, time.UnixMilli(ms).In(paris).AppendFormat(nil, stamp)
	st.n++
	return append(b, st.out[k]...)
}

func appendInts(b []byte, v []int32) []byte {
	b = append(b, '[')
	for i, n := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, ']')
}

// appendString appends s as a JSON string; plain ASCII takes the fast path.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// writePage answers {"contacts":[…],"count":count} for the page of idx.
func (s *Server) writePage(w http.ResponseWriter, idx []int32, count, limit, offset int, asc bool) {
	total := len(idx)
	lo := min(offset, total)
	hi := min(lo+limit, total)
	b := make([]byte, 0, (hi-lo)*260+40)
	var st stamps
	b = append(b, `{"contacts":[`...)
	for j := lo; j < hi; j++ {
		k := j
		if !asc {
			k = total - 1 - j
		}
		if j > lo {
			b = append(b, ',')
		}
		b = s.render(b, idx[k], false, &st)
	}
	b = append(b, `],"count":`...)
	b = strconv.AppendInt(b, int64(count), 10)
	b = append(b, '}')
	writeRaw(w, http.StatusOK, b)
}

// since filters idx by modifiedSince / createdSince; false after a 400.
func (s *Server) since(w http.ResponseWriter, r *http.Request, idx []int32) ([]int32, bool) {
	for _, p := range []string{"modifiedSince", "createdSince"} {
		v := r.URL.Query().Get(p)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			fail(w, http.StatusBadRequest, "invalid_parameter", p+" is not a valid date-time")
			return nil, false
		}
		ms := t.UnixMilli()
		out := make([]int32, 0, len(idx))
		for _, i := range idx {
			c := &s.contacts[i]
			if p == "modifiedSince" && c.modified >= ms || p == "createdSince" && c.created >= ms {
				out = append(out, i)
			}
		}
		idx = out
	}
	return idx, true
}

// listContacts serves GET /v3/contacts (reference §5.1).
func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) {
	limit, offset, asc, ok := page(w, r, 50, 1000)
	if !ok {
		return
	}
	q := r.URL.Query()
	if q.Get("filter") != "" {
		fail(w, http.StatusBadRequest, "invalid_parameter", "filter is not supported by this fake")
		return
	}
	if q.Get("segmentId") != "" && len(q["listIds"]) > 0 {
		fail(w, http.StatusBadRequest, "invalid_parameter", "Either listIds or segmentId can be passed, not both")
		return
	}
	if q.Get("segmentId") != "" {
		fail(w, http.StatusNotFound, "document_not_found", "Segment does not exist")
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	idx := s.order
	count := 0
	if ids := q["listIds"]; len(ids) > 0 {
		var want []int
		for _, v := range ids {
			for _, f := range strings.Split(v, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil {
					fail(w, http.StatusBadRequest, "invalid_parameter", "listIds should be an array of integers")
					return
				}
				want = append(want, n)
			}
		}
		idx = s.inLists(want)
		count = len(s.order) // the account's, as Brevo's can be (reference §5.7)
	}
	idx, ok = s.since(w, r, idx)
	if ok {
		s.writePage(w, idx, cmp.Or(count, len(idx)), limit, offset, asc)
	}
}

// inLists returns the contacts in any of ids, in creation order.
func (s *Server) inLists(ids []int) []int32 {
	if len(ids) == 1 {
		if ids[0] < 1 || ids[0] > len(s.lists) {
			return nil
		}
		return s.lists[ids[0]-1].members
	}
	var out []int32
	for _, idx := range s.order {
		for _, l := range s.contacts[idx].lists {
			if slices.Contains(ids, int(l)) {
				out = append(out, idx)
				break
			}
		}
	}
	return out
}

// identifier decodes {identifier} the way Brevo does: percent-escapes
// decoded and a raw "+" read as a space, which is why the reference says a
// "+" in an address must be sent as %2B.
func identifier(r *http.Request) string {
	raw := r.URL.EscapedPath()
	raw = raw[strings.LastIndexByte(raw, '/')+1:]
	v, err := url.QueryUnescape(raw)
	if err != nil {
		return ""
	}
	return v
}

// find returns the contact named by an address or a numeric id.
func (s *Server) find(id string) (int32, bool) {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		if n < 1 || n > int64(len(s.contacts)) || s.contacts[n-1].deleted {
			return 0, false
		}
		return int32(n - 1), true
	}
	idx, ok := s.byEmail[strings.ToLower(id)]
	return idx, ok
}

// getContact serves GET /v3/contacts/{identifier} (reference §5.2).
func (s *Server) getContact(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	idx, ok := s.find(identifier(r))
	if !ok {
		fail(w, http.StatusNotFound, "document_not_found", "Contact does not exist")
		return
	}
	writeRaw(w, http.StatusOK, s.render(nil, idx, true, nil))
}

// contactBody is the body of POST and PUT /v3/contacts.
type contactBody struct {
	Email            *string        `json:"email"`
	ExtID            *string        `json:"ext_id"`
	Attributes       map[string]any `json:"attributes"`
	EmailBlacklisted *bool          `json:"emailBlacklisted"`
	SMSBlacklisted   *bool          `json:"smsBlacklisted"`
	ListIDs          []int          `json:"listIds"`
	UnlinkListIDs    []int          `json:"unlinkListIds"`
	UpdateEnabled    bool           `json:"updateEnabled"`
}

func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		fail(w, http.StatusBadRequest, "bad_request", "Input must be a valid JSON object")
		return false
	}
	return true
}

// validEmail is the fake's idea of an address Brevo accepts.
func validEmail(e string) bool {
	at := strings.LastIndexByte(e, '@')
	return at > 0 && at < len(e)-3 && strings.Contains(e[at:], ".") && !strings.ContainsAny(e, " ,;<>\"")
}

// apply writes body's changes on contact idx; false after an error answer.
func (s *Server) apply(w http.ResponseWriter, idx int32, b contactBody) bool {
	for _, l := range append(slices.Clone(b.ListIDs), b.UnlinkListIDs...) {
		if l < 1 || l > len(s.lists) {
			fail(w, http.StatusNotFound, "document_not_found", "List ID does not exist")
			return false
		}
	}
	c := &s.contacts[idx]
	for k, v := range b.Attributes {
		str, _ := v.(string)
		switch strings.ToUpper(k) {
		case s.firstAttr:
			c.first = str
		case s.lastAttr:
			c.last = str
		case "EMAIL":
			e := strings.ToLower(strings.TrimSpace(str))
			if other, taken := s.byEmail[e]; taken && other != idx {
				writeJSON(w, http.StatusBadRequest, map[string]any{"code": "invalid_parameter",
					"message":  "Unable to update contact, email is already associated with another Contact",
					"metadata": map[string]any{"duplicate_identifiers": []string{"email"}}})
				return false
			}
			if !validEmail(e) {
				fail(w, http.StatusBadRequest, "invalid_parameter", "Invalid email address")
				return false
			}
			delete(s.byEmail, c.email)
			c.email = e
			s.byEmail[e] = idx
		}
	}
	if b.ExtID != nil {
		c.extID = *b.ExtID
	}
	if b.EmailBlacklisted != nil {
		c.blacklisted = *b.EmailBlacklisted
	}
	for _, l := range b.ListIDs {
		s.link(idx, l)
	}
	for _, l := range b.UnlinkListIDs {
		s.unlink(idx, l)
	}
	s.contacts[idx].modified = s.now().UnixMilli()
	return true
}

// createContact serves POST /v3/contacts (reference §5.5): 201 {"id":n}
// when created, 204 when updateEnabled updated an existing contact, 400
// duplicate otherwise.
func (s *Server) createContact(w http.ResponseWriter, r *http.Request) {
	var b contactBody
	if !readBody(w, r, &b) {
		return
	}
	if b.Email == nil || strings.TrimSpace(*b.Email) == "" {
		fail(w, http.StatusBadRequest, "missing_parameter", "email is missing")
		return
	}
	email := strings.ToLower(strings.TrimSpace(*b.Email))
	if !validEmail(email) {
		fail(w, http.StatusBadRequest, "invalid_parameter", "Invalid email address")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if idx, taken := s.byEmail[email]; taken {
		if !b.UpdateEnabled {
			writeJSON(w, http.StatusBadRequest, map[string]any{"code": "duplicate_parameter",
				"message":  "Unable to create contact, email is already associated with another Contact",
				"metadata": map[string]any{"duplicate_identifiers": []string{"email"}}})
			return
		}
		if s.apply(w, idx, b) {
			w.WriteHeader(http.StatusNoContent)
		}
		return
	}
	for _, l := range b.ListIDs {
		if l < 1 || l > len(s.lists) {
			fail(w, http.StatusNotFound, "document_not_found", "List ID does not exist")
			return
		}
	}
	id, _ := s.addLocked(Contact{Email: email}, s.now().UnixMilli())
	if !s.apply(w, int32(id-1), b) {
		return
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": id})
}

// updateContact serves PUT /v3/contacts/{identifier} (reference §5.6): 204.
func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) {
	var b contactBody
	if !readBody(w, r, &b) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx, ok := s.find(identifier(r))
	if !ok {
		fail(w, http.StatusNotFound, "document_not_found", "Contact does not exist")
		return
	}
	if s.apply(w, idx, b) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// deleteContact serves DELETE /v3/contacts/{identifier}: 204.
func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	idx, ok := s.find(identifier(r))
	if !ok {
		fail(w, http.StatusNotFound, "document_not_found", "Contact does not exist")
		return
	}
	for _, l := range slices.Clone(s.contacts[idx].lists) {
		s.unlink(idx, int(l))
	}
	s.contacts[idx].deleted = true
	delete(s.byEmail, s.contacts[idx].email)
	if at := slices.Index(s.order, idx); at >= 0 {
		s.order = slices.Delete(s.order, at, at+1)
	}
	w.WriteHeader(http.StatusNoContent)
}
