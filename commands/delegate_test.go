package commands_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/internal/bottest"
	"github.com/anopex/opsbot/internal/demo"
)

// delegateWorld is the members' world with the cPanel mail beside it: every
// system a delegate's arrival or departure touches.
type delegateWorld struct {
	*membersWorld
	cpanel *cpaneltest.Server
	brevo  int // the Brevo list of delegates
}

// newDelegateWorld configures the function délégué with the WordPress role
// wpRole, the list delegues@anopex.test, a Brevo list and a forwarder to
// the personal address.
func newDelegateWorld(t *testing.T, wpRole string) *delegateWorld {
	t.Helper()
	policy, db := rolePolicy(t), tempStore(t)
	env := demo.Start(membersNow)
	t.Cleanup(env.Close)
	env.Seed()
	srv := cpaneltest.New("anopex", "tok")
	srv.SeedDemo()
	t.Cleanup(srv.Close)
	mail, err := cpanel.New(cpanel.Options{URL: srv.URL(), User: "anopex", Token: bot.NewSecret("tok"), HTTPClient: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	w := &delegateWorld{membersWorld: &membersWorld{policy: policy, store: db, env: env, chat: &bottest.Chat{}}, cpanel: srv}
	now := func() time.Time { return membersNow }
	w.engine, err = bot.NewEngine(bot.EngineConfig{Chat: w.chat, Store: db, Policy: policy, Platform: "test",
		ApprovalsChannel: "approbations", Log: zerolog.Nop(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	m := commands.Members{
		Adherents: env.Members, Staff: env.Members, StaffAdmin: env.Members,
		Contacts: env.Contacts, ContactAdmin: env.Contacts, WPUsers: env.WPClient, WPAdmin: env.WPClient,
		Coherence: env.Config, Functions: demo.Functions, Now: now,
	}
	w.brevo = env.Brevo.AddList("Délégués")
	fns := map[string]commands.DelegateFunction{
		"délégué": {WPRole: wpRole, MailLists: []string{"delegues@anopex.test"}, BrevoList: w.brevo, Forward: true},
	}
	if err := w.engine.Register(commands.All(commands.Deps{Engine: w.engine, Audit: db, Mail: mail, MailDomain: "anopex.test",
		Members: m, Delegates: fns})...); err != nil {
		t.Fatal(err)
	}
	w.sess = &bottest.Session{Engine: w.engine, Policy: policy, Chat: w.chat, Channel: "général"}
	return w
}

func TestDelegateTranscript(t *testing.T) {
	w := newDelegateWorld(t, "author")
	w.sess.Play(t.Context(), t, `
		u-admin: /delegate onboard "Jean Nouveau" jean.nouveau@exemple.fr délégué
		u-treasurer: approve
		# asking again: every step is done
		u-admin: /delegate onboard "Jean Nouveau" jean.nouveau@exemple.fr Délégué
		u-admin: /delegate onboard Jean jean@exemple.fr délégué
		u-admin: /delegate onboard "Jean Nouveau" jean@exemple.fr pape
		u-board: /delegate onboard "Jean Nouveau" jean@exemple.fr délégué
		# the successor receives the mail; the personal forwarder goes
		u-admin: /delegate offboard jean.nouveau@anopex.test delegue75@anopex.test
		u-treasurer: approve
		u-admin: /delegate offboard jean.nouveau@anopex.test delegue75@anopex.test
		u-admin: /delegate offboard personne@anopex.test
		# the same person comes back: the mailbox reopens, the account is enabled
		u-admin: /delegate onboard "Jean Nouveau" jean.nouveau@exemple.fr délégué
		u-treasurer: approve
		# a homonym's Dolibarr account is not taken over
		u-admin: /delegate onboard "Dominique Petit" d.petit@exemple.fr délégué
		# a function of several words needs no quotes
		u-admin: /delegate onboard "Lucie Neuve" lucie@exemple.fr membre du CA lucie.n
	`)
	commands.Golden(t, "delegate", w.chat)
}

const onboard = `delegate onboard "Jean Nouveau" jean.nouveau@exemple.fr délégué`

// match is a fault filter on a method and a part of the path, counting: it
// accepts only the nth matching request (from 1).
func match(method, path string, nth int) func(*http.Request) bool {
	seen := 0
	return func(r *http.Request) bool {
		if r.Method != method || !strings.Contains(r.URL.Path, path) {
			return false
		}
		seen++
		return seen == nth
	}
}

// TestOnboardStepFails makes each step of an arrival fail in turn: the
// request ends failed (a refusal) or unknown (an error of the server, a
// dropped connection), the outcome names the steps done and left, the
// passwords of the steps done still arrive, and asking again previews the
// steps done as done and runs the rest.
func TestOnboardStepFails(t *testing.T) {
	cases := []struct {
		name  string
		step  int // the step that fails, from 1
		state bot.State
		fail  func(w *delegateWorld)
		// applied: the failing step took effect (the connection dropped
		// after the write), so asking again finds it done.
		applied bool
		verify  string // what an unknown outcome says to check
	}{
		{name: "mailbox", step: 1, state: bot.Unknown, verify: "/mail show jean.nouveau@anopex.test", fail: func(w *delegateWorld) {
			w.cpanel.Fault.Only(match("POST", "/Email/add_pop", 1))
			w.cpanel.Fault.FailNext(1, 500, "")
		}},
		{name: "forwarder", step: 2, state: bot.Unknown, applied: true, verify: "/mail forward list jean.nouveau@anopex.test", fail: func(w *delegateWorld) {
			w.cpanel.Fault.Only(match("POST", "/Email/add_forwarder", 1))
			w.cpanel.Fault.DropNext(1)
		}},
		{name: "dolibarr account", step: 3, state: bot.Failed, fail: func(w *delegateWorld) {
			w.env.Dolibarr.Fault.Only(match("POST", "/users", 1))
			w.env.Dolibarr.Fault.FailNext(1, 403, `{"error":{"code":403,"message":"Forbidden"}}`)
		}},
		{name: "wordpress account", step: 4, state: bot.Unknown, verify: "/wp users", fail: func(w *delegateWorld) {
			w.env.WordPress.Fault.Only(match("POST", "/wp/v2/users", 1))
			w.env.WordPress.Fault.FailNext(1, 502, "<html>Bad Gateway</html>")
		}},
		{name: "mail list", step: 5, state: bot.Unknown, verify: "/mail list-members delegues@anopex.test", fail: func(w *delegateWorld) {
			w.cpanel.Fault.Only(match("POST", "/Email/add_forwarder", 2))
			w.cpanel.Fault.FailNext(1, 503, "")
		}},
		{name: "brevo list", step: 6, state: bot.Failed, fail: func(w *delegateWorld) {
			w.env.Brevo.Fault.Only(match("POST", "/contacts", 1))
			w.env.Brevo.Fault.FailNext(1, 400, `{"code":"invalid_parameter","message":"bad"}`)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newDelegateWorld(t, "author")
			tc.fail(w)
			w.run(t, rolePeople[bot.Admin], onboard)
			cr := w.approve(t)
			if cr.State != tc.state {
				t.Fatalf("state %s, want %s: %s", cr.State, tc.state, cr.Outcome)
			}
			contains(t, "outcome", cr.Outcome, "étape "+string(rune('0'+tc.step)), "Refaites la demande pour reprendre")
			if tc.verify != "" {
				contains(t, "outcome", cr.Outcome, "vérifiez avec "+tc.verify+" avant")
			}
			if secrets := w.secrets(); (tc.step > 1) != (secrets > 0) {
				t.Errorf("%d passwords delivered after step %d failed", secrets, tc.step)
			}
			done := tc.step - 1
			if tc.applied {
				done++
			}
			again := w.run(t, rolePeople[bot.Admin], onboard).Text
			if n := strings.Count(again, "déjà fait"); n != done {
				t.Errorf("asking again: %d steps done, want %d:\n%s", n, done, again)
			}
			if cr := w.approve(t); cr.State != bot.Done {
				t.Fatalf("resumed: %s: %s", cr.State, cr.Outcome)
			}
			if got := w.run(t, rolePeople[bot.Admin], onboard).Text; !strings.HasPrefix(got, "Rien à faire") {
				t.Errorf("after the resumption: %s", got)
			}
		})
	}
}

// secrets counts the private messages that carried a password.
func (w *delegateWorld) secrets() int {
	n := 0
	for _, m := range w.chat.Messages(bottest.Direct) {
		if !m.Msg.Secret.Empty() {
			n++
		}
	}
	return n
}

// TestOnboardRefusedRoleResumes: a configured WordPress role the site lacks
// is refused at its step (failed); once the role exists, asking again runs
// only what is left.
func TestOnboardRefusedRoleResumes(t *testing.T) {
	w := newDelegateWorld(t, "delegue")
	w.run(t, rolePeople[bot.Admin], onboard)
	cr := w.approve(t)
	if cr.State != bot.Failed {
		t.Fatalf("state %s, want failed: %s", cr.State, cr.Outcome)
	}
	contains(t, "outcome", cr.Outcome, "étape 4 (wp user create j.nouveau jean.nouveau@anopex.test delegue)", "Boîte jean.nouveau@anopex.test créée", "mail list-add delegues@anopex.test jean.nouveau@anopex.test")
	w.env.WordPress.AddRole("delegue", "Délégué", "read", "edit_posts")
	again := w.run(t, rolePeople[bot.Admin], onboard).Text
	contains(t, "preview", again, "3 étape(s)", "1. Création du compte WordPress")
	if cr := w.approve(t); cr.State != bot.Done {
		t.Fatalf("resumed: %s: %s", cr.State, cr.Outcome)
	}
	if u, ok := w.env.WordPress.UserByLogin("j.nouveau"); !ok || len(u.Roles) != 1 || u.Roles[0] != "delegue" {
		t.Errorf("WordPress account: %+v, %v", u, ok)
	}
}

// TestOffboardStepFails makes each step of a departure fail in turn; the
// request stops there, and asking again runs what is left.
func TestOffboardStepFails(t *testing.T) {
	cases := []struct {
		name    string
		step    int
		state   bot.State
		applied bool
		verify  string // what an unknown outcome says to check
		fail    func(w *delegateWorld)
	}{
		{name: "personal forwarder", step: 1, state: bot.Unknown, verify: "vérifiez avec /mail forward list delegue75@anopex.test avant", fail: func(w *delegateWorld) {
			w.cpanel.Fault.Only(match("POST", "/Email/delete_forwarder", 1))
			w.cpanel.Fault.FailNext(1, 500, "")
		}},
		{name: "successor", step: 2, state: bot.Unknown, applied: true, verify: "vérifiez avec /mail forward list delegue75@anopex.test avant", fail: func(w *delegateWorld) {
			w.cpanel.Fault.Only(match("POST", "/Email/add_forwarder", 1))
			w.cpanel.Fault.DropNext(1)
		}},
		{name: "login", step: 3, state: bot.Unknown, verify: "vérifiez avec /mail show delegue75@anopex.test avant", fail: func(w *delegateWorld) {
			w.cpanel.Fault.Only(match("POST", "/Email/suspend_login", 1))
			w.cpanel.Fault.FailNext(1, 502, "")
		}},
		{name: "dolibarr", step: 4, state: bot.Unknown, verify: "vérifiez avec /doli users avant", fail: func(w *delegateWorld) {
			w.env.Dolibarr.Fault.Only(match("PUT", "/users/", 1))
			w.env.Dolibarr.Fault.FailNext(1, 500, "")
		}},
		{name: "wordpress", step: 5, state: bot.Failed, fail: func(w *delegateWorld) {
			w.env.WordPress.Fault.Only(match("POST", "/wp/v2/users/", 1))
			w.env.WordPress.Fault.FailNext(1, 403, `{"code":"rest_cannot_edit_roles","message":"Sorry, you are not allowed to edit roles of this user.","data":{"status":403}}`)
		}},
		{name: "mail list", step: 6, state: bot.Unknown, verify: "vérifiez avec /mail list-members delegues@anopex.test avant", fail: func(w *delegateWorld) {
			w.cpanel.Fault.Only(match("POST", "/Email/delete_forwarder", 2))
			w.cpanel.Fault.FailNext(1, 500, "")
		}},
		{name: "brevo list", step: 7, state: bot.Unknown, verify: "vérifiez l'état chez Brevo avant", fail: func(w *delegateWorld) {
			w.env.Brevo.Fault.Only(match("POST", "/contacts/remove", 1))
			w.env.Brevo.Fault.FailNext(1, 500, "")
		}},
	}
	const offboard = "delegate offboard delegue75@anopex.test delegue13@anopex.test"
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newDelegateWorld(t, "author")
			w.cpanel.AddForwarder("delegues@anopex.test", "delegue75@anopex.test")
			if _, err := w.env.Contacts.AddToList(t.Context(), w.brevo, []string{"delegue75@anopex.test"}); err != nil {
				t.Fatal(err)
			}
			tc.fail(w)
			w.run(t, rolePeople[bot.Admin], offboard)
			cr := w.approve(t)
			if cr.State != tc.state {
				t.Fatalf("state %s, want %s: %s", cr.State, tc.state, cr.Outcome)
			}
			contains(t, "outcome", cr.Outcome, "étape "+string(rune('0'+tc.step)), "Refaites la demande pour reprendre", tc.verify)
			done := tc.step - 1
			if tc.applied {
				done++
			}
			// What is done either previews as done or is gone (a removed
			// forwarder): what is left is counted.
			again := w.run(t, rolePeople[bot.Admin], offboard).Text
			if left := fmt.Sprintf("%d étape(s),", 7-done); !strings.Contains(again, left) {
				t.Errorf("asking again: want %q:\n%s", left, again)
			}
			if cr := w.approve(t); cr.State != bot.Done {
				t.Fatalf("resumed: %s: %s", cr.State, cr.Outcome)
			}
			for _, f := range w.cpanel.Forwarders() {
				if f.Address == "delegue75@anopex.test" && f.Dest != "delegue13@anopex.test" || f.Dest == "delegue75@anopex.test" {
					t.Errorf("forwarder %s → %s left after the departure", f.Address, f.Dest)
				}
			}
			if u, _ := w.env.Dolibarr.User("d.petit"); !u.Disabled {
				t.Error("d.petit's Dolibarr account still enabled")
			}
		})
	}
}

// TestOnboardStale: a step done by hand between the request and its
// approval moves the preview: nothing runs.
// A mailbox handed to a new delegate still has its former holder as owner
// in the configuration: its new password goes to the requester, who was
// told it is coming, never to the holder who leaves.
func TestOnboardReassignedMailboxPassword(t *testing.T) {
	w := newDelegateWorld(t, "")
	w.cpanel.SetSuspended("delegue75@anopex.test", true, false) // a departure's: the plan resets its password
	w.run(t, rolePeople[bot.Admin], onboard+" delegue75")
	if cr := w.approve(t); cr.State != bot.Done {
		t.Fatalf("state %s, want done: %s", cr.State, cr.Outcome)
	}
	secrets, notices := 0, 0
	for _, m := range w.chat.Messages(bottest.Direct) {
		if !m.Msg.Secret.Empty() {
			secrets++
			if m.To != rolePeople[bot.Admin] {
				t.Errorf("password of %q sent to %s, want the requester", m.Msg.Text, m.To)
			}
		}
		if strings.Contains(m.Msg.Text, "🔑") && m.To == rolePeople[bot.Admin] {
			notices++
		}
	}
	if secrets == 0 || notices != 1 {
		t.Errorf("%d passwords, %d notices to the requester; want the reassigned mailbox's password, announced once", secrets, notices)
	}
}

func TestOnboardStale(t *testing.T) {
	w := newDelegateWorld(t, "author")
	w.run(t, rolePeople[bot.Admin], onboard)
	w.cpanel.AddMailbox("jean.nouveau@anopex.test", 1024, 0)
	if cr := w.approve(t); cr.State != bot.Stale {
		t.Fatalf("state %s, want stale: %s", cr.State, cr.Outcome)
	}
	if _, ok := w.env.Dolibarr.User("j.nouveau"); ok || w.secrets() != 0 {
		t.Errorf("a step ran on a stale request (Dolibarr account: %v, passwords: %d)", ok, w.secrets())
	}
}

// TestOnboardWithoutPassword: when no step makes a password (the mailbox
// exists, no WordPress role), nobody is told a password is coming.
func TestOnboardWithoutPassword(t *testing.T) {
	w := newDelegateWorld(t, "")
	w.cpanel.AddMailbox("jean.nouveau@anopex.test", 1024, 0)
	w.run(t, rolePeople[bot.Admin], onboard)
	if cr := w.approve(t); cr.State != bot.Done {
		t.Fatalf("state %s, want done: %s", cr.State, cr.Outcome)
	}
	for _, m := range w.chat.Messages(bottest.Direct) {
		if strings.Contains(m.Msg.Text, "🔑") || !m.Msg.Secret.Empty() {
			t.Errorf("a password announced or sent with no step making one: %q", m.Msg.Text)
		}
	}
	// The same arrival with the mailbox to create announces its password.
	w = newDelegateWorld(t, "")
	w.run(t, rolePeople[bot.Admin], onboard)
	w.approve(t)
	if !slices.ContainsFunc(w.chat.Messages(bottest.Direct), func(m bottest.Message) bool { return strings.Contains(m.Msg.Text, "🔑") }) {
		t.Error("no password announced for the mailbox created")
	}
}
