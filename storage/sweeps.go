package storage

import (
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/anopex/opsbot/bot/coherence"
)

var _ coherence.Recorder = (*DB)(nil)

// bucketSweeps holds the coherence sweeps' summaries (counts only): day
// "2006-01-02" of the sweep → coherence.Summary. One per day, the latest of
// the day replacing the earlier ones: the monthly report reads the last of
// each month, and a year of them is about 45 KB, so they are never pruned.
var bucketSweeps = []byte("sweeps")

// SaveSweep stores s as the summary of its day, replacing the day's earlier one.
func (db *DB) SaveSweep(_ context.Context, s coherence.Summary) error {
	return change(db, "save sweep", bucketSweeps, func(b *bolt.Bucket) error { return putJSON(b, []byte(s.At.Format("2006-01-02")), s) })
}

// Sweeps returns every stored summary, oldest first.
func (db *DB) Sweeps(_ context.Context) ([]coherence.Summary, error) {
	out, err := list[coherence.Summary](db, "list sweeps", bucketSweeps, 0, nil)
	slices.Reverse(out)
	return out, err
}
