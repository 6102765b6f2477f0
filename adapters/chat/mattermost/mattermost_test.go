package mattermost

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/bot"
)

func TestNewValidates(t *testing.T) {
	policy, _ := bot.NewPolicy(nil, nil)
	good := Config{ServerURL: "https://chat.example.org", Token: bot.NewSecret("t"), TeamID: "team", PublicURL: "https://bot:8088",
		Policy: policy, CommandTokens: map[string]bot.Secret{"mail": bot.NewSecret("x")}}
	tests := []struct {
		name   string
		modify func(c *Config)
	}{
		{"no server", func(c *Config) { c.ServerURL = "" }},
		{"no token", func(c *Config) { c.Token = bot.Secret{} }},
		{"no team", func(c *Config) { c.TeamID = "" }},
		{"no public URL", func(c *Config) { c.PublicURL = "" }},
		{"no policy", func(c *Config) { c.Policy = nil }},
		{"no command", func(c *Config) { c.CommandTokens = nil }},
		{"empty command token", func(c *Config) { c.CommandTokens = map[string]bot.Secret{"mail": bot.NewSecret("")} }},
		{"not a URL", func(c *Config) { c.PublicURL = "bot:8088" }},
	}
	if _, err := New(good); err != nil {
		t.Fatalf("New(good) = %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.modify(&c)
			if _, err := New(c); err == nil {
				t.Errorf("New accepted %+v", c)
			}
		})
	}
}

func TestPerson(t *testing.T) {
	e, _ := newEnv(t)
	adminID, _ := e.mm.AddUser("root", mattermosttest.UserOptions{SystemRoles: "system_user system_admin"})
	outsider, _ := e.mm.AddUser("guest", mattermosttest.UserOptions{TeamRoles: "-"})
	otherBot, _ := e.mm.AddUser("bridge", mattermosttest.UserOptions{Bot: true})
	tests := []struct {
		name string
		id   string
		want bot.Person
		kind bot.Kind
	}{
		{"configured by ID", e.alice, bot.Person{ID: e.alice, Name: "Alice Wong", Roles: []bot.Role{bot.Treasurer}}, 0},
		{"configured with mailbox", e.bob, bot.Person{ID: e.bob, Name: "Bob K", Roles: []bot.Role{bot.Delegate}, Mailboxes: []string{"bob@asso.fr"}}, 0},
		{"team admin", e.carol, bot.Person{ID: e.carol, Name: "carol.admin", Roles: []bot.Role{bot.Admin}}, 0},
		{"system admin", adminID, bot.Person{ID: adminID, Name: "root", Roles: []bot.Role{bot.Admin}}, 0},
		{"unknown to the policy", e.dan, bot.Person{ID: e.dan, Name: "dan.x"}, 0},
		{"outside the team", outsider, bot.Person{ID: outsider, Name: "guest"}, 0},
		{"a bot", otherBot, bot.Person{ID: otherBot, Name: "bridge", Bot: true}, 0},
		{"no such user", mattermosttest.NewID(), bot.Person{}, bot.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.chat.person(t.Context(), tt.id, false)
			if tt.kind != 0 {
				if bot.KindOf(err) != tt.kind {
					t.Fatalf("Person error = %v, want kind %v", err, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Person (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPersonCache(t *testing.T) {
	e, _ := newEnv(t)
	p, err := e.chat.person(t.Context(), e.dan, false)
	if err != nil || len(p.Roles) != 0 {
		t.Fatalf("Person = %+v, %v", p, err)
	}
	e.mm.SetTeamRoles(e.dan, "team_user team_admin")
	e.mm.Fault.FailNext(10, http.StatusInternalServerError, "") // a cached person needs no request
	if p, err = e.chat.person(t.Context(), e.dan, false); err != nil || len(p.Roles) != 0 {
		t.Errorf("within the TTL: %+v, %v; want the cached person", p, err)
	}
	e.mm.Fault.Reset()
	e.now.Add(2 * time.Minute)
	if p, err = e.chat.person(t.Context(), e.dan, false); err != nil || !p.Has(bot.Admin) {
		t.Errorf("after the TTL: %+v, %v; want admin", p, err)
	}
}

func TestCheck(t *testing.T) {
	e, _ := newEnv(t)
	if err := e.chat.Check(t.Context(), e.approvals, e.general); err != nil {
		t.Fatalf("Check = %v", err)
	}
	lonely := e.mm.AddChannel("alerts")
	if err := e.chat.Check(t.Context(), lonely); err == nil {
		t.Error("Check accepted a channel the bot is not in")
	}
	if err := e.chat.Check(t.Context(), mattermosttest.NewID()); bot.KindOf(err) != bot.NotFound {
		t.Errorf("Check(unknown channel) = %v, want kind not found", err)
	}
	e2, _ := newEnv(t)
	e2.mm.RevokeTokens(e2.botID)
	if err := e2.chat.Check(t.Context()); bot.KindOf(err) != bot.Denied {
		t.Errorf("Check with a revoked token = %v, want kind denied", err)
	}
}
