package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
