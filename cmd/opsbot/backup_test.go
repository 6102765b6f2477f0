package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/testlog"
	"github.com/anopex/opsbot/storage"
)

// requestsIn opens a backup and returns its requests.
func requestsIn(t *testing.T, path string) []bot.ChangeRequest {
	t.Helper()
	db, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer db.Close()
	crs, err := db.ListRequests(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return crs
}

// With the bot stopped, `opsbot backup` copies the file itself.
func TestBackupOffline(t *testing.T) {
	dir := t.TempDir()
	db, err := storage.Open(filepath.Join(dir, "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateRequest(t.Context(), &bot.ChangeRequest{Path: "mail passwd", State: bot.Pending}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	dest := filepath.Join(t.TempDir(), "copy.db")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"backup", "-data", dir, dest}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if crs := requestsIn(t, dest); len(crs) != 1 || crs[0].Path != "mail passwd" {
		t.Errorf("backup holds %+v", crs)
	}
	if !strings.Contains(out.String(), "backup written to "+dest) {
		t.Errorf("output %q", out.String())
	}
}

// While the bot runs it holds the data file's lock: `opsbot backup` asks it,
// through the control socket, to write the copy, and the bot keeps running.
func TestBackupOnline(t *testing.T) {
	dir := t.TempDir()
	d, err := newDemo(t.Context(), dir, "fr", zerolog.Nop(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.close)
	in, feed := io.Pipe()
	out := &testlog.Buffer{}
	done := make(chan error, 1)
	go func() { done <- d.run(t.Context(), in, out) }()
	feed.Write([]byte("/mail passwd delegue75@anopex.test\n"))

	socket := filepath.Join(dir, controlSocket)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(socket); err == nil && strings.Contains(out.String(), "Demande n°1 enregistrée") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bot did not start its control socket; transcript:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	dest := filepath.Join(t.TempDir(), "online.db")
	if err := run(t.Context(), []string{"backup", "-data", dir, dest}, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("online backup: %v", err)
	}
	if crs := requestsIn(t, dest); len(crs) != 1 || crs[0].State != bot.Pending {
		t.Errorf("online backup holds %+v", crs)
	}
	feed.Write([]byte("/whoami\n"))
	feed.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Vous êtes Sam Admin") {
		t.Errorf("the bot stopped answering after the backup:\n%s", out.String())
	}
}
