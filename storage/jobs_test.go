package storage

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot/coherence"
)

// A sweep's summary is one per day, the latest of the day winning, kept
// across a restart, and the file holds counts, never the people counted.
func TestSweeps(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.Local) }
	for _, s := range []coherence.Summary{
		{At: day(30, 3), Members: 120, Counts: map[coherence.Code]int{coherence.MissingInNewsletter: 4}},
		{At: day(2, 3), Members: 118, Counts: map[coherence.Code]int{coherence.DuplicateEmail: 1}},
		{At: day(30, 15), Members: 121, Counts: map[coherence.Code]int{coherence.MissingInNewsletter: 3, coherence.NameMismatch: 2}},
	} {
		if err := db.SaveSweep(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	db = reopen(t, db, Options{})
	got, err := db.Sweeps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []coherence.Summary{
		{At: day(2, 3), Members: 118, Counts: map[coherence.Code]int{coherence.DuplicateEmail: 1}},
		{At: day(30, 15), Members: 121, Counts: map[coherence.Code]int{coherence.MissingInNewsletter: 3, coherence.NameMismatch: 2}},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(time.Time.Equal)); diff != "" {
		t.Errorf("Sweeps (-want +got):\n%s", diff)
	}
	if got[1].Total() != 5 {
		t.Errorf("Total = %d, want 5", got[1].Total())
	}
}

// The monthly report is claimed once per month whatever the runs and the
// restarts, a later month wins, and a claim given back is claimed again.
func TestClaimMonthlyReport(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	claim := func(month string) (string, bool) {
		t.Helper()
		prev, ok, err := db.ClaimMonthlyReport(ctx, month)
		if err != nil {
			t.Fatal(err)
		}
		return prev, ok
	}
	if prev, ok := claim("2026-10"); !ok || prev != "" {
		t.Fatalf("first claim = %q, %v; want it, nothing before", prev, ok)
	}
	var wg sync.WaitGroup
	won := make(chan bool, 8)
	for range 8 {
		wg.Go(func() {
			_, ok, err := db.ClaimMonthlyReport(ctx, "2026-11")
			won <- ok && err == nil
		})
	}
	wg.Wait()
	close(won)
	n := 0
	for ok := range won {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d of 8 simultaneous claims of 2026-11 won, want 1", n)
	}
	db = reopen(t, db, Options{})
	if _, ok := claim("2026-11"); ok {
		t.Error("2026-11 claimed again after a restart")
	}
	if _, ok := claim("2026-09"); ok {
		t.Error("an earlier month claimed after 2026-11")
	}
	if err := db.ReleaseMonthlyReport(ctx, "2026-11", "2026-10"); err != nil {
		t.Fatal(err)
	}
	if prev, ok := claim("2026-11"); !ok || prev != "2026-10" {
		t.Errorf("claim after release = %q, %v; want it, after 2026-10", prev, ok)
	}
	if err := db.ReleaseMonthlyReport(ctx, "2026-10", ""); err != nil { // no longer the month recorded: nothing changes
		t.Fatal(err)
	}
	if _, ok := claim("2026-11"); ok {
		t.Error("2026-11 claimed again after releasing another month")
	}
}

// A rights review awaiting its ✅ survives a restart, is confirmed once by
// simultaneous ✅, and its message ID is among the platform's.
func TestRightsReviewAwaited(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	posted := time.Date(2026, 12, 1, 3, 30, 0, 0, time.UTC)
	if err := db.AwaitRightsReview(ctx, "console", "9", posted); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db, Options{})
	for _, k := range []struct {
		platform, id string
		want         bool
	}{{"console", "9", true}, {"discord", "9", false}, {"console", "8", false}} {
		if ok, err := db.RightsReviewAwaited(ctx, k.platform, k.id); ok != k.want || err != nil {
			t.Errorf("RightsReviewAwaited(%s, %s) = %v, %v; want %v", k.platform, k.id, ok, err, k.want)
		}
	}
	if ids, err := db.MessageIDs(ctx, "console"); err != nil || !slices.Equal(ids, []string{"9"}) {
		t.Errorf("MessageIDs(console) = %q, %v; want the review's", ids, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	confirmed := 0
	for range 8 {
		wg.Go(func() {
			if at, ok, err := db.ConfirmRightsReview(ctx, "console", "9"); ok && err == nil && at.Equal(posted) {
				mu.Lock()
				confirmed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if confirmed != 1 {
		t.Fatalf("%d of 8 simultaneous ✅ confirmed the review, want 1", confirmed)
	}
	if ok, _ := db.RightsReviewAwaited(ctx, "console", "9"); ok {
		t.Error("review still awaited once confirmed")
	}
}

// The summaries hold no address: the file's bytes name none of the
// findings' people (the full sweep's test, commands, seeds real members).
func TestSweepHoldsCounts(t *testing.T) {
	db, _ := open(t)
	rep := coherence.Report{At: time.Now(), Findings: []coherence.Finding{{Code: coherence.NameMismatch, Email: "jeanne.dupont@example.org"}}}
	if err := db.SaveSweep(context.Background(), rep.Summary()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := os.ReadFile(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "jeanne") || !strings.Contains(string(raw), `"name_mismatch":1`) {
		t.Error("the stored summary names the person, or lacks the count")
	}
}
