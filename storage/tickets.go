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
	return insert(db, "create ticket", bucketTickets, t, func(_ *bolt.Tx, t *bot.Ticket, n uint64) error {
		t.ID = strconv.FormatUint(n, 10)
		return nil
	})
}

// StoredTicket returns ticket id; the error is of kind NotFound if there is none.
func (db *DB) StoredTicket(_ context.Context, id string) (bot.Ticket, error) {
	const op = "get ticket"
	key, err := ticketKey(op, id)
	if err != nil {
		return bot.Ticket{}, err
	}
	return read[bot.Ticket](db, op, bucketTickets, key, notFound(op, "no ticket %s", id))
}

// UpdateTicket runs fn on ticket id and saves it, in one write transaction.
// The ticket's ID is restored if fn touched it.
func (db *DB) UpdateTicket(_ context.Context, id string, fn func(*bot.Ticket) error) (bot.Ticket, error) {
	const op = "update ticket"
	key, err := ticketKey(op, id)
	if err != nil {
		return bot.Ticket{}, err
	}
	return update(db, op, bucketTickets, key, notFound(op, "no ticket %s", id), fn, func(_ *bolt.Tx, _, t *bot.Ticket) error {
		t.ID = id
		return nil
	})
}

// ListTickets returns the tickets of provider, newest first.
func (db *DB) ListTickets(_ context.Context, provider string) ([]bot.Ticket, error) {
	return list(db, "list tickets", bucketTickets, 0, func(t bot.Ticket) bool { return t.Provider == provider })
}

// CreateEvolution stores e under the next evolution number and sets e.ID.
func (db *DB) CreateEvolution(_ context.Context, e *bot.Evolution) error {
	return insert(db, "create evolution", bucketEvolutions, e, func(_ *bolt.Tx, e *bot.Evolution, n uint64) error {
		e.ID = int64(n)
		return nil
	})
}

// Evolution returns evolution id; the error is of kind NotFound if there is none.
func (db *DB) Evolution(_ context.Context, id int64) (bot.Evolution, error) {
	return read[bot.Evolution](db, "get evolution", bucketEvolutions, idKey(id), notFound("get evolution", "no evolution %d", id))
}

// UpdateEvolution runs fn on evolution id and saves it, in one write
// transaction. The evolution's ID is restored if fn touched it.
func (db *DB) UpdateEvolution(_ context.Context, id int64, fn func(*bot.Evolution) error) (bot.Evolution, error) {
	const op = "update evolution"
	return update(db, op, bucketEvolutions, idKey(id), notFound(op, "no evolution %d", id), fn, func(_ *bolt.Tx, _, e *bot.Evolution) error {
		e.ID = id
		return nil
	})
}

// ListEvolutions returns every evolution, newest first.
func (db *DB) ListEvolutions(_ context.Context) ([]bot.Evolution, error) {
	return list[bot.Evolution](db, "list evolutions", bucketEvolutions, 0, nil)
}
