package storage

import (
	"context"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/anopex/opsbot/bot"
)

// Record kinds of the hosting operations: tickets sent by e-mail to a
// provider without a ticket API, and requests to the maintenance contractor.
var (
	bucketTickets    = []byte("tickets")    // seqKey(ticket number) → bot.Ticket (ID = the number)
	bucketEvolutions = []byte("evolutions") // seqKey(evolution number) → bot.Evolution
)

var (
	_ bot.TicketStore = (*DB)(nil)
	_ bot.Evolutions  = (*DB)(nil)
)

// ticketKey parses a ticket number; anything else is NotFound.
func ticketKey(op, id string) ([]byte, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 {
		return nil, notFound(op, "no ticket %q", id)
	}
	return seqKey(n), nil
}

// CreateTicket stores t under the next ticket number and sets t.ID.
func (db *DB) CreateTicket(_ context.Context, t *bot.Ticket) error {
	out := *t
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := writeBucket(tx, bucketTickets)
		if err != nil {
			return err
		}
		n, key, err := nextSeq(b)
		if err != nil {
			return err
		}
		out.ID = strconv.FormatUint(n, 10)
		return putJSON(b, key, out)
	})
	if err != nil {
		return internal("create ticket", err)
	}
	*t = out
	return nil
}

// StoredTicket returns ticket id; the error is of kind NotFound if there is none.
func (db *DB) StoredTicket(_ context.Context, id string) (bot.Ticket, error) {
	const op = "get ticket"
	key, err := ticketKey(op, id)
	if err != nil {
		return bot.Ticket{}, err
	}
	var t bot.Ticket
	err = db.bolt.View(func(tx *bolt.Tx) error {
		var ok bool
		var err error
		t, ok, err = getJSON[bot.Ticket](readBucket(tx, bucketTickets), key)
		if err == nil && !ok {
			err = notFound(op, "no ticket %s", id)
		}
		return err
	})
	return t, internal(op, err)
}

// UpdateTicket runs fn on ticket id and saves it, in one write transaction.
// The ticket's ID is restored if fn touched it.
func (db *DB) UpdateTicket(_ context.Context, id string, fn func(*bot.Ticket) error) (bot.Ticket, error) {
	const op = "update ticket"
	key, err := ticketKey(op, id)
	if err != nil {
		return bot.Ticket{}, err
	}
	var t bot.Ticket
	var fnErr error
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := writeBucket(tx, bucketTickets)
		if err != nil {
			return err
		}
		cur, ok, err := getJSON[bot.Ticket](b, key)
		if err != nil {
			return err
		}
		if !ok {
			return notFound(op, "no ticket %s", id)
		}
		if fnErr = fn(&cur); fnErr != nil {
			return fnErr
		}
		cur.ID = id
		t = cur
		return putJSON(b, key, cur)
	})
	if fnErr != nil {
		return bot.Ticket{}, fnErr
	}
	if err != nil {
		return bot.Ticket{}, internal(op, err)
	}
	return t, nil
}

// ListTickets returns the tickets of provider, newest first.
func (db *DB) ListTickets(_ context.Context, provider string) ([]bot.Ticket, error) {
	var out []bot.Ticket
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return scanJSON(readBucket(tx, bucketTickets), func(_ []byte, t bot.Ticket) bool {
			if t.Provider == provider {
				out = append(out, t)
			}
			return true
		})
	})
	return out, internal("list tickets", err)
}

// CreateEvolution stores e under the next evolution number and sets e.ID.
func (db *DB) CreateEvolution(_ context.Context, e *bot.Evolution) error {
	out := *e
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := writeBucket(tx, bucketEvolutions)
		if err != nil {
			return err
		}
		n, key, err := nextSeq(b)
		if err != nil {
			return err
		}
		out.ID = int64(n)
		return putJSON(b, key, out)
	})
	if err != nil {
		return internal("create evolution", err)
	}
	*e = out
	return nil
}

// Evolution returns evolution id; the error is of kind NotFound if there is none.
func (db *DB) Evolution(_ context.Context, id int64) (bot.Evolution, error) {
	const op = "get evolution"
	var e bot.Evolution
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var ok bool
		var err error
		if id > 0 {
			e, ok, err = getJSON[bot.Evolution](readBucket(tx, bucketEvolutions), seqKey(uint64(id)))
		}
		if err == nil && !ok {
			err = notFound(op, "no evolution %d", id)
		}
		return err
	})
	return e, internal(op, err)
}

// UpdateEvolution runs fn on evolution id and saves it, in one write
// transaction. The evolution's ID is restored if fn touched it.
func (db *DB) UpdateEvolution(_ context.Context, id int64, fn func(*bot.Evolution) error) (bot.Evolution, error) {
	const op = "update evolution"
	var e bot.Evolution
	var fnErr error
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := writeBucket(tx, bucketEvolutions)
		if err != nil {
			return err
		}
		var cur bot.Evolution
		ok := false
		if id > 0 {
			if cur, ok, err = getJSON[bot.Evolution](b, seqKey(uint64(id))); err != nil {
				return err
			}
		}
		if !ok {
			return notFound(op, "no evolution %d", id)
		}
		if fnErr = fn(&cur); fnErr != nil {
			return fnErr
		}
		cur.ID = id
		e = cur
		return putJSON(b, seqKey(uint64(id)), cur)
	})
	if fnErr != nil {
		return bot.Evolution{}, fnErr
	}
	if err != nil {
		return bot.Evolution{}, internal(op, err)
	}
	return e, nil
}

// ListEvolutions returns every evolution, newest first.
func (db *DB) ListEvolutions(_ context.Context) ([]bot.Evolution, error) {
	var out []bot.Evolution
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return scanJSON(readBucket(tx, bucketEvolutions), func(_ []byte, e bot.Evolution) bool {
			out = append(out, e)
			return true
		})
	})
	return out, internal("list evolutions", err)
}
