package alerts

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

// Job schedules one check, or one digest: every Every from the scheduler's
// start, or once a day at Daily ("03:30", in the scheduler's location) for
// nightly ones. Exactly one of Check and Digest is set.
type Job struct {
	Check   Check
	Digest  Digest
	Every   time.Duration
	Daily   string
	Timeout time.Duration // deadline of one run (default 30 s)
}

// Digest is a periodic summary posted as it is in the alerts channel (the
// nightly coherence sweep): it raises no alert. Digest returns the text to
// post, "" for nothing; an error counts as a failed run, like a check's.
type Digest interface {
	Name() string
	Digest(ctx context.Context) (string, error)
}

// DigestFunc adapts a function to Digest.
func DigestFunc(name string, fn func(ctx context.Context) (string, error)) Digest {
	return digestFunc{name: name, fn: fn}
}

type digestFunc struct {
	name string
	fn   func(ctx context.Context) (string, error)
}

func (d digestFunc) Name() string                               { return d.name }
func (d digestFunc) Digest(ctx context.Context) (string, error) { return d.fn(ctx) }

func (j Job) name() string {
	if j.Check != nil {
		return j.Check.Name()
	}
	return j.Digest.Name()
}

// SchedulerConfig holds what the scheduler needs. Alerts is required.
type SchedulerConfig struct {
	Alerts   *Cycle
	Jobs     []Job
	Location *time.Location // of the daily times (default time.Local)
	Log      zerolog.Logger
	Now      func() time.Time // default time.Now
	// FailAfter is how many failed runs in a row of a check raise the
	// warning "check:NAME" (default 3).
	FailAfter int
	// Observe, when set, is told every run: its duration, the number of
	// firing alerts and the error.
	Observe func(check string, d time.Duration, firing int, err error)
}

// CheckResult is one run of a check or a digest.
type CheckResult struct {
	Check    string
	Alerts   []Alert // the firing ones (held keys left out)
	Digest   string  // what a digest posted
	Err      error
	Duration time.Duration
}

// Scheduler runs checks on their schedules, concurrently and each with its
// deadline, and hands what they see to the alert life cycle. A run of a
// check never overlaps the previous one: a run still going when the next is
// due makes the scheduler skip that occurrence.
type Scheduler struct {
	cfg  SchedulerConfig
	log  zerolog.Logger
	jobs []schedJob

	mu    sync.Mutex
	fails map[string]int
}

type schedJob struct {
	Job
	hour, minute int
}

// NewScheduler checks cfg: names must be unique and not start with
// "check:", each job needs Every or a valid Daily.
func NewScheduler(cfg SchedulerConfig) (*Scheduler, error) {
	if cfg.Alerts == nil {
		return nil, errors.New("scheduler: the alert life cycle is required")
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.FailAfter <= 0 {
		cfg.FailAfter = 3
	}
	s := &Scheduler{cfg: cfg, log: cfg.Log.With().Str("component", "scheduler").Logger(), fails: map[string]int{}}
	seen := map[string]bool{}
	for _, j := range cfg.Jobs {
		if (j.Check == nil) == (j.Digest == nil) {
			return nil, errors.New("scheduler: a job needs exactly one of a check and a digest")
		}
		name := j.name()
		switch {
		case name == "" || strings.HasPrefix(name, "check:"):
			return nil, fmt.Errorf("scheduler: check name %q is not allowed", name)
		case seen[name]:
			return nil, fmt.Errorf("scheduler: two checks are named %q", name)
		}
		seen[name] = true
		if j.Timeout <= 0 {
			j.Timeout = 30 * time.Second
		}
		sj := schedJob{Job: j}
		switch {
		case j.Daily != "":
			h, m, err := ParseClock(j.Daily)
			if err != nil {
				return nil, fmt.Errorf("scheduler: check %s: %w", name, err)
			}
			sj.hour, sj.minute = h, m
		case j.Every <= 0:
			return nil, fmt.Errorf("scheduler: check %s: give an interval or a daily time", name)
		}
		s.jobs = append(s.jobs, sj)
	}
	return s, nil
}

// ParseClock reads a time of day "HH:MM" (24-hour clock).
func ParseClock(v string) (hour, minute int, err error) {
	t, err := time.Parse("15:04", strings.TrimSpace(v))
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a time of day (write e.g. 03:30)", v)
	}
	return t.Hour(), t.Minute(), nil
}

// next returns when j is due after a run due at prev (or at the start, with
// prev zero), never before now.
func (s *Scheduler) next(j schedJob, prev, now time.Time) time.Time {
	if j.Daily != "" {
		t := now.In(s.cfg.Location)
		at := time.Date(t.Year(), t.Month(), t.Day(), j.hour, j.minute, 0, 0, s.cfg.Location)
		if !at.After(now) {
			at = time.Date(t.Year(), t.Month(), t.Day()+1, j.hour, j.minute, 0, 0, s.cfg.Location)
		}
		return at
	}
	if prev.IsZero() {
		return now
	}
	if at := prev.Add(j.Every); at.After(now) {
		return at
	}
	return now.Add(j.Every)
}

// Run runs the checks until ctx ends: the interval checks at once and then
// every interval, the daily ones at their time. It waits for the runs in
// flight and returns nil when ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	if len(s.jobs) == 0 {
		<-ctx.Done()
		return nil
	}
	now := s.cfg.Now()
	due := make([]time.Time, len(s.jobs))
	running := make([]bool, len(s.jobs))
	for i, j := range s.jobs {
		due[i] = s.next(j, time.Time{}, now)
	}
	done := make(chan int, len(s.jobs))
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		now = s.cfg.Now()
		for i, j := range s.jobs {
			if now.Before(due[i]) {
				continue
			}
			if running[i] {
				s.log.Warn().Str("check", j.name()).Msg("check still running: this run is skipped")
			} else {
				running[i] = true
				wg.Go(func() {
					s.run(ctx, j, nil) // recovers a panic: done is always sent
					done <- i
				})
			}
			due[i] = s.next(j, due[i], now)
		}
		timer := time.NewTimer(slices.MinFunc(due, time.Time.Compare).Sub(now))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case i := <-done:
			running[i] = false
		case <-timer.C:
		}
		timer.Stop()
	}
}

// CheckNow runs every check at once, concurrently, hands the results to the
// alert life cycle like a scheduled run, in the order of the jobs (so the
// posts come in that order), and returns them in that order.
func (s *Scheduler) CheckNow(ctx context.Context) []CheckResult {
	out := make([]CheckResult, len(s.jobs))
	var wg sync.WaitGroup
	turn := make(chan struct{})
	close(turn)
	for i, j := range s.jobs {
		prev, done := turn, make(chan struct{})
		wg.Go(func() { out[i] = s.run(ctx, j, prev); close(done) })
		turn = done
	}
	wg.Wait()
	return out
}

// List returns the alerts open or muted now (Cycle.List).
func (s *Scheduler) List(ctx context.Context) ([]State, error) { return s.cfg.Alerts.List(ctx) }

// Mute mutes an alert (Cycle.Mute).
func (s *Scheduler) Mute(ctx context.Context, key string, d time.Duration, by bot.Person) (State, error) {
	return s.cfg.Alerts.Mute(ctx, key, d, by)
}

// Now returns the scheduler's clock reading.
func (s *Scheduler) Now() time.Time { return s.cfg.Now() }

// run runs one check with its deadline and settles the result. A check that
// panics has failed that run (its failures in a row raise "check:NAME" like
// any other); a panic while settling is logged. Either way the scheduler
// and the other checks go on. When turn is not nil, the results wait for it
// to close before they are settled.
func (s *Scheduler) run(ctx context.Context, j schedJob, turn <-chan struct{}) (res CheckResult) {
	name := j.name()
	defer s.recovered(name, &res.Err)
	cctx, cancel := context.WithTimeout(ctx, j.Timeout)
	start := s.cfg.Now()
	alerts, digest, err := s.probe(cctx, name, j)
	cancel()
	res = CheckResult{Check: name, Err: err, Duration: s.cfg.Now().Sub(start), Digest: digest}
	for _, a := range alerts {
		if !a.Hold {
			res.Alerts = append(res.Alerts, a)
		}
	}
	if s.cfg.Observe != nil {
		s.cfg.Observe(name, res.Duration, len(res.Alerts), err)
	}
	if turn != nil {
		<-turn
	}
	if ctx.Err() != nil {
		return res // shutting down: a cut-off run says nothing about the service
	}
	if err := s.settle(ctx, name, alerts, err, j.Timeout); err != nil {
		s.log.Error().Err(err).Str("check", name).Msg("alert state not updated")
	}
	if digest != "" {
		if err := s.cfg.Alerts.Notice(ctx, digest); err != nil {
			res.Err = err
			s.log.Error().Err(err).Str("digest", name).Msg("digest not posted")
		}
	}
	return res
}

// errPanic is the error of a run whose check panicked.
var errPanic = errors.New("panic (see the log)")

// probe runs the check or the digest of j; a panic is logged and becomes
// an error.
func (s *Scheduler) probe(ctx context.Context, name string, j schedJob) (alerts []Alert, digest string, err error) {
	defer s.recovered(name, &err) // a panic leaves alerts and digest unset
	if j.Check == nil {
		digest, err = j.Digest.Digest(ctx)
		return nil, digest, err
	}
	alerts, err = j.Check.Run(ctx)
	if err == nil && ctx.Err() != nil && alerts == nil {
		err = ctx.Err()
	}
	return alerts, "", err
}

// recovered, deferred, logs a panic of check name with its stack and sets
// *err to errPanic.
func (s *Scheduler) recovered(name string, err *error) {
	if v := recover(); v != nil {
		log := s.log.With().Str("check", name).Logger()
		bot.LogPanic(&log, v, "check")
		*err = fmt.Errorf("check %s: %w", name, errPanic)
	}
}

// settle reports a run to the life cycle. A failed run leaves the check's
// alerts as they are; FailAfter failures in a row raise "check:NAME", and the
// next success recovers it.
func (s *Scheduler) settle(ctx context.Context, name string, alerts []Alert, err error, timeout time.Duration) error {
	s.mu.Lock()
	if err != nil {
		s.fails[name]++
	} else {
		s.fails[name] = 0
	}
	n := s.fails[name]
	s.mu.Unlock()
	key := "check:" + name
	if err == nil {
		return errors.Join(s.cfg.Alerts.Report(ctx, name, alerts), s.cfg.Alerts.Report(ctx, key, nil))
	}
	s.log.Warn().Err(err).Str("check", name).Int("failures", n).Msg("check failed")
	if n < s.cfg.FailAfter {
		return s.cfg.Alerts.Report(ctx, key, []Alert{{Key: key, Hold: true}})
	}
	l := s.cfg.Alerts.Locale()
	detail := bot.ErrorText(l, err, key)
	if errors.Is(err, context.DeadlineExceeded) {
		detail = fmt.Sprintf(l.Pick("Délai de %s dépassé.", "Deadline of %s exceeded."), timeout)
	}
	return s.cfg.Alerts.Report(ctx, key, []Alert{{
		Key: key, Severity: Warning, Detail: detail,
		Title: fmt.Sprintf(l.Pick("La vérification « %s » échoue (%d essais de suite)", "Check %q is failing (%d runs in a row)"), name, s.cfg.FailAfter),
	}})
}
