package storage

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/anopex/opsbot/bot"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var t0 = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// open opens a fresh data file in t.TempDir with a test clock and a short
// lock timeout, closed at cleanup.
func open(t *testing.T) (*DB, *clock) {
	t.Helper()
	c := &clock{t: t0}
	db, err := Open(filepath.Join(t.TempDir(), "opsbot.db"), Options{Now: c.now, Timeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, c
}

// reopen closes db and opens its file again with o.
func reopen(t *testing.T, db *DB, o Options) *DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(db.Path(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	return db2
}

func TestOpenCreatesLayout(t *testing.T) {
	db, _ := open(t)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "requests", "request_by_message", "audit"} {
			if tx.Bucket([]byte(name)) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		v, ok, err := getJSON[int](tx.Bucket(bucketMeta), keySchemaVersion)
		if err != nil || !ok || v != SchemaVersion {
			t.Errorf("schema_version = %v, %v, %v; want %d", v, ok, err, SchemaVersion)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenSchema(t *testing.T) {
	tests := []struct {
		name     string
		prepare  func(tx *bolt.Tx) error
		readOnly bool
		wantErr  error // nil: opens
	}{
		{name: "same version", prepare: setVersion(SchemaVersion)},
		{name: "invalid version", prepare: setVersion(0), wantErr: errAny},
		{name: "newer version", prepare: setVersion(SchemaVersion + 1), wantErr: ErrNewerSchema},
		{name: "newer version read-only", prepare: setVersion(SchemaVersion + 1), readOnly: true, wantErr: ErrNewerSchema},
		{name: "not an opsbot file", prepare: func(tx *bolt.Tx) error {
			_, err := tx.CreateBucket([]byte("somebody-else"))
			return err
		}, wantErr: errAny},
		{name: "meta without version", prepare: func(tx *bolt.Tx) error {
			_, err := tx.CreateBucket(bucketMeta)
			return err
		}, wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "opsbot.db")
			raw, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if err := raw.Update(tt.prepare); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			db, err := Open(path, Options{ReadOnly: tt.readOnly})
			if err == nil {
				db.Close()
			}
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Open = %v, want no error", err)
			case tt.wantErr == errAny && err == nil, tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("Open = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// errAny in a table means "some error".
var errAny = errors.New("any error")

func setVersion(v int) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		return putJSON(b, keySchemaVersion, v)
	}
}

func TestOpenLockedInProcess(t *testing.T) {
	db, _ := open(t)
	// flock(2) locks belong to the open file description, so a second
	// open(2) of the same file in the same process conflicts too.
	for _, ro := range []bool{false, true} {
		_, err := Open(db.Path(), Options{Timeout: 10 * time.Millisecond, ReadOnly: ro})
		if !errors.Is(err, ErrLocked) || !errors.Is(err, berrors.ErrTimeout) {
			t.Fatalf("second Open(ReadOnly: %v) = %v, want ErrLocked wrapping bbolt's timeout", ro, err)
		}
	}
	db.Close()
	db2, err := Open(db.Path(), Options{Timeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open after Close = %v", err)
	}
	db2.Close()
}

// TestOpenLockedByAnotherProcess re-runs the test binary as a child that
// holds the file until its stdin closes.
func TestOpenLockedByAnotherProcess(t *testing.T) {
	if path := os.Getenv("OPSBOT_STORAGE_HOLD"); path != "" {
		db, err := Open(path, Options{})
		if err != nil {
			os.Stdout.WriteString("error: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("locked\n")
		io.Copy(io.Discard, os.Stdin)
		db.Close()
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "opsbot.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenLockedByAnotherProcess$")
	cmd.Env = append(os.Environ(), "OPSBOT_STORAGE_HOLD="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child said %q, %v", line, err)
	}

	_, err = Open(path, Options{Timeout: 10 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Open while another process holds the file = %v, want ErrLocked", err)
	}
	want := "storage: data file " + path + " is in use by another opsbot process (locked); stop it or choose another -data directory"
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}

	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	db, err := Open(path, Options{Timeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open after the other process ended = %v", err)
	}
	db.Close()
}

func TestReadOnly(t *testing.T) {
	db, _ := open(t)
	cr := &bot.ChangeRequest{Path: "mail passwd", State: bot.Pending}
	if err := db.CreateRequest(t.Context(), cr); err != nil {
		t.Fatal(err)
	}
	ro := reopen(t, db, Options{ReadOnly: true})
	if _, err := ro.Request(t.Context(), cr.ID); err != nil {
		t.Errorf("Request read-only = %v", err)
	}
	err := ro.CreateRequest(t.Context(), &bot.ChangeRequest{})
	if bot.KindOf(err) != bot.Internal || !errors.Is(err, berrors.ErrDatabaseReadOnly) {
		t.Errorf("CreateRequest read-only = %v, want internal read-only error", err)
	}

	if _, err := Open(filepath.Join(t.TempDir(), "missing.db"), Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing, ReadOnly) = %v, want not exist", err)
	}
}
