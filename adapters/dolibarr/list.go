package dolibarr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"

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
		resp, err := c.r.R().SetContext(ctx).SetQueryParams(params).Get(path)
		if err == nil && endOfList(resp) {
			pg.Body, pg.Last = resp.Body(), true
			return pg, nil
		}
		if err := check(resp, err, op); err != nil {
			return pg, fmt.Errorf("page %d: %w", p, err)
		}
		l, err := decodeList[J](resp.Body())
		if err != nil {
			return pg, fmt.Errorf("page %d: %w", p, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal,
				Err: fmt.Errorf("decode answer: %w", err)})
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

// decodeList reads a list answer of either shape.
func decodeList[T any](b []byte) (listJSON[T], error) {
	var l listJSON[T]
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var o struct {
			Data       []T `json:"data"`
			Pagination *struct {
				Total str `json:"total"`
			} `json:"pagination"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return l, err
		}
		l.Items = o.Data
		if o.Pagination != nil {
			n, err := strconv.Atoi(string(o.Pagination.Total))
			if err != nil || n < 0 {
				return l, fmt.Errorf("pagination total %.20q", o.Pagination.Total)
			}
			l.Total, l.TotalKnown = n, true
		}
		return l, nil
	}
	err := json.Unmarshal(b, &l.Items)
	return l, err
}
