package demo_test

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/brevo"
	"github.com/anopex/opsbot/internal/demo"
)

// The server model of BenchmarkSweep: every fake answers a request
// serverBase plus serverPerKB per KiB of its answer after the request
// arrived (a remote server's work grows with the page it renders; the
// fake's own rendering happens within that time).
const (
	serverBase  = 20 * time.Millisecond
	serverPerKB = 100 * time.Microsecond // 1 ms per 10 KiB: a Brevo page of 1000 contacts (≈ 260 KiB) takes ≈ 46 ms
)

// BenchmarkSweep sweeps generated associations of 10k and 100k members
// (with as many newsletter contacts and a WordPress account for one member
// in ten) through the real clients against the three fakes, Brevo paced as
// in production (10 requests a second), each fake answering as the server
// model above says. Besides ns/op and B/op it reports
//
//   - requests/op: the requests the three fakes received per sweep;
//   - x-bound: the sweep's time over its bound: the slowest source's sum of
//     server times (the clients read one page after the other; the three
//     sources at once), or for Brevo the pacing, (requests-1)/10 s plus one
//     page, if longer; each source's bound is reported as <source>-bound-ms;
//   - peak-MB: the peak of the heap in use during the sweeps, the fakes'
//     data included (sampled every 2 ms); base-MB, the heap in use before
//     the timed sweeps (the fakes' data after a warm-up sweep and a GC); and
//     sweep-MB, their difference: the sweep's own peak, what the bot needs
//     (the fakes are not in the bot's process);
//   - cpu-ms/op: the CPU time the process used per sweep, the fakes'
//     included.
//
// A paced sweep of 100k members takes over 10 s:
//
//	go test -run '^$' -bench Sweep -benchtime 1x ./internal/demo/
func BenchmarkSweep(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			e := demo.Start(now)
			defer e.Close()
			e.Generate(n)
			// One unpaced sweep before the clock starts: connections opened,
			// the fakes' kept renderings made (their state, not the sweep's).
			if _, err := e.Checker().Sweep(b.Context()); err != nil {
				b.Fatal(err)
			}
			fakes := []fake{e.Dolibarr.Fault, e.Brevo.Fault, e.WordPress.Fault}
			names := []string{"dolibarr", "brevo", "wordpress"}
			for _, f := range fakes {
				f.SetResponseTime(serverBase)
				f.SetTimePerKB(serverPerKB)
			}
			chk := e.PacedChecker()
			var req0, bytes0 [3]int64
			for i, f := range fakes {
				req0[i], bytes0[i] = f.Requests(), f.Bytes()
			}
			runtime.GC()
			base := heapInUse()
			peak := sampleHeap()
			cpu0 := cpuTime()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := chk.Sweep(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu := cpuTime() - cpu0
			peakBytes := peak()
			var bound time.Duration
			var requests int64
			for i, f := range fakes {
				req := (f.Requests() - req0[i]) / int64(b.N)
				served := (f.Bytes() - bytes0[i]) / int64(b.N)
				requests += req
				d := time.Duration(req)*serverBase + time.Duration(served)*serverPerKB/1024
				if i == 1 && req > 0 { // Brevo: the pacing
					d = max(d, time.Duration(req-1)*time.Second/brevo.DefaultRatePerSecond+d/time.Duration(req))
				}
				bound = max(bound, d)
				b.ReportMetric(float64(d.Milliseconds()), names[i]+"-bound-ms")
			}
			b.ReportMetric(float64(requests), "requests/op")
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(bound), "x-bound")
			b.ReportMetric(float64(bound.Milliseconds()), "bound-ms")
			b.ReportMetric(float64(peakBytes)/(1<<20), "peak-MB")
			b.ReportMetric(float64(base)/(1<<20), "base-MB")
			b.ReportMetric(float64(peakBytes-min(base, peakBytes))/(1<<20), "sweep-MB")
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// fake is what the benchmark turns and reads on a fake's fault injector.
type fake interface {
	SetResponseTime(time.Duration)
	SetTimePerKB(time.Duration)
	Requests() int64
	Bytes() int64
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
