package storage

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/anopex/opsbot/bot"
)

// AppendAudit appends rec to the audit log under the next sequence number,
// which becomes rec.Seq (a Seq set by the caller is ignored); a zero At is
// set from the clock. The log is append-only: DB has no method that changes
// or deletes a record.
func (db *DB) AppendAudit(_ context.Context, rec bot.AuditRecord) error {
	if rec.At.IsZero() {
		rec.At = db.now()
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := writeBucket(tx, bucketAudit)
		if err != nil {
			return err
		}
		n, key, err := nextSeq(b)
		if err != nil {
			return err
		}
		rec.Seq = n
		return putJSON(b, key, rec)
	})
	return internal("append audit", err)
}

// Audit returns the n newest records, newest first; n <= 0 returns none.
func (db *DB) Audit(_ context.Context, n int) ([]bot.AuditRecord, error) {
	if n <= 0 {
		return nil, nil
	}
	var out []bot.AuditRecord
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return scanJSON(readBucket(tx, bucketAudit), func(_ []byte, rec bot.AuditRecord) bool {
			out = append(out, rec)
			return len(out) < n
		})
	})
	return out, internal("read audit", err)
}
