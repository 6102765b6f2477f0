package coherence

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

// referenceJoin applies the rules written another way (names compared as
// whole strings, findings grouped by code), to check Join.
func referenceJoin(d Data, cfg Config) []got {
	type at struct {
		members []int
		contact int
		wp      int
	}
	by := map[string]*at{}
	var order []string
	get := func(email string) *at {
		k, ok := NormalizeEmail(email)
		if !ok {
			return nil
		}
		a := by[k]
		if a == nil {
			a = &at{contact: -1, wp: -1}
			by[k] = a
			order = append(order, k)
		}
		return a
	}
	for i, m := range d.Members {
		if a := get(m.Email); a != nil {
			a.members = append(a.members, i)
		}
	}
	for i, c := range d.Contacts {
		if a := get(c.Email); a != nil && a.contact < 0 {
			a.contact = i
		}
	}
	for i, u := range d.WPUsers {
		if a := get(u.Email); a != nil && a.wp < 0 {
			a.wp = i
		}
	}
	byCode := map[Code][]got{}
	for _, k := range order {
		a := by[k]
		var primary *bot.Adherent
		active := false
		var ids []string
		for _, i := range a.members {
			m := &d.Members[i]
			ids = append(ids, m.ID)
			if !active {
				primary, active = m, m.Active
			}
		}
		add := func(c Code, r Reason) { byCode[c] = append(byCode[c], got{c, r, k, fmt.Sprint(ids)}) }
		if len(a.members) > 1 {
			add(DuplicateEmail, Shared)
		}
		var c *bot.Contact
		if a.contact >= 0 {
			c = &d.Contacts[a.contact]
		}
		switch {
		case active && c != nil && c.Blacklisted:
			add(BlacklistedMember, Blacklisted)
		case active && c != nil && slices.Contains(c.Unsubscribed, cfg.NewsletterList):
			add(BlacklistedMember, Unsubscribed)
		case active && c == nil:
			add(MissingInNewsletter, NoContact)
		case active && !c.InList(cfg.NewsletterList):
			add(MissingInNewsletter, NotInList)
		case !active && c != nil && c.InList(cfg.NewsletterList):
			add(NotMemberInNewsletter, statusReason(primary))
		}
		if c != nil && primary != nil && !SameName(primary.Name(), c.Name()) {
			add(NameMismatch, InBrevo)
		}
		if a.wp >= 0 {
			u := &d.WPUsers[a.wp]
			if !active && membersOnly(u.Roles, cfg.MembersOnlyRoles) {
				add(WPRoleWithoutMembership, statusReason(primary))
			}
			if primary != nil && !SameName(primary.Name(), wpName(u)) {
				add(NameMismatch, InWordPress)
			}
		}
	}
	var out []got
	for _, c := range Codes {
		out = append(out, byCode[c]...)
	}
	return out
}

// randomData draws n members with addresses from a small pool, so that
// duplicates, shared and missing addresses, names written differently and
// every status are frequent.
func randomData(r *rand.Rand, n int) Data {
	pool := func() string {
		e := fmt.Sprintf("p%d@x.fr", r.IntN(n))
		switch r.IntN(10) {
		case 0:
			return " P" + e[1:] + " "
		case 1:
			return "mailto:" + e
		case 2:
			return ""
		}
		return e
	}
	names := [][2]string{{"Jeanne", "Dupont"}, {"JEANNE", "DUPONT"}, {"Dupont", "Jeanne"}, {"Hélène", "Lefèvre"}, {"Helene", "Lefevre"}, {"Paul", "Martin"}, {"", ""}}
	statuses := []bot.AdherentStatus{bot.AdherentActive, bot.AdherentActive, bot.AdherentActive, bot.AdherentResigned, bot.AdherentDraft, bot.AdherentExcluded}
	var d Data
	for i := range n {
		nm := names[r.IntN(len(names))]
		st := statuses[r.IntN(len(statuses))]
		d.Members = append(d.Members, member(fmt.Sprint(i+1), pool(), nm[0], nm[1], st, st == bot.AdherentActive && r.IntN(5) > 0))
	}
	for range n {
		nm := names[r.IntN(len(names))]
		c := contact(pool(), nm[0], nm[1])
		switch r.IntN(6) {
		case 0:
		case 1:
			c.ListIDs = []int{9}
		case 2:
			c.ListIDs, c.Blacklisted = []int{news}, true
		case 3:
			c.Unsubscribed = []int{news}
		default:
			c.ListIDs = []int{9, news}
		}
		d.Contacts = append(d.Contacts, c)
	}
	for i := range n / 4 {
		nm := names[r.IntN(len(names))]
		roles := [][]string{{"subscriber"}, {"editor"}, {"adherent", "author"}, nil}[r.IntN(4)]
		d.WPUsers = append(d.WPUsers, wpUser(fmt.Sprint("u", i), pool(), nm[0], nm[1], roles...))
	}
	return d
}

// TestJoinMatchesReference compares Join with referenceJoin on random data,
// small and large.
func TestJoinMatchesReference(t *testing.T) {
	for _, n := range []int{1, 10, 300, 5000, 20000} {
		for seed := range uint64(3) {
			t.Run(fmt.Sprintf("n=%d/seed=%d", n, seed), func(t *testing.T) {
				d := randomData(rand.New(rand.NewPCG(seed, uint64(n))), n)
				if diff := cmp.Diff(referenceJoin(d, testConfig), reduce(Join(d, testConfig))); diff != "" {
					t.Errorf("Join differs from the reference (-want +got):\n%s", diff)
				}
			})
		}
	}
}
