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
	return insert(db, "append audit", bucketAudit, &rec, func(_ *bolt.Tx, rec *bot.AuditRecord, n uint64) error {
		rec.Seq = n
		return nil
	})
}

// Audit returns the n newest records, newest first; n <= 0 returns none.
func (db *DB) Audit(_ context.Context, n int) ([]bot.AuditRecord, error) {
	if n <= 0 {
		return nil, nil
	}
	return list[bot.AuditRecord](db, "read audit", bucketAudit, n, nil)
}
