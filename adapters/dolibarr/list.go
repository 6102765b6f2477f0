package dolibarr

import (
	"context"
	"fmt"
	"maps"
	"runtime"
	"strconv"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/bot"
)

// readAll reads every item of the list endpoint path, sorted by t.rowid, with
// the client's page size and concurrency (see the package comment). A 404
// "Not Found: No … found" is an empty page. With a known total, pages are
// decoded while the next ones are in flight. On error nothing partial is
// returned; the error names the page.
func readAll[T any](ctx context.Context, c *Client, op, path string, q map[string]string) ([]T, error) {
	return readAllAs(ctx, c, op, path, q, func(t T) (T, error) { return t, nil })
}

// readAllAs is readAll with each item converted by conv on the pipeline's
// workers, so that conversion too overlaps the requests in flight.
func readAllAs[J, T any](ctx context.Context, c *Client, op, path string, q map[string]string, conv func(J) (T, error)) ([]T, error) {
	size, conc := c.o.PageSize, c.o.Concurrency
	raw := func(ctx context.Context, p int) ([]byte, error) {
		params := map[string]string{
			"sortfield":       "t.rowid",
			"sortorder":       "ASC",
			"limit":           strconv.Itoa(size),
			"page":            strconv.Itoa(p),
			"pagination_data": "true",
		}
		maps.Copy(params, q)
		resp, err := c.r.R().SetContext(ctx).SetQueryParams(params).Get(path)
		if err == nil && endOfList(resp) {
			return []byte("[]"), nil
		}
		if err := check(resp, err, op); err != nil {
			return nil, fmt.Errorf("page %d: %w", p, err)
		}
		return resp.Body(), nil
	}
	// decode decodes page p into into when it holds len(into) items (a
	// new slice otherwise, or with into nil).
	decode := func(p int, body []byte, into []T) (listJSON[J], []T, error) {
		l, err := decodeList[J](body, max(len(into), size))
		if err != nil {
			return l, nil, fmt.Errorf("page %d: %w", p, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal,
				Err: fmt.Errorf("decode answer: %w", err)})
		}
		out := into
		if len(l.Items) != len(into) {
			out = make([]T, len(l.Items))
		}
		for i, j := range l.Items {
			if out[i], err = conv(j); err != nil {
				return l, nil, fmt.Errorf("page %d: %w", p, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: err})
			}
		}
		bot.PageRead(ctx, len(out)) // so that a sweep that fails can say how far it got
		return l, out, nil
	}
	page := func(ctx context.Context, p int) ([]T, error) {
		body, err := raw(ctx, p)
		if err != nil {
			return nil, err
		}
		_, out, err := decode(p, body, nil)
		return out, err
	}
	body, err := raw(ctx, 0)
	if err != nil {
		return nil, err
	}
	first, firstOut, err := decode(0, body, nil)
	if err != nil {
		return nil, err
	}
	if !first.TotalKnown {
		c.mode.Store(modeLegacy)
		if len(first.Items) < size {
			return firstOut, nil
		}
		rest, _, err := paging.Until(ctx, 1, size, conc, page)
		if err != nil {
			return nil, err
		}
		return paging.Concat(firstOut, rest), nil
	}
	c.mode.Store(modeTotal)
	if len(first.Items) < min(size, first.Total) {
		// The server capped the page size: reading on would skip items.
		return nil, bot.Errorf(bot.Internal, provider, op, "page 0 holds %d items for limit %d and total %d: page size capped by the server?",
			len(first.Items), size, first.Total)
	}
	if first.Total > maxItems {
		return nil, bot.Errorf(bot.Internal, provider, op, "the list says it holds %d items, beyond the %d opsbot reads", first.Total, maxItems)
	}
	return paging.Into(ctx, firstOut, first.Total, size, conc, runtime.GOMAXPROCS(0), raw, func(p int, body []byte, into []T) ([]T, error) {
		_, out, err := decode(p, body, into)
		return out, err
	})
}

// maxItems bounds the length a server may announce for a list (the reader
// allocates it at once): far beyond any association, short of a bogus total
// exhausting the memory.
const maxItems = 5_000_000
