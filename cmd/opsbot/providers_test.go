package main

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
	"go.yaml.in/yaml/v3"

	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/adapters/ops"
	demoworld "github.com/anopex/opsbot/internal/demo"
	"github.com/anopex/opsbot/storage"
)

func TestHostingSectionsCheck(t *testing.T) {
	t.Setenv("OVH_AS", "as")
	t.Setenv("OVH_CK", "ck")
	t.Setenv("SMTP_PW", "pw")
	tests := []struct {
		name, yaml, wantErr string // wantErr "" means valid
	}{
		{"complete", `
ovh: {endpoint: ovh-eu, application_key: ak, application_secret: "${OVH_AS}", consumer_key: "${OVH_CK}"}
planethoster: {url: "https://api.planethoster.net", user: u, key: "${OVH_AS}", support: support@planethoster.test, domains: [anopex.fr]}
smtp: {host: smtp.anopex.fr, user: opsbot@anopex.fr, password: "${SMTP_PW}", from: opsbot@anopex.fr}
cf2d: {to: contact@cf2d.test, reference: W751234567, association: Anopex}
hosting: {allow: [203.0.113.7, 198.51.100.0/24], tls_hosts: ["mail.anopex.fr:993"]}`, ""},
		{"cf2d without smtp", `cf2d: {to: contact@cf2d.test, reference: W1, association: A}`, "configure smtp"},
		{"planethoster tickets without smtp", `planethoster: {url: "https://x", user: u, key: "${OVH_AS}", support: s@x.test}`, "configure smtp"},
		{"bad contractor address", "smtp: {host: h, from: a@b.test}\ncf2d: {to: pas-une-adresse, reference: W1, association: A}", "cf2d.to"},
		{"bad allowed range", `hosting: {allow: [10.0.0.0/33]}`, "hosting.allow"},
		{"secret in clear", `ovh: {endpoint: ovh-eu, application_key: ak, application_secret: "en-clair"}`, "${ENV_VAR}"},
		{"ovh without endpoint", `ovh: {application_key: ak, application_secret: "${OVH_AS}", consumer_key: "${OVH_CK}"}`, "endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s sections
			dec := yaml.NewDecoder(bytes.NewReader([]byte(tt.yaml)))
			dec.KnownFields(true)
			err := dec.Decode(&s)
			if err == nil {
				err = s.check()
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("check = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("check = %v, want an error about %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "en-clair") {
				t.Errorf("error %q repeats the secret", err)
			}
		})
	}
}

// The demo's hosting fakes and the real clients built from the sections:
// every family is there, the unpaid-bill alert gets OVH's bills, and every
// credential check of check-config passes against the fakes.
func TestBuildHostingOnDemoFakes(t *testing.T) {
	now := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	cp := cpaneltest.New("anopex", "tok")
	t.Cleanup(cp.Close)
	cp.SeedHostDemo("anopex.test", now)
	d := &demoEnv{cfg: &Config{sections: sections{CPanel: cpanelServers{{URL: cp.URL(), User: "anopex", Token: demoSecret("tok"), Domain: "anopex.test"}}}},
		now: func() time.Time { return now }, cpanel: cp}
	t.Cleanup(d.close)
	s := &d.cfg.sections
	demoHosting(d)
	sink := d.smtp
	if err := s.check(); err != nil {
		t.Fatalf("demo sections: %v", err)
	}
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := &app{cfg: d.cfg, log: zerolog.Nop(), now: d.now, hc: &http.Client{Timeout: 5 * time.Second}, store: db, metrics: ops.NewMetrics()}
	if err := s.wire(a); err != nil {
		t.Fatal(err)
	}
	deps := a.deps.Hosting
	if deps.Host == nil || deps.Host.Account == nil || deps.Contractor == nil || deps.Invoices == nil || len(deps.Tickets) != 2 {
		t.Fatalf("deps %+v, want every hosting family", deps)
	}
	var names []string
	for _, c := range a.checks {
		names = append(names, c.name)
		if err := c.run(t.Context()); err != nil {
			t.Errorf("check %s = %v", c.name, err)
		}
	}
	if strings.Join(names, ",") != "cpanel,ovh,smtp,planethoster" {
		t.Errorf("checks %q", names)
	}
	// Every client is measured, the one cPanel client's host calls included.
	if _, err := deps.Host.Zones.Zone(t.Context(), "anopex.test"); err != nil {
		t.Fatal(err)
	}
	got, err := testutil.GatherAndCount(a.metrics.Registry(), "opsbot_provider_request_duration_seconds")
	if err != nil || got == 0 {
		t.Errorf("provider metrics: %d series, %v", got, err)
	}
	for _, p := range []string{"cpanel", "ovh", "planethoster"} {
		if n := requestsOf(t, a.metrics, p); n == 0 {
			t.Errorf("no request of %s in /metrics", p)
		}
	}
	if _, err := deps.Tickets["planethoster"].Open(t.Context(), "Sujet", "Corps"); err != nil {
		t.Fatalf("planethoster ticket: %v", err)
	}
	if m := sink.Messages(); len(m) != 1 {
		t.Fatalf("sink got %d messages", len(m))
	} else if target, text := mailLine(m[0]); target+": "+text != "mail to support@planethoster.test: Sujet" {
		t.Errorf("console line %q", target+": "+text)
	}
}

func TestMembersConfig(t *testing.T) {
	t.Setenv("DOLIBARR_API_KEY", "k1")
	t.Setenv("BREVO_API_KEY", "k2")
	t.Setenv("WORDPRESS_APP_PASSWORD", "k3")
	base := "locale: fr\ndata: /tmp/x\n"
	ok := base + `
dolibarr:
  url: https://erp.anopex.fr/api/index.php
  key: ${DOLIBARR_API_KEY}
  functions:
    délégué: [Délégués]
    trésorier: [Bureau, Trésorerie]
brevo:
  key: ${BREVO_API_KEY}
wordpress:
  url: https://www.anopex.fr
  user: opsbot
  app_password: ${WORDPRESS_APP_PASSWORD}
coherence:
  newsletter_list: 3
  members_only_roles: [adherent]
`
	cfg, err := parseConfig([]byte(ok))
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	if cfg.Dolibarr.Key.Reveal() != "k1" || cfg.Coherence.NewsletterList != 3 || len(cfg.Dolibarr.Functions["trésorier"]) != 2 {
		t.Errorf("config read as %+v", cfg)
	}
	tests := []struct{ name, yaml, want string }{
		{"coherence without brevo", base + "dolibarr: {url: https://x/api/index.php, key: '${DOLIBARR_API_KEY}'}\ncoherence: {newsletter_list: 3}\n", "needs the dolibarr and brevo sections"},
		{"no newsletter list", base + "dolibarr: {url: https://x, key: '${DOLIBARR_API_KEY}'}\nbrevo: {key: '${BREVO_API_KEY}'}\ncoherence: {members_only_roles: [adherent]}\n", "newsletter_list"},
		{"no coherence section", base + "dolibarr: {url: https://x, key: '${DOLIBARR_API_KEY}'}\nbrevo: {key: '${BREVO_API_KEY}'}\n", "coherence: the section is required"},
		{"function without group", base + "dolibarr: {url: https://x, key: '${DOLIBARR_API_KEY}', functions: {délégué: []}}\n", "at least one group"},
		{"dolibarr without url", base + "dolibarr: {key: '${DOLIBARR_API_KEY}'}\n", "dolibarr.url"},
		{"wordpress without user", base + "wordpress: {url: https://x, app_password: '${WORDPRESS_APP_PASSWORD}'}\n", "wordpress: url and user"},
		{"key in clear", base + "dolibarr: {url: https://x, key: abc}\n", "${ENV_VAR}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseConfig = %v, want an error holding %q", err, tt.want)
			}
		})
	}
}

// The demo's members fakes and the clients wired from the sections: every
// family is there and every credential check passes.
func TestWireMembersOnDemoFakes(t *testing.T) {
	now := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	d := &demoEnv{cfg: &Config{Alerts: &alertsConfig{}}, now: func() time.Time { return now }}
	t.Cleanup(d.close)
	demoMembers(d)
	if err := d.cfg.sections.check(); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := &app{cfg: d.cfg, log: zerolog.Nop(), now: d.now, hc: &http.Client{Timeout: 5 * time.Second}, store: db}
	if err := d.cfg.sections.wire(a); err != nil {
		t.Fatal(err)
	}
	m := a.deps.Members
	if m.Adherents == nil || m.Staff == nil || m.StaffAdmin == nil || m.Contacts == nil || m.ContactAdmin == nil || m.WPUsers == nil ||
		m.Coherence.NewsletterList == 0 || len(m.Functions) == 0 {
		t.Fatalf("members deps %+v, want every family", m)
	}
	var names []string
	for _, c := range a.checks {
		names = append(names, c.name)
		if err := c.run(t.Context()); err != nil {
			t.Errorf("check %s = %v", c.name, err)
		}
	}
	if strings.Join(names, ",") != "dolibarr,brevo,wordpress" {
		t.Errorf("checks %q", names)
	}
}

// In `opsbot demo`, /coherence sweep shows every finding code with a
// non-zero count, and the CSV lands in the attachments directory.
func TestDemoCoherenceSweep(t *testing.T) {
	out, _, _ := playDemo(t, "/coherence sweep\n/coherence member robert.vidal@exemple.fr\n")
	for code, n := range demoworld.Findings {
		if want := string(code) + " : "; !strings.Contains(out, want) || strings.Contains(out, want+"0 ") {
			t.Errorf("the demo sweep shows no %s (want %d):\n%s", code, n, out)
		}
	}
	if !strings.Contains(out, "📎") || !strings.Contains(out, ".csv") {
		t.Errorf("no CSV attachment in the transcript:\n%s", out)
	}
	if !strings.Contains(out, "Bob Ledoux") {
		t.Errorf("coherence member: no WordPress name mismatch:\n%s", out)
	}
}

// requestsOf counts the requests /metrics shows for provider.
func requestsOf(t *testing.T, m *ops.Metrics, provider string) uint64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, f := range families {
		if f.GetName() != "opsbot_provider_request_duration_seconds" {
			continue
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() == "provider" && l.GetValue() == provider {
					n += s.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return n
}
