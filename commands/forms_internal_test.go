package commands

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

// register is bot.Adherents under a name that is not one of its methods.
type register = bot.Adherents

// formSpecs are the catalogue's specs with providers that are never
// called: parsing a line reads only the specs.
func formSpecs() []bot.Spec {
	tickets := map[string]bot.Tickets{"ovh": struct{ bot.Tickets }{}, "planethoster": struct{ bot.Tickets }{}}
	contractor := &Contractor{Mail: struct{ bot.MailSender }{}, Store: struct{ bot.Evolutions }{}}
	members := Members{Adherents: struct{ register }{}, Contacts: struct{ bot.Contacts }{}, Staff: struct{ bot.StaffUsers }{}, StaffAdmin: struct{ bot.StaffAdmin }{}, Functions: map[string][]string{
		"délégué": {"Délégués"}, "adjoint": {"Délégués"}, "membre du CA": {"CA"}, "trésorier": {"CA"}, "président": {"CA"}}}
	return All(Deps{Mail: struct{ bot.Mail }{}, MailDomain: "anopex.test", Members: members,
		Hosting: HostingDeps{Tickets: tickets, Contractor: contractor}})
}

// parseLine parses a command line as the engine does: tokenize, find the
// spec by its words, validate the arguments.
func parseLine(specs []bot.Spec, line string) (string, bot.Values, error) {
	words, after, hasAfter, err := bot.Tokenize(line)
	if err != nil {
		return "", nil, err
	}
	for i := range specs {
		n := len(specs[i].Words())
		if n <= len(words) && strings.Join(words[:n], " ") == specs[i].Path {
			v, err := bot.ParseArgs(&specs[i], words[n:], after, hasAfter)
			return specs[i].Path, v, err
		}
	}
	return "", nil, bot.Userf("commande inconnue", "unknown command")
}

// TestForms lists each form people type that the commands accept, with
// the values it gives, and each refusal, with the accepted form its French
// message shows.
func TestForms(t *testing.T) {
	specs := formSpecs()
	accepted := []struct {
		line string
		want bot.Values
	}{
		{"mail quota delegue75 2 Go", bot.Values{"boite": "delegue75@anopex.test", "taille": "2048"}},
		{"mail quota delegue75 1,5 Go", bot.Values{"boite": "delegue75@anopex.test", "taille": "1536"}},
		{"mail quota delegue75 500 Mo", bot.Values{"boite": "delegue75@anopex.test", "taille": "500"}},
		{"mail quota delegue75 2G", bot.Values{"boite": "delegue75@anopex.test", "taille": "2048"}},
		{"mail quota Delegue75@Anopex.test 1\u00a0500 Mo", bot.Values{"boite": "delegue75@anopex.test", "taille": "1500"}},
		{"mail quota delegue75 illimité", bot.Values{"boite": "delegue75@anopex.test", "taille": "0"}},
		{"mail create delegue75 1,5 Go", bot.Values{"boite": "delegue75@anopex.test", "quota": "1536"}},
		{"mail forward add contact jeanne.martin@gmail.com", bot.Values{"adresse": "contact@anopex.test", "destination": "jeanne.martin@gmail.com"}},
		{"mail forward add contact sysadmin", bot.Values{"adresse": "contact@anopex.test", "destination": "sysadmin@anopex.test"}},
		{"mail list-add bureau delegue75, delegue13 jeanne@gmail.com", bot.Values{"liste": "bureau@anopex.test", "destination": "delegue75@anopex.test delegue13@anopex.test jeanne@gmail.com"}},
		{"ticket open planethoster Panne d'accès depuis l'incident -- Bonjour", bot.Values{"fournisseur": "planethoster", "objet": "Panne d'accès depuis l'incident", "texte": "Bonjour"}},
		{"ticket open ovh « Panne d’accès » -- Bonjour", bot.Values{"fournisseur": "ovh", "objet": "Panne d’accès", "texte": "Bonjour"}},
		{"ticket open ovh «\u00a0Panne\u00a0» depuis “hier soir” -- Bonjour", bot.Values{"fournisseur": "ovh", "objet": "Panne depuis hier soir", "texte": "Bonjour"}},
		{"ticket open ovh 'Disque plein' -- Bonjour", bot.Values{"fournisseur": "ovh", "objet": "Disque plein", "texte": "Bonjour"}},
		{"evolution request Export des adhérents -- Un export CSV", bot.Values{"titre": "Export des adhérents", "description": "Un export CSV"}},
		{"evolution request Export des adhérents 1 500 € -- x", bot.Values{"titre": "Export des adhérents", "budget": "1500.00", "description": "x"}},
		{"evolution request Export des adhérents 1\u202f500,50\u00a0€ -- x", bot.Values{"titre": "Export des adhérents", "budget": "1500.50", "description": "x"}},
		{"evolution request \"Export des adhérents\" 1500 -- x", bot.Values{"titre": "Export des adhérents", "budget": "1500.00", "description": "x"}},
		{"evolution request Export 1500 -- x", bot.Values{"titre": "Export", "budget": "1500.00", "description": "x"}},
		{"evolution request Refonte 2026 du site -- x", bot.Values{"titre": "Refonte 2026 du site", "description": "x"}},
		{"evolution request Refonte du site 2026 -- x", bot.Values{"titre": "Refonte du site 2026", "description": "x"}},
		{"evolution request Module d'adhésion en ligne -- x", bot.Values{"titre": "Module d'adhésion en ligne", "description": "x"}},
		{"doli user function j.dupont déléguée", bot.Values{"identifiant": "j.dupont", "fonction": "délégué"}},
		{"doli user function j.dupont tresoriere", bot.Values{"identifiant": "j.dupont", "fonction": "trésorier"}},
		{"doli user function j.dupont Présidente", bot.Values{"identifiant": "j.dupont", "fonction": "président"}},
		{"doli user function j.dupont presidente", bot.Values{"identifiant": "j.dupont", "fonction": "président"}},
		{"doli user function j.dupont membre du CA", bot.Values{"identifiant": "j.dupont", "fonction": "membre du CA"}},
		{"doli user function j.dupont adjointe", bot.Values{"identifiant": "j.dupont", "fonction": "adjoint"}},
		{`delegate onboard "Jean Nouveau" jean@exemple.fr membre du CA`, bot.Values{"nom": "Jean Nouveau", "adresse": "jean@exemple.fr", "fonction": "membre du CA"}},
		{`delegate onboard "Jean Nouveau" jean@exemple.fr Membre du CA jean.n`, bot.Values{"nom": "Jean Nouveau", "adresse": "jean@exemple.fr", "fonction": "membre du CA", "boite": "jean.n@anopex.test"}},
		{`delegate onboard "Jean Nouveau" jean@exemple.fr "membre du CA" jean.n`, bot.Values{"nom": "Jean Nouveau", "adresse": "jean@exemple.fr", "fonction": "membre du CA", "boite": "jean.n@anopex.test"}},
		{`delegate onboard "Jean Nouveau" jean@exemple.fr déléguée delegue80`, bot.Values{"nom": "Jean Nouveau", "adresse": "jean@exemple.fr", "fonction": "délégué", "boite": "delegue80@anopex.test"}},
		{"doli member Jeanne  Dupont", bot.Values{"adherent": "Jeanne Dupont"}},
		{"doli member dupont", bot.Values{"adherent": "dupont"}},
		{"coherence member Jeanne Dupont", bot.Values{"adherent": "Jeanne Dupont"}},
		{"coherence member d’Artagnan", bot.Values{"adherent": "d’Artagnan"}},
		{"coherence member #42", bot.Values{"adherent": "42"}},
		{"doli member Jeanne.Dupont@Exemple.fr", bot.Values{"adherent": "jeanne.dupont@exemple.fr"}},
	}
	for _, tt := range accepted {
		path, got, err := parseLine(specs, tt.line)
		if err != nil {
			t.Errorf("parse %q: %v", tt.line, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parse %q (%s) (-want +got):\n%s", tt.line, path, diff)
		}
	}
	refused := []struct {
		line string
		says []string // what the French message holds: the accepted form
	}{
		{"mail show delegue75@gmail.com", []string{"domaines gérés : anopex.test", "delegue75@anopex.test"}},
		{"mail forward add contact@gmail.com sysadmin", []string{"domaines gérés : anopex.test", "delegue75@anopex.test"}},
		{"mail quota delegue75 beaucoup", []string{"500 Mo, 2 Go, 1,5 Go ou illimité"}},
		{"mail quota delegue75 0 Mo", []string{"moins de 1 Mo", "500 Mo, 2 Go, 1,5 Go ou illimité"}},
		{"mail quota delegue75 2 To", []string{"500 Mo, 2 Go, 1,5 Go ou illimité"}},
		{"doli member ---", []string{"Jeanne Dupont, jeanne.martin@anopex.test ou 42"}},
		{"coherence member jeanne@", []string{"jeanne.martin@anopex.test"}},
		{"doli user function j.dupont pape", []string{"adjoint, délégué, membre du CA, président, trésorier"}},
		{`delegate onboard "Jean Nouveau" jean@exemple.fr membre du bureau`, []string{"« membre du »", "adjoint, délégué, membre du CA, président, trésorier"}},
		{"ticket open ovh “Panne d'accès -- Bonjour", []string{"non refermé", `"Jean Dupont"`}},
		{"ticket open ovh « Panne -- Bonjour", []string{"non refermé", `"Jean Dupont"`}},
	}
	for _, tt := range refused {
		_, got, err := parseLine(specs, tt.line)
		ue, ok := err.(*bot.UserError)
		if !ok {
			t.Errorf("parse %q = %v, %v; want a *UserError", tt.line, got, err)
			continue
		}
		for _, s := range tt.says {
			if !strings.Contains(ue.FR, s) {
				t.Errorf("parse %q: message %q does not hold %q", tt.line, ue.FR, s)
			}
		}
	}
}
