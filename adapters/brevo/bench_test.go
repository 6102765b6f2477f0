package brevo_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/brevo"
	"github.com/anopex/opsbot/adapters/brevo/brevotest"
	"github.com/anopex/opsbot/bot"
)

// BenchmarkListContacts reads the newsletter list from the fake at 20 ms
// per request, unpaced (as a benchmark against the fake runs), and reports
// requests/op and x-bound: the time per read over LowerBound.
//
//	go test -run '^$' -bench ListContacts -benchtime 3x ./adapters/brevo/
func BenchmarkListContacts(b *testing.B) {
	const latency = 20 * time.Millisecond
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("contacts=%d", n), func(b *testing.B) {
			srv := brevotest.New(testKey)
			defer srv.Close()
			srv.SetRateLimit(1<<30, time.Hour)
			l := srv.AddList("Lettre")
			for i := range n {
				srv.AddContact(brevotest.Contact{Email: brevotest.GeneratedEmail(i), FirstName: "Jeanne", LastName: "Dupont", ListIDs: []int{l}})
			}
			srv.Fault.SetResponseTime(latency)
			c := brevo.New(srv.URL(), bot.NewSecret(testKey), nil, zerolog.Nop(), brevo.Options{RatePerSecond: -1})
			start := srv.Requests()
			b.ReportAllocs()
			for b.Loop() {
				got, err := c.ListContacts(b.Context(), l)
				if err != nil || len(got) != n {
					b.Fatalf("ListContacts() = %d, %v", len(got), err)
				}
			}
			b.ReportMetric(float64(srv.Requests()-start)/float64(b.N), "requests/op")
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(c.LowerBound(n, latency)), "x-bound")
		})
	}
}
