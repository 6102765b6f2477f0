package storage

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

func TestAudit(t *testing.T) {
	db, c := open(t)
	var all []bot.AuditRecord
	for i, kind := range []string{"request", "vote", "unvote", "vote", "outcome"} {
		rec := bot.AuditRecord{Kind: kind, RequestID: 1, Platform: "console", ActorID: "u2", ActorName: "tresoriere",
			Command: "mail passwd", Args: bot.Values{"boite": "delegue75@anopex.test"}, Seq: 99}
		if i == 4 {
			rec.At = t0.Add(-time.Hour) // kept when given
		}
		if err := db.AppendAudit(t.Context(), rec); err != nil {
			t.Fatal(err)
		}
		rec.Seq = uint64(i + 1)
		if rec.At.IsZero() {
			rec.At = c.t
		}
		all = append([]bot.AuditRecord{rec}, all...) // newest first
		c.t = c.t.Add(time.Minute)
	}
	tests := []struct {
		name string
		n    int
		want []bot.AuditRecord
	}{
		{"three newest", 3, all[:3]},
		{"one", 1, all[:1]},
		{"more than there are", 100, all},
		{"zero", 0, nil},
		{"negative", -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.Audit(t.Context(), tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Audit(%d) (-want +got):\n%s", tt.n, diff)
			}
		})
	}
}

func TestAuditEmpty(t *testing.T) {
	db, _ := open(t)
	got, err := db.Audit(t.Context(), 20)
	if err != nil || len(got) != 0 {
		t.Errorf("Audit on a new file = %v, %v; want nothing", got, err)
	}
}

func BenchmarkAppendAudit(b *testing.B) {
	db, err := Open(b.TempDir()+"/opsbot.db", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rec := bot.AuditRecord{Kind: "vote", RequestID: 1, Platform: "discord", ActorID: "u2", ActorName: "tresoriere",
		Command: "mail passwd", Args: bot.Values{"boite": "delegue75@anopex.test"}}
	for b.Loop() {
		if err := db.AppendAudit(b.Context(), rec); err != nil {
			b.Fatal(err)
		}
	}
}
