package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout version this code reads and writes. Open
// records it in a new file and refuses a file written by a newer version.
const SchemaVersion = 1

// ErrLocked is matched (errors.Is) by the error Open returns when another
// process, or another DB in this process, holds the data file.
var ErrLocked = errors.New("storage: data file locked")

// ErrCorrupt is matched (errors.Is) by the error Open returns for a data
// file that is empty, truncated or damaged. Open never replaces such a file
// with a new one: the operator restores a copy made by `opsbot backup`.
var ErrCorrupt = errors.New("storage: data file damaged")

// ErrNewerSchema is matched (errors.Is) by the error Open returns for a file
// written by a newer opsbot.
var ErrNewerSchema = errors.New("storage: newer schema")

// The buckets every opsbot file has; doc.go describes them. A feature that
// adds a record kind declares its own bucket name in its own file.
var (
	bucketMeta             = []byte("meta")
	bucketRequests         = []byte("requests")
	bucketRequestByMessage = []byte("request_by_message")
	bucketAudit            = []byte("audit")

	keySchemaVersion = []byte("schema_version")
)

// Options configures Open.
type Options struct {
	// Timeout is how long to wait for the file lock held by another process
	// before giving up; zero means one second. Open never waits forever.
	Timeout time.Duration
	// Now is the clock for UpdatedAt and for records given without a time;
	// nil means time.Now.
	Now func() time.Time
	// ReadOnly opens the file with a shared lock and no writes, for
	// `opsbot backup` while the bot is stopped. The file must exist.
	ReadOnly bool
}

// DB is an opsbot data file. It implements bot.Store and is safe for
// concurrent use; bbolt serialises writers.
type DB struct {
	bolt *bolt.DB
	path string
	now  func() time.Time
}

// Open opens (or, unless read-only, creates) the data file at path, takes
// its lock, creates the missing buckets and checks the schema version. It
// refuses a locked, damaged or newer file as doc.go describes.
func Open(path string, o Options) (*DB, error) {
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	info, err := os.Stat(path)
	switch {
	case err == nil && info.Size() == 0:
		// bbolt would silently turn an empty file into a new database,
		// losing every request and the audit log without a word.
		return nil, corruptError(path, "the file is empty (0 bytes)")
	case err == nil:
		// Verify an existing file read-only before bbolt writes to it.
		if err := verify(path, info.Size(), o.Timeout); err != nil {
			return nil, err
		}
	case o.ReadOnly || !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("storage: open data file: %w", err)
	}
	bdb, err := openBolt(path, &bolt.Options{Timeout: o.Timeout, ReadOnly: o.ReadOnly})
	if err != nil {
		return nil, err
	}
	db := &DB{bolt: bdb, path: path, now: o.Now}
	if o.ReadOnly {
		err = bdb.View(db.checkSchema)
	} else {
		err = bdb.Update(db.initialize)
	}
	if err != nil {
		bdb.Close()
		return nil, err
	}
	return db, nil
}

// openBolt opens the file with bbolt and turns what bbolt does on a damaged
// file into an error matching ErrCorrupt: its errors for bad meta pages
// (ErrInvalid, ErrChecksum, ErrVersionMismatch, a file shorter than two
// pages), and the panics it raises on a page it cannot make sense of,
// including a fault on a page beyond a truncated file's end (hence
// SetPanicOnFault, bbolt maps the file in memory). A panic leaves the file
// open until the process ends; it ends, since start-up refuses.
func openBolt(path string, o *bolt.Options) (bdb *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverCorrupt(path, &err)
	bdb, err = bolt.Open(path, 0o600, o)
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, lockedError(path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch),
		err != nil && strings.Contains(err.Error(), "file size too small"):
		return nil, corruptError(path, err.Error())
	case err != nil:
		return nil, fmt.Errorf("storage: open data file %s: %w", path, err)
	}
	return bdb, nil
}

// verify opens an existing file read-only and reads all of it: the size its
// meta page records must fit in the file (else it was truncated), and every
// bucket, key and value must be readable. It runs in this goroutine, so a
// panic of bbolt's on a bad page becomes an error matching ErrCorrupt (bbolt's
// own Tx.Check reads in a goroutine of its own, where a panic would crash
// the process). opsbot's file is small: reading it whole at start-up costs
// milliseconds.
func verify(path string, size int64, timeout time.Duration) (err error) {
	bdb, err := openBolt(path, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if err != nil {
		return err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverCorrupt(path, &err)
	defer bdb.Close()
	return bdb.View(func(tx *bolt.Tx) error {
		if tx.Size() > size {
			return corruptError(path, fmt.Sprintf("the file is truncated: %d bytes, its last page ends at %d", size, tx.Size()))
		}
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return readAll(b) })
	})
}

// recoverCorrupt, deferred, turns a panic of bbolt's into an error matching
// ErrCorrupt.
func recoverCorrupt(path string, err *error) {
	if p := recover(); p != nil {
		*err = corruptError(path, fmt.Sprint(p))
	}
}

// readAll reads every key and value of b and of its nested buckets.
func readAll(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if nested := b.Bucket(k); nested != nil {
				return readAll(nested)
			}
		}
		return nil
	})
}

// Close releases the file and its lock.
func (db *DB) Close() error {
	return db.bolt.Close()
}

// Path returns the data file's path.
func (db *DB) Path() string { return db.path }

// initialize gives a new file its buckets and schema version, and checks an
// existing file's version.
func (db *DB) initialize(tx *bolt.Tx) error {
	if err := db.checkSchema(tx); err != nil {
		return err
	}
	for _, name := range [][]byte{bucketMeta, bucketRequests, bucketRequestByMessage, bucketAudit} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("storage: create bucket %s: %w", name, err)
		}
	}
	if meta := tx.Bucket(bucketMeta); meta.Get(keySchemaVersion) == nil {
		if err := putJSON(meta, keySchemaVersion, SchemaVersion); err != nil {
			return fmt.Errorf("storage: write schema version: %w", err)
		}
	}
	return nil
}

// checkSchema refuses a file written by a newer version, and a bbolt file
// that is not opsbot's (buckets but no meta). A file with no bucket at all
// is new.
func (db *DB) checkSchema(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		if other, _ := tx.Cursor().First(); other != nil {
			return fmt.Errorf("storage: %s is not an opsbot data file (bucket %q and no meta bucket)", db.path, other)
		}
		return nil
	}
	v, ok, err := getJSON[int](meta, keySchemaVersion)
	switch {
	case err != nil:
		return fmt.Errorf("storage: read schema version of %s: %w", db.path, err)
	case !ok:
		return fmt.Errorf("storage: %s has a meta bucket without schema_version", db.path)
	case v < 1:
		return fmt.Errorf("storage: %s has an invalid schema version %d", db.path, v)
	case v > SchemaVersion:
		return fmt.Errorf("storage: data file %s has schema version %d, this opsbot reads up to %d; upgrade opsbot or restore a backup made by this version: %w",
			db.path, v, SchemaVersion, ErrNewerSchema)
	}
	return nil
}

// openError is an error of Open with its sentence for the operator; it
// matches is (ErrLocked, ErrCorrupt) for errors.Is.
type openError struct {
	text      string
	is, cause error
}

func (e *openError) Error() string        { return e.text }
func (e *openError) Is(target error) bool { return target == e.is }
func (e *openError) Unwrap() error        { return e.cause }

// lockedError is what Open returns when the lock is held elsewhere.
func lockedError(path string) error {
	return &openError{is: ErrLocked, cause: berrors.ErrTimeout, text: fmt.Sprintf(
		"storage: data file %s is in use by another opsbot process (locked); stop it or choose another -data directory", path)}
}

// corruptError is what Open returns for a damaged data file.
func corruptError(path, why string) error {
	return &openError{is: ErrCorrupt, text: fmt.Sprintf("storage: data file %s is damaged (%s); opsbot will not use it nor replace it. "+
		"Keep it for analysis (mv %s %s.damaged) and restore the latest copy made by `opsbot backup` (cp COPY %s)", path, why, path, path, path)}
}
