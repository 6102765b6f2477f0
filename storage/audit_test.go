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

// PruneAudit deletes the records older than the retention and keeps the
// others and the numbering.
func TestPruneAudit(t *testing.T) {
	db, c := open(t)
	for i := range 3 {
		if err := db.AppendAudit(t.Context(), bot.AuditRecord{Kind: "read", At: t0.Add(time.Duration(i) * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []int{1, 0} {
		if n, err := db.PruneAudit(t.Context(), t0.Add(time.Hour)); n != want || err != nil {
			t.Fatalf("PruneAudit = %d, %v; want %d", n, err, want)
		}
	}
	c.t = t0.Add(72 * time.Hour)
	if err := db.AppendAudit(t.Context(), bot.AuditRecord{Kind: "read"}); err != nil {
		t.Fatal(err)
	}
	recs, err := db.Audit(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	for _, r := range recs {
		seqs = append(seqs, r.Seq)
	}
	if diff := cmp.Diff([]uint64{4, 3, 2}, seqs); diff != "" {
		t.Errorf("records kept (-want +got):\n%s", diff)
	}
	if n, err := db.PruneAudit(t.Context(), t0.Add(100*time.Hour)); n != 3 || err != nil {
		t.Errorf("PruneAudit of all = %d, %v; want 3", n, err)
	}
}
