package mattermost

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkSlashConcurrent100 fires 100 slash commands at once through the
// fake Mattermost (form POST, token check, immediate answer) per iteration
// and reports the time each waited for its immediate "en cours…" answer.
// The replies themselves go to response_url in the background, as in
// production. Run: go test -run='^$' -bench=SlashConcurrent -benchtime=20x ./adapters/chat/mattermost/
func BenchmarkSlashConcurrent100(b *testing.B) {
	e, ln := newEnv(b)
	rec := newRecorder()
	e.serve(b, rec, ln)
	users := []string{e.alice, e.bob, e.carol, e.dan}
	const n = 100
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		var mu sync.Mutex
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				t0 := time.Now()
				_, err := e.mm.Slash(context.Background(), users[i%len(users)], e.general, "/mail list")
				d := time.Since(t0)
				if err != nil {
					b.Error(err)
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(0, "ns/op")
}
