package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
	"go.yaml.in/yaml/v3"

	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/adapters/mailer"
	"github.com/anopex/opsbot/adapters/ops"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/internal/bottest"
	"github.com/anopex/opsbot/storage"
)

func alertsApp(t *testing.T) *app {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &app{cfg: &Config{Locale: "fr"}, log: zerolog.Nop(), now: time.Now, store: db}
}

// TestDemoCertificateAlert: the demo's alerts section raises the warning of
// the certificate near expiry on the scheduler's first run, at start.
func TestDemoCertificateAlert(t *testing.T) {
	a := alertsApp(t)
	a.now = func() time.Time { return time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC) } // the demo test's clock
	d, err := newDemo(t.Context(), t.TempDir(), "fr", zerolog.Nop(), a.now)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	tls := *d.cfg.Alerts.TLS
	tls.Targets = []tlsTarget{{Name: tls.Targets[0].Name, Connect: tls.Targets[0].Connect}} // a has no cPanel server
	c := &alertsConfig{Channel: d.cfg.Alerts.Channel, TLS: &tls}
	posts := &bottest.Chat{}
	a.metrics = ops.NewMetrics()
	_, scheduler, err := a.wireAlerts(c, "console", "", posts)
	if err != nil {
		t.Fatal(err)
	}
	if scheduler == nil || len(a.runners) != 1 {
		t.Fatalf("wireAlerts: %d runners, want the scheduler", len(a.runners))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.runners[0](ctx) }()
	got, err := posts.WaitPosts(ctx, 1)
	if err != nil {
		t.Fatal("no alert posted at the scheduler's start")
	}
	want := "🔴 **CRITIQUE** — Le certificat TLS de www.anopex.test:443 expire dans 5 jours (le 03/12/2026)\n" +
		"Émetteur : opsbot Test CA\n`tls:www.anopex.test:443` · réagissez 👀 pour la prendre en charge"
	if got[0].Text != want {
		t.Errorf("first post:\n%s\nwant:\n%s", got[0].Text, want)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("scheduler Run = %v", err)
	}
}

func TestAlertsConfig(t *testing.T) {
	const good = `
remind: 12h
tls:
  every: 6h
  targets: [mail.anopex.fr:993, {name: www.anopex.fr, connect: "192.0.2.1:443"}]
http:
  every: 5m
  urls: [https://www.anopex.fr/]
dns:
  daily: "04:15"
  resolver: 192.0.2.53
  mail_domains: [anopex.fr]
  fixed:
    - {name: www.anopex.fr, type: A, values: [192.0.2.1]}
`
	tests := []struct {
		name, yaml string
		jobs       int
		ok         bool
	}{
		{"every section", good, 3, true},
		{"no schedule", "http:\n  urls: [https://www.anopex.fr/]\n", 0, false},
		{"both schedules", "http:\n  every: 5m\n  daily: \"03:00\"\n  urls: [https://www.anopex.fr/]\n", 0, false},
		{"bad daily time", "dns:\n  daily: \"25:00\"\n  resolver: 192.0.2.53\n", 0, false},
		{"bad URL", "http:\n  every: 5m\n  urls: [www.anopex.fr]\n", 0, false},
		{"quota without cpanel", "quota:\n  every: 1h\n", 0, false},
		{"disk without cpanel", "disk:\n  every: 1h\n", 0, false},
		{"invoices without ovh", "invoices:\n  daily: \"09:00\"\n", 0, false},
		{"drive without its section", "drive:\n  every: 6h\n", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c alertsConfig
			dec := yaml.NewDecoder(bytes.NewReader([]byte(tt.yaml)))
			dec.KnownFields(true)
			if err := dec.Decode(&c); err != nil {
				t.Fatalf("decode: %v", err)
			}
			jobs, err := c.checks(alertsApp(t))
			if (err == nil) != tt.ok || len(jobs) != tt.jobs {
				t.Errorf("checks = %d jobs, %v; want %d, ok %v", len(jobs), err, tt.jobs, tt.ok)
			}
		})
	}
}

// TestServerAlertsOnTwoCPanelFakes: with two servers, the disk and AutoSSL
// checks run on each, named and keyed by the server.
func TestServerAlertsOnTwoCPanelFakes(t *testing.T) {
	a := alertsApp(t)
	var names []string
	for i, name := range []string{"planethoster", "ovh"} {
		srv := cpaneltest.New("anopex", "tok")
		t.Cleanup(srv.Close)
		srv.SeedDemo()
		if i == 1 {
			srv.AddAutoSSLProblem("gestion.anopex.test", "DNS DCV: no local authority", time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
		}
		cl, err := cpanel.New(cpanel.Options{URL: srv.URL(), User: "anopex", Token: bot.NewSecret("tok"), HTTPClient: srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		a.cpanels = append(a.cpanels, namedCPanel{name, cl})
	}
	bad := alertsConfig{TLS: &tlsAlerts{schedule: schedule{Every: duration(time.Hour)}, Targets: []tlsTarget{{Name: "www.anopex.test", Server: "nowhere"}}}}
	if _, err := bad.checks(a); err == nil || !strings.Contains(err.Error(), `server "nowhere" is not a name of the cpanel section`) {
		t.Errorf("a TLS target on an unknown server: %v", err)
	}
	c := alertsConfig{Disk: &percentAlerts{schedule: schedule{Every: duration(time.Hour)}, Percent: 5},
		AutoSSL: &schedule{Every: duration(6 * time.Hour)}}
	jobs, err := c.checks(a)
	if err != nil {
		t.Fatalf("checks: %v", err)
	}
	var keys []string
	for _, j := range jobs {
		names = append(names, j.Check.Name())
		got, err := j.Check.Run(t.Context())
		if err != nil {
			t.Fatalf("%s: %v", j.Check.Name(), err)
		}
		for _, al := range got {
			keys = append(keys, al.Key)
			if !strings.Contains(al.Title, "ovh") && !strings.Contains(al.Title, "planethoster") {
				t.Errorf("%s: title %q does not name the server", al.Key, al.Title)
			}
		}
	}
	if diff := cmp.Diff([]string{"disk:planethoster", "disk:ovh", "autossl:planethoster", "autossl:ovh"}, names); diff != "" {
		t.Errorf("check names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"disk:planethoster", "disk:ovh", "autossl:ovh:gestion.anopex.test"}, keys); diff != "" {
		t.Errorf("alert keys (-want +got):\n%s", diff)
	}
}

// TestMailAlertsOnTheCPanelFake runs the quota and disk checks through the
// real cPanel client against its fake seeded like the demo: delegue13@ is
// over 90 %, the account is not.
func TestMailAlertsOnTheCPanelFake(t *testing.T) {
	srv := cpaneltest.New("anopex", "tok")
	srv.SeedDemo()
	t.Cleanup(srv.Close)
	a := alertsApp(t)
	mail, err := cpanel.New(cpanel.Options{URL: srv.URL(), User: "anopex", Token: bot.NewSecret("tok"), HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	a.deps.Mail, a.cpanels = mail, []namedCPanel{{"", mail}}
	c := alertsConfig{Quota: &percentAlerts{schedule: schedule{Every: duration(time.Hour)}},
		Disk: &percentAlerts{schedule: schedule{Every: duration(time.Hour)}, Percent: 5}}
	jobs, err := c.checks(a)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("checks = %d jobs, %v", len(jobs), err)
	}
	var keys []string
	for _, j := range jobs {
		got, err := j.Check.Run(t.Context())
		if err != nil {
			t.Fatalf("%s: %v", j.Check.Name(), err)
		}
		for _, al := range got {
			keys = append(keys, al.Key+" "+string(al.Severity))
		}
	}
	want := []string{"quota:delegue13@anopex.test warning", "disk:account warning"}
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Errorf("alerts = %q, want %q", keys, want)
	}
}

type adherents []bot.Adherent

func (a adherents) Adherents(context.Context) ([]bot.Adherent, error) { return a, nil }
func (a adherents) AdherentsByEmail(context.Context, string) ([]bot.Adherent, error) {
	return nil, nil
}
func (a adherents) Adherent(context.Context, string) (bot.Adherent, error) {
	return bot.Adherent{}, bot.Errorf(bot.NotFound, "dolibarr", "adherent", "none")
}

type contacts struct {
	list []bot.Contact
	err  error
}

func (c contacts) ListContacts(context.Context, int) ([]bot.Contact, error) { return c.list, c.err }
func (c contacts) AllContacts(context.Context) ([]bot.Contact, error)       { return c.list, c.err }
func (c contacts) Lists(context.Context) ([]bot.ContactList, error)         { return nil, c.err }
func (c contacts) Contact(context.Context, string) (bot.Contact, error) {
	return bot.Contact{}, bot.Errorf(bot.NotFound, "brevo", "contact", "none")
}

// TestCoherenceDigest: the nightly job posts the /coherence sweep summary;
// a source that fails still gets its summary posted (naming the source) and
// the run counts as failed.
func TestCoherenceDigest(t *testing.T) {
	members := adherents{{ID: "1", FirstName: "Jeanne", LastName: "Martin", Email: "jeanne@anopex.test", Status: bot.AdherentActive}}
	now := func() time.Time { return time.Date(2026, 11, 28, 6, 30, 0, 0, time.UTC) }
	a := alertsApp(t)
	c := alertsConfig{Coherence: &schedule{Daily: "06:30"}}
	if _, err := c.checks(a); err == nil {
		t.Error("coherence without dolibarr and brevo: nil error")
	}
	a.deps.Members = commands.Members{Adherents: members, Contacts: contacts{}, Now: now}
	jobs, err := c.checks(a)
	if err != nil || len(jobs) != 1 || jobs[0].Digest == nil || jobs[0].Daily != "06:30" {
		t.Fatalf("checks = %+v, %v", jobs, err)
	}
	text, err := jobs[0].Digest.Digest(t.Context())
	if err != nil || !strings.HasPrefix(text, "📋 Relevé de cohérence du 28/11/2026 06:30 : 1 adhérents") {
		t.Errorf("digest = %q, %v", text, err)
	}
	a.deps.Members.Contacts = contacts{err: &bot.Error{Provider: "brevo", Kind: bot.Unavailable}}
	jobs, _ = c.checks(a)
	text, err = jobs[0].Digest.Digest(t.Context())
	if !errors.Is(err, coherence.ErrIncomplete) || !strings.Contains(text, "⚠️") {
		t.Errorf("digest with Brevo down = %q, %v; want the summary naming the failure and ErrIncomplete", text, err)
	}
}

// A ticket rule whose recipient is unknown or not configured stops the
// start: its 🎫 would lead nowhere.
func TestTicketRules(t *testing.T) {
	a := &app{deps: commands.Deps{Hosting: commands.HostingDeps{Tickets: map[string]bot.Tickets{"ovh": &mailer.Tickets{}}}}}
	tests := []struct {
		name string
		rule commands.TicketRule
		ok   bool
	}{
		{"configured host", commands.TicketRule{Check: "http", To: "ovh"}, true},
		{"unknown recipient", commands.TicketRule{To: "aws"}, false},
		{"host not configured", commands.TicketRule{To: "planethoster"}, false},
		{"no cf2d section", commands.TicketRule{Key: "version:", To: "cf2d"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := a.checkTicketRules([]commands.TicketRule{tt.rule}); (err == nil) != tt.ok {
				t.Errorf("checkTicketRules(%+v) = %v, want ok %v", tt.rule, err, tt.ok)
			}
		})
	}
}

func (a adherents) AdherentsByName(context.Context, string) ([]bot.Adherent, error) { return nil, nil }
