package coherence

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

const news = 3 // the newsletter list of the tests

var testConfig = Config{NewsletterList: news, MembersOnlyRoles: []string{"adherent", "subscriber"}}

func member(id, email, first, last string, st bot.AdherentStatus, active bool) bot.Adherent {
	return bot.Adherent{ID: id, Email: email, FirstName: first, LastName: last, Status: st, Active: active, NeedSubscription: true}
}

func active(id, email, first, last string) bot.Adherent {
	return member(id, email, first, last, bot.AdherentActive, true)
}

func contact(email, first, last string, lists ...int) bot.Contact {
	return bot.Contact{Email: email, FirstName: first, LastName: last, ListIDs: lists}
}

func wpUser(login, email, first, last string, roles ...string) bot.WPUser {
	return bot.WPUser{Username: login, Email: email, FirstName: first, LastName: last, Name: first + " " + last, Roles: roles}
}

// got is a finding reduced to what a table row states.
type got struct {
	Code   Code
	Reason Reason
	Email  string
	IDs    string
}

func reduce(r Report) []got {
	var out []got
	for _, f := range r.Findings {
		out = append(out, got{f.Code, f.Reason, f.Email, fmt.Sprint(f.MemberIDs)})
	}
	return out
}

func TestJoinFindings(t *testing.T) {
	blacklisted := contact("bl@x.fr", "Bea", "Blanc", news)
	blacklisted.Blacklisted = true
	unsub := contact("un@x.fr", "Ugo", "Nord")
	unsub.Unsubscribed = []int{news}

	tests := []struct {
		name string
		data Data
		want []got
	}{{
		name: "coherent person: nothing",
		data: Data{
			Members:  []bot.Adherent{active("1", "Jeanne.Dupont@x.fr", "Jeanne", "Dupont")},
			Contacts: []bot.Contact{contact("jeanne.dupont@x.fr", "JEANNE", "DUPONT", news, 9)},
			WPUsers:  []bot.WPUser{wpUser("jdupont", "jeanne.dupont@x.fr", "Jeanne", "Dupont", "adherent")},
		},
	}, {
		name: "missing_in_newsletter: no contact",
		data: Data{Members: []bot.Adherent{active("1", "a@x.fr", "Ana", "Ari")}},
		want: []got{{MissingInNewsletter, NoContact, "a@x.fr", "[1]"}},
	}, {
		name: "missing_in_newsletter: contact in another list",
		data: Data{Members: []bot.Adherent{active("1", "a@x.fr", "Ana", "Ari")}, Contacts: []bot.Contact{contact("a@x.fr", "Ana", "Ari", 9)}},
		want: []got{{MissingInNewsletter, NotInList, "a@x.fr", "[1]"}},
	}, {
		name: "inactive member without contact: nothing",
		data: Data{Members: []bot.Adherent{member("1", "a@x.fr", "Ana", "Ari", bot.AdherentResigned, false)}},
	}, {
		name: "not_member_in_newsletter: each reason",
		data: Data{
			Members: []bot.Adherent{
				member("1", "exp@x.fr", "E", "X", bot.AdherentActive, false),
				member("2", "res@x.fr", "R", "S", bot.AdherentResigned, false),
				member("3", "exc@x.fr", "E", "C", bot.AdherentExcluded, false),
				member("4", "dra@x.fr", "D", "R", bot.AdherentDraft, false),
			},
			Contacts: []bot.Contact{contact("exp@x.fr", "", "", news), contact("res@x.fr", "", "", news), contact("exc@x.fr", "", "", news),
				contact("dra@x.fr", "", "", news), contact("who@x.fr", "", "", news)},
		},
		want: []got{
			{NotMemberInNewsletter, Expired, "exp@x.fr", "[1]"}, {NotMemberInNewsletter, Resigned, "res@x.fr", "[2]"},
			{NotMemberInNewsletter, Excluded, "exc@x.fr", "[3]"}, {NotMemberInNewsletter, Draft, "dra@x.fr", "[4]"},
			{NotMemberInNewsletter, UnknownEmail, "who@x.fr", "[]"},
		},
	}, {
		name: "blacklisted_member: blacklisted and unsubscribed",
		data: Data{
			Members:  []bot.Adherent{active("1", "bl@x.fr", "Bea", "Blanc"), active("2", "un@x.fr", "Ugo", "Nord")},
			Contacts: []bot.Contact{blacklisted, unsub},
		},
		want: []got{{BlacklistedMember, Blacklisted, "bl@x.fr", "[1]"}, {BlacklistedMember, Unsubscribed, "un@x.fr", "[2]"}},
	}, {
		name: "duplicate_email: any status, one finding per address",
		data: Data{
			Members: []bot.Adherent{
				member("1", "d@x.fr", "Dan", "Deux", bot.AdherentResigned, false),
				active("2", " D@X.fr", "Dan", "Deux"),
				active("3", "d@x.fr", "Dan", "Deux"),
			},
			Contacts: []bot.Contact{contact("d@x.fr", "Dan", "Deux", news)},
		},
		want: []got{{DuplicateEmail, Shared, "d@x.fr", "[1 2 3]"}},
	}, {
		name: "duplicate active and expired: the address is a member's",
		data: Data{
			Members:  []bot.Adherent{member("1", "d@x.fr", "Dan", "Deux", bot.AdherentActive, false), active("2", "d@x.fr", "Dan", "Deux")},
			Contacts: []bot.Contact{contact("d@x.fr", "Dan", "Deux", news)},
		},
		want: []got{{DuplicateEmail, Shared, "d@x.fr", "[1 2]"}},
	}, {
		name: "wp_role_without_membership",
		data: Data{
			Members: []bot.Adherent{member("1", "old@x.fr", "Olga", "Vieux", bot.AdherentActive, false)},
			WPUsers: []bot.WPUser{
				wpUser("olga", "old@x.fr", "Olga", "Vieux", "subscriber"),
				wpUser("stranger", "s@x.fr", "Sam", "Tranger", "adherent", "author"),
				wpUser("editor", "e@x.fr", "Eve", "Dit", "editor"),
			},
		},
		want: []got{{WPRoleWithoutMembership, Expired, "old@x.fr", "[1]"}, {WPRoleWithoutMembership, UnknownEmail, "s@x.fr", "[]"}},
	}, {
		name: "name_mismatch: brevo and wordpress",
		data: Data{
			Members:  []bot.Adherent{active("1", "n@x.fr", "Nina", "Petit")},
			Contacts: []bot.Contact{contact("n@x.fr", "Nina", "Grand", news)},
			WPUsers:  []bot.WPUser{wpUser("nina", "n@x.fr", "Marie", "Petit", "adherent")},
		},
		want: []got{{NameMismatch, InBrevo, "n@x.fr", "[1]"}, {NameMismatch, InWordPress, "n@x.fr", "[1]"}},
	}, {
		name: "lenient names are no mismatch",
		data: Data{
			Members:  []bot.Adherent{active("1", "n@x.fr", "Jean-Pierre", "Lefèvre")},
			Contacts: []bot.Contact{contact("n@x.fr", "LEFEVRE", "Jean Pierre", news)},
			WPUsers:  []bot.WPUser{{Username: "jp", Email: "n@x.fr", Name: "jp", Roles: []string{"adherent"}}},
		},
	}, {
		name: "member without address is counted, never joined",
		data: Data{Members: []bot.Adherent{active("1", "", "Sans", "Adresse"), active("2", "pas-une-adresse", "Sans", "Arobase")}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Join(tt.data, testConfig)
			if diff := cmp.Diff(tt.want, reduce(r)); diff != "" {
				t.Errorf("Join findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJoinSkipsCodesOfMissingSources(t *testing.T) {
	d := Data{
		Members: []bot.Adherent{active("1", "a@x.fr", "Ana", "Ari"), active("2", "a@x.fr", "Ana", "Ari")},
		WPUsers: []bot.WPUser{wpUser("s", "s@x.fr", "Sam", "T", "adherent")},
	}
	tests := []struct {
		name    string
		missing []Source
		skipped []Code
		codes   []Code
	}{
		{"brevo missing", []Source{Brevo}, []Code{MissingInNewsletter, NotMemberInNewsletter, BlacklistedMember},
			[]Code{DuplicateEmail, WPRoleWithoutMembership}},
		{"wordpress missing", []Source{WordPress}, []Code{WPRoleWithoutMembership}, []Code{MissingInNewsletter, DuplicateEmail}},
		{"dolibarr missing", []Source{Dolibarr}, Codes, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dd := d
			dd.Missing = tt.missing
			if slices.Contains(tt.missing, Dolibarr) {
				dd.Members = nil
			}
			r := Join(dd, testConfig)
			if diff := cmp.Diff(tt.skipped, r.Skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			var codes []Code
			for _, f := range r.Findings {
				codes = append(codes, f.Code)
			}
			if diff := cmp.Diff(tt.codes, codes); diff != "" {
				t.Errorf("codes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJoinStats(t *testing.T) {
	r := Join(Data{
		Members:  []bot.Adherent{active("1", "a@x.fr", "A", "A"), member("2", "", "B", "B", bot.AdherentResigned, false)},
		Contacts: []bot.Contact{contact("a@x.fr", "A", "A", news), contact("c@x.fr", "", "", 9)},
		WPUsers:  []bot.WPUser{wpUser("a", "a@x.fr", "A", "A", "adherent"), wpUser("e", "e@x.fr", "E", "E", "editor")},
	}, testConfig)
	want := Stats{Members: 2, Active: 1, NoEmail: 1, Contacts: 2, InList: 1, WPUsers: 2, WPMembersOnly: 1}
	if diff := cmp.Diff(want, r.Stats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

// BenchmarkJoin joins 100 000 members with as many contacts and 2 000
// WordPress accounts, about 5 % of them incoherent.
func BenchmarkJoin(b *testing.B) {
	d := syntheticData(100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := Join(d, testConfig)
		if len(r.Findings) == 0 {
			b.Fatal("no finding")
		}
	}
}

func syntheticData(n int) Data {
	d := Data{Members: make([]bot.Adherent, 0, n), Contacts: make([]bot.Contact, 0, n)}
	first := []string{"Jeanne", "Paul", "Hélène", "Jean-Pierre", "Marie", "Éric", "Zoé", "Loïc"}
	last := []string{"Dupont", "Martin", "Lefèvre", "Durand", "Moreau", "Girard", "Bonnet", "Roux"}
	for i := range n {
		email := fmt.Sprintf("membre%06d@anopex.test", i)
		f, l := first[i%len(first)], last[(i/7)%len(last)]
		a := active(fmt.Sprint(i+1), email, f, l)
		switch i % 40 {
		case 1:
			a.Active, a.Status = false, bot.AdherentResigned
		case 2:
			a.Email = fmt.Sprintf("Membre%06d@Anopex.test ", i-1) // duplicate, written differently
		}
		d.Members = append(d.Members, a)
		c := contact(email, f, l, news)
		switch i % 40 {
		case 3:
			continue // missing from the newsletter
		case 4:
			c.Blacklisted = true
		case 5:
			c.LastName = "Autre"
		}
		d.Contacts = append(d.Contacts, c)
		if i%50 == 0 {
			d.WPUsers = append(d.WPUsers, wpUser(fmt.Sprint("u", i), email, f, l, "subscriber"))
		}
	}
	return d
}
