// Package alerts is what opsbot does on its own: the Scheduler runs each
// Check on its schedule (every few minutes, or daily for the nightly digest),
// with its deadline, and hands what it sees to the Cycle, which posts to the
// alerts channel when a key starts firing, changes severity, is still
// unacknowledged after a day, or recovers. State is what survives a restart
// (storage implements Store). Checks live in adapters/probe; the alert
// commands (alerts list, mute, check) in commands/alerts.go.
//
// Reading order: alerts.go (the vocabulary), cycle.go (posts and
// acknowledgements), scheduler.go (when checks run, and failing checks).
package alerts

import (
	"cmp"
	"context"
	"time"

	"github.com/anopex/opsbot/bot"
)

// Severity says how urgent an alert is.
type Severity string

// The severities, from the least to the most urgent.
const (
	Info     Severity = "info"
	Warning  Severity = "warning"
	Critical Severity = "critical"
)

// severities holds each severity's rank, its French and English labels and
// the mark that starts its posts.
var severities = map[Severity]struct {
	rank          int
	fr, en, emoji string
}{Info: {1, "INFO", "INFO", "ℹ️"}, Warning: {2, "AVERTISSEMENT", "WARNING", "🟠"}, Critical: {3, "CRITIQUE", "CRITICAL", "🔴"}}

// Rank orders severities: 1 for info, 2 for warning, 3 for critical, 0 for
// anything else.
func (s Severity) Rank() int { return severities[s].rank }

// Label returns the severity for people: "CRITIQUE", "CRITICAL".
func (s Severity) Label(l bot.Locale) string {
	if v, ok := severities[s]; ok {
		return l.Pick(v.fr, v.en)
	}
	return string(s)
}

// Emoji returns the mark that starts a post of this severity.
func (s Severity) Emoji() string { return cmp.Or(severities[s].emoji, "•") }

// Alert is one problem a check sees now. Its Key is stable from one run to
// the next ("tls:mail.anopex.fr:993"): the alert life cycle (Cycle) posts
// when a key starts firing, not while it goes on, and posts a recovery when
// the check that raised it stops reporting it.
type Alert struct {
	Key      string
	Severity Severity
	Title    string // one line for people, in the check's locale
	Detail   string // optional further lines
	Server   string // the hosting server concerned, when the check knows it
	// Hold says the check cannot tell yet (a failure not yet confirmed, a
	// probe that could not run): an open alert stays as it is and no alert
	// starts. Severity, Title and Detail are ignored.
	Hold bool
}

// Check is one probe the scheduler runs. Run returns every alert of the
// check's keys that fires now; a key the check raised before and no longer
// returns has recovered. An error means the check could not run at all: its
// alerts stay as they are (the scheduler raises "check:NAME" after a few
// failures in a row). Run must return when ctx ends.
type Check interface {
	Name() string
	Run(ctx context.Context) ([]Alert, error)
}

// State is what the bot remembers of an alert key between runs and
// restarts: the current (or last) episode, its posts, who acknowledged it
// and until when it is muted. It holds no secret.
type State struct {
	Key      string   `json:"key"`
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
	Detail   string   `json:"detail,omitempty"`
	Server   string   `json:"server,omitempty"`
	Open     bool     `json:"open"`
	// Since is when the current (or last) episode started; Ended when it
	// recovered (zero while open).
	Since time.Time `json:"since"`
	Ended time.Time `json:"ended,omitzero"`
	// Posted is the severity of the episode's last start or change post;
	// empty while nothing was posted (muted, or the post failed and is
	// retried on the next run).
	Posted       Severity  `json:"posted,omitempty"`
	LastPosted   time.Time `json:"last_posted,omitzero"`
	LastReminder time.Time `json:"last_reminder,omitzero"`
	// AckedBy is the chat user ID of the person who reacted 👀 to one of the
	// episode's posts; it stops the reminders until the severity changes.
	AckedBy     string    `json:"acked_by,omitempty"`
	AckedByName string    `json:"acked_by_name,omitempty"`
	AckedAt     time.Time `json:"acked_at,omitzero"`
	// MutedUntil silences every post but the recovery of a posted alert.
	MutedUntil time.Time `json:"muted_until,omitzero"`
	MutedBy    string    `json:"muted_by,omitempty"`
	Platform   string    `json:"platform,omitempty"`
	Channel    string    `json:"channel,omitempty"`
	// MessageID is the episode's last start or change post; Messages every
	// post of the episode (newest last, at most maxAlertMessages), so a 👀
	// on any of them counts.
	MessageID string   `json:"message_id,omitempty"`
	Messages  []string `json:"messages,omitempty"`
	// Ticket is the ticket opened for the episode ("ovh-8123456", "INC-4");
	// TicketChannel and TicketPost are the change request's post that opened
	// it, whose thread gets the recovery.
	Ticket        string `json:"ticket,omitempty"`
	TicketChannel string `json:"ticket_channel,omitempty"`
	TicketPost    string `json:"ticket_post,omitempty"`
}

// Muted reports whether the alert is muted at now.
func (s State) Muted(now time.Time) bool { return now.Before(s.MutedUntil) }

// Store keeps alert states. Errors are of kind Internal; a missing key
// is not an error (ok is false).
type Store interface {
	// Alert returns the state of key; ok is false if it never fired.
	Alert(ctx context.Context, key string) (s State, ok bool, err error)
	// SaveAlert stores s under s.Key, replacing what was there.
	SaveAlert(ctx context.Context, s State) error
	// Alerts returns every stored state, by key.
	Alerts(ctx context.Context) ([]State, error)
}
