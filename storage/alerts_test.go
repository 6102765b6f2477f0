package storage

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

func TestAlerts(t *testing.T) {
	db, _ := open(t)
	ctx := t.Context()
	if _, ok, err := db.Alert(ctx, "tls:a"); ok || err != nil {
		t.Fatalf("Alert on a new file = %v, %v; want not found, nil", ok, err)
	}
	if all, err := db.Alerts(ctx); len(all) != 0 || err != nil {
		t.Fatalf("Alerts on a new file = %v, %v", all, err)
	}
	states := []alerts.State{
		{Key: "tls:b", Check: "tls", Severity: alerts.Critical, Title: "b", Open: true, Since: t0, Posted: alerts.Critical,
			LastPosted: t0, MessageID: "m1", Messages: []string{"m1"}, Platform: "console", Channel: "alertes"},
		{Key: "http:https://a/", Check: "http", Severity: alerts.Warning, Since: t0, Ended: t0.Add(time.Hour),
			AckedBy: "u1", AckedByName: "Sam", AckedAt: t0.Add(time.Minute), MutedUntil: t0.Add(48 * time.Hour), MutedBy: "Sam"},
	}
	for _, s := range states {
		if err := db.SaveAlert(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	states[0].Title = "b again" // replaced, not added
	if err := db.SaveAlert(ctx, states[0]); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAlert(ctx, alerts.State{Title: "no key"}); bot.KindOf(err) != bot.Invalid {
		t.Errorf("SaveAlert(empty key) error %v, want kind Invalid", err)
	}
	db = reopen(t, db, Options{})
	got, err := db.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []alerts.State{states[1], states[0]} // key order
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Alerts after reopening (-want +got):\n%s", diff)
	}
	one, ok, err := db.Alert(ctx, "tls:b")
	if !ok || err != nil {
		t.Fatalf("Alert(tls:b) = %v, %v", ok, err)
	}
	if diff := cmp.Diff(states[0], one); diff != "" {
		t.Errorf("Alert(tls:b) (-want +got):\n%s", diff)
	}
}
