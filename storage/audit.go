package storage

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/anopex/opsbot/bot"
)

// AppendAudit appends rec to the audit log under the next sequence number,
// which becomes rec.Seq (a Seq set by the caller is ignored); a zero At is
// set from the clock. The log is append-only: no method changes a record,
// and only PruneAudit deletes, the oldest ones.
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

// PruneAudit deletes the records older than before (audit.keep) and
// returns how many. Records are appended in time order, so it stops at the
// first one it keeps.
func (db *DB) PruneAudit(_ context.Context, before time.Time) (int, error) {
	n := 0
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.First() {
			rec, _, err := getJSON[bot.AuditRecord](b, k)
			if err != nil || !rec.At.Before(before) {
				return err
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, internal("prune audit", err)
	}
	return n, nil
}
