package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/ovh/ovhtest"
	"github.com/anopex/opsbot/bot"
)

func TestCheckApprovals(t *testing.T) {
	noop := func(context.Context, bot.Call) (string, error) { return "", nil }
	apply := func(context.Context, bot.Call) (bot.Outcome, error) { return bot.Outcome{}, nil }
	read := func(context.Context, bot.Call) (bot.Reply, error) { return bot.Reply{}, nil }
	specs := []bot.Spec{
		{Path: "invoice list", Roles: []bot.Role{bot.Admin, bot.Treasurer}, Read: read},
		{Path: "invoice pay", Roles: []bot.Role{bot.Admin, bot.Treasurer, bot.President}, Financial: true, Preview: noop, Apply: apply},
		{Path: "mail quota", Roles: []bot.Role{bot.Admin}, Preview: noop, Apply: apply},
	}
	board := []bot.Member{
		{Name: "Sam Admin", Roles: []bot.Role{bot.Admin}},
		{Name: "Thérèse", Roles: []bot.Role{bot.Treasurer}},
		{Name: "Paul", Roles: []bot.Role{bot.President}},
	}
	tests := []struct {
		name      string
		approvals map[string]int
		people    []bot.Member
		wantErr   string // "" means accepted
		wantWarn  string // "" means no warning
	}{
		{"none", nil, board, "", ""},
		{"financial, one", map[string]int{"invoice pay": 1}, board, "", ""},
		{"unknown key", map[string]int{"invoice payer": 2}, board, "requests.approvals.invoice payer", ""},
		{"read command", map[string]int{"invoice list": 2}, board, "requests.approvals.invoice list", ""},
		{"change, not financial", map[string]int{"mail quota": 2}, board, "requests.approvals.mail quota", ""},
		{"zero", map[string]int{"invoice pay": 0}, board, "requests.approvals.invoice pay", ""},
		{"more than the approvers", map[string]int{"invoice pay": 3}, board, "requests.approvals.invoice pay: 3 approvals, but only 2", ""},
		{"as many as the approvers", map[string]int{"invoice pay": 2}, board, "", "invoice pay needs 2 approval(s) from Thérèse, Paul"},
		{"a lone treasurer", nil, board[:2], "", "invoice pay needs 1 approval(s) from Thérèse"},
		{"nobody to approve", nil, board[:1], "", "invoice pay needs 1 approval(s), but only 0 people may approve it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Config{Requests: requestsConfig{Approvals: tt.approvals}}
			warnings, err := checkApprovals(c, tt.people, specs)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("checkApprovals = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("checkApprovals = %v, want an error holding %q", err, tt.wantErr)
			}
			got := strings.Join(warnings, "\n")
			if tt.wantWarn == "" && got != "" || !strings.Contains(got, tt.wantWarn) {
				t.Errorf("warnings %q, want %q", got, tt.wantWarn)
			}
		})
	}
	// Approvers given by a platform role cannot be counted from the file.
	c := &Config{Chat: "discord", Requests: requestsConfig{Approvals: map[string]int{"invoice pay": 5}},
		Discord: &discordConfig{Roles: map[string]string{"1187001122334455700": "treasurer"}}}
	if warnings, err := checkApprovals(c, board, specs); err != nil || len(warnings) != 0 {
		t.Errorf("with a platform role map: %q, %v; want no count checked", warnings, err)
	}
}

// run and check-config refuse an approval rule that names no command of
// the configuration, naming the key; check-config prints the warning of a
// rule that one approver cannot satisfy.
func TestApprovalRulesAtStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "opsbot.yaml")
	cfg := "data: " + filepath.Join(dir, "data") + "\npeople: [{name: Sam, roles: [admin], console: sam}]\nrequests: {approvals: {invoice pay: 2}}\n"
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"check-config", "run"} {
		err := run(t.Context(), []string{cmd, "-config", path}, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "requests.approvals.invoice pay") {
			t.Errorf("%s = %v, want a refusal naming requests.approvals.invoice pay", cmd, err)
		}
	}

	d, err := newDemo(t.Context(), t.TempDir(), "fr", zerolog.Nop(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.close)
	d.cfg.Requests.Approvals = map[string]int{"invoice pay": 2}
	a, err := open(d.cfg, zerolog.Nop(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	warnings := strings.Join(a.warnings, "\n")
	a.close()
	if !strings.Contains(warnings, "invoice pay needs 2 approval(s) from Thérèse Trésorière, Paul Président") {
		t.Errorf("warnings %q, want the deadlock of invoice pay naming the treasurer and the president", warnings)
	}
	d.cfg.Requests.Approvals = map[string]int{"invoice pay": 3}
	if _, err := open(d.cfg, zerolog.Nop(), time.Now); err == nil || !strings.Contains(err.Error(), "requests.approvals.invoice pay") {
		t.Errorf("open with 3 approvals for 2 approvers = %v, want a refusal", err)
	}
}

// With invoice pay (OVH) needing both the treasurer and the president, run
// logs the warning at start-up and check-config prints it, naming both.
func TestApprovalWarningPrinted(t *testing.T) {
	srv := ovhtest.New(ovhtest.DemoAppKey, ovhtest.DemoAppSecret, ovhtest.DemoConsumerKey)
	t.Cleanup(srv.Close)
	srv.SeedDemo()
	t.Setenv("OPSBOT_TEST_OVH_AS", ovhtest.DemoAppSecret)
	t.Setenv("OPSBOT_TEST_OVH_CK", ovhtest.DemoConsumerKey)
	dir := t.TempDir()
	path := filepath.Join(dir, "opsbot.yaml")
	cfg := "data: " + filepath.Join(dir, "data") + `
people:
  - {name: Thérèse, roles: [treasurer], console: tresoriere}
  - {name: Paul, roles: [president], console: president}
requests: {approvals: {invoice pay: 2}}
ovh: {endpoint: "` + srv.URL() + `", application_key: ` + ovhtest.DemoAppKey + `, application_secret: "${OPSBOT_TEST_OVH_AS}", consumer_key: "${OPSBOT_TEST_OVH_CK}"}
`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	const want = "invoice pay needs 2 approval(s) from Thérèse, Paul"
	var out strings.Builder
	if err := run(t.Context(), []string{"check-config", "-config", path}, nil, &out, io.Discard); err != nil {
		t.Fatalf("check-config = %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "WARNING: "+want) {
		t.Errorf("check-config printed:\n%s\nwant the warning %q", out.String(), want)
	}
	var logs strings.Builder
	_ = run(t.Context(), []string{"run", "-config", path}, nil, io.Discard, &logs) // no chat: it stops after the checks
	if !strings.Contains(logs.String(), "approval rule may deadlock") || !strings.Contains(logs.String(), want) {
		t.Errorf("run logged:\n%s\nwant the warning %q", logs.String(), want)
	}
}
