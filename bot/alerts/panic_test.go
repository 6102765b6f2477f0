package alerts_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/internal/bottest"
	"github.com/anopex/opsbot/internal/testlog"
)

// panicLines returns the error-level log lines of check that report a panic.
func panicLines(logs *testlog.Buffer, check string) []string {
	var out []string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, `"level":"error"`) && strings.Contains(l, `"check":"`+check+`"`) && strings.Contains(l, `"message":"check panicked"`) {
			out = append(out, l)
		}
	}
	return out
}

// TestSchedulerSurvivesPanickingCheck: a check that panics on every run stops
// neither the scheduler nor the other checks. The other check runs on time
// and its alert is posted; the panicking one runs again at each interval,
// each panic is logged at error level with the check's name, and its third
// failure in a row raises "check:boom" like any failing check.
func TestSchedulerSurvivesPanickingCheck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		boom := &recorder{name: "boom", fn: func(context.Context) ([]alerts.Alert, error) {
			var m map[string]int
			m["x"]++ // assignment to entry in nil map
			return nil, nil
		}}
		fine := &recorder{name: "fine", fn: func(context.Context) ([]alerts.Alert, error) {
			return []alerts.Alert{{Key: "fine:disk", Severity: alerts.Warning, Title: "Disque plein à 91 %"}}, nil
		}}
		c := newChat()
		var logs testlog.Buffer
		cycle, err := alerts.NewCycle(alerts.CycleConfig{Chat: c, Store: &memAlerts{}, Channel: "alertes", Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		s, err := alerts.NewScheduler(alerts.SchedulerConfig{Alerts: cycle, Location: time.UTC, Log: zerolog.New(&logs),
			Jobs: []alerts.Job{{Check: boom, Every: time.Minute}, {Check: fine, Every: time.Minute}}})
		if err != nil {
			t.Fatal(err)
		}
		runScheduler(t, s, 4*time.Minute+time.Second)

		every := []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute}
		for _, r := range []*recorder{boom, fine} {
			var got []time.Duration
			for _, at := range r.times() {
				got = append(got, at.Sub(start))
			}
			if diff := cmp.Diff(every, got); diff != "" {
				t.Errorf("runs of %s (-want +got):\n%s", r.name, diff)
			}
		}
		if n := len(panicLines(&logs, "boom")); n != 5 {
			t.Errorf("%d panics of boom logged at error level, want 5:\n%s", n, logs.String())
		}
		posts := c.Take()
		if len(posts) != 2 || !strings.Contains(posts[0], "`fine:disk`") || !strings.Contains(posts[1], "`check:boom`") {
			t.Errorf("posts = %q, want fine:disk, then check:boom after its third failure", posts)
		}

		res := s.CheckNow(t.Context())
		if len(res) != 2 || res[0].Check != "boom" || res[0].Err == nil || res[1].Err != nil || len(res[1].Alerts) != 1 {
			t.Errorf("CheckNow = %+v, want boom failed and fine answered", res)
		}
		if n := len(panicLines(&logs, "boom")); n != 6 {
			t.Errorf("CheckNow's panic not logged: %d panics logged, want 6", n)
		}
	})
}

// panickyChat panics on the first post, then records like the others.
type panickyChat struct {
	*bottest.Chat
	panicked atomic.Bool
}

func (c *panickyChat) Post(ctx context.Context, channel string, m bot.Message) (string, error) {
	if c.panicked.CompareAndSwap(false, true) {
		panic("chat adapter bug")
	}
	return c.Chat.Post(ctx, channel, m)
}

// TestSchedulerSurvivesPanicWhilePosting: a panic after the check ran (the
// chat adapter's Post, while the life cycle posts the alert) is logged with
// the check's name; the scheduler goes on, and the next run posts the alert
// the panic cut off.
func TestSchedulerSurvivesPanicWhilePosting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		disk := &recorder{name: "disk", fn: func(context.Context) ([]alerts.Alert, error) {
			return []alerts.Alert{{Key: "disk:home", Severity: alerts.Critical, Title: "Disque plein à 99 %"}}, nil
		}}
		c := &panickyChat{Chat: newChat()}
		var logs testlog.Buffer
		cycle, err := alerts.NewCycle(alerts.CycleConfig{Chat: c, Store: &memAlerts{}, Channel: "alertes", Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		s, err := alerts.NewScheduler(alerts.SchedulerConfig{Alerts: cycle, Location: time.UTC, Log: zerolog.New(&logs),
			Jobs: []alerts.Job{{Check: disk, Every: time.Minute}}})
		if err != nil {
			t.Fatal(err)
		}
		runScheduler(t, s, 2*time.Minute+time.Second)
		if n := len(disk.times()); n != 3 {
			t.Errorf("disk ran %d times in 2 minutes, want 3 (the panic must not stop it)", n)
		}
		if n := len(panicLines(&logs, "disk")); n != 1 {
			t.Errorf("%d panics of disk logged, want 1:\n%s", n, logs.String())
		}
		if posts := c.Take(); len(posts) != 1 || !strings.Contains(posts[0], "`disk:home`") {
			t.Errorf("posts = %q, want disk:home posted once, by the run after the panic", posts)
		}
	})
}
