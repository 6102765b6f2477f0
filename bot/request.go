package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// State is the life-cycle state of a change request (DESIGN.md).
type State string

// The states. Only pending requests take votes; done, failed, rejected,
// expired, cancelled, stale and unknown are final. Failed means the provider
// refused the change (nothing was changed); unknown means opsbot cannot know
// whether it happened (a write that timed out, a connection that dropped, a
// restart during the execution); stale means the world changed between the
// preview and the approval, so nothing was run.
const (
	Pending   State = "pending"
	Approved  State = "approved"
	Executing State = "executing"
	Done      State = "done"
	Failed    State = "failed"
	Rejected  State = "rejected"
	Expired   State = "expired"
	Cancelled State = "cancelled"
	Unknown   State = "unknown"
	Stale     State = "stale"
)

// Label returns the state for people.
func (s State) Label(l Locale) string {
	fr := map[State]string{Pending: "en attente", Approved: "approuvée", Executing: "en cours d'exécution",
		Done: "exécutée", Failed: "échouée", Rejected: "refusée", Expired: "expirée", Cancelled: "annulée",
		Unknown: "résultat inconnu (à vérifier)", Stale: "périmée (la situation a changé, rien n'a été exécuté)"}
	en := map[State]string{Unknown: "unknown (to verify)", Stale: "stale (the situation changed, nothing was run)"}
	return cmp.Or(map[Locale]map[State]string{FR: fr, EN: en}[l][s], string(s))
}

// Vote is one approval or rejection.
type Vote struct {
	UserID  string    `json:"user_id"`
	Name    string    `json:"name"`
	Approve bool      `json:"approve"`
	At      time.Time `json:"at"`
}

// ChangeRequest is a change waiting for, or past, its approval. Its exact
// action (Path and Args) is fixed when it is created: nothing but the stored
// action can run when it is approved. It never holds a secret.
type ChangeRequest struct {
	ID        int64  `json:"id"`
	Platform  string `json:"platform"`
	Path      string `json:"path"`
	Args      Values `json:"args"`
	Line      string `json:"line"` // the command as typed again: "mail quota a@b.fr 2048"
	Requester Person `json:"requester"`
	Channel   string `json:"channel,omitempty"`    // approvals channel
	MessageID string `json:"message_id,omitempty"` // the request's post
	Preview   string `json:"preview"`
	// Plan is what the preview kept for Apply (Call.Keep): the exact changes
	// the approvers approved when the preview text only summarises them.
	// The store is opsbot's own; the plan never reaches a post or the audit.
	Plan       json.RawMessage `json:"plan,omitempty"`
	State      State           `json:"state"`
	Approvals  int             `json:"approvals"` // needed
	Approvers  []Role          `json:"approvers"`
	Idempotent bool            `json:"idempotent,omitempty"`
	Votes      []Vote          `json:"votes,omitempty"`
	Outcome    string          `json:"outcome,omitempty"`
	// Noticed are the people already told that a reaction on the ended
	// request changes nothing: each is told once.
	Noticed   []string  `json:"noticed,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ActionKey identifies the request's exact action, its command path and
// validated arguments: two pending requests never share one.
func (cr *ChangeRequest) ActionKey() string {
	args, _ := json.Marshal(cr.Args) // map keys are sorted: the key is stable
	return cr.Path + "\x00" + string(args)
}

// Duplicate is what Requests.CreateRequest returns when a pending request
// already has the same action (ActionKey); ID is that request's number.
type Duplicate struct{ ID int64 }

// Error names the pending request.
func (d *Duplicate) Error() string {
	return fmt.Sprintf("request %d is pending with the same action", d.ID)
}

// ApprovalCount counts the approving votes.
func (cr *ChangeRequest) ApprovalCount() int { return len(cr.ApproverNames()) }

// voteOf returns the index of userID's vote, or -1.
func (cr *ChangeRequest) voteOf(userID string) int {
	return slices.IndexFunc(cr.Votes, func(v Vote) bool { return v.UserID == userID })
}

// verdict says why a reaction does or does not count.
type verdict int

// The verdicts of mayVote.
const (
	voteCounts    verdict = iota
	voteByBot             // the bot's own, or another bot's, reaction
	voteBySelf            // the requester reacting to their own request
	voteNoRole            // the person holds none of the approver roles
	voteAnonymous         // no user ID: a bridge or a webhook
)

// mayVote is the one function that decides whether a person's reaction on
// this request counts. Every platform goes through it. It looks at the real
// chat user ID only, never a display name.
func (cr *ChangeRequest) mayVote(p Person) verdict {
	switch {
	case p.Bot:
		return voteByBot
	case p.ID == "":
		return voteAnonymous
	case p.ID == cr.Requester.ID:
		return voteBySelf
	case !p.Has(cr.Approvers...):
		return voteNoRole
	}
	return voteCounts
}

// AuditRecord is one line of the append-only audit log.
type AuditRecord struct {
	Seq       uint64    `json:"seq"`
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"` // request, vote, unvote, outcome, rejected, expired, cancelled, unknown, read, self, denied
	RequestID int64     `json:"request_id,omitempty"`
	Platform  string    `json:"platform"`
	ActorID   string    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	Command   string    `json:"command,omitempty"`
	Args      Values    `json:"args,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

// Requests keeps change requests. Implementations return errors of kind
// NotFound for a missing request and Internal otherwise.
type Requests interface {
	// CreateRequest stores cr and sets its ID. When cr is pending and a
	// pending request has the same ActionKey, nothing is stored and the
	// error is a *Duplicate naming it (checked in the same transaction, so
	// two racing requests cannot both be stored).
	CreateRequest(ctx context.Context, cr *ChangeRequest) error
	// Request returns one request (NotFound if none).
	Request(ctx context.Context, id int64) (ChangeRequest, error)
	// RequestByMessage finds the request posted as messageID on platform (NotFound if none).
	RequestByMessage(ctx context.Context, platform, messageID string) (ChangeRequest, error)
	// UpdateRequest runs fn on the stored request inside one transaction and
	// saves the result; if fn returns an error nothing is saved and that error
	// is returned. fn must not do I/O. A changed MessageID is indexed.
	UpdateRequest(ctx context.Context, id int64, fn func(*ChangeRequest) error) (ChangeRequest, error)
	// ListRequests lists requests in the given states (all when none), newest first.
	ListRequests(ctx context.Context, states ...State) ([]ChangeRequest, error)
}

// AuditLog is the append-only audit log.
type AuditLog interface {
	// AppendAudit appends rec, setting its Seq.
	AppendAudit(ctx context.Context, rec AuditRecord) error
	// Audit returns the n newest records, newest first.
	Audit(ctx context.Context, n int) ([]AuditRecord, error)
}

// Store is what the engine keeps: requests and the audit log.
type Store interface {
	Requests
	AuditLog
}
