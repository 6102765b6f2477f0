package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/storage"
)

// `opsbot demo -data DIR` on an empty or garbage opsbot.db exits non-zero
// with a message naming opsbot.db and `opsbot backup`, without a panic, and
// leaves the file as it was. The command runs as a subprocess (this test
// binary re-executed as opsbot), so the exit status and stderr are the real
// ones.
func TestDemoRefusesDamagedDataFile(t *testing.T) {
	if dir := os.Getenv("OPSBOT_TEST_DEMO_DATA"); dir != "" {
		os.Args = []string{"opsbot", "demo", "-data", dir}
		main()
		return
	}
	for name, data := range map[string][]byte{
		"empty":   {},
		"garbage": bytes.Repeat([]byte("not a database "), 2000),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "opsbot.db")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestDemoRefusesDamagedDataFile$")
			cmd.Env = append(os.Environ(), "OPSBOT_TEST_DEMO_DATA="+dir)
			cmd.Stdin = strings.NewReader("/help\n")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
				t.Fatalf("demo on a damaged opsbot.db: %v, want a non-zero exit\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}
			msg := stderr.String()
			for _, want := range []string{path, "opsbot backup"} {
				if !strings.Contains(msg, want) {
					t.Errorf("stderr does not name %q:\n%s", want, msg)
				}
			}
			for _, bad := range []string{"panic", "goroutine "} {
				if strings.Contains(msg, bad) {
					t.Errorf("stderr holds %q:\n%s", bad, msg)
				}
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
				t.Errorf("opsbot.db was changed: %d bytes, was %d", len(after), len(data))
			}
		})
	}
}

// check-config reads the data file without the running bot's lock: with
// the file held by another opsbot it says so and goes on, and a damaged file
// is an error naming it.
func TestCheckDataFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "opsbot.db")
	var out bytes.Buffer
	db, err := checkData(dir, &out)
	if err != nil || db != nil || !strings.Contains(out.String(), "none yet") {
		t.Fatalf("checkData on no file = %v, %v, output %q", db, err, out.String())
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("checkData created the data file")
	}

	running, err := storage.Open(path, storage.Options{Timeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	db, err = checkData(dir, &out)
	if err != nil || db != nil || !strings.Contains(out.String(), "running opsbot") {
		t.Fatalf("checkData while a bot holds the file = %v, %v, output %q", db, err, out.String())
	}
	running.Close()

	out.Reset()
	db, err = checkData(dir, &out)
	if err != nil || db == nil {
		t.Fatalf("checkData on a stopped bot's file = %v, %v", db, err)
	}
	db.Close()

	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := checkData(dir, &out); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("checkData on an empty file = %v, want an error naming %s", err, path)
	}
}

// Two console sessions on one data directory: the second numbers its
// messages after the first's, so reacting ✅ to a number of one of its own
// messages cannot approve the first session's request, and the second
// session can still post requests of its own (issue 13 §8: a quota went back
// from 3 Go to 2 Go, and a new request was "annulée" on a storage conflict).
func TestSecondSessionCannotApproveFirstSessionsRequest(t *testing.T) {
	dir := t.TempDir()
	session := func(script string) string {
		t.Helper()
		d, err := newDemo(t.Context(), dir, "fr", zerolog.Nop(), func() time.Time { return demoClock })
		if err != nil {
			t.Fatal(err)
		}
		defer d.close()
		var out bytes.Buffer
		if err := d.run(t.Context(), strings.NewReader(script), &out); err != nil {
			t.Fatalf("demo: %v\n%s", err, out.String())
		}
		return out.String()
	}
	first := session("/mail quota delegue75@anopex.test 3G\n")
	if !strings.Contains(first, "Demande n°1 —") {
		t.Fatalf("first session posted no request:\n%s", first)
	}
	// The second session reacts ✅ as the treasurer to every message of its
	// own before its request, then asks for a change of its own.
	script := "/whoami\n/whoami\n/whoami\n/whoami\n/as tresoriere\n"
	ids := regexp.MustCompile(`(?m)^\[(\d+)\]`)
	probe := session("/whoami\n/whoami\n/whoami\n/whoami\n")
	for _, m := range ids.FindAllStringSubmatch(probe, -1) {
		script += "react " + m[1] + " ✅\n"
	}
	script += "/as sysadmin\n/mail quota delegue75@anopex.test 4G\n"
	second := session(script)
	if strings.Contains(second, "approuvée") || strings.Contains(second, "exécutée") {
		t.Errorf("a reaction on a message of a later session approved a request:\n%s", second)
	}
	if !strings.Contains(second, "Demande n°") || strings.Contains(second, "annulée") {
		t.Errorf("the later session could not post its request:\n%s", second)
	}
	posted := regexp.MustCompile(`(?m)^\[(\d+)\] #approbations: Demande n°1 `).FindStringSubmatch(first)
	if posted == nil || regexp.MustCompile(`(?m)^\[`+posted[1]+`\]`).MatchString(second) {
		t.Errorf("the first request's message number was given again in the second session:\n%s", second)
	}
	db, err := storage.Open(filepath.Join(dir, "opsbot.db"), storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cr, err := db.Request(t.Context(), 1)
	if err != nil || cr.State != bot.Pending {
		t.Errorf("request 1 is %s (%v), want pending", cr.State, err)
	}
}

// `TZ=UTC opsbot demo` shows Paris times: time_zone (default Europe/Paris)
// is the process's zone and the binary embeds the zone database, so a
// container without zoneinfo shows the same.
func TestDemoShowsParisTimesUnderTZUTC(t *testing.T) {
	if os.Getenv("OPSBOT_TEST_DEMO_TZ") != "" {
		os.Args = []string{"opsbot", "demo"}
		main()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDemoShowsParisTimesUnderTZUTC$")
	cmd.Env = append(os.Environ(), "OPSBOT_TEST_DEMO_TZ=1", "TZ=UTC", "ZONEINFO=/nonexistent")
	cmd.Stdin = strings.NewReader("/mail quota delegue75@anopex.test 2048\n")
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`expire le (\d\d/\d\d/\d{4} \d\d:\d\d)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no expiry time in:\n%s", out)
	}
	for at := before.Add(72 * time.Hour).Truncate(time.Minute); !at.After(time.Now().Add(72 * time.Hour)); at = at.Add(time.Minute) {
		if string(m[1]) == at.In(paris).Format("02/01/2006 15:04") {
			return
		}
	}
	t.Errorf("expiry shown as %s, want now + 72 h in Paris time (%s)", m[1], before.Add(72*time.Hour).In(paris).Format("02/01/2006 15:04"))
}

// The sweep's CSV (members' personal data) is not kept: the console writes
// it outside the data directory and removes it when the session ends.
func TestSweepAttachmentNotKept(t *testing.T) {
	out, _, d := playDemo(t, "/coherence sweep\n")
	m := regexp.MustCompile(`📎 (\S+\.csv)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no attachment in:\n%s", out)
	}
	if strings.HasPrefix(m[1], d.cfg.Data) {
		t.Errorf("attachment %s written in the data directory", m[1])
	}
	if _, err := os.Stat(m[1]); err == nil {
		t.Errorf("attachment %s still there after the session", m[1])
	}
	if _, err := os.Stat(filepath.Join(d.cfg.Data, "attachments")); err == nil {
		t.Error("the data directory has an attachments directory")
	}
}

// A member looked up by address: both answers go to the asker only, and
// neither the audit log nor the data file keeps the address (the audit
// keeps it masked, a member number as it is).
func TestMemberLookupsPrivateAndNotAudited(t *testing.T) {
	const addr = "robert.vidal@exemple.fr"
	out, _, d := playDemo(t, "/coherence member "+addr+"\n/doli member "+addr+"\n/coherence member 47\n")
	for _, msg := range messages(out) {
		if msg.target != "~sysadmin" && msg.target != "#alertes" { // the demo's certificate alert
			t.Errorf("a member lookup answered to %s: %q", msg.target, msg.text)
		}
	}
	if !strings.Contains(out, "Vidal") {
		t.Fatalf("the lookups found no member:\n%s", out)
	}
	path := filepath.Join(d.cfg.Data, "opsbot.db")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("robert.vidal")) {
		t.Error("the data file holds the member's address")
	}
	db, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs, err := db.Audit(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.Command+" "+r.Args.Get("adherent"))
	}
	want := "coherence member 47|doli member r…@exemple.fr|coherence member r…@exemple.fr"
	if strings.Join(got, "|") != want {
		t.Errorf("audit = %q, want %q", strings.Join(got, "|"), want)
	}
}
