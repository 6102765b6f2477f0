package coherence

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

func completeReport(d Data) Report {
	r := Join(d, testConfig)
	for _, s := range []Source{Dolibarr, Brevo, WordPress} {
		r.Sources = append(r.Sources, SourceStatus{Source: s, Configured: true})
	}
	return r
}

func TestPlanFix(t *testing.T) {
	r := completeReport(Data{
		Members: []bot.Adherent{active("1", "new@x.fr", "Néo", "Nouveau"), active("2", "Out@x.fr", "Odile", "Dehors"),
			active("3", "in@x.fr", "Ines", "Dedans"), member("4", "gone@x.fr", "Guy", "Parti", bot.AdherentResigned, false)},
		Contacts: []bot.Contact{contact("out@x.fr", "Odile", "Dehors", 9), contact("in@x.fr", "Ines", "Dedans", news),
			contact("gone@x.fr", "Guy", "Parti", news), contact("stranger@x.fr", "", "", news)},
	})
	f, err := PlanFix(&r, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	want := Fix{List: news, Add: []string{"out@x.fr"},
		Create: []bot.Contact{{Email: "new@x.fr", FirstName: "Néo", LastName: "Nouveau", ListIDs: []int{news}}},
		Remove: []string{"gone@x.fr", "stranger@x.fr"}}
	if diff := cmp.Diff(want, f, cmp.AllowUnexported(Fix{}), cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".names" }, cmp.Ignore())); diff != "" {
		t.Errorf("PlanFix (-want +got):\n%s", diff)
	}
	p := f.Preview(bot.FR, 1)
	for _, s := range []string{"1 ajout(s)", "1 contact(s) créé(s)", "2 retrait(s)", "Guy Parti <gone@x.fr> et 1 autre(s)", "Odile Dehors <out@x.fr>", "Néo Nouveau <new@x.fr>"} {
		if !strings.Contains(p, s) {
			t.Errorf("preview lacks %q:\n%s", s, p)
		}
	}
	if fp := f.Fingerprint(); len(fp) != 12 || !strings.HasSuffix(p, "Empreinte : "+fp) {
		t.Errorf("preview does not end with fingerprint %q:\n%s", fp, p)
	}
	if p := f.Preview(bot.EN, 5); !strings.HasSuffix(p, "Fingerprint: "+f.Fingerprint()) {
		t.Errorf("english preview does not end with fingerprint %q:\n%s", f.Fingerprint(), p)
	}
}

func TestFingerprintIgnoresOrder(t *testing.T) {
	a := Fix{List: 3, Add: []string{"a", "b"}, Remove: []string{"c", "d"}}
	b := Fix{List: 3, Add: []string{"b", "a"}, Remove: []string{"d", "c"}}
	c := Fix{List: 3, Add: []string{"a", "b", "c"}, Remove: []string{"d"}}
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("same changes in another order: different fingerprints")
	}
	if a.Fingerprint() == c.Fingerprint() {
		t.Error("different changes: same fingerprint")
	}
}

func TestPlanFixRefusals(t *testing.T) {
	tests := []struct {
		name string
		r    func() Report
	}{
		{"no active member", func() Report {
			return completeReport(Data{Members: []bot.Adherent{member("1", "a@x.fr", "A", "A", bot.AdherentResigned, false)},
				Contacts: []bot.Contact{contact("a@x.fr", "A", "A", news)}})
		}},
		{"brevo not configured", func() Report {
			r := Join(Data{Members: []bot.Adherent{active("1", "a@x.fr", "A", "A")}, Missing: []Source{Brevo}}, testConfig)
			r.Sources = []SourceStatus{{Source: Dolibarr, Configured: true}, {Source: Brevo}}
			return r
		}},
		{"a source failed", func() Report {
			r := completeReport(Data{Members: []bot.Adherent{active("1", "a@x.fr", "A", "A")}, Missing: []Source{WordPress}})
			r.Sources[2].Err = errDown
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r()
			if _, err := PlanFix(&r, testConfig); bot.KindOf(err) != bot.Invalid {
				t.Errorf("PlanFix = %v, want a refusal", err)
			}
		})
	}
}
