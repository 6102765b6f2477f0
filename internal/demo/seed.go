// Package demo seeds the Dolibarr, Brevo and WordPress fakes with
// one association whose three lists disagree in every way the coherence
// checks know. It is the one place that seeds people for `opsbot demo`, the
// coherence tests over real clients, and the sweep benchmark.
package demo

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/anopex/opsbot/adapters/brevo/brevotest"
	"github.com/anopex/opsbot/adapters/dolibarr/dolibarrtest"
	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
	"github.com/anopex/opsbot/bot/coherence"
)

// Fakes are the three servers a seed writes to.
type Fakes struct {
	Dolibarr  *dolibarrtest.Server
	Brevo     *brevotest.Server
	WordPress *wordpresstest.Server
}

// MembersOnlyRoles are the WordPress roles the seeds give to members: the
// members' area role, and WordPress's default "subscriber".
var MembersOnlyRoles = []string{"adherent", "subscriber"}

// person is one row of a seed: what each source holds about one person.
type person struct {
	first, last, email string
	status             string    // Dolibarr status: "" (validated), "resiliated", "draft", "excluded"; "-" no member
	end                time.Time // end of subscription; zero: never paid
	honorary           bool      // a member type without subscription
	contact            int       // 0: no contact; 1: in the newsletter; 2: outside it; 3: blacklisted; 4: unsubscribed from it
	contactFirst       string    // a name Brevo holds instead of the member's
	contactLast        string
	wpRole             string // "" no WordPress account
	wpFirst, wpLast    string // a name WordPress holds instead of the member's
}

// seed writes people to the fakes; list is the newsletter's Brevo list.
func seed(f Fakes, list int, people []person) {
	if f.WordPress != nil {
		f.WordPress.AddRole("adherent", "Adhérent") // a members' area plugin's role
	}
	logins := map[string]int{}
	for i, p := range people {
		login := uniqueLogin(logins, p.first, p.last)
		if p.status != "-" {
			a := dolibarrtest.Adherent{Login: login, FirstName: p.first, LastName: p.last,
				Email: p.email, Status: p.status, End: p.end}
			if p.honorary {
				a.TypeID = dolibarrtest.TypeHonorary
			}
			f.Dolibarr.AddAdherent(a)
		}
		if p.contact != 0 && p.email != "" {
			c := brevotest.Contact{Email: p.email, FirstName: cmp.Or(p.contactFirst, p.first), LastName: cmp.Or(p.contactLast, p.last), ExtID: fmt.Sprint(i + 1)}
			switch p.contact {
			case 1:
				c.ListIDs = []int{list}
			case 3:
				c.ListIDs, c.Blacklisted = []int{list}, true
			case 4:
				c.Unsubscribed = []int{list}
			}
			if _, taken := f.Brevo.Contact(p.email); !taken {
				f.Brevo.AddContact(c)
			}
		}
		if p.wpRole != "" && f.WordPress != nil {
			f.WordPress.AddUser(wordpresstest.User{Login: login, Email: strings.TrimSpace(p.email),
				FirstName: cmp.Or(p.wpFirst, p.first), LastName: cmp.Or(p.wpLast, p.last), Roles: []string{p.wpRole}})
		}
	}
}

// uniqueLogin makes "j.dupont", then "j.dupont2" for a homonym.
func uniqueLogin(used map[string]int, first, last string) string {
	l := coherence.NameKey(first)
	if l != "" {
		l = string([]rune(l)[:1]) + "."
	}
	l += strings.ReplaceAll(coherence.NameKey(last), " ", "-")
	if l == "" {
		l = "membre"
	}
	used[l]++
	if n := used[l]; n > 1 {
		return fmt.Sprintf("%s%d", l, n)
	}
	return l
}
