package dolibarr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"

	"github.com/go-resty/resty/v2"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/bot"
)

// readAll reads every item of the list endpoint path, sorted by t.rowid (see
// the package comment). A 404 "Not Found: No … found" is an empty page. On
// error nothing partial is returned; the error names the page.
func readAll[T any](ctx context.Context, c *Client, op, path string, q map[string]string) ([]T, error) {
	return readAllAs(ctx, c, op, path, q, func(t T) (T, error) { return t, nil })
}

// readAllAs is readAll with each item converted by conv as its page arrives.
func readAllAs[J, T any](ctx context.Context, c *Client, op, path string, q map[string]string, conv func(J) (T, error)) ([]T, error) {
	size := c.o.PageSize
	return paging.Read(ctx, provider, op, c.limits, func(ctx context.Context, p int) (paging.Page[T], error) {
		var pg paging.Page[T]
		params := map[string]string{
			"sortfield":       "t.rowid",
			"sortorder":       "ASC",
			"limit":           strconv.Itoa(size),
			"page":            strconv.Itoa(p),
			"pagination_data": "true",
		}
		maps.Copy(params, q)
		var l listJSON[J]
		resp, err := call(c.r.R().SetContext(ctx).SetQueryParams(params), resty.MethodGet, path, op, &l)
		if endOfList(err) {
			pg.Last = true
			return pg, nil
		}
		if err != nil {
			return pg, fmt.Errorf("page %d: %w", p, err)
		}
		if p == 0 && l.TotalKnown && len(l.Items) < min(size, l.Total) {
			// The server capped the page size: reading on would skip items.
			return pg, bot.Errorf(bot.Internal, provider, op, "page 0 holds %d items for limit %d and total %d: page size capped by the server?",
				len(l.Items), size, l.Total)
		}
		pg.Items = make([]T, len(l.Items))
		for i, j := range l.Items {
			if pg.Items[i], err = conv(j); err != nil {
				return pg, fmt.Errorf("page %d: %w", p, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: err})
			}
		}
		bot.PageRead(ctx, len(pg.Items)) // so that a sweep that fails can say how far it got
		pg.Body, pg.Total = resp.Body(), l.Total
		// v20+ tells the total; an older server ends with a short page.
		pg.Last = len(l.Items) < size || l.TotalKnown && (p+1)*size >= l.Total
		return pg, nil
	})
}

// listJSON is a list answer in either shape: a bare array, or, with
// pagination_data=true on v20+, {"data":[…],"pagination":{"total":…}}.
type listJSON[T any] struct {
	Items      []T
	Total      int
	TotalKnown bool
}

// UnmarshalJSON reads a list answer of either shape.
func (l *listJSON[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var o struct {
			Data       []T `json:"data"`
			Pagination *struct {
				Total str `json:"total"`
			} `json:"pagination"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		l.Items = o.Data
		if o.Pagination != nil {
			n, err := strconv.Atoi(string(o.Pagination.Total))
			if err != nil || n < 0 {
				return fmt.Errorf("pagination total %.20q", o.Pagination.Total)
			}
			l.Total, l.TotalKnown = n, true
		}
		return nil
	}
	return json.Unmarshal(b, &l.Items)
}
