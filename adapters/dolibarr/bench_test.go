package dolibarr_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/dolibarr"
	"github.com/anopex/opsbot/adapters/dolibarr/dolibarrtest"
	"github.com/anopex/opsbot/bot"
)

// BenchmarkAdherents reads the whole register from the fake at 20 ms per
// request and reports requests/op and x-bound: the time per read over the
// lower bound PlanRequests gives (chain × latency).
//
//	go test -run '^$' -bench Adherents -benchtime 3x ./adapters/dolibarr/
func BenchmarkAdherents(b *testing.B) {
	const latency = 20 * time.Millisecond
	for _, legacy := range []bool{false, true} {
		for _, n := range []int{1000, 10000, 100000} {
			b.Run(fmt.Sprintf("legacy=%v/members=%d", legacy, n), func(b *testing.B) {
				srv := dolibarrtest.New(testKey)
				defer srv.Close()
				srv.SetLegacy(legacy)
				srv.Generate(n, 1)
				srv.Fault.SetResponseTime(latency)
				c := dolibarr.New(srv.URL(), bot.NewSecret(testKey), nil, zerolog.Nop(), dolibarr.Options{})
				start := srv.Fault.Requests()
				b.ReportAllocs()
				for b.Loop() {
					got, err := c.Adherents(b.Context())
					if err != nil || len(got) != n {
						b.Fatalf("Adherents() = %d, %v", len(got), err)
					}
				}
				_, chain := c.PlanRequests(n)
				b.ReportMetric(float64(srv.Fault.Requests()-start)/float64(b.N), "requests/op")
				b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(time.Duration(chain)*latency), "x-bound")
			})
		}
	}
}
