package coherence

import (
	"cmp"
	"hash/maphash"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/anopex/opsbot/bot"
)

// How the join stays fast (100 000 members in a few tens of milliseconds):
// one sequential pass over each source turns every record into a 32-byte
// rec holding what the rules need (the address's key, flags, a hash of the
// name); the recs are radix-sorted by key so the records of one address sit
// side by side; one sequential pass over the sorted recs judges each
// address. Nothing goes back to the sources' structs except to build a
// finding or to compare two names that differ at first sight. A hash map
// keyed by address was three times slower: its random probes miss the
// cache at every record.
//
// The key of an address is the pair of its two keyed 64-bit hashes (two
// maphash seeds drawn per join). Two different addresses would be joined
// only if both collide, about n²/2¹²⁹ for n addresses: below 10⁻²⁸ for
// 200 000, far below the chance of a memory error.

// rec is one record of a source, reduced for the join.
type rec struct {
	h1, h2 uint64 // the normalised address's keyed hashes
	name   uint64 // nameHash of the record's name, 0 when it has none
	ref    uint32 // source (top two bits) and index in the source's slice
	flags  uint32
}

const (
	srcMember  uint32 = 0 << 30
	srcContact uint32 = 1 << 30
	srcWP      uint32 = 2 << 30
	srcMask    uint32 = 3 << 30
)

// Flags of a rec.
const (
	fActive       uint32 = 1 << iota // member: active
	fInList                          // contact: in the newsletter list
	fBlacklisted                     // contact: emailBlacklisted
	fUnsubscribed                    // contact: left the newsletter list
	fMembersOnly                     // WordPress: holds a members-only role
)

func (r *rec) src() uint32 { return r.ref & srcMask }
func (r *rec) idx() int    { return int(r.ref &^ srcMask) }

// pending is a finding found in the sorted pass, built once sorted. Its key
// orders the report: the code's rank, then the address's first record (its
// source and index), then the order the judge found it in.
type pending struct {
	key     uint64 // rank<<58 | first<<26 | seq
	reason  Reason
	lo, hi  int32 // the address's recs
	primary int32 // member index, -1 if none
}

// MaxRecords is the most records Join takes from the three sources
// together (the association has about 10 000 members): the join packs a
// record's index in 30 bits and a finding's order in 26.
const MaxRecords = 1 << 23

// Join joins the sources on the normalised address and returns the findings,
// by code (Codes order), each code's findings in the order their address
// first appears: Dolibarr register order, then Brevo, then WordPress. It does
// no I/O; the report's At and Sources are left for the caller.
func Join(d Data, cfg Config) Report {
	j := newJoiner(cfg)
	j.members(d.Members) // each on both cores when large
	j.contacts(d.Contacts)
	j.accounts(d.WPUsers)
	return j.report(d)
}

// joiner is a join in two stages, so that a sweep can reduce each source to
// its recs as soon as that source has been read, while the others are still
// on the network: members, contacts and accounts (each at most once, safe to
// call concurrently with one another), then report.
type joiner struct {
	x          extractor
	cfg        Config
	m, c, w    []rec // each source's recs, in source order
	sm, sc, sw Stats // each source's counts
}

func newJoiner(cfg Config) *joiner {
	return &joiner{x: extractor{s1: maphash.MakeSeed(), s2: maphash.MakeSeed()}, cfg: cfg}
}

// members reduces the members to recs and counts them.
func (j *joiner) members(ms []bot.Adherent) { j.m, j.sm = recsOf(ms, j.x.members) }

// contacts reduces the contacts to recs and counts them.
func (j *joiner) contacts(cs []bot.Contact) {
	j.c, j.sc = recsOf(cs, func(out []rec, cs []bot.Contact, base int, st *Stats) int {
		return j.x.contacts(out, cs, base, j.cfg.NewsletterList, st)
	})
}

// accounts reduces the WordPress accounts to recs and counts them.
func (j *joiner) accounts(us []bot.WPUser) {
	j.w, j.sw = recsOf(us, func(out []rec, us []bot.WPUser, base int, st *Stats) int {
		return j.x.accounts(out, us, base, j.cfg.MembersOnlyRoles, st)
	})
}

// recsOf runs fill over items (base is the index of items[0] in the
// source) and returns the recs in item order with the counts. Many items go
// in two halves on two goroutines: the last source read is reduced while
// the others wait, both cores free.
func recsOf[T any](items []T, fill func(out []rec, items []T, base int, st *Stats) int) ([]rec, Stats) {
	out := make([]rec, len(items))
	var st Stats
	if len(items) < 8192 {
		return out[:fill(out, items, 0, &st)], st
	}
	h := len(items) / 2
	var (
		st2 Stats
		n2  int
		wg  sync.WaitGroup
	)
	wg.Go(func() { n2 = fill(out[h:], items[h:], h, &st2) })
	n1 := fill(out[:h], items[:h], 0, &st)
	wg.Wait()
	copy(out[n1:], out[h:h+n2])
	st.add(st2)
	return out[:n1+n2], st
}

// report joins the recs of d's sources (d must hold what the recs were
// made from; a source in d.Missing is left out, and the codes that need it
// are skipped).
func (j *joiner) report(d Data) Report {
	var rep Report
	for _, c := range Codes {
		for _, s := range c.needs() {
			if slices.Contains(d.Missing, s) {
				rep.Skipped = append(rep.Skipped, c)
				break
			}
		}
	}
	if len(d.Members)+len(d.Contacts)+len(d.WPUsers) > MaxRecords {
		panic("coherence: more records than MaxRecords")
	}
	var parts [][]rec
	for _, p := range []struct {
		s     Source
		recs  []rec
		stats Stats
	}{{Dolibarr, j.m, j.sm}, {Brevo, j.c, j.sc}, {WordPress, j.w, j.sw}} {
		if slices.Contains(d.Missing, p.s) {
			continue
		}
		parts = append(parts, p.recs)
		rep.Stats.add(p.stats)
	}
	recs := sortRecs(slices.Concat(parts...))
	jd := judge{d: &d, cfg: j.cfg, recs: recs, skipped: rep.Skipped}
	for lo := 0; lo < len(recs); {
		hi := lo + 1
		for hi < len(recs) && recs[hi].h1>>31 == recs[lo].h1>>31 {
			hi++
		}
		jd.group(lo, hi)
		lo = hi
	}
	slices.SortFunc(jd.out, func(a, b pending) int { return cmp.Compare(a.key, b.key) })
	rep.Findings = make([]Finding, len(jd.out))
	for i, p := range jd.out {
		rep.Findings[i] = jd.finding(p)
	}
	return rep
}

// extractor hashes addresses with the join's two seeds.
type extractor struct{ s1, s2 maphash.Seed }

// put writes the rec of one record at out[n] if its address is usable and
// returns the new count.
func (x extractor) put(out []rec, n int, email string, ref, flags uint32, name uint64) int {
	key, ok := NormalizeEmail(email)
	if !ok {
		return n
	}
	out[n] = rec{h1: maphash.String(x.s1, key), h2: maphash.String(x.s2, key), name: name, ref: ref, flags: flags}
	return n + 1
}

// members fills out with the recs of ms, the source's members from index
// base on; it adds only to st's member counts.
func (x extractor) members(out []rec, ms []bot.Adherent, base int, st *Stats) int {
	n := 0
	for i := range ms {
		m := &ms[i]
		var f uint32
		if m.Active {
			f = fActive
			st.Active++
		}
		if k := x.put(out, n, m.Email, srcMember|uint32(base+i), f, nameHash(m.FirstName, m.LastName)); k > n {
			n = k
		} else {
			st.NoEmail++
		}
	}
	st.Members += len(ms)
	return n
}

// contacts fills out with the recs of cs, the contacts from index base on;
// it adds only to st's contact counts.
func (x extractor) contacts(out []rec, cs []bot.Contact, base, list int, st *Stats) int {
	n := 0
	for i := range cs {
		c := &cs[i]
		var f uint32
		if c.InList(list) {
			f |= fInList
			st.InList++
		}
		if c.Blacklisted {
			f |= fBlacklisted
		}
		if slices.Contains(c.Unsubscribed, list) {
			f |= fUnsubscribed
		}
		n = x.put(out, n, c.Email, srcContact|uint32(base+i), f, nameHash(c.FirstName, c.LastName))
	}
	st.Contacts += len(cs)
	return n
}

// accounts fills out with the recs of us, the WordPress accounts from index
// base on; it adds only to st's account counts.
func (x extractor) accounts(out []rec, us []bot.WPUser, base int, only []string, st *Stats) int {
	n := 0
	for i := range us {
		u := &us[i]
		var f uint32
		if membersOnly(u.Roles, only) {
			f = fMembersOnly
			st.WPMembersOnly++
		}
		n = x.put(out, n, u.Email, srcWP|uint32(base+i), f, wpNameHash(u))
	}
	st.WPUsers += len(us)
	return n
}

// judge applies the rules to the sorted recs.
type judge struct {
	d       *Data
	cfg     Config
	recs    []rec
	skipped []Code
	out     []pending
}

// group handles recs[lo:hi], which share the top bits of h1: almost always
// one address, but it may hold several.
func (j *judge) group(lo, hi int) {
	g := j.recs[lo:hi]
	same := true
	for k := 1; k < len(g); k++ {
		if g[k].h1 != g[0].h1 || g[k].h2 != g[0].h2 {
			same = false
			break
		}
	}
	if !same {
		slices.SortStableFunc(g, func(a, b rec) int { return cmp.Or(cmp.Compare(a.h1, b.h1), cmp.Compare(a.h2, b.h2)) })
	}
	for a := lo; a < hi; {
		b := a + 1
		for b < hi && j.recs[b].h1 == j.recs[a].h1 && j.recs[b].h2 == j.recs[a].h2 {
			b++
		}
		j.address(a, b)
		a = b
	}
}

// address judges recs[lo:hi], the records of one address, in source order.
func (j *judge) address(lo, hi int) {
	g := j.recs[lo:hi]
	var (
		members, primary = 0, -1 // primary: the first active member, else the latest record
		isActive         bool
		pm, ct, wp       *rec
		first            = g[0].ref
	)
	for k := range g {
		r := &g[k]
		first = min(first, r.ref)
		switch r.src() {
		case srcMember:
			members++
			if !isActive {
				primary, pm = r.idx(), r
				isActive = r.flags&fActive != 0
			}
		case srcContact:
			if ct == nil {
				ct = r
			}
		case srcWP:
			if wp == nil {
				wp = r
			}
		}
	}
	add := func(c Code, reason Reason) {
		key := uint64(codeRank(c))<<58 | uint64(first)<<26 | uint64(len(j.out))&(1<<26-1)
		j.out = append(j.out, pending{key: key, reason: reason, lo: int32(lo), hi: int32(hi), primary: int32(primary)})
	}
	run := func(c Code) bool { return !slices.Contains(j.skipped, c) }

	if members > 1 && run(DuplicateEmail) {
		add(DuplicateEmail, Shared)
	}
	if run(MissingInNewsletter) { // Dolibarr and Brevo are complete
		inList := ct != nil && ct.flags&fInList != 0
		switch {
		case isActive && ct != nil && ct.flags&fBlacklisted != 0:
			add(BlacklistedMember, Blacklisted)
		case isActive && ct != nil && ct.flags&fUnsubscribed != 0:
			add(BlacklistedMember, Unsubscribed)
		case isActive && ct == nil:
			add(MissingInNewsletter, NoContact)
		case isActive && !inList:
			add(MissingInNewsletter, NotInList)
		case !isActive && inList:
			add(NotMemberInNewsletter, j.statusReason(primary))
		}
		if ct != nil && pm != nil && !j.sameName(pm, ct) {
			add(NameMismatch, InBrevo)
		}
	}
	if wp != nil && run(WPRoleWithoutMembership) { // Dolibarr and WordPress are complete
		if !isActive && wp.flags&fMembersOnly != 0 {
			add(WPRoleWithoutMembership, j.statusReason(primary))
		}
		if pm != nil && !j.sameName(pm, wp) {
			add(NameMismatch, InWordPress)
		}
	}
}

// sameName compares the names of a member's rec and a contact's or an
// account's: equal name hashes (or a missing name) settle it without
// touching the records.
func (j *judge) sameName(m, o *rec) bool {
	if m.name == 0 || o.name == 0 || m.name == o.name {
		return true
	}
	a := &j.d.Members[m.idx()]
	if o.src() == srcContact {
		c := &j.d.Contacts[o.idx()]
		return samePerson(a.FirstName, a.LastName, c.FirstName, c.LastName)
	}
	return sameWPName(a, &j.d.WPUsers[o.idx()])
}

func (j *judge) statusReason(member int) Reason {
	if member < 0 {
		return UnknownEmail
	}
	return statusReason(&j.d.Members[member])
}

// finding builds the finding p stands for.
func (j *judge) finding(p pending) Finding {
	f := Finding{Code: Codes[p.key>>58], Reason: p.reason}
	for _, r := range j.recs[p.lo:p.hi] {
		switch r.src() {
		case srcMember:
			a := &j.d.Members[r.idx()]
			f.MemberIDs = append(f.MemberIDs, a.ID)
			if f.Email == "" {
				f.Email, _ = NormalizeEmail(a.Email)
			}
		case srcContact:
			if !f.HasContact {
				c := &j.d.Contacts[r.idx()]
				f.ContactName, f.ContactEmail, f.HasContact = c.Name(), c.Email, true
				if f.Email == "" {
					f.Email, _ = NormalizeEmail(c.Email)
				}
			}
		case srcWP:
			if f.WPLogin == "" && f.WPRoles == nil {
				u := &j.d.WPUsers[r.idx()]
				f.WPName, f.WPLogin, f.WPRoles = wpName(u), u.Username, u.Roles
				if f.Email == "" {
					f.Email, _ = NormalizeEmail(u.Email)
				}
			}
		}
	}
	if p.primary >= 0 {
		a := &j.d.Members[p.primary]
		f.MemberName, f.FirstName, f.LastName = a.Name(), a.FirstName, a.LastName
	}
	return f
}

// sortRecs sorts recs by the top 33 bits of h1, stably (records of one
// address stay in source order). Large inputs go through an LSD radix sort
// of three 11-bit digits, whose passes read and write memory in order.
func sortRecs(recs []rec) []rec {
	if len(recs) < 1024 {
		slices.SortStableFunc(recs, func(a, b rec) int { return cmp.Compare(a.h1>>31, b.h1>>31) })
		return recs
	}
	const bits = 11
	const buckets = 1 << bits
	tmp := make([]rec, len(recs))
	var count [buckets]int
	for shift := 64 - 3*bits; shift < 64; shift += bits {
		clear(count[:])
		for i := range recs {
			count[(recs[i].h1>>shift)&(buckets-1)]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for i := range recs {
			d := (recs[i].h1 >> shift) & (buckets - 1)
			tmp[count[d]] = recs[i]
			count[d]++
		}
		recs, tmp = tmp, recs
	}
	return recs
}

// nameHash hashes the words of a name given in two parts (first and last,
// or a whole name and ""), lower-cased, in the order written: names with the
// same hash are the same for SameName (up to a 64-bit FNV collision, which
// could only hide a name_mismatch). Names that differ only by accents or
// word order hash differently and go to SameName. 0 means no word at all.
func nameHash(a, b string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h, n, sep := uint64(offset), 0, false
	for _, s := range [2]string{a, b} {
		for i := 0; i < len(s); {
			c := rune(s[i])
			size := 1
			if c >= utf8.RuneSelf {
				c, size = utf8.DecodeRuneInString(s[i:])
			}
			i += size
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			case c >= 'A' && c <= 'Z':
				c += 'a' - 'A'
			case c >= utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c)):
				c = unicode.ToLower(c)
			default:
				sep = n > 0
				continue
			}
			if sep {
				h = (h ^ ' ') * prime
				sep = false
			}
			h = (h ^ uint64(c)) * prime
			n++
		}
		sep = n > 0
	}
	if n == 0 {
		return 0
	}
	return h
}

// wpNameHash hashes the name wpName returns.
func wpNameHash(u *bot.WPUser) uint64 {
	if u.FirstName != "" || u.LastName != "" {
		return nameHash(u.FirstName, u.LastName)
	}
	if u.Name == u.Username {
		return 0
	}
	return nameHash(u.Name, "")
}

// wpName returns the name of a WordPress account: first and last name when
// set, else the display name unless it is only the login.
func wpName(u *bot.WPUser) string {
	if n := joinName(u.FirstName, u.LastName); n != "" {
		return n
	}
	if u.Name == u.Username {
		return ""
	}
	return u.Name
}

func joinName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return first + " " + last
}
