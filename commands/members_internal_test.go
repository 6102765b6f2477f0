package commands

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/anopex/opsbot/adapters/wordpress"
	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
	"github.com/anopex/opsbot/bot"
)

var testFunctions = map[string][]string{
	"délégué":      {"Délégués"},
	"membre du CA": {"Conseil d'administration"},
	"trésorier":    {"Bureau", "Trésorerie"},
}

func TestCheckLogin(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"j.dupont", true}, {"admin", true}, {"jean_pierre-2", true}, {"a@b", true},
		{"", false}, {"jean dupont", false}, {"héloïse", false}, {"a;drop", false}, {strings.Repeat("a", 51), false},
	} {
		got, err := checkLogin(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.in) {
			t.Errorf("checkLogin(%q) = %q, %v; want ok %v", tt.in, got, err, tt.ok)
		}
		if err != nil && bot.KindOf(err) != bot.Invalid {
			t.Errorf("checkLogin(%q): error %v is not a message for people", tt.in, err)
		}
	}
}

func TestCheckMemberRef(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"42", "42", true}, {"#42", "42", true}, {" Jeanne.Martin@Anopex.test ", "jeanne.martin@anopex.test", true},
		{"042", "", false}, {"0", "", false}, {"jeanne", "", false}, {"a@b", "", false}, {"12345678901234567890", "", false},
	} {
		got, err := checkMemberRef(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("checkMemberRef(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestFunctionArg(t *testing.T) {
	check := argFunction(testFunctions).Check
	for _, tt := range []struct{ in, want string }{
		{"délégué", "délégué"}, {"DELEGUE", "délégué"}, {"Membre du CA", "membre du CA"}, {"membre-du-ca", "membre du CA"},
		{"tresorier", "trésorier"}, {"président", ""}, {"", ""}, {"---", ""},
		{"déléguée", "délégué"}, {"Déléguée", "délégué"}, {"tresoriere", "trésorier"}, {"Trésorière", "trésorier"}, {"présidente", ""},
	} {
		got, err := check(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("function %q = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if err != nil && !strings.Contains(err.(*bot.UserError).FR, "délégué, membre du CA, trésorier") {
			t.Errorf("function %q: the message %q does not list the functions", tt.in, err.(*bot.UserError).FR)
		}
	}
}

func TestCheckRole(t *testing.T) {
	roles := append(bot.WPCoreRoles, "adherent")
	for _, tt := range []struct{ in, want string }{
		{"editor", "editor"}, {"Editor", "editor"}, {"rédacteur", "editor"}, {"Abonné", "subscriber"},
		{"adherent", "adherent"}, {"contributeur", "contributor"}, {"shop_manager", ""}, {"", ""}, {"edit or", ""},
	} {
		got, err := checkRole(roles, tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("checkRole(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// validators run on whatever a person types: they never panic, accept a
// value only in its normal form (checking it again gives it back), and
// refuse with a *bot.UserError whose text is valid UTF-8.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{"j.dupont", "#42", "42", "Jeanne@X.fr", "délégué", "Membre du CA", "rédacteur", "editor", "\xff", "", "  ", "a@b@c", "Jeanne  Dupont", "Trésorière", "d’Artagnan"} {
		f.Add(s)
	}
	roles := append(bot.WPCoreRoles, "adherent")
	checks := map[string]func(string) (string, error){
		"login": checkLogin, "member": checkMemberRef, "member query": checkMemberQuery, "function": argFunction(testFunctions).Check,
		"role": func(s string) (string, error) { return checkRole(roles, s) },
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, check := range checks {
			got, err := check(s)
			if err != nil {
				ue, ok := err.(*bot.UserError)
				if !ok {
					t.Fatalf("%s(%q): error %T is not a *bot.UserError", name, s, err)
				}
				if !utf8.ValidString(ue.FR) || ue.FR == "" {
					t.Fatalf("%s(%q): message %q", name, s, ue.FR)
				}
				continue
			}
			again, err := check(got)
			if err != nil || again != got {
				t.Fatalf("%s(%q) = %q, but %s(%q) = %q, %v", name, s, got, name, got, again, err)
			}
		}
	})
}

// The last administrator keeps the role, whoever asks: here the bot holds a
// plugin's role that may manage accounts, and the only administrator is
// another account.
func TestWPRoleKeepsTheLastAdministrator(t *testing.T) {
	srv := wordpresstest.New("president", "pw")
	defer srv.Close()
	srv.AddRole("gestion", "Gestion", "read", "list_users", "promote_users", "edit_users")
	srv.AddUser(wordpresstest.User{Login: "opsbot", Email: "opsbot@example.test", Roles: []string{"gestion"}})
	srv.AddUser(wordpresstest.User{Login: "eve", Email: "eve@example.test", Roles: []string{"administrator"}})
	cl, err := wordpress.New(wordpress.Options{URL: srv.URL(), User: "opsbot",
		AppPassword: bot.NewSecret(srv.AddAppPassword("opsbot", "t"))})
	if err != nil {
		t.Fatal(err)
	}
	w := wpCommands{accounts: cl, roles: bot.WPCoreRoles, self: "opsbot"}
	call := func(who string) (string, error) {
		return w.previewRole(t.Context(), bot.Call{Args: bot.Values{"compte": who, "role": "editor"}, Locale: bot.FR})
	}
	if got, err := call("president"); err != nil || !strings.Contains(got, "administrator → editor") {
		t.Fatalf("demoting one of two administrators: %q, %v", got, err)
	}
	eve, _ := srv.UserByLogin("eve")
	if err := cl.SetWPRole(t.Context(), eve.ID, "author"); err != nil {
		t.Fatal(err)
	}
	_, err = call("president")
	var ue *bot.UserError
	if !errors.As(err, &ue) || !strings.Contains(ue.FR, "dernier administrateur") {
		t.Errorf("demoting the last administrator: %v, want a refusal naming it", err)
	}
	if _, err := call("opsbot"); !errors.As(err, &ue) || !strings.Contains(ue.FR, "compte WordPress d'opsbot") {
		t.Errorf("changing the bot's own role: %v, want a refusal", err)
	}
}
