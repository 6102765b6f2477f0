package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/anopex/opsbot/bot"
)

// goodFile writes a data file holding a few requests and audit records, and
// returns its path, its bytes and the number of a leaf page in use.
func goodFile(t *testing.T) (string, []byte, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "opsbot.db")
	db, err := Open(path, Options{Timeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		cr := &bot.ChangeRequest{Platform: "console", Path: "mail quota", Preview: strings.Repeat("x", 300), State: bot.Pending,
			Args: bot.Values{"boite": fmt.Sprintf("d%d@anopex.test", i)}} // one pending request per action
		if err := db.CreateRequest(context.Background(), cr); err != nil {
			t.Fatal(err)
		}
		if err := db.AppendAudit(context.Background(), bot.AuditRecord{Kind: "request", RequestID: cr.ID, Detail: strings.Repeat("y", i)}); err != nil {
			t.Fatal(err)
		}
	}
	leaf := 0
	err = db.bolt.View(func(tx *bolt.Tx) error {
		for id := 2; leaf == 0; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return fmt.Errorf("no leaf page (%v)", err)
			}
			if p.Type == "leaf" {
				leaf = id
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data, leaf
}

// A data file that is empty, truncated or damaged is refused with an error
// naming the file and `opsbot backup`, matching ErrCorrupt, and without a
// panic; the file is left as it was (an empty file is not turned into a new
// database).
func TestOpenRefusesDamagedFile(t *testing.T) {
	_, good, leaf := goodFile(t)
	const page = 4096
	if len(good) < 8*page {
		t.Fatalf("test file has %d bytes, want several pages", len(good))
	}
	garbage := func(b []byte, from, n int) []byte {
		b = append([]byte(nil), b...)
		for i := from; i < from+n && i < len(b); i++ {
			b[i] = byte(i*7 + 3)
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", []byte{}},
		{"text", []byte("this is not a bbolt file\n")},
		{"garbage", garbage(make([]byte, 64*1024), 0, 64*1024)},
		{"one page", good[:page]},
		{"truncated", good[:len(good)/2]},
		{"truncated at a page", good[:4*page]},
		{"both meta pages", garbage(good, 0, 2*page)},
		{"every data page", garbage(good, 2*page, len(good))},
		{"a leaf page header", garbage(good, leaf*page, 16)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "opsbot.db")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, ro := range []bool{false, true} {
				db, err := Open(path, Options{Timeout: 10 * time.Millisecond, ReadOnly: ro})
				if err == nil {
					db.Close()
					t.Fatalf("Open(ReadOnly: %v) accepted a damaged file", ro)
				}
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Open(ReadOnly: %v) = %v, want ErrCorrupt", ro, err)
				}
				for _, want := range []string{path, "opsbot backup"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not name %q", err, want)
					}
				}
			}
			after, err := os.ReadFile(path)
			if err != nil || string(after) != string(tt.data) {
				t.Errorf("the damaged file was changed (%d bytes, was %d; %v)", len(after), len(tt.data), err)
			}
		})
	}
}

// The file the damaged cases are made from opens, and keeps its requests.
func TestOpenAcceptsGoodFile(t *testing.T) {
	path, _, _ := goodFile(t)
	db, err := Open(path, Options{Timeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Request(context.Background(), 200); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkOpen measures Open on a file holding a year of a busy
// association's records (5,000 requests, 50,000 audit records), which it
// reads whole before use.
//
//	go test ./storage -run '^$' -bench BenchmarkOpen -benchtime 20x
func BenchmarkOpen(b *testing.B) {
	path := filepath.Join(b.TempDir(), "opsbot.db")
	db, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	db.bolt.NoSync = true // setup only: the file is closed (and synced) before the runs
	ctx := context.Background()
	for range 5000 {
		cr := &bot.ChangeRequest{Platform: "discord", Path: "mail quota", Preview: strings.Repeat("x", 200), State: bot.Done}
		if err := db.CreateRequest(ctx, cr); err != nil {
			b.Fatal(err)
		}
		for range 10 {
			if err := db.AppendAudit(ctx, bot.AuditRecord{Kind: "vote", RequestID: cr.ID, ActorID: "u", Detail: strings.Repeat("y", 100)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := db.bolt.Sync(); err != nil {
		b.Fatal(err)
	}
	db.Close()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		db, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	b.ReportMetric(float64(info.Size())/1e6, "file-MB")
}
