package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/anopex/opsbot/bot"
)

// This file holds the few helpers every record kind uses; doc.go shows the
// pattern. They take the bucket, never the DB, so they only run inside a
// transaction, and they decode inside it: bbolt's byte slices are only valid
// until the transaction ends.

// writeBucket returns the named bucket in a write transaction, creating it
// the first time: a new record kind needs no migration.
func writeBucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	b, err := tx.CreateBucketIfNotExists(name)
	if err != nil {
		return nil, fmt.Errorf("bucket %s: %w", name, err)
	}
	return b, nil
}

// readBucket returns the named bucket or nil when it was never written; the
// other helpers treat a nil bucket as empty.
func readBucket(tx *bolt.Tx, name []byte) *bolt.Bucket {
	return tx.Bucket(name)
}

// nextSeq returns the bucket's next sequence number (1, 2, …) and its key.
func nextSeq(b *bolt.Bucket) (uint64, []byte, error) {
	n, err := b.NextSequence()
	if err != nil {
		return 0, nil, fmt.Errorf("next sequence: %w", err)
	}
	return n, seqKey(n), nil
}

// seqKey encodes n big-endian so that keys sort in numeric order.
func seqKey(n uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n)
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
// the bucket is nil).
func getJSON[T any](b *bolt.Bucket, key []byte) (v T, ok bool, err error) {
	if b == nil {
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

// scanJSON decodes the bucket's values newest first (highest key first) and
// passes each to fn until fn returns false. A nil bucket has no values.
func scanJSON[T any](b *bolt.Bucket, fn func(key []byte, v T) (more bool)) error {
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, raw := c.Last(); k != nil; k, raw = c.Prev() {
		if raw == nil {
			continue // a nested bucket
		}
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode %x: %w", k, err)
		}
		if !fn(k, v) {
			return nil
		}
	}
	return nil
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
