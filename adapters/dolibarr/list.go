package dolibarr

import (
	"context"
	"fmt"
	"maps"
	"strconv"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/bot"
)

// readAll reads every item of the list endpoint path, sorted by t.rowid, with
// the client's page size and concurrency (see the package comment). A 404
// "Not Found: No … found" is an empty page. On error nothing partial is
// returned; the error names the page.
func readAll[T any](ctx context.Context, c *Client, op, path string, q map[string]string) ([]T, error) {
	size, conc := c.o.PageSize, c.o.Concurrency
	page := func(ctx context.Context, p int) (listJSON[T], error) {
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
			return listJSON[T]{}, nil
		}
		if err := check(resp, err, op); err != nil {
			return listJSON[T]{}, fmt.Errorf("page %d: %w", p, err)
		}
		var l listJSON[T]
		if err := decode(resp, &l, op); err != nil {
			return listJSON[T]{}, fmt.Errorf("page %d: %w", p, err)
		}
		return l, nil
	}
	first, err := page(ctx, 0)
	if err != nil {
		return nil, err
	}
	fetch := func(ctx context.Context, p int) ([]T, error) {
		l, err := page(ctx, p)
		return l.Items, err
	}
	var rest [][]T
	switch {
	case first.TotalKnown:
		c.mode.Store(modeTotal)
		if len(first.Items) < min(size, first.Total) {
			// The server capped the page size: reading on would skip items.
			return nil, bot.Errorf(bot.Internal, provider, op, "page 0 holds %d items for limit %d and total %d: page size capped by the server?",
				len(first.Items), size, first.Total)
		}
		pages := (first.Total + size - 1) / size
		rest, err = paging.Known(ctx, 1, pages, conc, fetch)
	default:
		c.mode.Store(modeLegacy)
		if len(first.Items) >= size {
			rest, _, err = paging.Until(ctx, 1, size, conc, fetch)
		}
	}
	if err != nil {
		return nil, err
	}
	return paging.Concat(first.Items, rest), nil
}
