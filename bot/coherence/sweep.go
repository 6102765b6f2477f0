package coherence

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
)

// Sources are the clients a Checker reads, and where it records its
// sweeps. Members and Contacts are required; a nil WordPress leaves its
// codes out (reported as skipped), a nil Log records nothing.
type Sources struct {
	Members   bot.Adherents
	Contacts  bot.Contacts
	WordPress bot.WPUsers
	Log       Recorder
}

// Checker runs sweeps and one-person checks. It is safe for concurrent use.
type Checker struct {
	src Sources
	cfg Config
	now func() time.Time
}

// New returns a Checker. now may be nil (time.Now).
func New(src Sources, cfg Config, now func() time.Time) *Checker {
	if now == nil {
		now = time.Now
	}
	return &Checker{src: src, cfg: cfg, now: now}
}

// Config returns the configuration the checker applies.
func (c *Checker) Config() Config { return c.cfg }

// IncompleteError is returned with a report when a source could not be read
// completely. The report then holds only the findings that do not depend on
// the failed sources, and no fix may be built from it.
type IncompleteError struct {
	Failed []SourceStatus
}

// Error lists the failed sources and how far each read got.
func (e *IncompleteError) Error() string {
	parts := make([]string, 0, len(e.Failed))
	for _, s := range e.Failed {
		parts = append(parts, fmt.Sprintf("%s after %d pages (%d records): %v", s.Source, s.Pages, s.Records, s.Err))
	}
	return "sweep incomplete: " + strings.Join(parts, "; ")
}

// Unwrap returns the sources' errors, so that bot.KindOf and bot.ProviderOf
// see the first one.
func (e *IncompleteError) Unwrap() []error {
	var out []error
	for _, s := range e.Failed {
		out = append(out, s.Err)
	}
	return out
}

// Sweep reads the three sources at the same time, one goroutine each, and
// joins them (Join). When a source fails, the others are still read to the
// end; the report says which source failed and how far it got, holds the
// findings that do not need it, and the error is an *IncompleteError. Sweep
// never returns partial data as if it were whole. A complete sweep's
// Summary goes to the Log: an incomplete one is not recorded, as its counts
// leave out the codes it could not check and the trend would dip.
func (c *Checker) Sweep(ctx context.Context) (Report, error) {
	var d Data
	sources := c.sources(c.src.Members != nil)
	readAll(ctx, sources, func(ctx context.Context) (n int, err error) {
		d.Members, err = c.src.Members.Adherents(ctx)
		return len(d.Members), err
	}, func(ctx context.Context) (n int, err error) {
		d.Contacts, err = c.src.Contacts.AllContacts(ctx)
		return len(d.Contacts), err
	}, func(ctx context.Context) (n int, err error) {
		d.WPUsers, err = c.src.WordPress.WPUsers(ctx, "")
		return len(d.WPUsers), err
	})
	d.drop(sources)
	if n := len(d.Members) + len(d.Contacts) + len(d.WPUsers); n > sweepLimit {
		return Report{At: c.now(), Sources: sources}, bot.Errorf(bot.Internal, "coherence", "sweep",
			"%d records read, beyond the %d a sweep joins", n, sweepLimit)
	}
	rep := Join(d, c.cfg)
	rep.At, rep.Sources = c.now(), sources
	if failed := rep.Failed(); len(failed) > 0 {
		return rep, &IncompleteError{Failed: failed}
	}
	if c.src.Log != nil {
		// The summary only feeds next month's trend: losing it must not
		// hide tonight's findings or block a fix.
		if err := c.src.Log.SaveSweep(ctx, rep.Summary()); err != nil {
			zerolog.Ctx(ctx).Error().Err(err).Msg("sweep summary not recorded")
		}
	}
	return rep, nil
}

// sources returns the status of each source before a read: which are configured.
func (c *Checker) sources(members bool) []SourceStatus {
	return []SourceStatus{{Source: Dolibarr, Configured: members}, {Source: Brevo, Configured: c.src.Contacts != nil},
		{Source: WordPress, Configured: c.src.WordPress != nil}}
}

// readAll runs the read of each configured source (in sources' order) on
// its own goroutine and waits for them all, recording in sources its time,
// its error and how far it got; a read returns how many records it got.
func readAll(ctx context.Context, sources []SourceStatus, reads ...func(ctx context.Context) (int, error)) {
	var wg sync.WaitGroup
	for i, read := range reads {
		st := &sources[i]
		if !st.Configured {
			continue
		}
		wg.Go(func() {
			p := &bot.Progress{}
			start := time.Now()
			n, err := read(bot.WithProgress(ctx, p))
			st.Elapsed, st.Pages, st.Records, st.Err = time.Since(start), p.Pages(), p.Records(), err
			if err == nil && st.Records == 0 { // a reader that reports no progress
				st.Records = n
			}
		})
	}
	wg.Wait()
}

// sweepLimit is the most records a sweep joins from the three sources
// together (the association has about 10 000 members; each client caps its
// own reads at a million): a sweep over more is refused. A test lowers it.
var sweepLimit = 1 << 23

// drop marks the sources not read completely as missing and drops what
// they returned (nothing, by the interfaces' contract; this keeps it true
// whatever a client does).
func (d *Data) drop(sources []SourceStatus) {
	for _, s := range sources {
		if s.Configured && s.Err == nil {
			continue
		}
		d.Missing = append(d.Missing, s.Source)
		switch s.Source {
		case Dolibarr:
			d.Members = nil
		case Brevo:
			d.Contacts = nil
		case WordPress:
			d.WPUsers = nil
		}
	}
}

// Person is one person seen across the three systems.
type Person struct {
	// Email is the normalised address looked up ("" when the member found
	// by ID has none).
	Email    string
	Members  []bot.Adherent // the Dolibarr members at the address (or the one asked by ID)
	Contact  *bot.Contact   // nil when Brevo has no contact at the address
	WPUser   *bot.WPUser    // nil when WordPress has no account at the address
	Report   Report         // the findings about this address
	ByID     bool           // the person was asked by member ID
	NotFound bool           // no source knows the address (or the ID)
}

// Member checks one person, given a Dolibarr member ID or an address, with
// a constant number of requests whatever the size of the sources: by ID,
// the member, then at once the members sharing its address, the Brevo
// contact and the WordPress account; by address, those three at once.
// A source that fails is reported in Report.Sources (its codes skipped), as
// in a sweep; NotFound answers are not failures.
func (c *Checker) Member(ctx context.Context, emailOrID string) (Person, error) {
	var p Person
	q := strings.TrimPrefix(strings.TrimSpace(emailOrID), "#")
	if isDigits(q) {
		a, err := c.src.Members.Adherent(ctx, q)
		if bot.KindOf(err) == bot.NotFound {
			return Person{ByID: true, NotFound: true}, nil
		}
		if err != nil {
			return Person{}, fmt.Errorf("member %s: %w", q, err)
		}
		p.ByID, p.Members = true, []bot.Adherent{a}
		email, ok := NormalizeEmail(a.Email)
		if !ok {
			p.Report = Join(Data{Members: p.Members, Missing: []Source{Brevo, WordPress}}, c.cfg)
			p.Report.At, p.Report.Sources = c.now(), []SourceStatus{{Source: Dolibarr, Configured: true}}
			return p, nil
		}
		q = email
	}
	email, ok := NormalizeEmail(q)
	if !ok {
		return Person{}, bot.Userf("« %s » n'est ni une adresse e-mail ni un numéro d'adhérent", "%q is neither an e-mail address nor a member number", emailOrID)
	}
	p.Email = email

	var d Data
	sources := c.sources(true)
	found := func(err error) error { // NotFound answers are not failures
		if bot.KindOf(err) == bot.NotFound {
			return nil
		}
		return err
	}
	readAll(ctx, sources, func(ctx context.Context) (n int, err error) {
		d.Members, err = c.src.Members.AdherentsByEmail(ctx, email)
		return len(d.Members), found(err)
	}, func(ctx context.Context) (int, error) {
		ct, err := c.src.Contacts.Contact(ctx, email)
		if err == nil {
			d.Contacts = []bot.Contact{ct}
		}
		return len(d.Contacts), found(err)
	}, func(ctx context.Context) (int, error) {
		u, err := c.src.WordPress.WPUserByEmail(ctx, email)
		if err == nil {
			d.WPUsers = []bot.WPUser{u}
		}
		return len(d.WPUsers), found(err)
	})
	d.drop(sources)
	if p.ByID && len(d.Members) == 0 && !slices.Contains(d.Missing, Dolibarr) {
		d.Members = p.Members // the address changed between the two reads: keep what was asked
	}
	if !slices.Contains(d.Missing, Dolibarr) {
		p.Members = d.Members
	}
	if len(d.Contacts) > 0 {
		p.Contact = &d.Contacts[0]
	}
	if len(d.WPUsers) > 0 {
		p.WPUser = &d.WPUsers[0]
	}
	p.Report = Join(d, c.cfg)
	p.Report.At, p.Report.Sources = c.now(), sources
	p.NotFound = len(p.Members) == 0 && p.Contact == nil && p.WPUser == nil && p.Report.Complete()
	return p, nil
}

func isDigits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

// ErrIncomplete is matched by errors.Is for any *IncompleteError.
var ErrIncomplete = errors.New("sweep incomplete")

// Is makes errors.Is(err, ErrIncomplete) true.
func (e *IncompleteError) Is(target error) bool { return target == ErrIncomplete }
