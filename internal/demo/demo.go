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

// Functions maps the association's functions to the Dolibarr groups
// Seed creates (the demo configuration's doli.functions).
var Functions = map[string][]string{
	"délégué":      {"Délégués"},
	"adjoint":      {"Délégués adjoints"},
	"membre du CA": {"Conseil d'administration"},
	"trésorier":    {"Bureau", "Trésorerie"},
	"président":    {"Bureau", "Présidence"},
}

// Findings is how many findings of each code Seed's association
// holds: the demo's `/coherence sweep` shows every code.
var Findings = map[coherence.Code]int{
	coherence.MissingInNewsletter:     4,
	coherence.NotMemberInNewsletter:   5,
	coherence.BlacklistedMember:       2,
	coherence.DuplicateEmail:          1,
	coherence.WPRoleWithoutMembership: 2,
	coherence.NameMismatch:            2,
}

var demoFirst = []string{"Jeanne", "Marc", "Sophie", "Louis", "Claire", "Pierre", "Anne", "Jacques", "Marie", "Paul",
	"Hélène", "André", "Françoise", "Michel", "Nathalie", "Gérard", "Isabelle", "Bernard", "Sylvie", "Alain",
	"Martine", "Patrick", "Brigitte", "Daniel", "Catherine", "Philippe", "Monique", "Christian", "Odile", "Yves",
	"Josiane", "René", "Colette", "Roger", "Éliane", "Guy", "Simone", "Henri", "Paulette", "Lucien"}

var demoLast = []string{"Dupont", "Martin", "Bernard", "Durand", "Lefèvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia",
	"Roux", "Fournier", "Girard", "Bonnet", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier",
	"François", "Legrand", "Gauthier", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel",
	"Mathieu", "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël"}

// Seed seeds a small association of 62 member records (and the
// newsletter contacts and website accounts that go with them), relative to
// e.Now, with Findings' cases among coherent people, including names that
// only differ by accents, hyphens or order (which are no finding). It adds
// the newsletter list to Brevo, and Dolibarr staff users in the groups of
// Functions. It keeps the coherence configuration that matches.
func (e *Env) Seed() {
	now := e.Now
	list := e.Brevo.AddList("Lettre d'information des adhérents")
	e.Brevo.SetListUnsubscription(true)
	up := now.AddDate(0, 8, 0) // subscription up to date
	var people []person
	for i := range 40 {
		p := person{first: demoFirst[i], last: demoLast[i], status: "", end: up, contact: 1}
		p.email = fmt.Sprintf("%s.%s@exemple.fr", slug(p.first), slug(p.last))
		if i%4 == 0 {
			p.wpRole = "adherent"
		}
		people = append(people, p)
	}
	// Coherent but written differently: no finding.
	people = append(people,
		person{first: "Jean-Pierre", last: "Lefèvre-Utile", email: "JP.Lefevre@Exemple.fr ", end: up, contact: 1,
			contactFirst: "Jean Pierre", contactLast: "LEFEVRE UTILE", wpRole: "adherent", wpFirst: "Lefèvre-Utile", wpLast: "Jean-Pierre"},
		person{first: "Geneviève", last: "Saint-Éloi", email: "genevieve.st-eloi@exemple.fr", honorary: true, contact: 1},
		person{first: "Thérèse", last: "Martin", email: "tresoriere@anopex.test", end: up, contact: 1, wpRole: "editor"},
		person{first: "Paul", last: "Président", email: "president@anopex.test", end: up, contact: 1, wpRole: "administrator"},
		person{first: "Dominique", last: "Petit", email: "delegue75@anopex.test", end: up, contact: 1, wpRole: "author"},
		person{first: "Lucie", last: "Brouillon", email: "lucie.brouillon@exemple.fr", status: "draft"},
		person{first: "Sans", last: "Adresse", email: "", end: up},
	)
	// missing_in_newsletter: three without contact, one outside the list.
	people = append(people,
		person{first: "Nouvelle", last: "Adhérente", email: "nouvelle.adherente@exemple.fr", end: up},
		person{first: "Marcel", last: "Oublié", email: "marcel.oublie@exemple.fr", end: up},
		person{first: "Honoré", last: "Dhonneur", email: "honore.dhonneur@exemple.fr", honorary: true},
		person{first: "Irène", last: "Horsliste", email: "irene.horsliste@exemple.fr", end: up, contact: 2},
	)
	// not_member_in_newsletter: expired, resigned, excluded, unknown.
	people = append(people,
		person{first: "Edmond", last: "Expiré", email: "edmond.expire@exemple.fr", end: now.AddDate(0, -3, 0), contact: 1, wpRole: "adherent"},
		person{first: "Rose", last: "Résiliée", email: "rose.resiliee@exemple.fr", status: "resiliated", end: now.AddDate(-1, 0, 0), contact: 1},
		person{first: "Xavier", last: "Exclu", email: "xavier.exclu@exemple.fr", status: "excluded", contact: 1},
		person{first: "Inconnu", last: "Delaliste", email: "inconnu.delaliste@exemple.fr", status: "-", contact: 1, wpRole: "subscriber"},
		person{first: "Ancienne", last: "Abonnée", email: "ancienne.abonnee@exemple.fr", status: "-", contact: 1},
	)
	// blacklisted_member: blocked, and unsubscribed from the list.
	people = append(people,
		person{first: "Bérénice", last: "Bloquée", email: "berenice.bloquee@exemple.fr", end: up, contact: 3},
		person{first: "Désiré", last: "Désinscrit", email: "desire.desinscrit@exemple.fr", end: up, contact: 4},
	)
	// duplicate_email: a resigned record and the new one share an address.
	people = append(people,
		person{first: "Double", last: "Fiche", email: "double.fiche@exemple.fr", status: "resiliated", end: now.AddDate(-2, 0, 0), contact: 1},
		person{first: "Double", last: "Fiche", email: "Double.Fiche@exemple.fr", end: up, contact: 1},
	)
	// name_mismatch: a married name in Brevo, a nickname on WordPress.
	people = append(people,
		person{first: "Mauricette", last: "Durand", email: "mauricette.durand@exemple.fr", end: up, contact: 1, contactLast: "Dubois"},
		person{first: "Robert", last: "Vidal", email: "robert.vidal@exemple.fr", end: up, contact: 1, wpRole: "adherent", wpFirst: "Bob", wpLast: "Ledoux"},
	)
	e.seed(list, people)
	seedStaff(e.Dolibarr, now)
}

// seedStaff adds the board's and delegates' Dolibarr accounts; Dominique
// Petit last logged in 200 days ago and Camille Leroy never did.
func seedStaff(d *dolibarrtest.Server, now time.Time) {
	day := 24 * time.Hour
	for _, u := range []dolibarrtest.User{
		{Login: "t.martin", Email: "tresoriere@anopex.test", FirstName: "Thérèse", LastName: "Martin", Groups: Functions["trésorier"], LastLogin: now.Add(-2 * day)},
		{Login: "p.president", Email: "president@anopex.test", FirstName: "Paul", LastName: "Président", Groups: Functions["président"], LastLogin: now.Add(-10 * day)},
		{Login: "d.petit", Email: "delegue75@anopex.test", FirstName: "Dominique", LastName: "Petit", Groups: Functions["délégué"], LastLogin: now.Add(-200 * day)},
		{Login: "c.leroy", Email: "ca-membre@anopex.test", FirstName: "Camille", LastName: "Leroy", Groups: Functions["membre du CA"]},
		{Login: "a.ancien", Email: "ancien.delegue@exemple.fr", FirstName: "Albert", LastName: "Ancien", Disabled: true, Groups: Functions["délégué"]},
	} {
		d.AddUser(u)
	}
	d.AddGroup("Délégués adjoints", "Délégués adjoints des départements")
}

// slug folds a name for an address: "Hélène" → "helene", "Saint-Éloi" → "saint-eloi".
func slug(s string) string { return strings.ReplaceAll(coherence.NameKey(s), " ", "-") }

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

// seed writes people to the fakes and keeps the coherence configuration
// that matches; list is the newsletter's Brevo list.
func (e *Env) seed(list int, people []person) {
	e.Config = coherence.Config{NewsletterList: list, MembersOnlyRoles: MembersOnlyRoles}
	e.WordPress.AddRole("adherent", "Adhérent") // a members' area plugin's role
	logins := map[string]int{}
	for i, p := range people {
		login := uniqueLogin(logins, p.first, p.last)
		if p.status != "-" {
			a := dolibarrtest.Adherent{Login: login, FirstName: p.first, LastName: p.last,
				Email: p.email, Status: p.status, End: p.end}
			if p.honorary {
				a.TypeID = dolibarrtest.TypeHonorary
			}
			e.Dolibarr.AddAdherent(a)
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
			if _, taken := e.Brevo.Contact(p.email); !taken {
				e.Brevo.AddContact(c)
			}
		}
		if p.wpRole != "" {
			e.WordPress.AddUser(wordpresstest.User{Login: login, Email: strings.TrimSpace(p.email),
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
