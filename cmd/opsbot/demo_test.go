package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/commands"
	"github.com/anopex/opsbot/internal/testlog"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// demoClock is the fixed time of the golden transcripts.
var demoClock = time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)

// playDemo runs the demo on script with a fixed clock and debug logs, and
// returns the transcript, the logs and the demo (its fakes are still open).
// demoApp is the demo's world and an app opened on its configuration, both
// closed when the test ends.
func demoApp(t testing.TB) (*demoEnv, *app) {
	t.Helper()
	d, err := newDemo(t.Context(), t.TempDir(), "fr", zerolog.Nop(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.close)
	a, err := open(d.cfg, zerolog.Nop(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	return d, a
}

func playDemo(t *testing.T, script string) (string, string, *demoEnv) {
	t.Helper()
	return playDemoIn(t, "fr", script)
}

func playDemoIn(t *testing.T, locale, script string) (string, string, *demoEnv) {
	t.Helper()
	dir := t.TempDir()
	logs := &testlog.Buffer{}
	log := zerolog.New(logs).Level(zerolog.DebugLevel)
	d, err := newDemo(t.Context(), dir, locale, log, func() time.Time { return demoClock })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.close)
	var out bytes.Buffer
	if err := d.run(t.Context(), strings.NewReader(script), &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	return out.String(), logs.String(), d
}

// The headline task: the administrator asks for a delegate's password reset,
// the treasurer approves with ✅, the password changes in cPanel and reaches
// the delegate by private message only — not a channel post, an answer, the
// log (at debug level, HTTP included), the bbolt file or the audit log.
func TestPasswordResetSecretOnlyInPrivate(t *testing.T) {
	script := `/mail passwd delegue75@anopex.test
react last ✅
/as tresoriere
react last :white_check_mark:
/as sysadmin
/audit
/approvals show 1
`
	out, logs, d := playDemo(t, script)
	m := regexp.MustCompile(`(?m)^\[\d+\] @delegue75: Nouveau mot de passe de delegue75@anopex\.test :\n    \n    (\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no private message with the password to @delegue75 in:\n%s", out)
	}
	pw := m[1]
	if got := d.cpanel.Password("delegue75@anopex.test"); got != pw {
		t.Fatalf("cPanel holds %q, the private message gave %q", got, pw)
	}
	if n := strings.Count(out, pw); n != 1 {
		t.Errorf("the password appears %d times in the transcript, want once (the private message)", n)
	}
	for _, msg := range messages(out) {
		if strings.Contains(msg.text, pw) && msg.target != "@delegue75" {
			t.Errorf("password in a message to %s: %q", msg.target, msg.text)
		}
	}
	if strings.Contains(logs, pw) {
		t.Error("the password is in the log")
	}
	if !strings.Contains(logs, "change request done") {
		t.Error("the log does not show the execution: is it really at debug level?")
	}
	db, err := os.ReadFile(filepath.Join(d.cfg.Data, "opsbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(db, []byte(pw)) {
		t.Error("the password is in the bbolt file")
	}
	if !bytes.Contains(db, []byte("delegue75@anopex.test")) {
		t.Error("the bbolt file does not hold the request: the search above proves nothing")
	}
	if strings.Contains(out, "[redacted]") {
		t.Error("a redacted secret was printed somewhere")
	}
	for _, want := range []string{"ne compte pas", "Demande n°1 approuvée par Thérèse Trésorière et exécutée", "envoyé en message privé à Dominique Délégué 75", "résultat"} { // "résultat": the audit's outcome record
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q:\n%s", want, out)
		}
	}
}

type message struct{ target, text string }

// messages splits a console transcript into messages: "[ID] TARGET: TEXT"
// and its indented continuation lines.
func messages(out string) []message {
	var ms []message
	head := regexp.MustCompile(`^\[\d+\] (\S+): (.*)$`)
	for _, line := range strings.Split(out, "\n") {
		if m := head.FindStringSubmatch(line); m != nil {
			ms = append(ms, message{target: m[1], text: m[2]})
		} else if strings.HasPrefix(line, "    ") && len(ms) > 0 {
			ms[len(ms)-1].text += "\n" + line[4:]
		}
	}
	return ms
}

// The demo transcript is what a newcomer sees: it is reviewed as a golden file.
func TestDemoTranscript(t *testing.T) {
	script, err := os.ReadFile("testdata/demo.script")
	if err != nil {
		t.Fatal(err)
	}
	out, _, _ := playDemo(t, string(script))
	out = regexp.MustCompile(`(?m)^(\[\d+\] @\S+: [^\n]*[Mm]ot de passe [^\n]*:\n    \n    )\S+$`).ReplaceAllString(out, "${1}<mot de passe>")
	out = regexp.MustCompile(`opsbot-demo-\S+|/tmp/\S+`).ReplaceAllString(out, "<tmp>")
	golden := "testdata/demo.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != out {
		t.Errorf("transcript differs from %s (go test ./cmd/opsbot -run TestDemoTranscript -update to accept):\n%s", golden, out)
	}
}

// check-config's credential checks pass against the demo's fakes, and a
// provider that refuses the token fails its check.
func TestProviderChecks(t *testing.T) {
	d, a := demoApp(t)
	var names []string
	for _, c := range a.checks {
		names = append(names, c.name)
		if err := c.run(t.Context()); err != nil {
			t.Errorf("check %s against its fake: %v", c.name, err)
		}
	}
	for _, want := range []string{"cpanel", "dolibarr", "brevo", "wordpress", "ovh"} {
		if !slices.Contains(names, want) {
			t.Errorf("no credential check for %s (have %q)", want, names)
		}
	}
	d.cpanel.Fault.FailNext(1, 401, "Access denied")
	for _, c := range a.checks {
		if c.name == "cpanel" {
			if err := c.run(t.Context()); err == nil {
				t.Error("the cpanel check passed on a 401")
			}
		}
	}
}

// The command reference in docs/commands.md is generated from the specs of
// the demo (every family): it cannot drift from the code.
func TestCommandReference(t *testing.T) {
	_, a := demoApp(t)
	a.deps.Alerts = (*alerts.Scheduler)(nil) // set when the engine starts: only its specs are read here
	a.deps.Audit = a.store
	a.deps.AlertTickets = &commands.AlertTickets{Rules: demoTicketRules}
	var b strings.Builder
	b.WriteString("# opsbot commands\n\nGenerated from the command specs by `go test ./cmd/opsbot -run TestCommandReference -update`.\n")
	b.WriteString("A change goes through a change request approved by the roles shown; a role in *italics* may run the command only on their own mailbox or member record.\n\n")
	b.WriteString("When approved, a change runs only if its preview, recomputed against the providers, is still the one approved. It then ends in one of these states:\n\n" +
		"- `done`: it ran.\n" +
		"- `stale`: the situation changed since the preview (or there is nothing left to do), so nothing was run; the request's thread shows the approved preview and today's. Ask again to change what is there today.\n" +
		"- `failed`: the provider refused the change (or the current state could not be read first), so nothing was changed; correct and ask again.\n" +
		"- `unknown`: the provider gave no definite answer (timeout, dropped connection, server error, or opsbot stopped during the execution): the change may have happened. Check with the read command in the last column before asking again.\n\n" +
		"A request that would change nothing is refused when it is made, and so is a second pending request for the same action (the answer names the first).\n\n" +
		"A request in steps (`/delegate onboard`, `/delegate offboard`) previews every step, each with the preview of the command it runs, those already done included, and runs them in order. " +
		"The first step that fails stops the others: the request is `failed` or `unknown` as that step is, and its outcome lists the steps done and those left (passwords of the steps done still arrive privately). " +
		"Asking again resumes: the steps done preview as done and are skipped. What each function gives (WordPress role, mail lists, Brevo list, forwarder to the personal address) is the configuration's `delegates` section.\n\n" +
		"An alert becomes a ticket in one reaction. With `alerts.tickets` configured, every alert post offers 🎫 (`:ticket:` in the console): an admin's 🎫 makes the change request of the ticket, prefilled with the alert's key, server, first failure and last detail, for the recipient of the first rule that matches the alert's check, server and key: " +
		"`/ticket alert` for OVH or PlanetHoster, `/evolution incident` with the alert's key for CF2D. Once opened the ticket is linked: `/alerts list` shows its number, `/ticket show` and `/evolution show` the alert. " +
		"The alert's recovery is posted in the request's thread, where 🎫 makes the closing reply (`/ticket reply`) or closes the incident (`/evolution close`).\n\n" +
		"With several cPanel servers (`cpanel:` as a list), every `/host` command of a server takes its name as `SERVEUR` (offered as choices on Discord, listed in the hint on Mattermost) and its preview names it; " +
		"`/host ssl list` without one lists every server. The mail commands use the server marked `mail: true` (the first without a mark). `/host files usage` reads API 2's DiskUsage (UAPI has no directory usage); `/host ssl renew` starts an AutoSSL check, refused while one runs. " +
		"The disk and AutoSSL alerts run on each server (`disk:SERVER`, `autossl:SERVER:DOMAIN`).\n\n")
	b.WriteString("| command | what it does | who may run it | approval | outcome unknown? check with |\n| --- | --- | --- | --- | --- |\n")
	specs := commands.All(a.deps)
	sort.Slice(specs, func(i, j int) bool { return specs[i].Path < specs[j].Path })
	for _, s := range specs {
		var who []string
		for _, r := range s.Roles {
			who = append(who, string(r))
		}
		if s.Self != nil {
			for _, r := range s.Self.Roles {
				who = append(who, "*"+string(r)+"*")
			}
		}
		approval := "—"
		if s.Act != nil {
			approval = "none: changes opsbot's own records at once"
		}
		if s.IsChange() {
			var rs []string
			for _, r := range s.ApproverRoles() {
				rs = append(rs, string(r))
			}
			approval = strings.Join(rs, " or ")
			if s.Self != nil && s.Self.NoApproval {
				approval += " (none on one's own mailbox)"
			}
			if s.Financial {
				approval += ", financial"
			}
		}
		verify := "—"
		if s.Verify != "" {
			verify = "`/" + s.Verify + "`"
		}
		fmt.Fprintf(&b, "| `/%s` | %s | %s | %s | %s |\n", s.Usage(), strings.ReplaceAll(s.Help, "|", "\\|"), strings.Join(who, ", "), approval, verify)
	}
	golden := "../../docs/commands.md"
	if *update {
		if err := os.MkdirAll("../../docs", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != b.String() {
		t.Errorf("%s is out of date: go test ./cmd/opsbot -run TestCommandReference -update", golden)
	}
}

// A delegate's arrival in the demo: one request, one approval, every step
// run; the two passwords (mailbox, WordPress) reach the requester privately
// and nothing else: not a post, the log, the bbolt file.
func TestDelegateOnboardInDemo(t *testing.T) {
	out, logs, d := playDemo(t, `/delegate onboard "Jean Nouveau" jean.nouveau@exemple.fr délégué
/as tresoriere
react last ✅
`)
	pws := regexp.MustCompile(`(?m)^\[\d+\] @sysadmin: Mot de passe d[^\n]*:\n    \n    (\S+)$`).FindAllStringSubmatch(out, -1)
	if len(pws) != 2 || !strings.Contains(out, "6 étape(s) faite(s)") {
		t.Fatalf("want 6 steps done and 2 passwords to @sysadmin:\n%s", out)
	}
	if got := d.cpanel.Password("jean.nouveau@anopex.test"); got != pws[0][1] {
		t.Errorf("cPanel holds %q, the private message gave %q", got, pws[0][1])
	}
	db, err := os.ReadFile(filepath.Join(d.cfg.Data, "opsbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range pws {
		if strings.Count(out, pw[1]) != 1 || strings.Contains(logs, pw[1]) || bytes.Contains(db, []byte(pw[1])) {
			t.Errorf("a password is outside its private message (transcript, log or bbolt file)")
		}
	}
}
