package bot

import (
	"context"
	"sync/atomic"
)

// Progress counts the pages and records a long list read has received so
// far, so that when the read fails part-way its caller can say how far it got
// ("Brevo: 37 pages, 18 500 contacts read, then HTTP 503"). The caller
// attaches one with WithProgress; a provider's list reader calls PageRead
// after each page it has decoded. Like net/http/httptrace, it travels in the
// context because it observes one call and changes nothing of what the call
// does; without one, PageRead does nothing. Safe for concurrent use (pages
// are read in parallel).
type Progress struct {
	pages, records atomic.Int64
}

type progressKey struct{}

// WithProgress returns a context whose list reads report into p.
func WithProgress(ctx context.Context, p *Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// PageRead records that one page of records items was read, in the Progress
// of ctx if any.
func PageRead(ctx context.Context, records int) {
	if p, ok := ctx.Value(progressKey{}).(*Progress); ok && p != nil {
		p.pages.Add(1)
		p.records.Add(int64(records))
	}
}

// Pages returns the number of pages read so far.
func (p *Progress) Pages() int { return int(p.pages.Load()) }

// Records returns the number of records in the pages read so far.
func (p *Progress) Records() int { return int(p.records.Load()) }
