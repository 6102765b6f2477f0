package coherence

import (
	"time"

	"github.com/anopex/opsbot/bot"
)

// Config says which Brevo list is the newsletter and which WordPress roles
// are for members only.
type Config struct {
	// NewsletterList is the Brevo list ID of the members' newsletter.
	NewsletterList int
	// MembersOnlyRoles are WordPress role slugs ("adherent", "subscriber"…)
	// that only active members should hold.
	MembersOnlyRoles []string
}

// Data is what was read from the sources. A source listed in Missing was
// not read completely (or not at all): the codes that need it are not
// computed, so an incomplete read never produces false findings.
type Data struct {
	Members  []bot.Adherent
	Contacts []bot.Contact
	WPUsers  []bot.WPUser
	Missing  []Source
}

// Report is the result of a sweep or of a one-person check.
type Report struct {
	At       time.Time
	Sources  []SourceStatus // one per source: Dolibarr, Brevo, WordPress
	Findings []Finding      // by code (Codes order), then in Dolibarr register order
	Skipped  []Code         // codes not computed because a source they need is missing
	Stats    Stats
}

// Stats counts what the join saw.
type Stats struct {
	Members       int // member records read
	Active        int // active member records
	NoEmail       int // member records without a usable address (never joined)
	Contacts      int // Brevo contacts read
	InList        int // of them, in the newsletter list
	WPUsers       int // WordPress accounts read
	WPMembersOnly int // of them, holding a members-only role
}

// SourceStatus says how the read of one source went.
type SourceStatus struct {
	Source Source
	// Configured is false when no client was given for the source.
	Configured bool
	// Pages and Records are what the source's list reader reported before it
	// finished or failed.
	Pages, Records int
	Elapsed        time.Duration
	// Err is why the read did not complete; nil when it did.
	Err error
}

// Complete reports whether every configured source was read completely.
func (r *Report) Complete() bool { return len(r.Failed()) == 0 }

// Failed returns the sources whose read failed.
func (r *Report) Failed() []SourceStatus {
	var out []SourceStatus
	for _, s := range r.Sources {
		if s.Configured && s.Err != nil {
			out = append(out, s)
		}
	}
	return out
}

// Counts returns the number of findings per code.
func (r *Report) Counts() map[Code]int {
	m := make(map[Code]int, len(Codes))
	for i := range r.Findings {
		m[r.Findings[i].Code]++
	}
	return m
}
