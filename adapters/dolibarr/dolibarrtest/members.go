package dolibarrtest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Member types created by New.
const (
	TypeActive   = 2 // "Membre actif": needs a subscription
	TypeHonorary = 3 // "Membre d'honneur": no subscription
)

// Adherent is a member as a test seeds it.
type Adherent struct {
	Login, FirstName, LastName, Email string
	// Status is "validated" (or ""), "resiliated", "draft" or "excluded"
	// (Dolibarr's statut 1, 0, -1, -2).
	Status string
	// TypeID is TypeActive (the default) or TypeHonorary.
	TypeID int
	// End is the end of the current subscription (datefin); zero: never paid.
	End time.Time
}

var statuts = map[string]int8{"": 1, "validated": 1, "resiliated": 0, "draft": -1, "excluded": -2}

type memberType struct {
	label        string
	subscription bool
}

// member is the stored form: small, so that 100,000 fit in a few tens of MB.
type member struct {
	statut         int8
	typeID         int16
	login, first   string
	last, email    string
	datefin        int64 // Unix seconds, 0 = none
	datec, datemod int64
}

// AddAdherent stores a member and returns its id (ids count from 1). It
// panics on an unknown Status or TypeID: seeds are code.
func (s *Server) AddAdherent(a Adherent) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addLocked(a, s.now().Unix())
}

func (s *Server) addLocked(a Adherent, now int64) int {
	s.members = append(s.members, s.toMember(a, now, now))
	return len(s.members)
}

func (s *Server) toMember(a Adherent, created, modified int64) member {
	st, ok := statuts[a.Status]
	if !ok {
		panic(fmt.Sprintf("dolibarrtest: unknown status %q", a.Status))
	}
	if a.TypeID == 0 {
		a.TypeID = TypeActive
	}
	if _, ok := s.types[a.TypeID]; !ok {
		panic(fmt.Sprintf("dolibarrtest: unknown member type %d", a.TypeID))
	}
	var end int64
	if !a.End.IsZero() {
		end = a.End.Unix()
	}
	return member{statut: st, typeID: int16(a.TypeID), login: a.Login, first: a.FirstName,
		last: a.LastName, email: a.Email, datefin: end, datec: created, datemod: modified}
}

// UpdateAdherent applies f to member id; false if there is none. It panics
// like AddAdherent on an unknown Status or TypeID.
func (s *Server) UpdateAdherent(id int, f func(*Adherent)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || id > len(s.members) {
		return false
	}
	m := s.members[id-1]
	a := m.seed()
	f(&a)
	s.members[id-1] = s.toMember(a, m.datec, s.now().Unix())
	return true
}

func (m member) seed() Adherent {
	a := Adherent{Login: m.login, FirstName: m.first, LastName: m.last, Email: m.email, TypeID: int(m.typeID)}
	for k, v := range statuts {
		if v == m.statut && k != "" {
			a.Status = k
		}
	}
	if m.datefin != 0 {
		a.End = time.Unix(m.datefin, 0).UTC()
	}
	return a
}

// Adherents returns every stored member, in id order (index i is id i+1).
func (s *Server) Adherents() []Adherent {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Adherent, len(s.members))
	for i, m := range s.members {
		out[i] = m.seed()
	}
	return out
}

// GeneratedEmail is the address Generate gives member number i (0-based);
// brevotest.GeneratedEmail gives contact i the same one, so generated
// sources join.
func GeneratedEmail(i int) string { return fmt.Sprintf("member%06d@example.org", i) }

var (
	firstNames = []string{"Jeanne", "Marc", "Sophie", "Louis", "Claire", "Pierre", "Anne", "Jacques", "Marie", "Paul", "Hélène", "André"}
	lastNames  = []string{"Dupont", "Martin", "Bernard", "Durand", "Lefèvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia", "Roux", "Fournier"}
)

// Generate appends n members numbered 0…n-1 with GeneratedEmail(i), drawn
// from seed: about 80 % validated and up to date, 8 % validated but expired,
// 2 % honorary, 5 % resiliated, 3 % draft, 2 % excluded. Subscription ends
// are relative to the server's clock.
func (s *Server) Generate(n int, seed int64) {
	r := rand.New(rand.NewPCG(uint64(seed), 0x0d01ba77))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.members = slices.Grow(s.members, n)
	for i := range n {
		a := Adherent{
			Login:     "m" + strconv.Itoa(i),
			FirstName: firstNames[r.IntN(len(firstNames))],
			LastName:  lastNames[r.IntN(len(lastNames))],
			Email:     GeneratedEmail(i),
		}
		switch x := r.IntN(100); {
		case x < 80:
			a.End = now.AddDate(0, 1+r.IntN(11), 0)
		case x < 88:
			a.End = now.AddDate(0, -1-r.IntN(24), 0)
		case x < 90:
			a.TypeID = TypeHonorary
		case x < 95:
			a.Status, a.End = "resiliated", now.AddDate(-1, 0, 0)
		case x < 98:
			a.Status = "draft"
		default:
			a.Status = "excluded"
		}
		s.addLocked(a, now.Unix())
	}
}

// memberRow lets filters read a member's columns.
type memberRow struct {
	id int
	m  *member
}

func (r memberRow) col(name string) (any, bool) {
	switch name {
	case "t.rowid":
		return int64(r.id), true
	case "t.login":
		return r.m.login, true
	case "t.firstname":
		return r.m.first, true
	case "t.lastname":
		return r.m.last, true
	case "t.email":
		return r.m.email, true
	case "t.statut":
		return int64(r.m.statut), true
	case "t.fk_adherent_type":
		return int64(r.m.typeID), true
	case "t.datefin":
		if r.m.datefin == 0 {
			return nil, true
		}
		return r.m.datefin, true
	case "t.datec":
		return r.m.datec, true
	}
	return nil, false
}

// listMembers serves GET /members (reference §5.1).
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, k *apiKey) {
	if !k.can(RightMembersRead) {
		fail(w, http.StatusForbidden, "")
		return
	}
	p, ok := parseList(w, r)
	if !ok {
		return
	}
	typeID := 0
	if v := r.URL.Query().Get("typeid"); v != "" {
		typeID, _ = strconv.Atoi(v)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	probe := memberRow{m: &member{}}
	if _, ok := probe.col(p.sortfield); !ok {
		fail(w, http.StatusServiceUnavailable, "Error when retrieve member list : Unknown column '"+p.sortfield+"' in 'order clause'")
		return
	}
	if p.filter != nil {
		if err := check(p.filter, probe); err != nil {
			fail(w, http.StatusServiceUnavailable, "Error when retrieve member list : "+err.Error())
			return
		}
	}
	// The common case, every member by rowid, needs no index slice.
	var idx []int
	if p.filter != nil || typeID != 0 || p.sortfield != "t.rowid" || p.sortorder != "ASC" {
		idx = make([]int, 0, len(s.members))
		for i := range s.members {
			m := &s.members[i]
			if typeID != 0 && int(m.typeID) != typeID {
				continue
			}
			if p.filter != nil && !p.filter.eval(memberRow{i + 1, m}) {
				continue
			}
			idx = append(idx, i)
		}
		if p.sortfield != "t.rowid" || p.sortorder != "ASC" {
			order := byColumn(p)
			slices.SortStableFunc(idx, func(a, b int) int {
				return order(memberRow{a + 1, &s.members[a]}, memberRow{b + 1, &s.members[b]})
			})
		}
	}
	total := len(s.members)
	if idx != nil {
		total = len(idx)
	}
	lo, hi := p.window(total)
	o := obj{b: make([]byte, 0, (hi-lo)*400), props: p.props}
	for j := lo; j < hi; j++ {
		i := j
		if idx != nil {
			i = idx[j]
		}
		if j > lo {
			o.b = append(o.b, ',')
		}
		s.renderMember(&o, i+1, &s.members[i])
		if j == lo {
			// Members render to about the same size: room for the page.
			o.b = slices.Grow(o.b, (len(o.b)+len(o.b)/8)*(hi-lo-1))
		}
	}
	s.writeList(w, p, total, o.b, hi-lo, "member")
}

// byColumn orders rows by the list's sort field and order, as Dolibarr's
// SQL does.
func byColumn(p listParams) func(a, b row) int {
	return func(a, b row) int {
		va, _ := a.col(p.sortfield)
		vb, _ := b.col(p.sortfield)
		c := cmpAny(va, vb)
		if p.sortorder == "DESC" {
			c = -c
		}
		return c
	}
}

func cmpAny(a, b any) int {
	switch a := a.(type) {
	case int64:
		bb, _ := b.(int64)
		return cmp.Compare(a, bb)
	case string:
		bb, _ := b.(string)
		return strings.Compare(strings.ToLower(a), strings.ToLower(bb))
	}
	if b == nil {
		return 0
	}
	return -1 // NULL first, as MySQL does in ASC
}

// getMember serves GET /members/{id} (reference §5.2).
func (s *Server) getMember(w http.ResponseWriter, r *http.Request, k *apiKey) {
	if !k.can(RightMembersRead) {
		fail(w, http.StatusForbidden, "")
		return
	}
	id, err := strconv.Atoi(r.PathValue("id"))
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err != nil || id < 1 || id > len(s.members) {
		fail(w, http.StatusNotFound, "member not found")
		return
	}
	o := obj{b: make([]byte, 0, 1500)}
	s.renderMember(&o, id, &s.members[id-1])
	writeRaw(w, http.StatusOK, o.b)
}

// renderMember writes a member as Dolibarr does (reference §5.2, trimmed of
// the fields nobody reads but keeping their types: strings for DB numbers,
// Unix ints or "" for dates, nulls for unset inherited fields).
func (s *Server) renderMember(o *obj, id int, m *member) {
	t := s.types[int(m.typeID)]
	o.open()
	o.num("id", int64(id))
	o.num("ref", int64(id))
	o.str("entity", "1")
	o.str("login", m.login)
	o.raw("civility_id", "null")
	o.str("firstname", m.first)
	o.str("lastname", m.last)
	o.str("email", m.email)
	o.str("phone", "")
	o.str("address", "")
	o.str("zip", "")
	o.str("town", "")
	o.str("country_code", "FR")
	o.raw("company", "null")
	o.raw("socid", "null")
	o.str("morphy", "phy")
	o.str("public", "0")
	o.num("statut", int64(m.statut))
	o.num("status", int64(m.statut))
	o.num("typeid", int64(m.typeID))
	o.str("type", t.label)
	if t.subscription {
		o.str("need_subscription", "1")
	} else {
		o.str("need_subscription", "0")
	}
	o.date("datefin", m.datefin)
	o.date("datec", m.datec)
	o.date("date_creation", m.datec)
	o.date("datem", m.datemod)
	o.date("date_modification", m.datemod)
	o.date("last_subscription_date_end", m.datefin)
	o.str("birth", "")
	o.raw("note_public", "null")
	o.raw("socialnetworks", "[]")
	o.raw("photo", "null")
	o.raw("array_options", "{}")
	o.close()
}
