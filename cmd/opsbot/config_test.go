package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
)

// setEnv gives every ${VAR} of the sample a value.
func setEnv(t *testing.T) {
	for _, v := range []string{"CPANEL_TOKEN", "CPANEL_OVH_TOKEN", "DISCORD_BOT_TOKEN", "MATTERMOST_BOT_TOKEN", "OPSBOT_MATTERMOST_TOKEN_MAIL",
		"DOLIBARR_KEY", "BREVO_KEY", "WP_APP_PASSWORD", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY",
		"PLANETHOSTER_API_KEY", "SMTP_PASSWORD"} {
		t.Setenv(v, "value-of-"+v)
	}
}

func TestSampleConfigLoads(t *testing.T) {
	setEnv(t)
	raw, err := os.ReadFile("../../opsbot.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := parseConfig(raw)
	if err != nil {
		t.Fatalf("opsbot.example.yaml: %v", err)
	}
	if len(cfg.CPanel) != 2 || cfg.CPanel[1].Name != "ovh" || cfg.CPanel[0].Token.Reveal() != "value-of-CPANEL_TOKEN" || cfg.Discord == nil || cfg.Mattermost == nil ||
		cfg.Dolibarr == nil || cfg.OVH == nil || cfg.Alerts == nil || cfg.Ops == nil || cfg.CF2D == nil {
		t.Errorf("sample not read as expected: %+v", cfg)
	}
	p, err := cfg.policy()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Person("discord", "x", "x", []string{"1187001122334455700"}, false); len(got.Roles) != 1 || got.Roles[0] != "treasurer" {
		t.Errorf("discord role map: %+v", got)
	}
	if got := p.Person("discord", "444444444444444444", "", nil, false); got.Name != "Dominique Petit" || !got.Owns("delegue75@anopex.fr") {
		t.Errorf("person by discord ID: %+v", got)
	}
	if got := cfg.adminAddress(); got != "sysadmin@anopex.fr" { // the default Reply-To
		t.Errorf("adminAddress() = %q, want the first admin's mailbox", got)
	}
}

// Fail closed: each of these stops the start with a message naming the problem.
func TestConfigRefusals(t *testing.T) {
	setEnv(t)
	base := "locale: fr\ndata: /tmp/x\n"
	tests := []struct{ name, yaml, want string }{
		{"unknown key", base + "colour: blue\n", "colour"},
		{"secret in clear", base + "cpanel: {url: https://x:2083, user: u, domain: a.fr, token: abc123}\n", "${ENV_VAR}"},
		{"unset variable", base + "cpanel: {url: https://x:2083, user: u, domain: a.fr, token: '${OPSBOT_UNSET_VAR}'}\n", "OPSBOT_UNSET_VAR is not set"},
		{"bad role", base + "people: [{name: A, roles: [boss]}]\n", "unknown role"},
		{"bad mailbox", base + "people: [{name: A, roles: [admin], mailboxes: [jean]}]\n", "not an address"},
		{"duplicate id", base + "people: [{name: A, roles: [admin], discord: '1'}, {name: B, roles: [board], discord: '1'}]\n", "given to both"},
		{"every unset variable", base + "cpanel: {url: https://x:2083, user: u, domain: a.fr, token: '${OPSBOT_UNSET_A}'}\nbrevo: {key: '${OPSBOT_UNSET_B}'}\n", "OPSBOT_UNSET_A is not set\n  line 4: environment variable OPSBOT_UNSET_B is not set"},
		{"mattermost channel name", base + "mattermost: {url: https://mm, token: '${CPANEL_TOKEN}', team: wj3drgzdpnf54rxf5d8qd3dqne, approvals: town-square, public_url: https://o}\n", "mattermost.approvals: \"town-square\" is not a Mattermost ID"},
		{"discord channel name", base + "discord: {token: '${CPANEL_TOKEN}', application_id: '1', guild_id: '2', approvals_channel: approvals}\n", "discord.approvals_channel: \"approvals\" is not a Discord ID"},
		{"two mail servers", base + "cpanel: [{name: a, url: https://a:2083, user: u, domain: a.fr, token: '${CPANEL_TOKEN}', mail: true}, {name: b, url: https://b:2083, user: u, domain: b.fr, token: '${CPANEL_TOKEN}', mail: true}]\n", "only one server holds the mail"},
		{"bad time zone", base + "time_zone: Mars/Olympus\n", "time_zone"},
		{"bad locale", "locale: de\ndata: /tmp/x\n", "write fr or en"},
		{"no data", "locale: fr\n", "data"},
		{"chat without section", base + "chat: discord\n", "no discord: section"},
		{"unknown chat", base + "chat: slack\n", "not a supported platform"},
		{"bad duration", base + "requests: {expiry: soon}\n", "not a duration"},
		{"bad domain", base + "cpanel: {url: https://x:2083, user: u, domain: 'a b', token: '${CPANEL_TOKEN}'}\n", "cpanel.domain"},
		{"unknown cpanel key", base + "cpanel: {url: https://x:2083, user: u, domian: a.fr, token: '${CPANEL_TOKEN}'}\n", "field domian not found"},
		{"unknown key of a server", base + "cpanel: [{name: a, url: https://x:2083, user: u, domain: a.fr, tokn: x}]\n", "line 3: field tokn not found"},
		{"servers without names", base + "cpanel: [{url: https://x:2083, user: u, domain: a.fr, token: '${CPANEL_TOKEN}'}, " +
			"{url: https://y:2083, user: v, domain: b.fr, token: '${CPANEL_TOKEN}'}]\n", "cpanel[0].name: \"\": with several servers each needs its own name"},
		{"servers with one name", base + "cpanel: [{name: ovh, url: https://x:2083, user: u, domain: a.fr, token: '${CPANEL_TOKEN}'}, " +
			"{name: ovh, url: https://y:2083, user: v, domain: b.fr, token: '${CPANEL_TOKEN}'}]\n", "cpanel[1].name: \"ovh\""},
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

// Every URL opsbot cannot use is named at once, and a password written in
// one is never shown.
func TestEveryBadURLAtOnce(t *testing.T) {
	setEnv(t)
	_, err := parseConfig([]byte("locale: fr\ndata: /tmp/x\n" +
		"cpanel: {url: 'x:2083', user: u, domain: a.fr, token: '${CPANEL_TOKEN}'}\n" +
		"brevo: {url: 'https://me:hunter2@api.brevo.test/v3', key: '${BREVO_KEY}'}\n" +
		"wordpress: {url: 'ftp://www.a.fr', user: bot, app_password: '${WP_APP_PASSWORD}'}\n"))
	if err == nil {
		t.Fatal("three bad URLs accepted")
	}
	for _, want := range []string{"cpanel[0].url", "brevo.url", "wordpress.url", "https://host[:port]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the URL's password is shown: %v", err)
	}
}

// audit.keep takes days; the records older than it are deleted at start.
func TestAuditKeep(t *testing.T) {
	cfg, err := parseConfig([]byte("data: /tmp/x\naudit: {keep: 400d}\n"))
	if err != nil || time.Duration(cfg.Audit.Keep) != 400*24*time.Hour {
		t.Fatalf("audit.keep: 400d = %v, %v", cfg, err)
	}
	a := alertsApp(t)
	now := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	a.now = func() time.Time { return now }
	for _, at := range []time.Time{now.AddDate(0, 0, -401), now.AddDate(0, 0, -399)} {
		if err := a.store.AppendAudit(t.Context(), bot.AuditRecord{Kind: "read", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // one pass, then it returns
	if err := a.pruneAudit(ctx); err != nil {
		t.Fatal(err)
	}
	recs, err := a.store.Audit(t.Context(), 10)
	if err != nil || len(recs) != 1 || !recs[0].At.Equal(now.AddDate(0, 0, -399)) {
		t.Errorf("audit after the pass = %+v, %v; want the 399-day-old record only", recs, err)
	}
}

// The mail commands use the server marked mail: true, wherever it is listed;
// the host commands without a server name still use the first.
func TestMailServerMarked(t *testing.T) {
	setEnv(t)
	for _, tc := range []struct{ mark, want string }{{"", "a.fr"}, {"b", "b.fr"}} {
		srv := func(n string) string {
			return "{name: " + n + ", url: https://" + n + ":2083, user: u, domain: " + n + ".fr, token: '${CPANEL_TOKEN}', mail: " + strconv.FormatBool(n == tc.mark) + "}"
		}
		cfg, err := parseConfig([]byte("locale: fr\ndata: " + filepath.Join(t.TempDir(), "data") + "\ncpanel: [" + srv("a") + ", " + srv("b") + "]\n"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := open(cfg, zerolog.Nop(), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.close() })
		if a.deps.MailDomain != tc.want || a.deps.Hosting.Host.Server.Name != "a" {
			t.Errorf("mail marked %q: mail domain %q, first host server %q; want %s and a", tc.mark, a.deps.MailDomain, a.deps.Hosting.Host.Server.Name, tc.want)
		}
	}
}
