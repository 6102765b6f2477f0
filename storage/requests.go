package storage

import (
	"bytes"
	"context"
	"errors"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/anopex/opsbot/bot"
)

var _ bot.Store = (*DB)(nil)

// bucketRequestPending maps a pending request's platform and action
// (bot.ChangeRequest.ActionKey) to its seqKey: a second pending request
// for the same action is refused.
var bucketRequestPending = []byte("request_pending")

// CreateRequest stores cr under the next request number, sets cr.ID (and
// CreatedAt, UpdatedAt when zero) and indexes its MessageID and its pending
// action in the same transaction, refusing them as doc.go's invariants say.
func (db *DB) CreateRequest(_ context.Context, cr *bot.ChangeRequest) error {
	err := insert(db, "create request", bucketRequests, cr, func(tx *bolt.Tx, cr *bot.ChangeRequest, n uint64) error {
		now := db.now()
		if cr.CreatedAt.IsZero() {
			cr.CreatedAt = now
		}
		if cr.UpdatedAt.IsZero() {
			cr.UpdatedAt = now
		}
		if err := refuseDuplicate(tx, cr); err != nil {
			return err
		}
		cr.ID = int64(n)
		if err := indexMessage(tx, nil, cr); err != nil {
			return err
		}
		return indexPending(tx, nil, cr)
	})
	var dup *bot.Duplicate
	if errors.As(err, &dup) {
		return dup
	}
	return err
}

// Request returns request id; the error is of kind NotFound if there is none.
func (db *DB) Request(_ context.Context, id int64) (bot.ChangeRequest, error) {
	return read[bot.ChangeRequest](db, "get request", bucketRequests, idKey(id), noRequest(id))
}

// RequestByMessage returns the request posted as messageID on platform; the
// error is of kind NotFound if no request has that message. The request
// returned is always one whose stored Platform and MessageID are exactly
// these: the index is checked against the request itself.
func (db *DB) RequestByMessage(_ context.Context, platform, messageID string) (bot.ChangeRequest, error) {
	const op = "get request by message"
	var cr bot.ChangeRequest
	err := db.bolt.View(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketRequestByMessage)
		var raw []byte
		if idx != nil && messageID != "" {
			raw = idx.Get(messageKey(platform, messageID))
		}
		if raw == nil {
			return notFound(op, "no request posted as message %q on %s", messageID, platform)
		}
		var err error
		cr, err = getRequest(tx, int64(seqOf(raw)))
		if err == nil && (cr.Platform != platform || cr.MessageID != messageID) {
			// The index must never hand a vote to a request posted as
			// another message: an entry left over is no entry.
			return notFound(op, "request %d was posted as message %q on %s, not %q", cr.ID, cr.MessageID, cr.Platform, messageID)
		}
		return err
	})
	return cr, internal(op, err)
}

// UpdateRequest runs fn on request id and saves what fn leaves, with
// UpdatedAt set from the clock, in one write transaction (a safe
// compare-and-swap: doc.go, "Invariants"). An error from fn saves nothing
// and comes back as it is; fn must not do I/O and cannot change the ID. A
// changed MessageID or Platform moves the request's index entry.
func (db *DB) UpdateRequest(_ context.Context, id int64, fn func(*bot.ChangeRequest) error) (bot.ChangeRequest, error) {
	return update(db, "update request", bucketRequests, idKey(id), noRequest(id), fn, func(tx *bolt.Tx, old, cr *bot.ChangeRequest) error {
		cr.ID = old.ID
		cr.UpdatedAt = db.now()
		if err := indexMessage(tx, old, cr); err != nil {
			return err
		}
		return indexPending(tx, old, cr)
	})
}

// ListRequests returns the requests in any of states (every request when
// none is given), newest first.
func (db *DB) ListRequests(_ context.Context, states ...bot.State) ([]bot.ChangeRequest, error) {
	return list(db, "list requests", bucketRequests, 0, func(cr bot.ChangeRequest) bool {
		return len(states) == 0 || slices.Contains(states, cr.State)
	})
}

// getRequest reads request id inside tx.
func getRequest(tx *bolt.Tx, id int64) (bot.ChangeRequest, error) {
	return get[bot.ChangeRequest](tx, bucketRequests, idKey(id), noRequest(id))
}

func noRequest(id int64) error { return notFound("get request", "no request %d", id) }

// messageKey is the request_by_message key of a request's post.
func messageKey(platform, messageID string) []byte {
	return []byte(platform + "\x00" + messageID)
}

// indexMessage keeps request_by_message in step with cr's message: it
// removes old's entry (old is nil for a new request) and adds cr's; a
// message that is another request's is a Conflict.
func indexMessage(tx *bolt.Tx, old, cr *bot.ChangeRequest) error {
	if old != nil && old.Platform == cr.Platform && old.MessageID == cr.MessageID {
		return nil
	}
	key := func(cr *bot.ChangeRequest) []byte {
		if cr == nil || cr.MessageID == "" {
			return nil
		}
		return messageKey(cr.Platform, cr.MessageID)
	}
	return reindex(tx, bucketRequestByMessage, cr.ID, key(old), key(cr), func(other uint64) error {
		return bot.Errorf(bot.Conflict, "storage", "index request message",
			"message %q on %s already belongs to request %d", cr.MessageID, cr.Platform, other)
	})
}

// pendingKey is the request_pending key of a request's action, nil when
// cr is nil or not pending.
func pendingKey(cr *bot.ChangeRequest) []byte {
	if cr == nil || cr.State != bot.Pending {
		return nil
	}
	return []byte(cr.Platform + "\x00" + cr.ActionKey())
}

// indexPending keeps request_pending (action → pending request) in step
// with a request's state: the entry is there while the request is pending.
func indexPending(tx *bolt.Tx, old, cr *bot.ChangeRequest) error {
	return reindex(tx, bucketRequestPending, cr.ID, pendingKey(old), pendingKey(cr), nil)
}

// reindex moves request id's entry in index name from oldKey to newKey (a
// nil key is no entry). An entry of another request under newKey is
// replaced, or given to taken when it is not nil, which refuses it.
func reindex(tx *bolt.Tx, name []byte, id int64, oldKey, newKey []byte, taken func(other uint64) error) error {
	if oldKey == nil && newKey == nil {
		return nil
	}
	idx, err := writeBucket(tx, name)
	if err != nil {
		return err
	}
	own := seqKey(uint64(id))
	if oldKey != nil && bytes.Equal(idx.Get(oldKey), own) {
		if err := idx.Delete(oldKey); err != nil {
			return err
		}
	}
	if newKey == nil {
		return nil
	}
	if other := idx.Get(newKey); other != nil && !bytes.Equal(other, own) && taken != nil {
		return taken(seqOf(other))
	}
	return idx.Put(newKey, own)
}

// refuseDuplicate returns a *bot.Duplicate when cr is pending and another
// pending request has its action. The index may point to a request that
// has ended or changed since (written by an older opsbot): only a pending
// request with the same action counts.
func refuseDuplicate(tx *bolt.Tx, cr *bot.ChangeRequest) error {
	key := pendingKey(cr)
	idx := tx.Bucket(bucketRequestPending)
	if key == nil || idx == nil {
		return nil
	}
	raw := idx.Get(key)
	if raw == nil {
		return nil
	}
	other, err := getRequest(tx, int64(seqOf(raw)))
	if err != nil {
		return err
	}
	if other.State == bot.Pending && other.Platform == cr.Platform && other.ActionKey() == cr.ActionKey() {
		return &bot.Duplicate{ID: other.ID}
	}
	return nil
}
