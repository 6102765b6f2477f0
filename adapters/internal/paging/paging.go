// Package paging reads a provider's list endpoint page after page, and runs
// the few reads that follow a list of ids (OVH) a few at a time.
//
// Read is a plain loop with caps (Limits), and a page whose body is the same
// as an earlier one's (a server that ignores the page parameter) stops it:
// a bogus total or a server that never ends is an error of kind
// bot.Internal, never an out-of-memory. One page at a time is enough: the
// reads are bound by round trips and rate limits, not by decoding.
package paging

import (
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"

	"github.com/anopex/opsbot/bot"
)

// Limits caps one read. A zero field takes Default's.
type Limits struct {
	Pages int // most requests one read makes
	Items int // most items one read returns
}

// Default is the cap of every read unless a client's options lower it, far
// above the association's size (about 10 000 members).
var Default = Limits{Pages: 1000, Items: 1_000_000}

// Page is one page as fetched.
type Page[T any] struct {
	Items []T
	// Body is the raw answer: a body equal to an earlier page's means the
	// server repeats itself.
	Body []byte
	// Total is the list's length when the answer tells it (0 otherwise):
	// beyond Limits.Items it stops the read at once. It does not size the
	// result: a server could announce a million and hold ten.
	Total int
	// Last is true when no page follows.
	Last bool
}

// Read calls fetch for pages 0, 1, … until one is Last and returns their
// items in order. fetch's error is returned as is; the read's own errors
// (too many pages or items, a repeated page) are of kind bot.Internal with
// provider and op. Nothing partial is returned with an error.
func Read[T any](ctx context.Context, provider, op string, l Limits, fetch func(ctx context.Context, p int) (Page[T], error)) ([]T, error) {
	if l.Pages <= 0 {
		l.Pages = Default.Pages
	}
	if l.Items <= 0 {
		l.Items = Default.Items
	}
	var (
		out  []T
		seed = maphash.MakeSeed()
		seen = map[uint64]int{} // body hash → page
	)
	for p := 0; ; p++ {
		if p == l.Pages {
			return nil, bot.Errorf(bot.Internal, provider, op, "more than %d pages: the server never said the list ended", l.Pages)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pg, err := fetch(ctx, p)
		if err != nil {
			return nil, err
		}
		if pg.Total > l.Items {
			return nil, bot.Errorf(bot.Internal, provider, op, "the server announces %d items, beyond the %d opsbot reads", pg.Total, l.Items)
		}
		if len(out)+len(pg.Items) > l.Items {
			return nil, bot.Errorf(bot.Internal, provider, op, "more than %d items", l.Items)
		}
		h := maphash.Bytes(seed, pg.Body)
		if q, ok := seen[h]; ok {
			return nil, bot.Errorf(bot.Internal, provider, op, "page %d is the same as page %d: the server repeats itself", p, q)
		}
		seen[h] = p
		out = append(out, pg.Items...)
		if pg.Last {
			return out, nil
		}
	}
}

// Each calls do(0) … do(n-1) with at most conc calls at once. On the first
// error it starts no new call, waits for those running and returns the error
// of the lowest failed index (or the context's error).
func Each(ctx context.Context, n, conc int, do func(ctx context.Context, i int) error) error {
	var (
		errs   = make([]error, n)
		failed atomic.Bool
		slots  = make(chan struct{}, max(conc, 1))
		wg     sync.WaitGroup
	)
	for i := range n {
		slots <- struct{}{}
		if failed.Load() || ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			if errs[i] = do(ctx, i); errs[i] != nil {
				failed.Store(true)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}
