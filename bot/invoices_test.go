package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/bot"
)

func TestMoneyFormat(t *testing.T) {
	tests := []struct {
		m      bot.Money
		fr, en string
	}{
		{bot.Money{Cents: 2399, Currency: "EUR"}, "23,99 €", "€23.99"},
		{bot.Money{Cents: 150050, Currency: "EUR"}, "1 500,50 €", "€1,500.50"},
		{bot.Money{Cents: 100000000, Currency: "EUR"}, "1 000 000,00 €", "€1,000,000.00"},
		{bot.Money{Cents: -505, Currency: "EUR"}, "-5,05 €", "€-5.05"},
		{bot.Money{Cents: 7, Currency: "USD"}, "0,07 USD", "0.07 USD"},
		{bot.Money{}, "0,00 €", "0.00 €"},
	}
	for _, tt := range tests {
		if got := tt.m.Format(bot.FR); got != tt.fr {
			t.Errorf("%+v.Format(fr) = %q, want %q", tt.m, got, tt.fr)
		}
		if got := tt.m.Format(bot.EN); got != tt.en {
			t.Errorf("%+v.Format(en) = %q, want %q", tt.m, got, tt.en)
		}
	}
	if (bot.Invoice{Due: bot.Money{Cents: 1}}).Unpaid() != true || (bot.Invoice{}).Unpaid() || !(bot.Money{}).Zero() {
		t.Error("Unpaid/Zero")
	}
}

// The letter to the contractor names the association and its reference, the
// request's code, the requester, the approvers and the date, and its subject
// is one line whatever the title held.
func TestEvolutionLetter(t *testing.T) {
	at := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	e := bot.Evolution{ID: 3, Title: "Export CSV", Description: "Un export.\n", RequesterName: "Sam Admin", Approvers: []string{"Thérèse", "Paul"},
		ApprovedAt: at, Reference: "W751234567", To: "contact@cf2d.test", MessageID: "m@anopex.test"}
	l := e.Letter("Anopex", []string{"tresoriere@anopex.test"})
	for _, want := range []string{"L'association Anopex (référence W751234567)", "Référence de la demande : EVO-3", "Date : 28/11/2026",
		"Budget : à chiffrer", "Demandée par : Sam Admin", "Dépense approuvée par : Thérèse, Paul, le 28/11/2026", "Description :\nUn export.\n"} {
		if !strings.Contains(l.Body, want) {
			t.Errorf("letter lacks %q:\n%s", want, l.Body)
		}
	}
	if l.Subject != "[W751234567] Demande d'évolution EVO-3 : Export CSV" || l.MessageID != "m@anopex.test" || l.To[0] != "contact@cf2d.test" || l.Cc[0] != "tresoriere@anopex.test" {
		t.Errorf("letter header %+v", l)
	}
	e.Budget = bot.Money{Cents: 150000, Currency: "EUR"}
	if l := e.Letter("Anopex", nil); !strings.Contains(l.Body, "Budget : 1 500,00 € TTC au plus") {
		t.Errorf("budget line missing:\n%s", l.Body)
	}
}

// An incident is reported under the support contract: no budget line, its
// own code and subject.
func TestIncidentLetter(t *testing.T) {
	e := bot.Evolution{ID: 4, Kind: "incident", Title: "Alerte wp:core", Description: "Le site est en erreur.", RequesterName: "Sam Admin",
		Approvers: []string{"Camille"}, ApprovedAt: time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC), Reference: "W751234567", To: "contact@cf2d.test"}
	l := e.Letter("Anopex", nil)
	for _, want := range []string{"vous signale l'incident suivant, au titre du contrat de support", "Référence de la demande : INC-4",
		"Signalement approuvé par : Camille, le 28/11/2026", "Merci de rappeler la référence INC-4"} {
		if !strings.Contains(l.Body, want) {
			t.Errorf("letter lacks %q:\n%s", want, l.Body)
		}
	}
	if strings.Contains(l.Body, "Budget") || l.Subject != "[W751234567] Incident INC-4 : Alerte wp:core" {
		t.Errorf("incident letter: subject %q, body:\n%s", l.Subject, l.Body)
	}
}
