package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	demoworld "github.com/anopex/opsbot/internal/demo"
	"github.com/anopex/opsbot/storage"
)

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
	d := &demoEnv{cfg: &Config{}, now: func() time.Time { return now }}
	t.Cleanup(d.close)
	if err := demoMembers(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	if err := d.cfg.checkMembers(); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := &app{cfg: d.cfg, log: zerolog.Nop(), now: d.now, hc: &http.Client{Timeout: 5 * time.Second}, store: db}
	if err := wireMembers(a); err != nil {
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
