package storage

import (
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

var _ alerts.Store = (*DB)(nil)

// bucketAlerts holds the alert life cycle's state: alert key (UTF-8, as the
// check wrote it) → alerts.State. One record per key, replaced on every
// change; keys sort by name, so Alerts lists them in key order.
var bucketAlerts = []byte("alerts")

// Alert returns the state of alert key; ok is false if it never fired.
func (db *DB) Alert(_ context.Context, key string) (s alerts.State, ok bool, err error) {
	if key == "" {
		return s, false, nil
	}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		s, ok, err = getJSON[alerts.State](tx.Bucket(bucketAlerts), []byte(key))
		return err
	})
	return s, ok, internal("get alert", err)
}

// SaveAlert stores s under s.Key, replacing the previous state. An empty key
// is refused (kind Invalid) and nothing is stored.
func (db *DB) SaveAlert(_ context.Context, s alerts.State) error {
	if s.Key == "" {
		return bot.Errorf(bot.Invalid, "storage", "save alert", "empty alert key")
	}
	return change(db, "save alert", bucketAlerts, func(b *bolt.Bucket) error { return putJSON(b, []byte(s.Key), s) })
}

// Alerts returns every stored alert state in key order.
func (db *DB) Alerts(_ context.Context) ([]alerts.State, error) {
	out, err := list[alerts.State](db, "list alerts", bucketAlerts, 0, nil)
	slices.Reverse(out)
	return out, err
}
