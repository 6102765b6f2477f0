package storage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

// TestBackupWhileWriting takes a backup while another goroutine keeps
// creating requests and appending audit records, then opens the copy.
func TestBackupWhileWriting(t *testing.T) {
	db, _ := open(t)
	const before = 30 // written before the backup starts
	var (
		wg      sync.WaitGroup
		stop    = make(chan struct{})
		started = make(chan struct{})
		werr    error
	)
	wg.Go(func() {
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			cr := request("mail passwd", "discord")
			cr.Args = bot.Values{"boite": fmt.Sprintf("delegue%d@anopex.test", i)} // one pending request per action
			if err := db.CreateRequest(t.Context(), cr); err != nil {
				werr = err
				return
			}
			if err := db.AppendAudit(t.Context(), bot.AuditRecord{Kind: "request", RequestID: cr.ID, ActorID: "u1"}); err != nil {
				werr = err
				return
			}
			if i == before {
				close(started)
			}
		}
	})
	<-started
	dest := filepath.Join(t.TempDir(), "backup.db")
	err := db.BackupFile(dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("BackupFile: %v", err)
	}
	if werr != nil {
		t.Fatalf("writer: %v", werr)
	}
	if fi, err := os.Stat(dest); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode = %v, %v; want 0600", fi.Mode(), err)
	}

	saved, err := Open(dest, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("opening the backup: %v", err)
	}
	defer saved.Close()
	crs, err := saved.ListRequests(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(crs) < before {
		t.Fatalf("backup holds %d requests, want at least %d", len(crs), before)
	}
	for i, cr := range crs { // consistent: 1..k with no gap
		if want := int64(len(crs) - i); cr.ID != want {
			t.Fatalf("backup request %d has ID %d, want %d", i, cr.ID, want)
		}
	}
	recs, err := saved.Audit(t.Context(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	// Each request is followed by its audit record in a second transaction.
	if d := len(crs) - len(recs); d != 0 && d != 1 {
		t.Errorf("backup holds %d requests and %d audit records", len(crs), len(recs))
	}
}

func TestBackupWriter(t *testing.T) {
	db, _ := open(t)
	cr := create(t, db, request("mail passwd", "console"))
	var buf bytes.Buffer
	n, err := db.Backup(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) || n == 0 {
		t.Errorf("Backup = %d bytes, wrote %d", n, buf.Len())
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(dest, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	saved, err := Open(dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer saved.Close()
	got, err := saved.Request(t.Context(), cr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cr, got); diff != "" {
		t.Errorf("request in the copy (-want +got):\n%s", diff)
	}
}

func TestBackupFileReplacesAndRefusesItself(t *testing.T) {
	db, _ := open(t)
	create(t, db, request("mail passwd", "console"))
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(dest, []byte("an older backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := db.BackupFile(dest); err != nil {
		t.Fatalf("BackupFile over an older file: %v", err)
	}
	if err := db.BackupFile(db.Path()); err == nil {
		t.Fatal("BackupFile(the data file) succeeded, want a refusal")
	}
	if _, err := db.Request(t.Context(), 1); err != nil {
		t.Errorf("data file damaged by a refused backup: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 1 {
		t.Errorf("backup directory holds %d files, want only the backup (no temporary left)", len(entries))
	}
	if err := db.BackupFile(filepath.Join(t.TempDir(), "no", "such", "dir.db")); err == nil {
		t.Error("BackupFile into a missing directory succeeded")
	}
}

func TestBackupFileHelper(t *testing.T) {
	db, _ := open(t)
	cr := create(t, db, request("mail passwd", "console"))
	dest := filepath.Join(t.TempDir(), "backup.db")

	// The bot is running: the CLI cannot open the file, the bot itself must back up.
	if err := BackupFile(db.Path(), dest); !errors.Is(err, ErrLocked) {
		t.Fatalf("BackupFile while the bot runs = %v, want ErrLocked", err)
	}
	db.Close()
	if err := BackupFile(db.Path(), dest); err != nil {
		t.Fatalf("BackupFile with the bot stopped: %v", err)
	}
	saved, err := Open(dest, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer saved.Close()
	if got, err := saved.Request(t.Context(), cr.ID); err != nil || got.Path != cr.Path {
		t.Errorf("request in the backup = %+v, %v", got, err)
	}
}
