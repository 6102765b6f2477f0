package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/anopex/opsbot/adapters/dolibarr/dolibarrtest"
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
// now, with Findings' cases among coherent people, including names that
// only differ by accents, hyphens or order (which are no finding). It adds
// the newsletter list to Brevo, and Dolibarr staff users in the groups of
// Functions. It returns the coherence configuration that matches.
func Seed(f Fakes, now time.Time) coherence.Config {
	list := f.Brevo.AddList("Lettre d'information des adhérents")
	f.Brevo.SetListUnsubscription(true)
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
	seed(f, list, people)
	seedStaff(f.Dolibarr, now)
	return coherence.Config{NewsletterList: list, MembersOnlyRoles: MembersOnlyRoles}
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
