// Package paging reads a provider's list endpoint with overlapping page
// requests, so that reading N items costs about N/(size×conc) round trips
// instead of N/size. Two shapes exist:
//
//   - Known: the first page told the total (Brevo's count, Dolibarr's
//     pagination_data), so the remaining pages are fetched conc at a time and
//     no request is wasted. Into is the same for large lists: each page is
//     decoded as it arrives, straight into its place in the result.
//   - Until: nothing tells the total (Dolibarr before v20), so pages are
//     requested in order with conc in flight until one comes back shorter
//     than the page size (or empty); the requests already in flight for later
//     pages are wasted, at most conc-1 of them.
//
// Plan gives the number of requests and the length of the chain of round
// trips that cannot overlap: a benchmark's lower bound is chain × latency.
package paging

import (
	"context"
	"runtime"
	"sync"
)

// Fetch returns page p (0-based).
type Fetch[T any] func(ctx context.Context, p int) ([]T, error)

// Known fetches pages from, from+1, … pages-1 with at most conc requests in
// flight and returns them in page order. On the first error it issues no new
// request, waits for those in flight and returns the error of the lowest
// failed page.
func Known[T any](ctx context.Context, from, pages, conc int, fetch Fetch[T]) ([][]T, error) {
	if pages <= from {
		return nil, nil
	}
	out := make([][]T, pages-from)
	err := Each(ctx, from, pages, conc, func(ctx context.Context, p int) error {
		items, err := fetch(ctx, p)
		out[p-from] = items
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Each calls do for pages from … pages-1 with at most conc calls at once.
// On the first error it starts no new call, waits for those running and
// returns the error of the lowest failed page (or the context's error).
func Each(ctx context.Context, from, pages, conc int, do func(ctx context.Context, p int) error) error {
	if pages <= from {
		return nil
	}
	var (
		mu     sync.Mutex
		next   = from
		errAt  = -1
		errVal error
		wg     sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if errAt >= 0 || next >= pages || ctx.Err() != nil {
			return 0, false
		}
		p := next
		next++
		return p, true
	}
	for range min(max(conc, 1), pages-from) {
		wg.Go(func() {
			for {
				p, ok := take()
				if !ok {
					return
				}
				if err := do(ctx, p); err != nil {
					mu.Lock()
					if errAt < 0 || p < errAt {
						errAt, errVal = p, err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if errVal != nil {
		return errVal
	}
	return ctx.Err()
}

// Into reads the rest of a list whose length the first page told: first
// holds page 0's items, and pages 1 … ceil(total/size)-1 are fetched with at
// most conc requests in flight and decoded on workers goroutines as they
// arrive, so that decoding overlaps the requests still in flight. Each page
// is decoded straight into its place in the one slice returned
// (dst[p*size:], allocated once), so the pages are never gathered and copied
// at the end: decode gets that place (as many items as the page should hold)
// and returns the items it decoded, normally into (the same slice). When a
// page holds another number of items (the list changed during the read),
// decode returns a slice of its own, and the result is then assembled from
// the pages in order. On the first error of either step nothing is returned
// but the error (the lowest failed page's for fetches).
func Into[T any](ctx context.Context, first []T, total, size, conc, workers int,
	fetch func(ctx context.Context, p int) ([]byte, error), decode func(p int, body []byte, into []T) ([]T, error)) ([]T, error) {
	size = max(size, 1)
	total = max(total, len(first))
	pages := max((total+size-1)/size, 1)
	dst := make([]T, total)
	place := func(p int) []T { return dst[min(p*size, total):min((p+1)*size, total)] }
	got := make([][]T, pages)
	got[0] = first
	if len(first) == len(place(0)) {
		got[0] = dst[:copy(place(0), first)]
	}
	type job struct {
		p    int
		body []byte
	}
	jobs := make(chan job, pages)
	// A page that cannot be decoded fails the read: no new request after it.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu   sync.Mutex
		derr error
		dp   = -1
		wg   sync.WaitGroup
	)
	for range max(workers, 1) {
		wg.Go(func() {
			for j := range jobs {
				decoding <- struct{}{}
				items, err := decode(j.p, j.body, place(j.p))
				<-decoding
				if err != nil {
					mu.Lock()
					if dp < 0 || j.p < dp {
						dp, derr = j.p, err
					}
					mu.Unlock()
					cancel()
					continue
				}
				got[j.p] = items
			}
		})
	}
	err := Each(ctx, 1, pages, conc, func(ctx context.Context, p int) error {
		body, err := fetch(ctx, p)
		if err == nil {
			jobs <- job{p, body}
		}
		return err
	})
	close(jobs)
	wg.Wait()
	if derr != nil { // before err: the fetches it stopped fail with Canceled
		return nil, derr
	}
	if err != nil {
		return nil, err
	}
	for p, items := range got {
		if !inPlace(items, place(p)) {
			return Concat(nil, got), nil
		}
	}
	return dst, nil
}

// decoding holds a slot per page being decoded, process-wide: at most
// GOMAXPROCS-1 at once (one on a single core), so that decoding, which
// needs no network, always leaves a processor free for the goroutines that
// send the next requests and read the answers: a read is bound by its chain
// of round trips, and a round trip that waits for a processor lengthens it.
var decoding = make(chan struct{}, max(runtime.GOMAXPROCS(0)-1, 1))

// inPlace tells whether items is exactly the slice place.
func inPlace[T any](items, place []T) bool {
	return len(items) == len(place) && (len(place) == 0 || &items[0] == &place[0])
}

// Until fetches pages from, from+1, … with at most conc requests in flight
// until a page holds fewer than size items, and returns the pages up to and
// including that one, in order, with the number of wasted requests (pages
// past the short one that were already requested). An error on a page past
// the short one is ignored; an error before it is returned.
func Until[T any](ctx context.Context, from, size, conc int, fetch Fetch[T]) (pages [][]T, wasted int, err error) {
	var (
		mu     sync.Mutex
		next   = from
		end    = -1 // index of the first short page
		errAt  = -1
		errVal error
		got    = map[int][]T{}
		issued []int
		wg     sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if (end >= 0 && next > end) || (errAt >= 0 && next > errAt) || ctx.Err() != nil {
			return 0, false
		}
		p := next
		next++
		issued = append(issued, p)
		return p, true
	}
	for range max(conc, 1) {
		wg.Go(func() {
			for {
				p, ok := take()
				if !ok {
					return
				}
				items, err := fetch(ctx, p)
				mu.Lock()
				switch {
				case err != nil:
					if errAt < 0 || p < errAt {
						errAt, errVal = p, err
					}
				default:
					got[p] = items
					if len(items) < size && (end < 0 || p < end) {
						end = p
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if errVal != nil && (end < 0 || errAt <= end) {
		return nil, 0, errVal
	}
	if end < 0 {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
	}
	for _, p := range issued {
		if p > end {
			wasted++
		}
	}
	pages = make([][]T, 0, end-from+1)
	for p := from; p <= end; p++ {
		pages = append(pages, got[p])
	}
	return pages, wasted, nil
}

// Plan returns the requests needed to read total items by pages of size
// with conc requests in flight after a first request made alone, and the
// chain: the number of round trips that cannot overlap. With known totals
// the pages are ceil(total/size) (at least one); without, the reader must
// also see the first short page, so floor(total/size)+1 pages, and up to
// conc-1 more requests are wasted (not counted here).
//
//	chain = 1 + ceil((pages-1)/conc)
func Plan(total, size, conc int, known bool) (requests, chain int) {
	size, conc = max(size, 1), max(conc, 1)
	total = max(total, 0)
	pages := total/size + 1
	if known {
		pages = max((total+size-1)/size, 1)
	}
	return pages, 1 + (pages-1+conc-1)/conc
}

// Concat joins pages into one slice.
func Concat[T any](first []T, rest [][]T) []T {
	n := len(first)
	for _, p := range rest {
		n += len(p)
	}
	out := make([]T, 0, n)
	out = append(out, first...)
	for _, p := range rest {
		out = append(out, p...)
	}
	return out
}
