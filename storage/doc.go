/*
Package storage keeps everything opsbot must not lose on a restart in one
bbolt file (DATA/opsbot.db): change requests, the audit log, alert state,
tickets and evolutions. *DB implements bot.Store.

# Buckets

One bucket per record kind. Keys of record buckets are the bucket's
NextSequence number as 8 big-endian bytes, so a cursor walks records in
creation order and Last/Prev walks them newest first. Values are JSON of the
bot type, so the file reads back across Go versions and a field added to a
bot type needs no migration (old records decode with its zero value).

	meta                 "schema_version" → JSON number (SchemaVersion, today 1)
	requests             request ID → bot.ChangeRequest
	request_by_message   platform + "\x00" + message ID → the request's 8-byte key
	request_pending      platform + "\x00" + action key → the 8-byte key of the pending request with that action
	audit                Seq → bot.AuditRecord
	alerts               alert key → alerts.State (storage/alerts.go)
	tickets              ticket number → bot.Ticket (tickets sent by e-mail: PlanetHoster)
	evolutions           evolution number → bot.Evolution (requests to the contractor CF2D)
	sweeps               day "2006-01-02" → coherence.Summary, counts only (storage/sweeps.go)
	jobs                 "monthly_report" → the last month whose report was posted (storage/jobs.go)
	rights_reviews       platform + "\x00" + message ID → time posted, of a rights review awaiting its ✅

# Invariants

  - A request's ID is its key in requests and never changes; UpdateRequest
    restores it if fn touched it.
  - request_by_message holds exactly one entry per request that has a
    MessageID, pointing at it: CreateRequest and UpdateRequest change the
    request and its entry in the same transaction, and a message already
    owned by another request is refused (kind Conflict), nothing saved.
  - request_pending has an entry for each pending request, written and
    removed with its state in the same transaction; CreateRequest refuses a
    pending request whose action another pending request has (*bot.Duplicate),
    so two racing identical requests store one.
  - A state change is one db.Update: UpdateRequest reads, runs fn and writes
    in one write transaction, and bbolt has one writer at a time, so "move
    pending → executing only if pending" succeeds for exactly one of any
    number of simultaneous approvals. fn returning an error rolls back and the
    error comes back unchanged (test it with errors.Is).
  - The audit log is append-only: DB has AppendAudit and Audit and no method
    that changes a record; PruneAudit deletes the oldest ones past the
    retention (audit.keep). Seq is the key, set by AppendAudit.
  - No secret is ever stored: bot.ChangeRequest and bot.AuditRecord hold none,
    and a bot.Secret marshals to "[redacted]".
  - Missing records are *bot.Error{Provider: "storage", Kind: bot.NotFound};
    any other failure is kind Internal. Methods take a ctx for the bot
    interfaces but do not abort when it ends: a transaction is local and
    short, and an outcome the engine began to record must be saved.

# Schema version

Open writes meta/schema_version into a new file and refuses a file whose
version is newer than SchemaVersion (error matching ErrNewerSchema): an older
opsbot must not write a layout it does not know. An incompatible change to an
existing bucket raises SchemaVersion and migrates older files inside Open's
initialising transaction. Adding a bucket is not such a change.

# Locking

bbolt takes an flock on the file: exclusive for the bot, shared for a
read-only Open. Open waits Options.Timeout (default one second, never
forever) and then fails with an error matching ErrLocked:

	storage: data file DATA/opsbot.db is in use by another opsbot process (locked); stop it or choose another -data directory

flock locks belong to the open file description, so a second Open of the
same file in the same process is refused in the same way.

# A damaged file

Open reads an existing file whole, read-only, before bbolt writes to it: a
file of 0 bytes (bbolt would silently make it a new database), one whose
meta pages are invalid (ErrInvalid, ErrChecksum), one shorter than the size
its meta page records (truncated) or one with a page bbolt cannot read (it
panics; Open recovers in its own goroutine, with debug.SetPanicOnFault for a
fault in the memory-mapped file) is refused with an error matching
ErrCorrupt that names the file and says to restore a copy made by `opsbot
backup`. The file is left as it was.

# Backups

(*DB).BackupFile copies the file inside a read transaction (tx.WriteTo): the
copy is consistent, the bot keeps answering, and the copy goes to a temporary
file that is synced and renamed, so the destination never holds half a
backup. Restore = stop the bot, put the copy in place as opsbot.db. The
running bot holds the exclusive lock, so `opsbot backup FILE`
(storage.BackupFile) works while the bot is stopped and fails with ErrLocked
while it runs: then the bot must take the backup itself.

# Adding a record kind

A feature adds its own file (tickets.go is the pattern) with its bucket name
and its methods on bucket.go's helpers, and touches no other file. Decode
inside the transaction; never call the network or wait inside one; a
read-modify-write is one db.Update; keys that scan in order are seqKey(n);
document the bucket in its var's comment and in the table above; assert the
interface (`var _ bot.X = (*DB)(nil)`); test with a real file in t.TempDir().
*/
package storage
