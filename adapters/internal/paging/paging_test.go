package paging

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// source serves total items numbered 0… by pages of size, counting requests
// and the largest number in flight at once.
type source struct {
	total, size int
	failAt      int // page that fails, -1 for none
	requests    atomic.Int64
	mu          sync.Mutex
	inFlight    int
	maxFlight   int
}

func (s *source) fetch(ctx context.Context, p int) ([]int, error) {
	s.requests.Add(1)
	s.mu.Lock()
	s.inFlight++
	s.maxFlight = max(s.maxFlight, s.inFlight)
	s.mu.Unlock()
	defer func() { s.mu.Lock(); s.inFlight--; s.mu.Unlock() }()
	if p == s.failAt {
		return nil, fmt.Errorf("page %d broke", p)
	}
	var out []int
	for i := p * s.size; i < min((p+1)*s.size, s.total); i++ {
		out = append(out, i)
	}
	return out, nil
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestKnown(t *testing.T) {
	for _, tc := range []struct{ total, size, conc int }{{0, 5, 3}, {4, 5, 3}, {5, 5, 3}, {23, 5, 3}, {1000, 7, 4}, {50, 10, 1}} {
		t.Run(fmt.Sprintf("%d/%d/%d", tc.total, tc.size, tc.conc), func(t *testing.T) {
			s := &source{total: tc.total, size: tc.size, failAt: -1}
			first, _ := s.fetch(t.Context(), 0)
			pages := max((tc.total+tc.size-1)/tc.size, 1)
			rest, err := Known(t.Context(), 1, pages, tc.conc, s.fetch)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(seq(tc.total), Concat(first, rest), cmpEmpty); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			req, _ := Plan(tc.total, tc.size, tc.conc, true)
			if got := int(s.requests.Load()); got != req {
				t.Errorf("requests = %d, want %d", got, req)
			}
			if s.maxFlight > tc.conc {
				t.Errorf("%d requests in flight, limit %d", s.maxFlight, tc.conc)
			}
		})
	}
}

var cmpEmpty = cmp.Comparer(func(a, b []int) bool { return len(a) == 0 && len(b) == 0 || cmp.Equal([]int(a), []int(b)) })

func TestUntil(t *testing.T) {
	for _, tc := range []struct{ total, size, conc int }{{0, 5, 3}, {4, 5, 3}, {5, 5, 3}, {23, 5, 3}, {1000, 7, 4}, {50, 10, 1}} {
		t.Run(fmt.Sprintf("%d/%d/%d", tc.total, tc.size, tc.conc), func(t *testing.T) {
			s := &source{total: tc.total, size: tc.size, failAt: -1}
			pages, wasted, err := Until(t.Context(), 0, tc.size, tc.conc, s.fetch)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(seq(tc.total), Concat(nil, pages), cmpEmpty); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			need := tc.total/tc.size + 1
			if got := int(s.requests.Load()); got != need+wasted || wasted > tc.conc-1 {
				t.Errorf("requests = %d with %d wasted, want %d + at most %d", got, wasted, need, tc.conc-1)
			}
			if s.maxFlight > tc.conc {
				t.Errorf("%d requests in flight, limit %d", s.maxFlight, tc.conc)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	t.Run("known", func(t *testing.T) {
		s := &source{total: 100, size: 10, failAt: 6}
		if _, err := Known(t.Context(), 1, 10, 3, s.fetch); err == nil {
			t.Error("Known() hid a failed page")
		}
	})
	t.Run("until before the end", func(t *testing.T) {
		s := &source{total: 100, size: 10, failAt: 6}
		if _, _, err := Until(t.Context(), 0, 10, 3, s.fetch); err == nil {
			t.Error("Until() hid a failed page")
		}
	})
	t.Run("until past the end is ignored", func(t *testing.T) {
		s := &source{total: 15, size: 10, failAt: 2}
		pages, _, err := Until(t.Context(), 0, 10, 4, s.fetch)
		if err != nil || len(Concat(nil, pages)) != 15 {
			t.Errorf("Until() = %d items, %v; want 15, nil", len(Concat(nil, pages)), err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		s := &source{total: 100, size: 10, failAt: -1}
		if _, err := Known(ctx, 1, 10, 3, s.fetch); !errors.Is(err, context.Canceled) {
			t.Errorf("Known(cancelled) = %v", err)
		}
		if _, _, err := Until(ctx, 0, 10, 3, s.fetch); !errors.Is(err, context.Canceled) {
			t.Errorf("Until(cancelled) = %v", err)
		}
	})
}

func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		total, size, conc int
		known             bool
		req, chain        int
	}{
		{0, 500, 4, true, 1, 1},
		{500, 500, 4, true, 1, 1},
		{501, 500, 4, true, 2, 2},
		{100000, 500, 4, true, 200, 51},
		{100000, 500, 4, false, 201, 51},
		{10000, 1000, 4, true, 10, 4},
		{0, 500, 4, false, 1, 1},
		{499, 500, 1, false, 1, 1},
	} {
		req, chain := Plan(tc.total, tc.size, tc.conc, tc.known)
		if req != tc.req || chain != tc.chain {
			t.Errorf("Plan(%d, %d, %d, %v) = %d, %d; want %d, %d", tc.total, tc.size, tc.conc, tc.known, req, chain, tc.req, tc.chain)
		}
	}
}

func TestInto(t *testing.T) {
	s := &source{total: 1000, size: 7, failAt: -1}
	fetch := func(ctx context.Context, p int) ([]byte, error) {
		items, err := s.fetch(ctx, p)
		return []byte(fmt.Sprint(items)), err
	}
	// decode writes into its place when the page fits it, as the clients do.
	moved := atomic.Int32{}
	decode := func(p int, body []byte, into []int) ([]int, error) {
		var out []int
		for _, f := range strings.Fields(strings.Trim(string(body), "[]")) {
			n, err := strconv.Atoi(f)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		}
		if len(out) != len(into) {
			moved.Add(1)
			return out, nil
		}
		return into[:copy(into, out)], nil
	}
	first, _ := s.fetch(t.Context(), 0)
	got, err := Into(t.Context(), first, 1000, 7, 4, 2, fetch, decode)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seq(1000), got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if s.maxFlight > 4 || s.requests.Load() != 143 {
		t.Errorf("max in flight %d, requests %d; want ≤ 4 and 143", s.maxFlight, s.requests.Load())
	}
	if moved.Load() != 0 {
		t.Errorf("%d pages did not fit their place", moved.Load())
	}

	// The list grew by 3 during the read (told 997): the last page holds 3
	// more than its place; the result is assembled from the pages.
	got, err = Into(t.Context(), first, 997, 7, 4, 2, fetch, decode)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seq(1000), got); diff != "" {
		t.Errorf("grown list (-want +got):\n%s", diff)
	}
	// A first page shorter than its place (the list shrank): the same.
	got, err = Into(t.Context(), first[:5], 1000, 7, 4, 2, fetch, decode)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(append(seq(5), seq(1000)[7:]...), got); diff != "" {
		t.Errorf("short first page (-want +got):\n%s", diff)
	}
	// One page: nothing fetched.
	before := s.requests.Load()
	got, err = Into(t.Context(), []int{1, 2}, 2, 7, 4, 2, fetch, decode)
	if err != nil || s.requests.Load() != before || !cmp.Equal(got, []int{1, 2}) {
		t.Errorf("one page: %v, %v, %d requests", got, err, s.requests.Load()-before)
	}

	bad := func(p int, body []byte, into []int) ([]int, error) {
		if p == 9 || p == 4 {
			return nil, fmt.Errorf("bad page %d", p)
		}
		return decode(p, body, into)
	}
	// Each request takes 2 ms, as a network would: once page 4 cannot be
	// decoded, no new request starts (the in-memory fetch alone would have
	// fetched every page before the first decode).
	slow := func(ctx context.Context, p int) ([]byte, error) {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
		return fetch(ctx, p)
	}
	before = s.requests.Load()
	if _, err := Into(t.Context(), first, 1000, 7, 4, 2, slow, bad); err == nil || err.Error() != "bad page 4" {
		t.Errorf("Into() with bad pages 4 and 9 = %v, want the lowest page's error", err)
	}
	if n := s.requests.Load() - before; n > 20 {
		t.Errorf("%d requests after a page could not be decoded, want the read stopped (142 pages left)", n)
	}
	s.failAt = 20
	if _, err := Into(t.Context(), first, 1000, 7, 4, 2, fetch, decode); err == nil || !strings.Contains(err.Error(), "page 20") {
		t.Errorf("Into() = %v, want the fetch error of page 20", err)
	}
}
