package bot

import (
	"context"
	"time"
)

// Severity says how urgent an alert is.
type Severity string

// The severities, from the least to the most urgent.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Rank orders severities: 1 for info, 2 for warning, 3 for critical, 0 for
// anything else.
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 1
	case SeverityWarning:
		return 2
	case SeverityCritical:
		return 3
	}
	return 0
}

// Label returns the severity for people: "CRITIQUE", "CRITICAL".
func (s Severity) Label(l Locale) string {
	switch s {
	case SeverityInfo:
		return "INFO"
	case SeverityWarning:
		return l.Pick("AVERTISSEMENT", "WARNING")
	case SeverityCritical:
		return l.Pick("CRITIQUE", "CRITICAL")
	}
	return string(s)
}

// Emoji returns the mark that starts a post of this severity.
func (s Severity) Emoji() string {
	switch s {
	case SeverityInfo:
		return "ℹ️"
	case SeverityWarning:
		return "🟠"
	case SeverityCritical:
		return "🔴"
	}
	return "•"
}

// Alert is one problem a check sees now. Its Key is stable from one run to
// the next ("tls:mail.anopex.fr:993"): the alert life cycle (Alerts) posts
// when a key starts firing, not while it goes on, and posts a recovery when
// the check that raised it stops reporting it.
type Alert struct {
	Key      string
	Severity Severity
	Title    string // one line for people, in the check's locale
	Detail   string // optional further lines
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

// CheckFunc adapts a function to Check.
func CheckFunc(name string, run func(ctx context.Context) ([]Alert, error)) Check {
	return checkFunc{name: name, run: run}
}

type checkFunc struct {
	name string
	run  func(ctx context.Context) ([]Alert, error)
}

func (c checkFunc) Name() string                             { return c.name }
func (c checkFunc) Run(ctx context.Context) ([]Alert, error) { return c.run(ctx) }

// AlertState is what the bot remembers of an alert key between runs and
// restarts: the current (or last) episode, its posts, who acknowledged it
// and until when it is muted. It holds no secret.
type AlertState struct {
	Key      string   `json:"key"`
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
	Detail   string   `json:"detail,omitempty"`
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
}

// Muted reports whether the alert is muted at now.
func (s AlertState) Muted(now time.Time) bool { return now.Before(s.MutedUntil) }

// AlertStore keeps alert states. Errors are of kind Internal; a missing key
// is not an error (ok is false).
type AlertStore interface {
	// Alert returns the state of key; ok is false if it never fired.
	Alert(ctx context.Context, key string) (s AlertState, ok bool, err error)
	// SaveAlert stores s under s.Key, replacing what was there.
	SaveAlert(ctx context.Context, s AlertState) error
	// Alerts returns every stored state, by key.
	Alerts(ctx context.Context) ([]AlertState, error)
}
