package ovh_test

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkSignedRead is one signed GET against the fake: go-ovh's signing
// through the resty pre-request hook plus the fake's signature check.
func BenchmarkSignedRead(b *testing.B) {
	srv, c := benchSetup(b)
	srv.AddTicket("Sujet", "Corps", fixedNow)
	for b.Loop() {
		if _, err := c.Support.Show(b.Context(), "8123456"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListTickets20 lists 20 open tickets with 2 ms of latency per
// request: one id list, then the tickets read four at a time, so about six
// round trips rather than twenty-one.
func BenchmarkListTickets20(b *testing.B) {
	srv, c := benchSetup(b)
	for i := range 20 {
		srv.AddTicket("Ticket "+strconv.Itoa(i), "Corps", fixedNow)
	}
	srv.Fault.SetLatency(2 * time.Millisecond)
	for b.Loop() {
		got, err := c.Support.List(b.Context())
		if err != nil || len(got) != 20 {
			b.Fatal(len(got), err)
		}
	}
}
