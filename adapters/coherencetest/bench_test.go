package coherencetest_test

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/coherencetest"
	"github.com/anopex/opsbot/bot/coherence"
)

// BenchmarkSweep sweeps generated associations of 1k, 10k and 100k members
// (with as many newsletter contacts and a WordPress account for one member
// in ten) through the real clients against the three fakes, each answering
// 20 ms after a request arrives (their response time: a fake renders its
// page within it, as a remote server's work is part of its response time).
// Besides ns/op and B/op it reports
//
//   - requests/op: the requests the three fakes received per sweep;
//   - x-bound: the sweep's time over its lower bound, the longest chain of
//     round trips that cannot overlap under the clients' concurrency (the
//     slowest source's, since the three are read at once) times the latency;
//   - peak-MB: the peak of the heap in use during the sweeps, the fakes'
//     data included (sampled every 2 ms); base-MB, the heap in use before
//     the timed sweeps (the fakes' data after a warm-up sweep and a GC); and
//     sweep-MB, their difference: the sweep's own peak, what the bot needs
//     (the fakes are not in the bot's process);
//   - cpu-ms/op: the CPU time the process used per sweep, the fakes'
//     included: when it nears cores × bound the sweep is CPU-bound (JSON
//     rendering and decoding), not latency-bound.
//
// Brevo's pacing (10 requests a second in production) is off, as against a
// fake; with it, Brevo's 100 pages at 100k take 10 s whatever the overlap.
//
//	go test -run '^$' -bench Sweep -benchtime 3x ./adapters/coherencetest/
func BenchmarkSweep(b *testing.B) {
	const latency = 20 * time.Millisecond
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			e := coherencetest.Start(now)
			defer e.Close()
			e.Generate(n)
			for _, f := range []interface{ SetResponseTime(time.Duration) }{e.Dolibarr.Fault, e.Brevo.Fault, e.WordPress.Fault} {
				f.SetResponseTime(latency)
			}
			chk := e.Checker()
			// One sweep before the clock starts: connections opened, the
			// fakes' kept renderings made (their state, not the sweep's).
			if _, err := chk.Sweep(b.Context()); err != nil {
				b.Fatal(err)
			}
			var r coherence.Report
			runtime.GC()
			base := heapInUse()
			peak := sampleHeap()
			d0, b0, w0 := e.Requests()
			cpu0 := cpuTime()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				var err error
				if r, err = chk.Sweep(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu := cpuTime() - cpu0
			peakBytes := peak()
			d, br, w := e.Requests()
			b.ReportMetric(float64(d-d0+br-b0+w-w0)/float64(b.N), "requests/op")
			bound := lowerBound(e, &r, latency)
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(bound), "x-bound")
			b.ReportMetric(float64(peakBytes)/(1<<20), "peak-MB")
			b.ReportMetric(float64(base)/(1<<20), "base-MB")
			b.ReportMetric(float64(peakBytes-min(base, peakBytes))/(1<<20), "sweep-MB")
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// lowerBound is the slowest source's chain of round trips times latency.
func lowerBound(e *coherencetest.Env, r *coherence.Report, latency time.Duration) time.Duration {
	_, dc := e.Members.PlanRequests(r.Stats.Members)
	_, wc := e.WPClient.PlanRequests(r.Stats.WPUsers)
	return max(time.Duration(dc)*latency, e.Contacts.LowerBound(r.Stats.Contacts, latency), time.Duration(wc)*latency)
}

// heapInUse is MemStats.HeapInuse, read through runtime/metrics.
func heapInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

// sampleHeap samples the heap in use (objects and fragmentation, as
// MemStats.HeapInuse) every 2 ms until the returned function is called; it
// returns the peak.
func sampleHeap() func() uint64 {
	var (
		mu   sync.Mutex
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	read := func() {
		h := heapInUse()
		mu.Lock()
		peak = max(peak, h)
		mu.Unlock()
	}
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		read()
		return peak
	}
}
