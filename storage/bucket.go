package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/anopex/opsbot/bot"
)

// The helpers every record kind uses (doc.go, "Adding a record kind"). The
// ones that take a tx run inside a transaction; all decode inside it, as
// bbolt's byte slices are only valid until it ends. tx.Bucket is nil for a
// bucket never written, which they treat as empty.

// writeBucket returns the named bucket in a write transaction, creating it
// the first time: a new record kind needs no migration.
func writeBucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	b, err := tx.CreateBucketIfNotExists(name)
	if err != nil {
		return nil, fmt.Errorf("bucket %s: %w", name, err)
	}
	return b, nil
}

// change runs fn on bucket name in a write transaction (writeBucket), and
// wraps what fails as internal does.
func change(db *DB, op string, name []byte, fn func(b *bolt.Bucket) error) error {
	return internal(op, db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := writeBucket(tx, name)
		if err != nil {
			return err
		}
		return fn(b)
	}))
}

// seqKey encodes n big-endian so that keys sort in numeric order.
func seqKey(n uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n)
}

// idKey is the key of record number id, nil (no record) when id <= 0.
func idKey(id int64) []byte {
	if id <= 0 {
		return nil
	}
	return seqKey(uint64(id))
}

// seqOf decodes a key written by seqKey.
func seqOf(k []byte) uint64 {
	if len(k) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}

// putJSON stores v as JSON under key.
func putJSON[T any](b *bolt.Bucket, key []byte, v T) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put(key, raw)
}

// getJSON decodes the value under key; ok is false when there is none (or
// the bucket or the key is nil).
func getJSON[T any](b *bolt.Bucket, key []byte) (v T, ok bool, err error) {
	if b == nil || key == nil {
		return v, false, nil
	}
	raw := b.Get(key)
	if raw == nil {
		return v, false, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, false, fmt.Errorf("decode %x: %w", key, err)
	}
	return v, true, nil
}

// get decodes the record under key in bucket name, or returns missing.
func get[T any](tx *bolt.Tx, name, key []byte, missing error) (T, error) {
	v, ok, err := getJSON[T](tx.Bucket(name), key)
	if err == nil && !ok {
		err = missing
	}
	return v, err
}

// read is get in a read transaction.
func read[T any](db *DB, op string, name, key []byte, missing error) (v T, err error) {
	err = db.bolt.View(func(tx *bolt.Tx) error {
		v, err = get[T](tx, name, key, missing)
		return err
	})
	return v, internal(op, err)
}

// insert stores a copy of *v under bucket name's next sequence number n,
// after set(tx, copy, n) numbered the copy (set may also refuse it: nothing
// is stored); *v becomes the copy once the write is committed.
func insert[T any](db *DB, op string, name []byte, v *T, set func(tx *bolt.Tx, v *T, n uint64) error) error {
	out := *v
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := writeBucket(tx, name)
		if err != nil {
			return err
		}
		n, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("next sequence: %w", err)
		}
		if err := set(tx, &out, n); err != nil {
			return err
		}
		return putJSON(b, seqKey(n), out)
	})
	if err != nil {
		return internal(op, err)
	}
	*v = out
	return nil
}

// update runs fn on the record under key, then check(tx, old, new), which
// restores what fn may not change (the ID) and keeps indexes in step, and
// saves the record, all in one write transaction. If fn fails nothing is
// saved and its very error is returned (callers test it with errors.Is).
func update[T any](db *DB, op string, name, key []byte, missing error, fn func(*T) error, check func(tx *bolt.Tx, old, cur *T) error) (T, error) {
	var out, zero T
	var fnErr error
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		old, err := get[T](tx, name, key, missing)
		if err != nil {
			return err
		}
		out = old
		if fnErr = fn(&out); fnErr != nil {
			return fnErr
		}
		if err := check(tx, &old, &out); err != nil {
			return err
		}
		return putJSON(tx.Bucket(name), key, out)
	})
	if fnErr != nil {
		return zero, fnErr
	}
	if err != nil {
		return zero, internal(op, err)
	}
	return out, nil
}

// list decodes the records of bucket name newest first (highest key first)
// and returns those keep accepts (all if keep is nil), at most limit of
// them if limit > 0.
func list[T any](db *DB, op string, name []byte, limit int, keep func(T) bool) ([]T, error) {
	var out []T
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(name)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, raw := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, raw = c.Prev() {
			var v T
			if err := json.Unmarshal(raw, &v); err != nil {
				return fmt.Errorf("decode %x: %w", k, err)
			}
			if keep == nil || keep(v) {
				out = append(out, v)
			}
		}
		return nil
	})
	return out, internal(op, err)
}

// internal wraps a bbolt or encoding failure as the *bot.Error callers
// expect (kind Internal), leaving an existing *bot.Error as it is.
func internal(op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*bot.Error); ok {
		return err
	}
	return &bot.Error{Provider: "storage", Op: op, Kind: bot.Internal, Err: err}
}

// notFound is the error for a missing record.
func notFound(op, format string, args ...any) error {
	return bot.Errorf(bot.NotFound, "storage", op, format, args...)
}
