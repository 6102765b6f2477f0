package commands

import (
	"context"
	"errors"
	"path/filepath"
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

// alertsWorld is an engine with the alert commands on a scheduler whose
// checks answer what the test says.
type alertsWorld struct {
	engine *bot.Engine
	posts  *bottest.Chat
	sess   *bottest.Session
	clock  *testlog.Clock
	mu     sync.Mutex
	tls    []alerts.Alert
	dnsErr error
}

func newAlertsWorld(t *testing.T, l bot.Locale) *alertsWorld {
	t.Helper()
	w := &alertsWorld{posts: &bottest.Chat{}, clock: testlog.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	db, err := storage.Open(filepath.Join(t.TempDir(), "opsbot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	policy, err := bot.NewPolicy([]bot.Member{
		{Name: "Sam Admin", Roles: []bot.Role{bot.Admin}, IDs: map[string]string{"test": "u-admin"}},
		{Name: "Camille CA", Roles: []bot.Role{bot.Board}, IDs: map[string]string{"test": "u-board"}},
		{Name: "Dominique", Roles: []bot.Role{bot.Delegate}, IDs: map[string]string{"test": "u-delegate"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := alerts.NewCycle(alerts.CycleConfig{Chat: w.posts, Store: db, Channel: "alertes", Platform: "test", Locale: l, Now: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	s, err := alerts.NewScheduler(alerts.SchedulerConfig{Alerts: a, Now: w.clock.Now, Location: time.UTC, Jobs: []alerts.Job{
		{Check: checkFunc{"tls", func(context.Context) ([]alerts.Alert, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			return w.tls, nil
		}}, Every: time.Hour},
		{Check: checkFunc{"dns", func(context.Context) ([]alerts.Alert, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			return nil, w.dnsErr
		}}, Daily: "03:00"},
		{Digest: alerts.DigestFunc("coherence", func(context.Context) (string, error) { return "Cohérence : rien à signaler", nil }), Daily: "06:00"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	w.engine, err = bot.NewEngine(bot.EngineConfig{Chat: w.posts, Store: db, Policy: policy, Platform: "test",
		ApprovalsChannel: "approbations", Locale: l, Now: w.clock.Now, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.engine.Register(alertCommands{desk: s}.specs()...); err != nil {
		t.Fatal(err)
	}
	w.engine.Watch(a.React)
	// The session's transcript holds what people type and read back; the
	// checks run at once and post in an order of their own, so the alert
	// posts stay in w.posts.
	w.sess = &bottest.Session{Engine: w.engine, Policy: policy, Chat: &bottest.Chat{}, Channel: "ops"}
	return w
}

// run has userID type line and returns the private answer.
func (w *alertsWorld) run(t *testing.T, userID, line string) string {
	t.Helper()
	var got []bot.Reply
	p := bot.Person{ID: userID}
	switch userID {
	case "u-admin":
		p = bot.Person{ID: userID, Name: "Sam Admin", Roles: []bot.Role{bot.Admin}}
	case "u-board":
		p = bot.Person{ID: userID, Name: "Camille CA", Roles: []bot.Role{bot.Board}}
	case "u-delegate":
		p = bot.Person{ID: userID, Name: "Dominique", Roles: []bot.Role{bot.Delegate}}
	}
	w.engine.Handle(t.Context(), bot.Invocation{ID: "ref1", Platform: "test", Caller: p, Channel: "ops", Text: line,
		Respond: bot.ResponderFunc(func(_ context.Context, r bot.Reply) error { got = append(got, r); return nil })})
	if len(got) != 1 {
		t.Fatalf("%s: %d answers, want 1", line, len(got))
	}
	if got[0].InChannel {
		t.Errorf("%s: answered in the channel, want privately", line)
	}
	return got[0].Text
}

func TestAlertCommands(t *testing.T) {
	w := newAlertsWorld(t, bot.FR)
	cert := alerts.Alert{Key: "tls:mail.anopex.test:993", Severity: alerts.Critical, Title: "Le certificat TLS de mail.anopex.test:993 expire dans 3 jours"}
	steps := []struct {
		name, user, line, want string
		before                 func()
		posts                  int // posts in the alerts channel after the step
	}{
		{"nothing yet", "u-board", "alerts list", "Aucune alerte en cours. ✅", nil, 0},
		{"check now: one alert, one check failing", "u-admin", "/alerts check now", "Vérifications lancées maintenant :\n" +
			"🔴 tls — 1 alerte(s) :\n  🔴 `tls:mail.anopex.test:993` — Le certificat TLS de mail.anopex.test:993 expire dans 3 jours\n" +
			"❌ dns — échec : le service ne répond pas (délai dépassé ou erreur du serveur) ; réessayez plus tard. (réf. ref1)\n" +
			"📋 coherence — résumé publié dans le canal des alertes\n" +
			"Les débuts et fins d'alerte sont publiés dans le canal des alertes.", func() {
			w.mu.Lock()
			w.tls, w.dnsErr = []alerts.Alert{cert}, &bot.Error{Kind: bot.Unavailable}
			w.mu.Unlock()
		}, 2},
		{"list, three hours later", "u-board", "alerts list", "1 alerte(s) en cours :\n🔴 CRITIQUE `tls:mail.anopex.test:993` — " +
			"Le certificat TLS de mail.anopex.test:993 expire dans 3 jours — depuis 3 h", func() { w.clock.Add(3 * time.Hour) }, 2},
		{"a delegate may not list", "u-delegate", "alerts list", "Désolé, /alerts list est réservé à : administrateur, membres du bureau/CA. Tapez /help pour voir ce que vous pouvez faire.", nil, 2},
		{"the board may not mute", "u-board", "alerts mute tls:mail.anopex.test:993 2h", "Désolé, /alerts mute est réservé à : administrateur. Tapez /help pour voir ce que vous pouvez faire.", nil, 2},
		{"bad duration", "u-admin", "alerts mute tls:mail.anopex.test:993 deux-heures", "duree : « deux-heures » n'est pas une durée : écrivez par exemple 30m, 2h, 3j ou 1sem (0 pour réactiver l'alerte)\nUsage : /alerts mute CLE DUREE", nil, 2},
		{"extra word", "u-admin", "alerts mute tls:mail.anopex.test:993 2h pour-la-nuit", "argument en trop : « pour-la-nuit »\nUsage : /alerts mute CLE DUREE", nil, 2},
		{"unit missing", "u-admin", "alerts mute tls:mail.anopex.test:993 2", "duree : « 2 » n'est pas une durée : écrivez par exemple 30m, 2h, 3j ou 1sem (0 pour réactiver l'alerte)\nUsage : /alerts mute CLE DUREE", nil, 2},
		{"too long", "u-admin", "alerts mute tls:mail.anopex.test:993 5sem", "duree : durée trop longue : 30 jours au plus\nUsage : /alerts mute CLE DUREE", nil, 2},
		{"unknown key", "u-admin", "alerts mute tls:nope 2h", "Aucune alerte « tls:nope ». /alerts list montre les clés des alertes.", nil, 2},
		{"mute", "u-admin", "alerts mute tls:mail.anopex.test:993 1j12h", "L'alerte `tls:mail.anopex.test:993` est muette pour 1 j 12 h : aucun message d'ici là, sauf son rétablissement.", nil, 2},
		{"list shows the mute", "u-admin", "alerts list", "1 alerte(s) en cours :\n🔴 CRITIQUE `tls:mail.anopex.test:993` — " +
			"Le certificat TLS de mail.anopex.test:993 expire dans 3 jours — depuis 4 h — muette encore 1 j 11 h (Sam Admin)", func() { w.clock.Add(time.Hour) }, 2},
		{"recovered but still muted", "u-admin", "alerts check", "Vérifications lancées maintenant :\n✅ tls — rien à signaler\n✅ dns — rien à signaler\n" +
			"📋 coherence — résumé publié dans le canal des alertes\n" +
			"Les débuts et fins d'alerte sont publiés dans le canal des alertes.", func() {
			w.mu.Lock()
			w.tls, w.dnsErr = nil, nil
			w.mu.Unlock()
		}, 4},
		{"list after the recovery", "u-admin", "alerts list", "0 alerte(s) en cours :\n✅ `tls:mail.anopex.test:993` — rétablie — muette encore 1 j 11 h (Sam Admin)", nil, 4},
		{"unmute", "u-admin", "alerts mute tls:mail.anopex.test:993 0", "L'alerte `tls:mail.anopex.test:993` n'est plus muette.", nil, 4},
		{"list at the end", "u-admin", "alerts list", "Aucune alerte en cours. ✅", nil, 4},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		if diff := cmp.Diff(s.want, w.run(t, s.user, s.line)); diff != "" {
			t.Errorf("%s: %s (-want +got):\n%s", s.name, s.line, diff)
		}
		if got := w.posts.Count(); got != s.posts {
			t.Errorf("%s: %d posts in the alerts channel, want %d", s.name, got, s.posts)
		}
	}
}

func TestAlertCommandsEnglish(t *testing.T) {
	w := newAlertsWorld(t, bot.EN)
	w.tls = []alerts.Alert{{Key: "tls:a:443", Severity: alerts.Warning, Title: "expires in 10 days"}}
	w.dnsErr = errors.New("boom")
	want := "Checks run now:\n🟠 tls — 1 alert(s):\n  🟠 `tls:a:443` — expires in 10 days\n" +
		"❌ dns — failed: opsbot internal error; the administrator will find the details in the log (ref. ref1).\n" +
		"📋 coherence — summary posted in the alerts channel\n" +
		"Alerts starting and ending are posted in the alerts channel."
	if diff := cmp.Diff(want, w.run(t, "u-admin", "alerts check")); diff != "" {
		t.Errorf("alerts check (-want +got):\n%s", diff)
	}
	want = "1 open alert(s):\n🟠 WARNING `tls:a:443` — expires in 10 days — for less than a minute"
	if diff := cmp.Diff(want, w.run(t, "u-admin", "alerts list")); diff != "" {
		t.Errorf("alerts list (-want +got):\n%s", diff)
	}
	want = "Alert `tls:a:443` is muted for 2h: no post until then, except its recovery."
	if diff := cmp.Diff(want, w.run(t, "u-admin", "alerts mute tls:a:443 2H")); diff != "" {
		t.Errorf("alerts mute (-want +got):\n%s", diff)
	}
}

// TestAlertAckThroughEngine: a 👀 on an alert post reaches the life cycle
// through the engine's Watch, and the list shows who took it.
func TestAlertAckThroughEngine(t *testing.T) {
	w := newAlertsWorld(t, bot.FR)
	w.tls = []alerts.Alert{{Key: "tls:a:443", Severity: alerts.Warning, Title: "expire"}}
	w.run(t, "u-admin", "alerts check")
	w.engine.React(t.Context(), bot.Reaction{Platform: "test", MessageID: w.posts.IDOf("`tls:a:443`"), User: bot.Person{ID: "u-board", Name: "Camille CA"}, Emoji: "👀"})
	want := "1 alerte(s) en cours :\n🟠 AVERTISSEMENT `tls:a:443` — expire — depuis moins d'une minute — prise en charge par Camille CA"
	if diff := cmp.Diff(want, w.run(t, "u-admin", "alerts list")); diff != "" {
		t.Errorf("alerts list (-want +got):\n%s", diff)
	}
}

func TestAlertsTranscript(t *testing.T) {
	w := newAlertsWorld(t, bot.FR)
	w.tls = []alerts.Alert{{Key: "tls:mail.anopex.test:993", Severity: alerts.Critical, Title: "Le certificat TLS de mail.anopex.test:993 expire dans 3 jours"}}
	w.sess.Play(t.Context(), t, `
		u-board: /alerts list
		u-admin: /alerts check now
	`)
	w.sess.Note("u-board reacts 👀 on the alert's post")
	w.engine.React(t.Context(), bot.Reaction{Platform: "test", MessageID: w.posts.IDOf("`tls:mail.anopex.test:993`"), User: w.sess.Person("u-board"), Emoji: "👀"})
	w.sess.Play(t.Context(), t, `
		u-board: /alerts list
		u-board: /alerts mute tls:mail.anopex.test:993 2h
		u-admin: /alerts mute tls:mail.anopex.test:993 deux-heures
		u-admin: /alerts mute tls:nope 2h
		u-admin: /alerts mute tls:mail.anopex.test:993 1j12h
		u-admin: /alerts list
		u-admin: /alerts mute tls:mail.anopex.test:993 0
		u-delegate: /alerts list
	`)
	golden(t, "alerts", w.sess.Chat)
}

func TestParseMuteDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true}, {"30m", 30 * time.Minute, true}, {"30min", 30 * time.Minute, true}, {"2h", 2 * time.Hour, true},
		{"3j", 72 * time.Hour, true}, {"3d", 72 * time.Hour, true}, {"1sem", 168 * time.Hour, true}, {"1w", 168 * time.Hour, true},
		{"1j12h", 36 * time.Hour, true}, {" 2H ", 2 * time.Hour, true}, {"30j", 30 * 24 * time.Hour, true},
		{"2h0m0s", 2 * time.Hour, true}, {"720h0m0s", 30 * 24 * time.Hour, true}, {"0s", 0, true},
		{"", 0, false}, {"2", 0, false}, {"h", 0, false}, {"2x", 0, false}, {"-2h", 0, false}, {"2.5h", 0, false},
		{"31j", 0, false}, {"5sem", 0, false}, {"999999h", 0, false}, {"0h", 0, true}, {"1h 2m", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseMuteDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMuteDuration(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil {
			var ue *bot.UserError
			if !errors.As(err, &ue) {
				t.Errorf("ParseMuteDuration(%q) error %T, want *bot.UserError", tt.in, err)
			}
		}
	}
}

func FuzzParseMuteDuration(f *testing.F) {
	for _, s := range []string{"0", "30m", "1j12h", "1sem", "99999sem", "2", "h2", "1h1h1h", "٣h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseMuteDuration(s)
		if err != nil {
			return
		}
		if d < 0 || d > MaxMute {
			t.Fatalf("ParseMuteDuration(%q) = %v, out of range", s, d)
		}
		v, err := argMuteDuration.Check(s)
		if err != nil {
			t.Fatalf("argMuteDuration.Check(%q) fails where ParseMuteDuration succeeded: %v", s, err)
		}
		back, err := time.ParseDuration(v)
		if err != nil || back != d {
			t.Fatalf("argMuteDuration.Check(%q) = %q, which reads back as %v, %v; want %v", s, v, back, err, d)
		}
	})
}

// checkFunc adapts a function to alerts.Check.
type checkFunc struct {
	name string
	run  func(context.Context) ([]alerts.Alert, error)
}

func (c checkFunc) Name() string                                    { return c.name }
func (c checkFunc) Run(ctx context.Context) ([]alerts.Alert, error) { return c.run(ctx) }
