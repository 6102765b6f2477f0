package main

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.yaml.in/yaml/v3"

	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
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
			var s hostingSections
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
	d := &demoEnv{cfg: &Config{CPanel: &cpanelConfig{URL: cp.URL(), User: "anopex", Token: demoSecret("tok"), Domain: "anopex.test"}},
		now: func() time.Time { return now }, cpanel: cp}
	t.Cleanup(d.close)
	var s hostingSections
	sink, err := demoHosting(t.Context(), d, &s)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.check(); err != nil {
		t.Fatalf("demo sections: %v", err)
	}
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := &app{cfg: d.cfg, log: zerolog.Nop(), now: d.now, hc: &http.Client{Timeout: 5 * time.Second}, store: db}
	deps, err := buildHosting(a, &s)
	if err != nil {
		t.Fatal(err)
	}
	if deps.Host == nil || deps.Host.Account == nil || deps.Contractor == nil || deps.Invoices == nil || len(deps.Tickets) != 2 || a.invoices == nil {
		t.Fatalf("deps %+v, want every hosting family", deps)
	}
	var names []string
	for _, c := range a.checks {
		names = append(names, c.name)
		if err := c.run(t.Context()); err != nil {
			t.Errorf("check %s = %v", c.name, err)
		}
	}
	if strings.Join(names, ",") != "ovh,smtp,planethoster" {
		t.Errorf("checks %q", names)
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
