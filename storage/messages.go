package storage

import (
	"bytes"
	"context"

	bolt "go.etcd.io/bbolt"
)

// MessageIDs returns every chat message ID the file records on platform:
// the posts of change requests (request_by_message), of alerts and of the
// rights reviews awaiting a ✅ (rights_reviews). A chat
// whose IDs are not unique by themselves (the console numbers its messages
// from 1) starts after these, so a new message never takes the ID of one a
// vote or a 👀 would be counted on.
func (db *DB) MessageIDs(_ context.Context, platform string) ([]string, error) {
	var out []string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		prefix := messageKey(platform, "")
		for _, name := range [][]byte{bucketRequestByMessage, bucketRightsReviews} {
			if idx := tx.Bucket(name); idx != nil {
				c := idx.Cursor()
				for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
					out = append(out, string(k[len(prefix):]))
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, internal("list message ids", err)
	}
	alerts, err := db.Alerts(context.Background())
	if err != nil {
		return nil, err
	}
	for _, s := range alerts {
		if s.Platform == "" || s.Platform == platform {
			out = append(out, s.Messages...)
			if s.MessageID != "" {
				out = append(out, s.MessageID)
			}
		}
	}
	return out, nil
}
