package wordpress_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/wordpress"
	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
	"github.com/anopex/opsbot/bot"
)

// BenchmarkWPUsers reads every account from the fake at 20 ms per request
// with the default options (pages of 100, 4 in flight) and reports
// requests/op and x-bound: the time per read over LowerBound, the chain of
// round trips that cannot overlap times the latency.
//
//	go test -run '^$' -bench WPUsers -benchtime 3x ./adapters/wordpress/
func BenchmarkWPUsers(b *testing.B) {
	const latency = 20 * time.Millisecond
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			srv := wordpresstest.New("admin", adminPw)
			defer srv.Close()
			srv.Generate(n-1, 1)
			srv.Fault.SetResponseTime(latency)
			c := wordpress.New(srv.URL(), "admin", bot.NewSecret(adminPw), nil, zerolog.Nop(), wordpress.Options{})
			start := srv.Requests()
			b.ReportAllocs()
			for b.Loop() {
				got, err := c.WPUsers(b.Context(), "")
				if err != nil || len(got) != n {
					b.Fatalf("WPUsers() = %d, %v", len(got), err)
				}
			}
			b.ReportMetric(float64(srv.Requests()-start)/float64(b.N), "requests/op")
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(c.LowerBound(n, latency)), "x-bound")
		})
	}
}

// BenchmarkWPUserByEmail looks one address up among 100,000 accounts: one
// request whatever the number of accounts (no latency: the fake's search).
func BenchmarkWPUserByEmail(b *testing.B) {
	srv := wordpresstest.New("admin", adminPw)
	defer srv.Close()
	made := srv.Generate(100000, 1)
	c := wordpress.New(srv.URL(), "admin", bot.NewSecret(adminPw), nil, zerolog.Nop(), wordpress.Options{})
	start := srv.Requests()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		want := made[i*7919%len(made)]
		i++
		if u, err := c.WPUserByEmail(b.Context(), want.Email); err != nil || u.ID != want.ID {
			b.Fatalf("WPUserByEmail(%s) = %+v, %v", want.Email, u, err)
		}
	}
	b.ReportMetric(float64(srv.Requests()-start)/float64(b.N), "requests/op")
}
