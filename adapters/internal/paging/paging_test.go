package paging

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/anopex/opsbot/bot"
)

// source serves total items numbered 0… by pages of size, counting
// requests; a page is Last when it is short or reaches the total.
type source struct {
	total, size int
	failAt      int  // page that fails, -1 for none
	repeat      bool // every page is page 0 (the page parameter ignored)
	tellTotal   int  // the total the pages announce (0: none)
	requests    int
}

func (s *source) fetch(_ context.Context, p int) (Page[int], error) {
	s.requests++
	if p == s.failAt {
		return Page[int]{}, fmt.Errorf("page %d broke", p)
	}
	if s.repeat {
		p = 0
	}
	var pg Page[int]
	for i := p * s.size; i < min((p+1)*s.size, s.total); i++ {
		pg.Items = append(pg.Items, i)
	}
	pg.Body = []byte(fmt.Sprint(pg.Items))
	pg.Total = s.tellTotal
	pg.Last = len(pg.Items) < s.size || (p+1)*s.size >= s.total && !s.repeat
	return pg, nil
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestRead(t *testing.T) {
	for _, tc := range []struct{ total, size, requests int }{{0, 5, 1}, {4, 5, 1}, {5, 5, 1}, {23, 5, 5}, {1000, 7, 143}} {
		t.Run(fmt.Sprintf("%d by %d", tc.total, tc.size), func(t *testing.T) {
			s := &source{total: tc.total, size: tc.size, failAt: -1, tellTotal: tc.total}
			got, err := Read(t.Context(), "prov", "list", Limits{}, s.fetch)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(seq(tc.total), got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if s.requests != tc.requests {
				t.Errorf("requests = %d, want %d", s.requests, tc.requests)
			}
		})
	}
}

// TestReadCaps: a server that never ends, repeats a page or announces a
// huge total is stopped with an Internal error naming the provider, after a
// bounded number of requests.
func TestReadCaps(t *testing.T) {
	tests := []struct {
		name     string
		src      source
		l        Limits
		requests int
	}{
		{"more pages than the cap", source{total: 1 << 40, size: 10, failAt: -1}, Limits{Pages: 50}, 50},
		{"more items than the cap", source{total: 1 << 40, size: 10, failAt: -1}, Limits{Items: 95}, 10},
		{"a page repeated", source{total: 100, size: 10, failAt: -1, repeat: true}, Limits{}, 2},
		{"an absurd total", source{total: 100, size: 10, failAt: -1, tellTotal: 900_000_000}, Limits{}, 1},
		{"the default caps", source{total: 1 << 40, size: 10, failAt: -1}, Limits{}, Default.Pages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.src
			got, err := Read(t.Context(), "prov", "list", tt.l, s.fetch)
			var be *bot.Error
			if !errors.As(err, &be) || be.Kind != bot.Internal || be.Provider != "prov" || got != nil {
				t.Fatalf("Read() = %d items, %v; want nothing and an Internal error of prov", len(got), err)
			}
			if s.requests != tt.requests {
				t.Errorf("requests = %d, want %d", s.requests, tt.requests)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	s := &source{total: 100, size: 10, failAt: 6}
	if got, err := Read(t.Context(), "prov", "list", Limits{}, s.fetch); err == nil || err.Error() != "page 6 broke" || got != nil {
		t.Errorf("Read() = %v, %v; want nothing and page 6's error", got, err)
	}
	if s.requests != 7 {
		t.Errorf("requests = %d, want 7 (none after the failed page)", s.requests)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s = &source{total: 100, size: 10, failAt: -1}
	if _, err := Read(ctx, "prov", "list", Limits{}, s.fetch); !errors.Is(err, context.Canceled) || s.requests != 0 {
		t.Errorf("Read(cancelled) = %v after %d requests", err, s.requests)
	}
}

func TestEach(t *testing.T) {
	for _, tc := range []struct{ n, conc int }{{0, 3}, {1, 3}, {23, 3}, {50, 1}} {
		t.Run(fmt.Sprintf("%d/%d", tc.n, tc.conc), func(t *testing.T) {
			var (
				mu             sync.Mutex
				done           = make([]bool, tc.n)
				inFlight, peak int
			)
			err := Each(t.Context(), tc.n, tc.conc, func(_ context.Context, i int) error {
				mu.Lock()
				inFlight++
				peak = max(peak, inFlight)
				done[i] = true
				mu.Unlock()
				mu.Lock()
				inFlight--
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range done {
				if !d {
					t.Errorf("index %d not done", i)
				}
			}
			if peak > tc.conc {
				t.Errorf("%d calls at once, limit %d", peak, tc.conc)
			}
		})
	}
	err := Each(t.Context(), 100, 3, func(_ context.Context, i int) error {
		if i == 9 || i == 4 {
			return fmt.Errorf("bad %d", i)
		}
		return nil
	})
	if err == nil || err.Error() != "bad 4" {
		t.Errorf("Each() = %v, want the lowest index's error", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Each(ctx, 10, 3, func(context.Context, int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Each(cancelled) = %v", err)
	}
}
