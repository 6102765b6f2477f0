package bot

import (
	"testing"
	"time"
)

func TestAdherentActiveAt(t *testing.T) {
	at := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		a    Adherent
		want bool
	}{
		{"paid up", Adherent{Status: AdherentActive, NeedSubscription: true, SubscriptionEnd: at.AddDate(0, 1, 0)}, true},
		{"ends at that instant", Adherent{Status: AdherentActive, NeedSubscription: true, SubscriptionEnd: at}, true},
		{"expired", Adherent{Status: AdherentActive, NeedSubscription: true, SubscriptionEnd: at.Add(-time.Second)}, false},
		{"never paid", Adherent{Status: AdherentActive, NeedSubscription: true}, false},
		{"honorary", Adherent{Status: AdherentActive}, true},
		{"resigned but paid", Adherent{Status: AdherentResigned, NeedSubscription: true, SubscriptionEnd: at.AddDate(1, 0, 0)}, false},
		{"excluded", Adherent{Status: AdherentExcluded, SubscriptionEnd: at.AddDate(1, 0, 0)}, false},
		{"draft", Adherent{Status: AdherentDraft}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.ActiveAt(at); got != tc.want {
				t.Errorf("ActiveAt() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	cases := []struct{ first, last, want string }{{"Jeanne", "Dupont", "Jeanne Dupont"}, {"", "Dupont", "Dupont"}, {"Jeanne", "", "Jeanne"}, {"", "", ""}}
	for _, tc := range cases {
		if got := (Adherent{FirstName: tc.first, LastName: tc.last}).Name(); got != tc.want {
			t.Errorf("Adherent.Name() = %q, want %q", got, tc.want)
		}
		if got := (Contact{FirstName: tc.first, LastName: tc.last}).Name(); got != tc.want {
			t.Errorf("Contact.Name() = %q, want %q", got, tc.want)
		}
	}
	if got := (StaffUser{Login: "jd"}).Name(); got != "jd" {
		t.Errorf("StaffUser.Name() without names = %q, want the login", got)
	}
	c := Contact{ListIDs: []int{3, 7}}
	if !c.InList(7) || c.InList(4) {
		t.Errorf("InList wrong for %v", c.ListIDs)
	}
}

// A mailbox written with a capital, blanks or decomposed accents is still the
// person's: a delegate's self-service must not be refused over it.
func TestSameEmail(t *testing.T) {
	p := Person{Mailboxes: []string{" Délégué75@Anopex.fr "}}
	for _, a := range []string{"délégué75@anopex.fr", "de\u0301le\u0301gue\u030175@anopex.fr", "DÉLÉGUÉ75@ANOPEX.FR"} {
		if !p.Owns(a) || !SameEmail(a, " Délégué75@Anopex.fr ") {
			t.Errorf("Owns(%q) = false, want true", a)
		}
	}
	if p.Owns("delegue75@anopex.fr") || SameEmail("a@x.fr", "b@x.fr") {
		t.Errorf("different addresses taken for one")
	}
}
