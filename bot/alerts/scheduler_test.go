package alerts_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
	_ "time/tzdata"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/internal/bottest"
)

// recorder is a check that records when it runs and answers what fn says.
type recorder struct {
	name string
	fn   func(ctx context.Context) ([]alerts.Alert, error)
	mu   sync.Mutex
	at   []time.Time
}

func (r *recorder) Name() string { return r.name }

func (r *recorder) Run(ctx context.Context) ([]alerts.Alert, error) {
	r.mu.Lock()
	r.at = append(r.at, time.Now())
	r.mu.Unlock()
	if r.fn == nil {
		return nil, nil
	}
	return r.fn(ctx)
}

func (r *recorder) times() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.at...)
}

func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// runScheduler runs s in the bubble for d of fake time and stops it.
func runScheduler(t *testing.T, s *alerts.Scheduler, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	time.Sleep(d)
	synctest.Wait()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil when ctx ends", err)
	}
}

func newScheduler(t *testing.T, c *bottest.Chat, jobs ...alerts.Job) *alerts.Scheduler {
	t.Helper()
	a, err := alerts.NewCycle(alerts.CycleConfig{Chat: c, Store: &memAlerts{}, Channel: "alertes", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := alerts.NewScheduler(alerts.SchedulerConfig{Alerts: a, Jobs: jobs, Location: paris(t), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSchedulerTimes checks when the checks run over one fake day: the
// interval check at start and then every 5 minutes, the nightly one at 03:30
// Paris time (02:30 UTC in January).
func TestSchedulerTimes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		every := &recorder{name: "every"}
		nightly := &recorder{name: "nightly"}
		s := newScheduler(t, newChat(), alerts.Job{Check: every, Every: 5 * time.Minute}, alerts.Job{Check: nightly, Daily: "03:30"})
		runScheduler(t, s, 24*time.Hour+time.Second)

		got := every.times()
		if len(got) != 24*12+1 {
			t.Fatalf("interval check ran %d times in a day, want %d", len(got), 24*12+1)
		}
		for i, at := range got {
			if want := start.Add(time.Duration(i) * 5 * time.Minute); !at.Equal(want) {
				t.Fatalf("run %d at %v, want %v", i, at, want)
			}
		}
		wantNightly := []time.Time{time.Date(start.Year(), start.Month(), start.Day(), 3, 30, 0, 0, paris(t))}
		if !wantNightly[0].After(start) {
			wantNightly[0] = wantNightly[0].AddDate(0, 0, 1)
		}
		if diff := cmp.Diff(wantNightly, nightly.times()); diff != "" {
			t.Errorf("nightly runs (-want +got):\n%s", diff)
		}
	})
}

// TestSchedulerDailyAcrossDST runs a nightly check for 120 days, across the
// change to summer time: every run is at 03:30 in Paris, once a day.
func TestSchedulerDailyAcrossDST(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nightly := &recorder{name: "nightly"}
		s := newScheduler(t, newChat(), alerts.Job{Check: nightly, Daily: "03:30"})
		runScheduler(t, s, 120*24*time.Hour)
		got := nightly.times()
		if len(got) != 120 {
			t.Errorf("nightly ran %d times in 120 days, want 120", len(got))
		}
		offsets := map[int]bool{}
		for i, at := range got {
			p := at.In(paris(t))
			_, off := p.Zone()
			offsets[off] = true
			if p.Hour() != 3 || p.Minute() != 30 || p.Second() != 0 {
				t.Errorf("run %d at %v, want 03:30 Paris", i, p)
			}
		}
		if len(offsets) != 2 {
			t.Errorf("runs seen in %d time offsets, want 2 (winter and summer)", len(offsets))
		}
	})
}

// TestSchedulerConcurrencyAndTimeouts: a check that hangs until its deadline
// neither delays another check nor overlaps itself; its failures raise
// "check:slow" once after three runs, and its first success recovers it.
func TestSchedulerConcurrencyAndTimeouts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var healthy atomic.Bool
		slow := &recorder{name: "slow", fn: func(ctx context.Context) ([]alerts.Alert, error) {
			if healthy.Load() {
				return nil, nil
			}
			<-ctx.Done()
			return nil, ctx.Err()
		}}
		fast := &recorder{name: "fast"}
		c := newChat()
		s := newScheduler(t, c,
			alerts.Job{Check: slow, Every: time.Minute, Timeout: 150 * time.Second},
			alerts.Job{Check: fast, Every: time.Minute})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- s.Run(ctx) }()

		time.Sleep(8*time.Minute + time.Second)
		synctest.Wait()
		// slow: runs at 0 (until 2m30), 3m (until 5m30), 6m (until 8m30): the
		// minutes between are skipped.
		var want []time.Duration
		for _, at := range slow.times() {
			want = append(want, at.Sub(start))
		}
		if diff := cmp.Diff([]time.Duration{0, 3 * time.Minute, 6 * time.Minute}, want); diff != "" {
			t.Errorf("slow runs (-want +got):\n%s", diff)
		}
		if n := len(fast.times()); n != 9 {
			t.Errorf("fast ran %d times in 8 minutes, want 9", n)
		}
		if posts := c.Take(); len(posts) != 0 {
			t.Errorf("posts before the third failure: %q", posts)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		posts := c.Take()
		if len(posts) != 1 || !strings.Contains(posts[0], "`check:slow`") || !strings.Contains(posts[0], "2m30s") {
			t.Errorf("posts after the third failure = %q, want one check:slow alert naming the deadline", posts)
		}
		// The run of 9m is hanging until 11m30 (a fourth failure, no new
		// post); the run of 12m succeeds.
		healthy.Store(true)
		time.Sleep(3 * time.Minute)
		synctest.Wait()
		posts = c.Take()
		if len(posts) != 1 || !strings.Contains(posts[0], "RÉTABLI") {
			t.Errorf("posts after the success = %q, want one recovery", posts)
		}
		cancel()
		<-done
	})
}

func TestSchedulerCheckNow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("boom")
		var seen []string
		var mu sync.Mutex
		a, err := alerts.NewCycle(alerts.CycleConfig{Chat: newChat(), Store: &memAlerts{}, Channel: "alertes"})
		if err != nil {
			t.Fatal(err)
		}
		s, err := alerts.NewScheduler(alerts.SchedulerConfig{Alerts: a, Location: time.UTC,
			Observe: func(check string, d time.Duration, firing int, err error) {
				mu.Lock()
				seen = append(seen, check)
				mu.Unlock()
			},
			Jobs: []alerts.Job{
				{Check: alerts.CheckFunc("ok", func(context.Context) ([]alerts.Alert, error) {
					return []alerts.Alert{{Key: "ok:a", Severity: alerts.Warning}, {Key: "ok:b", Hold: true}}, nil
				}), Every: time.Hour},
				{Check: alerts.CheckFunc("bad", func(context.Context) ([]alerts.Alert, error) { return nil, boom }), Daily: "04:00"},
			}})
		if err != nil {
			t.Fatal(err)
		}
		res := s.CheckNow(t.Context())
		if len(res) != 2 || res[0].Check != "ok" || len(res[0].Alerts) != 1 || res[0].Err != nil || res[1].Check != "bad" || !errors.Is(res[1].Err, boom) {
			t.Errorf("CheckNow = %+v", res)
		}
		if len(seen) != 2 {
			t.Errorf("Observe saw %q, want both checks", seen)
		}
		open, err := s.List(t.Context())
		if err != nil || len(open) != 1 || open[0].Key != "ok:a" {
			t.Errorf("List = %+v, %v; want ok:a open", open, err)
		}
	})
}

func TestNewSchedulerRefuses(t *testing.T) {
	a, err := alerts.NewCycle(alerts.CycleConfig{Chat: newChat(), Store: &memAlerts{}, Channel: "alertes"})
	if err != nil {
		t.Fatal(err)
	}
	noop := func(context.Context) ([]alerts.Alert, error) { return nil, nil }
	tests := []struct {
		name string
		jobs []alerts.Job
	}{
		{"no check", []alerts.Job{{Every: time.Minute}}},
		{"check and digest", []alerts.Job{{Check: alerts.CheckFunc("a", noop), Digest: alerts.DigestFunc("a", func(context.Context) (string, error) { return "", nil }), Every: time.Minute}}},
		{"no schedule", []alerts.Job{{Check: alerts.CheckFunc("a", noop)}}},
		{"bad daily time", []alerts.Job{{Check: alerts.CheckFunc("a", noop), Daily: "25:00"}}},
		{"duplicate name", []alerts.Job{{Check: alerts.CheckFunc("a", noop), Every: time.Minute}, {Check: alerts.CheckFunc("a", noop), Every: time.Hour}}},
		{"reserved name", []alerts.Job{{Check: alerts.CheckFunc("check:a", noop), Every: time.Minute}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := alerts.NewScheduler(alerts.SchedulerConfig{Alerts: a, Jobs: tt.jobs}); err == nil {
				t.Error("NewScheduler = nil error")
			}
		})
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		h, m int
		ok   bool
	}{
		{"03:30", 3, 30, true}, {"3:30", 3, 30, true}, {"23:59", 23, 59, true}, {" 00:00 ", 0, 0, true},
		{"24:00", 0, 0, false}, {"12:60", 0, 0, false}, {"12:5", 0, 0, false}, {"1230", 0, 0, false},
		{"-1:30", 0, 0, false}, {"+1:30", 0, 0, false}, {"", 0, 0, false}, {"003:30", 0, 0, false},
	}
	for _, tt := range tests {
		h, m, err := alerts.ParseClock(tt.in)
		if (err == nil) != tt.ok || h != tt.h || m != tt.m {
			t.Errorf("ParseClock(%q) = %d, %d, %v; want %d, %d, ok %v", tt.in, h, m, err, tt.h, tt.m, tt.ok)
		}
	}
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"03:30", "23:59", "24:00", "1:1", "", "::", "+1:30", "٣:٣٠"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, m, err := alerts.ParseClock(s)
		if err != nil {
			return
		}
		if h < 0 || h > 23 || m < 0 || m > 59 {
			t.Fatalf("ParseClock(%q) = %d:%d, out of range", s, h, m)
		}
	})
}

// TestSchedulerDigest: a nightly digest is posted as it is, once a night; an
// empty one posts nothing.
func TestSchedulerDigest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		night := 0
		c := newChat()
		s := newScheduler(t, c, alerts.Job{Daily: "06:00", Digest: alerts.DigestFunc("coherence", func(context.Context) (string, error) {
			night++
			if night == 2 {
				return "", nil
			}
			return "Cohérence : 3 écarts", nil
		})})
		runScheduler(t, s, 3*24*time.Hour)
		posts := c.Take()
		if len(posts) != 2 || !strings.HasSuffix(posts[0], "] Cohérence : 3 écarts") || night != 3 {
			t.Errorf("posts over three nights = %q (%d runs), want two digests", posts, night)
		}
		res := s.CheckNow(t.Context())
		if len(res) != 1 || res[0].Digest != "Cohérence : 3 écarts" || len(c.Take()) != 1 {
			t.Errorf("CheckNow = %+v, want the digest posted", res)
		}
	})
}

// CheckNow posts in the order of the jobs, whichever check answers first.
func TestSchedulerCheckNowOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newChat()
		a, err := alerts.NewCycle(alerts.CycleConfig{Chat: c, Store: &memAlerts{}, Channel: "alertes"})
		if err != nil {
			t.Fatal(err)
		}
		second := make(chan struct{})
		s, err := alerts.NewScheduler(alerts.SchedulerConfig{Alerts: a, Location: time.UTC, Jobs: []alerts.Job{
			{Check: alerts.CheckFunc("slow", func(context.Context) ([]alerts.Alert, error) {
				<-second
				return []alerts.Alert{{Key: "slow:a", Severity: alerts.Warning, Title: "slow"}}, nil
			}), Every: time.Hour},
			{Check: alerts.CheckFunc("fast", func(context.Context) ([]alerts.Alert, error) {
				defer close(second)
				return []alerts.Alert{{Key: "fast:a", Severity: alerts.Warning, Title: "fast"}}, nil
			}), Every: time.Hour},
		}})
		if err != nil {
			t.Fatal(err)
		}
		s.CheckNow(t.Context())
		var posts []string
		for _, m := range c.Messages() {
			posts = append(posts, m.Msg.Text)
		}
		if len(posts) != 2 || !strings.Contains(posts[0], "slow") || !strings.Contains(posts[1], "fast") {
			t.Errorf("posts = %q, want slow then fast", posts)
		}
	})
}
