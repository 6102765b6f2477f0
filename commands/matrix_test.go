package commands_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/internal/bottest"
	"github.com/anopex/opsbot/storage"
)

// One configured person per role; the delegate owns delegue75@anopex.test.
var rolePeople = map[bot.Role]string{bot.Admin: "u-admin", bot.Board: "u-board", bot.Delegate: "u-delegate", bot.Treasurer: "u-treasurer", bot.President: "u-president"}

type world struct {
	engine *bot.Engine
	policy *bot.Policy
	store  *storage.DB
	cpanel *cpaneltest.Server
	chat   *bottest.Chat
	sess   *bottest.Session
}

// rolePolicy is the policy of the command tests: one person per role.
func rolePolicy(t *testing.T) *bot.Policy {
	t.Helper()
	var members []bot.Member
	for r, id := range rolePeople {
		m := bot.Member{Name: string(r), Roles: []bot.Role{r}, IDs: map[string]string{"test": id}}
		if r == bot.Delegate {
			m.Mailboxes = []string{"delegue75@anopex.test"}
		}
		members = append(members, m)
	}
	policy, err := bot.NewPolicy(members, nil)
	if err != nil {
		t.Fatal(err)
	}
	return policy
}

// tempStore opens a bbolt store that lives as long as the test.
func tempStore(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newWorld(t *testing.T) *world {
	t.Helper()
	policy, db := rolePolicy(t), tempStore(t)
	var err error
	srv := cpaneltest.New("anopex", "tok")
	srv.SeedDemo()
	t.Cleanup(srv.Close)
	w := &world{policy: policy, store: db, cpanel: srv, chat: &bottest.Chat{}}
	w.engine, err = bot.NewEngine(bot.EngineConfig{Chat: w.chat, Store: db, Policy: policy, Platform: "test",
		ApprovalsChannel: "approbations", SelfService: true, Log: zerolog.Nop(), Now: func() time.Time { return mailNow }})
	if err != nil {
		t.Fatal(err)
	}
	client, err := cpanel.New(cpanel.Options{URL: srv.URL(), User: "anopex", Token: bot.NewSecret("tok"), HTTPClient: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.engine.Register(commands.All(commands.Deps{Engine: w.engine, Audit: db, Mail: client, MailDomain: "anopex.test"})...); err != nil {
		t.Fatal(err)
	}
	w.sess = &bottest.Session{Engine: w.engine, Policy: policy, Chat: w.chat}
	return w
}

// mailNow is the clock of the mail world's engine.
var mailNow = time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)

func (w *world) run(t *testing.T, user, line string) string {
	t.Helper()
	return w.sess.Text(t.Context(), user, line)
}

// sample builds a valid command line for spec, on the delegate's own mailbox.
func sample(s bot.Spec) string {
	parts := []string{s.Path}
	for _, a := range s.Args {
		if a.Optional {
			continue
		}
		var v string
		switch {
		case len(a.Choices) > 0:
			v = a.Choices[0]
		case a.Type.Name == bot.ArgEmail.Name:
			v = "delegue75@anopex.test"
		case a.Type.Name == "id":
			v = "1"
		default:
			v = a.Type.Example
		}
		if a.After {
			parts = append(parts, "--")
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, " ")
}

// TestAuthorisationMatrix runs every command as every role: a role the spec
// does not name is refused with the list of roles, and nothing is stored;
// a role it names gets past authorisation.
func TestAuthorisationMatrix(t *testing.T) {
	mail, members := newWorld(t), newMembersWorld(t)
	worlds := []struct {
		engine *bot.Engine
		policy *bot.Policy
		store  *storage.DB
	}{{mail.engine, mail.policy, mail.store}, {members.engine, members.policy, members.store}}
	seen := map[string]bool{}
	for _, w := range worlds {
		run := func(t *testing.T, user, line string) string {
			var out []string
			w.engine.Handle(t.Context(), bot.Invocation{Platform: "test", Caller: w.policy.Person("test", user, user, nil, false), Text: line,
				Respond: bot.ResponderFunc(func(_ context.Context, r bot.Reply) error { out = append(out, r.Text); return nil })})
			return strings.Join(out, "\n")
		}
		for _, s := range w.engine.Specs() {
			if seen[s.Path] {
				continue
			}
			seen[s.Path] = true
			matrixRows(t, s, w.store, run)
		}
	}
}

// matrixRows runs spec s as every role: a role the spec does not name is
// refused with the list of roles, and nothing is stored; a role it names
// gets past authorisation.
func matrixRows(t *testing.T, s bot.Spec, store *storage.DB, run func(t *testing.T, user, line string) string) {
	for role, user := range rolePeople {
		t.Run(s.Path+"/"+string(role), func(t *testing.T) {
			before, _ := store.ListRequests(t.Context())
			got := run(t, user, sample(s))
			allowed := hasRole(s.Roles, role) || (s.Self != nil && hasRole(s.Self.Roles, role))
			refused := strings.Contains(got, "est réservé à")
			if allowed == refused {
				t.Fatalf("%s as %s: %q (allowed=%v)", sample(s), role, got, allowed)
			}
			after, _ := store.ListRequests(t.Context())
			if refused && len(after) != len(before) {
				t.Errorf("a refused command stored a request")
			}
		})
	}
}

func hasRole(rs []bot.Role, r bot.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// TestHelpListsOnlyAllowed checks that help shows each person only what they may run.
func TestHelpListsOnlyAllowed(t *testing.T) {
	w := newWorld(t)
	got := w.run(t, "u-delegate", "help")
	for _, want := range []string{"/mail passwd", "/mail show", "/whoami", "pour votre propre boîte"} {
		if !strings.Contains(got, want) {
			t.Errorf("delegate's help lacks %q:\n%s", want, got)
		}
	}
	for _, not := range []string{"/mail delete", "/mail create", "/audit"} {
		if strings.Contains(got, not) {
			t.Errorf("delegate's help shows %q", not)
		}
	}
	if got := w.run(t, "u-admin", "help mail forward"); !strings.Contains(got, "/mail forward add") || strings.Contains(got, "/mail passwd") {
		t.Errorf("help mail forward:\n%s", got)
	}
}
