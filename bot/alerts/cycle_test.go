package alerts_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/internal/bottest"
	"github.com/anopex/opsbot/internal/testlog"
	"github.com/anopex/opsbot/storage"
)

var updateAlerts = flag.Bool("update", false, "rewrite the golden files in testdata")

// newChat returns the recording chat of the alert tests: its posts are
// numbered a1, a2… as the golden files show them.
func newChat() *bottest.Chat { return &bottest.Chat{Prefix: "a"} }

// chatDown is what a chat that cannot be reached answers.
var chatDown = &bot.Error{Provider: "chat", Kind: bot.Unavailable}

var alertT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func openAlertDB(t *testing.T, path string) *storage.DB {
	t.Helper()
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func newAlerts(t *testing.T, c bot.Chat, st alerts.Store, clk *testlog.Clock, l bot.Locale) *alerts.Cycle {
	t.Helper()
	a, err := alerts.NewCycle(alerts.CycleConfig{Chat: c, Store: st, Channel: "alertes", Platform: "console", Locale: l, Now: clk.Now, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateAlerts {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run %s -update)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got); go test ./bot -run %s -update to accept:\n%s", path, t.Name(), diff)
	}
}

// TestAlertLifeCycle plays an alert's whole life against a real data file
// and compares every post with testdata/alerts_fr.golden and _en.golden:
// start, silence while it lasts, severity change, daily reminder,
// acknowledgement, restart, recovery, a second episode and a mute.
func TestAlertLifeCycle(t *testing.T) {
	for _, l := range []bot.Locale{bot.FR, bot.EN} {
		t.Run(string(l), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "opsbot.db")
			db := openAlertDB(t, path)
			clk := testlog.NewClock(alertT0)
			c := newChat()
			a := newAlerts(t, c, db, clk, l)
			ctx := t.Context()
			var out strings.Builder
			tls := func(sev alerts.Severity, days int) []alerts.Alert {
				return []alerts.Alert{{Key: "tls:www.anopex.fr:443", Severity: sev,
					Title: fmt.Sprintf("certificate of www.anopex.fr:443 expires in %d days", days), Detail: "Issuer: Test CA"}}
			}
			step := func(name string, fn func()) {
				t.Helper()
				fn()
				fmt.Fprintf(&out, "== %s (+%s)\n", name, clk.Now().Sub(alertT0))
				for _, p := range c.Take() {
					fmt.Fprintln(&out, p)
				}
			}
			report := func(check string, firing []alerts.Alert) {
				t.Helper()
				if err := a.Report(ctx, check, firing); err != nil {
					t.Fatalf("Report: %v", err)
				}
			}
			step("starts: one post", func() { report("tls", tls(alerts.Warning, 10)) })
			step("still firing five minutes later: nothing", func() { clk.Add(5 * time.Minute); report("tls", tls(alerts.Warning, 10)) })
			step("another check's report does not recover it", func() { report("http", nil) })
			step("turns critical: a new post", func() { clk.Add(time.Hour); report("tls", tls(alerts.Critical, 6)) })
			step("23 h later: no reminder yet", func() { clk.Add(23 * time.Hour); report("tls", tls(alerts.Critical, 5)) })
			step("24 h after the last post: reminder", func() { clk.Add(time.Hour); report("tls", tls(alerts.Critical, 5)) })
			reminder := c.LastID()
			step("a bot's 👀 does nothing, a person's acknowledges", func() {
				if a.React(ctx, bot.Reaction{Platform: "console", MessageID: reminder, User: bot.Person{ID: "opsbot", Bot: true}, Emoji: "👀"}) {
					t.Error("React(bot) = true, want false")
				}
				if !a.React(ctx, bot.Reaction{Platform: "console", MessageID: reminder, User: bot.Person{ID: "u2", Name: "Thérèse"}, Emoji: ":eyes:"}) {
					t.Error("React(person) = false, want true")
				}
				if !a.React(ctx, bot.Reaction{Platform: "console", MessageID: reminder, User: bot.Person{ID: "u3", Name: "Paul"}, Emoji: "👀"}) {
					t.Error("second React = false, want true (handled, nothing said)")
				}
			})
			step("acknowledged: no reminder two days later", func() { clk.Add(48 * time.Hour); report("tls", tls(alerts.Critical, 3)) })

			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			db = openAlertDB(t, path)
			t.Cleanup(func() { db.Close() })
			a = newAlerts(t, c, db, clk, l)
			step("after a restart, still firing: nothing", func() { clk.Add(time.Minute); report("tls", tls(alerts.Critical, 3)) })
			step("recovers: one post", func() { clk.Add(time.Minute); report("tls", nil) })
			step("still fine: nothing", func() { clk.Add(time.Hour); report("tls", nil) })
			step("a second episode: a new start post", func() { clk.Add(time.Hour); report("tls", tls(alerts.Warning, 20)) })
			step("muted for 2 h, then turns critical: nothing", func() {
				if _, err := a.Mute(ctx, "tls:www.anopex.fr:443", 2*time.Hour, bot.Person{ID: "u1", Name: "Sam"}); err != nil {
					t.Fatal(err)
				}
				clk.Add(time.Hour)
				report("tls", tls(alerts.Critical, 6))
			})
			step("mute over: the change is posted", func() { clk.Add(time.Hour); report("tls", tls(alerts.Critical, 6)) })
			checkGolden(t, "alerts_"+string(l)+".golden", out.String())

			got, err := db.Alerts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !got[0].Open || got[0].Severity != alerts.Critical || got[0].AckedBy != "" || got[0].Since != alertT0.Add(75*time.Hour+7*time.Minute) {
				t.Errorf("stored state = %+v", got)
			}
		})
	}
}

// memAlerts is an in-memory AlertStore.
type memAlerts struct {
	mu sync.Mutex
	m  map[string]alerts.State
}

func (s *memAlerts) Alert(_ context.Context, k string) (alerts.State, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok, nil
}

func (s *memAlerts) SaveAlert(_ context.Context, v alerts.State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]alerts.State{}
	}
	s.m[v.Key] = v
	return nil
}

func (s *memAlerts) Alerts(context.Context) ([]alerts.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []alerts.State
	for _, v := range s.m {
		out = append(out, v)
	}
	return out, nil
}

func TestAlertRules(t *testing.T) {
	w := func(key string) alerts.Alert { return alerts.Alert{Key: key, Severity: alerts.Warning, Title: key} }
	hold := func(key string) alerts.Alert { return alerts.Alert{Key: key, Hold: true} }
	type run struct {
		after  time.Duration
		firing []alerts.Alert
		fail   bool // the chat fails during this run
	}
	tests := []struct {
		name  string
		runs  []run
		posts int  // posts in total
		open  bool // state of key "k" at the end
	}{
		{"held key never starts", []run{{0, []alerts.Alert{hold("k")}, false}}, 0, false},
		{"held key stays open and silent", []run{{0, []alerts.Alert{w("k")}, false}, {time.Minute, []alerts.Alert{hold("k")}, false}, {time.Minute, []alerts.Alert{hold("k")}, false}}, 1, true},
		{"held key gets its reminder", []run{{0, []alerts.Alert{w("k")}, false}, {25 * time.Hour, []alerts.Alert{hold("k")}, false}}, 2, true},
		{"failed start post is retried once", []run{{0, []alerts.Alert{w("k")}, true}, {time.Minute, []alerts.Alert{w("k")}, false}, {time.Minute, []alerts.Alert{w("k")}, false}}, 1, true},
		{"failed recovery post keeps it open, then retried", []run{{0, []alerts.Alert{w("k")}, false}, {time.Minute, nil, true}, {time.Minute, nil, false}, {time.Minute, nil, false}}, 2, false},
		{"duplicate keys in one report count once", []run{{0, []alerts.Alert{w("k"), w("k")}, false}}, 1, true},
		{"empty keys are ignored", []run{{0, []alerts.Alert{w("")}, false}}, 0, false},
		{"unknown severity is a warning", []run{{0, []alerts.Alert{{Key: "k", Severity: "loud"}}, false}, {time.Minute, []alerts.Alert{{Key: "k", Severity: alerts.Warning}}, false}}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := testlog.NewClock(alertT0)
			c := newChat()
			st := &memAlerts{}
			a := newAlerts(t, c, st, clk, bot.FR)
			for i, r := range tt.runs {
				clk.Add(r.after)
				c.Fail(nil)
				if r.fail {
					c.Fail(chatDown)
				}
				err := a.Report(t.Context(), "x", r.firing)
				switch {
				case r.fail && bot.KindOf(err) != bot.Unavailable:
					t.Errorf("run %d: Report error %v, want kind Unavailable", i, err)
				case !r.fail && err != nil:
					t.Errorf("run %d: Report error %v", i, err)
				}
			}
			if got := len(c.Take()); got != tt.posts {
				t.Errorf("posts = %d, want %d", got, tt.posts)
			}
			s, _, _ := st.Alert(t.Context(), "k")
			if s.Open != tt.open {
				t.Errorf("open = %v, want %v (%+v)", s.Open, tt.open, s)
			}
		})
	}
}

func TestAlertReactions(t *testing.T) {
	clk := testlog.NewClock(alertT0)
	c := newChat()
	st := &memAlerts{}
	audit := &auditRecorder{}
	a, err := alerts.NewCycle(alerts.CycleConfig{Chat: c, Store: st, Channel: "alertes", Platform: "discord", Now: clk.Now, Audit: audit})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := a.Report(ctx, "x", []alerts.Alert{{Key: "k", Severity: alerts.Critical, Title: "t"}}); err != nil {
		t.Fatal(err)
	}
	msg := c.LastID()
	c.Take()
	sam := bot.Person{ID: "u1", Name: "Sam"}
	tests := []struct {
		name    string
		r       bot.Reaction
		handled bool
		acked   string
		posts   int
	}{
		{"another emoji is not ours", bot.Reaction{Platform: "discord", MessageID: msg, User: sam, Emoji: "✅"}, false, "", 0},
		{"another message is not ours", bot.Reaction{Platform: "discord", MessageID: "zz", User: sam, Emoji: "👀"}, false, "", 0},
		{"another platform is not ours", bot.Reaction{Platform: "mattermost", MessageID: msg, User: sam, Emoji: "👀"}, false, "", 0},
		{"anonymous: handled, ignored", bot.Reaction{Platform: "discord", MessageID: msg, Emoji: "👀"}, true, "", 0},
		{"removing before acking changes nothing", bot.Reaction{Platform: "discord", MessageID: msg, User: sam, Emoji: "👀", Removed: true}, true, "", 0},
		{"👀 with a skin tone acknowledges", bot.Reaction{Platform: "discord", MessageID: msg, User: sam, Emoji: "👀\ufe0f"}, true, "u1", 1},
		{"someone else's removal changes nothing", bot.Reaction{Platform: "discord", MessageID: msg, User: bot.Person{ID: "u2"}, Emoji: "eyes", Removed: true}, true, "u1", 0},
		{"the acker's removal withdraws it", bot.Reaction{Platform: "discord", MessageID: msg, User: sam, Emoji: "eyes", Removed: true}, true, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.React(ctx, tt.r); got != tt.handled {
				t.Errorf("React = %v, want %v", got, tt.handled)
			}
			s, _, _ := st.Alert(ctx, "k")
			if s.AckedBy != tt.acked {
				t.Errorf("AckedBy = %q, want %q", s.AckedBy, tt.acked)
			}
			if got := len(c.Take()); got != tt.posts {
				t.Errorf("posts = %d, want %d", got, tt.posts)
			}
		})
	}
	if len(audit.recs) != 1 || audit.recs[0].Kind != "alert-ack" || audit.recs[0].ActorID != "u1" || audit.recs[0].Detail != "k" {
		t.Errorf("audit = %+v, want one alert-ack by u1 on k", audit.recs)
	}
}

type auditRecorder struct {
	mu   sync.Mutex
	recs []bot.AuditRecord
}

func (r *auditRecorder) AppendAudit(_ context.Context, rec bot.AuditRecord) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec)
	return nil
}

func (r *auditRecorder) Audit(context.Context, int) ([]bot.AuditRecord, error) { return nil, nil }

func TestAlertMuteAndList(t *testing.T) {
	clk := testlog.NewClock(alertT0)
	c := newChat()
	st := &memAlerts{}
	a := newAlerts(t, c, st, clk, bot.FR)
	ctx := t.Context()
	if _, err := a.Mute(ctx, "nope", time.Hour, bot.Person{}); bot.KindOf(err) != bot.NotFound {
		t.Errorf("Mute(unknown) error %v, want kind NotFound", err)
	}
	if err := a.Report(ctx, "x", []alerts.Alert{{Key: "a", Severity: alerts.Warning}, {Key: "b", Severity: alerts.Info}}); err != nil {
		t.Fatal(err)
	}
	if err := a.Report(ctx, "x", []alerts.Alert{{Key: "a", Severity: alerts.Warning}}); err != nil {
		t.Fatal(err)
	}
	s, err := a.Mute(ctx, "b", 3*time.Hour, bot.Person{ID: "u1", Name: "Sam"})
	if err != nil || !s.MutedUntil.Equal(alertT0.Add(3*time.Hour)) || s.MutedBy != "Sam" {
		t.Fatalf("Mute = %+v, %v", s, err)
	}
	keys := func() []string {
		l, err := a.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var k []string
		for _, s := range l {
			k = append(k, s.Key)
		}
		return k
	}
	if diff := cmp.Diff([]string{"a", "b"}, keys()); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
	clk.Add(3 * time.Hour)
	if diff := cmp.Diff([]string{"a"}, keys()); diff != "" {
		t.Errorf("List after the mute (-want +got):\n%s", diff)
	}
	if s, err := a.Mute(ctx, "a", 0, bot.Person{}); err != nil || !s.MutedUntil.IsZero() {
		t.Errorf("unmute = %+v, %v", s, err)
	}
}

func TestAlertAge(t *testing.T) {
	tests := []struct {
		d      time.Duration
		fr, en string
	}{
		{30 * time.Second, "moins d'une minute", "less than a minute"},
		{45 * time.Minute, "45 min", "45m"},
		{3 * time.Hour, "3 h", "3h"},
		{3*time.Hour + 20*time.Minute, "3 h 20 min", "3h 20m"},
		{48 * time.Hour, "2 j", "2d"},
		{52*time.Hour + 59*time.Minute, "2 j 4 h", "2d 4h"},
	}
	for _, tt := range tests {
		if got := alerts.Age(bot.FR, tt.d); got != tt.fr {
			t.Errorf("AlertAge(fr, %v) = %q, want %q", tt.d, got, tt.fr)
		}
		if got := alerts.Age(bot.EN, tt.d); got != tt.en {
			t.Errorf("AlertAge(en, %v) = %q, want %q", tt.d, got, tt.en)
		}
	}
}

// BenchmarkReportSteady measures a run that changes nothing — the common
// case: 20 alerts still firing, read from a real data file, no write.
func BenchmarkReportSteady(b *testing.B) {
	db, err := storage.Open(filepath.Join(b.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	clk := testlog.NewClock(alertT0)
	a, err := alerts.NewCycle(alerts.CycleConfig{Chat: newChat(), Store: db, Channel: "alertes", Now: clk.Now})
	if err != nil {
		b.Fatal(err)
	}
	var firing []alerts.Alert
	for i := range 20 {
		firing = append(firing, alerts.Alert{Key: fmt.Sprintf("quota:box%02d@anopex.test", i), Severity: alerts.Warning, Title: "pleine"})
	}
	if err := a.Report(b.Context(), "quota", firing); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := a.Report(b.Context(), "quota", firing); err != nil {
			b.Fatal(err)
		}
	}
}
