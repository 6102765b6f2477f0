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

// messageKey is the request_by_message key of a request's post.
func messageKey(platform, messageID string) []byte {
	return []byte(platform + "\x00" + messageID)
}

// CreateRequest stores cr under the next request number and sets cr.ID, and
// cr.CreatedAt and cr.UpdatedAt when they are zero. If cr already has a
// MessageID it is indexed; a message that already belongs to another
// request is a Conflict and nothing is stored. A pending cr whose action
// (ActionKey) is that of another pending request is refused with a
// *bot.Duplicate naming it: the check and the write are one transaction.
//
// Like every method, it does not give up when ctx ends: the transaction is
// local and short, and a state the engine began to record must be saved.
func (db *DB) CreateRequest(_ context.Context, cr *bot.ChangeRequest) error {
	const op = "create request"
	now := db.now()
	out := *cr
	if out.CreatedAt.IsZero() {
		out.CreatedAt = now
	}
	if out.UpdatedAt.IsZero() {
		out.UpdatedAt = now
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := writeBucket(tx, bucketRequests)
		if err != nil {
			return err
		}
		if err := refuseDuplicate(tx, &out); err != nil {
			return err
		}
		n, key, err := nextSeq(b)
		if err != nil {
			return err
		}
		out.ID = int64(n)
		if err := indexMessage(tx, nil, &out); err != nil {
			return err
		}
		if err := indexPending(tx, nil, &out); err != nil {
			return err
		}
		return putJSON(b, key, out)
	})
	var dup *bot.Duplicate
	if errors.As(err, &dup) {
		return dup
	}
	if err != nil {
		return internal(op, err)
	}
	*cr = out
	return nil
}

// Request returns request id; the error is of kind NotFound if there is none.
func (db *DB) Request(_ context.Context, id int64) (bot.ChangeRequest, error) {
	var cr bot.ChangeRequest
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		cr, err = getRequest(tx, id)
		return err
	})
	return cr, internal("get request", err)
}

// RequestByMessage returns the request posted as messageID on platform; the
// error is of kind NotFound if no request has that message. The request
// returned is always one whose stored Platform and MessageID are exactly
// these: the index is checked against the request itself.
func (db *DB) RequestByMessage(_ context.Context, platform, messageID string) (bot.ChangeRequest, error) {
	const op = "get request by message"
	var cr bot.ChangeRequest
	err := db.bolt.View(func(tx *bolt.Tx) error {
		idx := readBucket(tx, bucketRequestByMessage)
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

// UpdateRequest runs fn on request id inside one write transaction and
// saves what fn leaves, with UpdatedAt set from the clock. If fn returns an
// error nothing is saved and that very error is returned, so callers test
// it with errors.Is or errors.As. fn runs while the file's single write lock
// is held: it must not do I/O. fn cannot change the ID. A changed MessageID
// (or Platform) moves the request's index entry; a message that belongs to
// another request is a Conflict and nothing is saved.
//
// Two callers racing on the same request run one after the other, each
// seeing the other's result: a test of the state inside fn is a safe
// compare-and-swap (pending → executing happens once).
func (db *DB) UpdateRequest(_ context.Context, id int64, fn func(*bot.ChangeRequest) error) (bot.ChangeRequest, error) {
	const op = "update request"
	var (
		out   bot.ChangeRequest
		fnErr error
	)
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		old, err := getRequest(tx, id)
		if err != nil {
			return err
		}
		out = old
		if fnErr = fn(&out); fnErr != nil {
			return fnErr
		}
		out.ID = old.ID
		out.UpdatedAt = db.now()
		if err := indexMessage(tx, &old, &out); err != nil {
			return err
		}
		if err := indexPending(tx, &old, &out); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketRequests), seqKey(uint64(id)), out)
	})
	if fnErr != nil {
		return bot.ChangeRequest{}, fnErr
	}
	if err != nil {
		return bot.ChangeRequest{}, internal(op, err)
	}
	return out, nil
}

// ListRequests returns the requests in any of states (every request when
// none is given), newest first.
func (db *DB) ListRequests(_ context.Context, states ...bot.State) ([]bot.ChangeRequest, error) {
	var out []bot.ChangeRequest
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return scanJSON(readBucket(tx, bucketRequests), func(_ []byte, cr bot.ChangeRequest) bool {
			if len(states) == 0 || slices.Contains(states, cr.State) {
				out = append(out, cr)
			}
			return true
		})
	})
	return out, internal("list requests", err)
}

// getRequest reads request id inside tx.
func getRequest(tx *bolt.Tx, id int64) (bot.ChangeRequest, error) {
	if id <= 0 {
		return bot.ChangeRequest{}, notFound("get request", "no request %d", id)
	}
	cr, ok, err := getJSON[bot.ChangeRequest](readBucket(tx, bucketRequests), seqKey(uint64(id)))
	if err != nil {
		return cr, err
	}
	if !ok {
		return cr, notFound("get request", "no request %d", id)
	}
	return cr, nil
}

// indexMessage keeps request_by_message in step with cr's message: it
// removes old's entry (old is nil for a new request) and adds cr's. The
// index maps platform+"\x00"+messageID to the request's 8-byte key.
func indexMessage(tx *bolt.Tx, old, cr *bot.ChangeRequest) error {
	if old != nil && old.Platform == cr.Platform && old.MessageID == cr.MessageID {
		return nil
	}
	idx, err := writeBucket(tx, bucketRequestByMessage)
	if err != nil {
		return err
	}
	own := seqKey(uint64(cr.ID))
	if old != nil && old.MessageID != "" {
		k := messageKey(old.Platform, old.MessageID)
		if bytes.Equal(idx.Get(k), own) {
			if err := idx.Delete(k); err != nil {
				return err
			}
		}
	}
	if cr.MessageID == "" {
		return nil
	}
	k := messageKey(cr.Platform, cr.MessageID)
	if other := idx.Get(k); other != nil && !bytes.Equal(other, own) {
		return bot.Errorf(bot.Conflict, "storage", "index request message",
			"message %q on %s already belongs to request %d", cr.MessageID, cr.Platform, seqOf(other))
	}
	return idx.Put(k, own)
}

// pendingKey is the request_pending key of a request's action.
func pendingKey(cr *bot.ChangeRequest) []byte { return []byte(cr.Platform + "\x00" + cr.ActionKey()) }

// refuseDuplicate returns a *bot.Duplicate when cr is pending and another
// pending request has its action. The index may point to a request that
// has ended or changed since (written by an older opsbot): only a pending
// request with the same action counts.
func refuseDuplicate(tx *bolt.Tx, cr *bot.ChangeRequest) error {
	idx := readBucket(tx, bucketRequestPending)
	if cr.State != bot.Pending || idx == nil {
		return nil
	}
	raw := idx.Get(pendingKey(cr))
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

// indexPending keeps request_pending (action → pending request) in step
// with a request's state: the entry is there while the request is pending.
func indexPending(tx *bolt.Tx, old, cr *bot.ChangeRequest) error {
	if (old == nil || old.State != bot.Pending) && cr.State != bot.Pending {
		return nil
	}
	idx, err := writeBucket(tx, bucketRequestPending)
	if err != nil {
		return err
	}
	own := seqKey(uint64(cr.ID))
	if old != nil && old.State == bot.Pending {
		if k := pendingKey(old); bytes.Equal(idx.Get(k), own) {
			if err := idx.Delete(k); err != nil {
				return err
			}
		}
	}
	if cr.State == bot.Pending {
		return idx.Put(pendingKey(cr), own)
	}
	return nil
}
