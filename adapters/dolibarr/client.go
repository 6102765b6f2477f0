// Package dolibarr is the client of Dolibarr's REST API (module "API REST",
// Restler): members ("adhérents") and staff users with their groups. It
// follows reference/providers/dolibarr.md: the DOLAPIKEY header, Restler
// error bodies, numbers that arrive as strings, dates as Unix seconds, and
// both ways a list ends (v19+: 200 [] ; v14–v18: 404 "Not Found: No … found").
//
// Lists are read with the largest page size, one page after the other, with
// pagination_data=true: a server that knows it (v20+) answers the total,
// which ends the read; an older one answers a bare array, and the read ends
// at a short or empty page. paging.Read caps pages and items.
package dolibarr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

const provider = "dolibarr"

// Options configure a Client. URL and Key are required; the zero value of
// the other fields means the defaults.
type Options struct {
	// URL is the API, ending in "/api/index.php" (for example
	// https://erp.asso.fr/api/index.php), and Key the DOLAPIKEY of the
	// bot's Dolibarr user, sent in a header, never in a URL.
	URL string
	Key bot.Secret
	// HTTPClient is the caller's (nil: a client with a 30 s timeout).
	HTTPClient *http.Client
	Log        zerolog.Logger
	// PageSize is the limit asked per page (default 500: the reference's
	// sensible maximum; Dolibarr itself has none).
	PageSize int
	// Now is the clock that decides Adherent.Active and StaffUser.Active
	// (default time.Now).
	Now func() time.Time
	// MaxPages and MaxItems cap one list read (defaults 1000 pages and
	// 1 000 000 items): beyond, the read fails with an Internal error.
	MaxPages, MaxItems int
}

// Default option values.
const DefaultPageSize = 500

// Client talks to one Dolibarr. It is safe for concurrent use.
type Client struct {
	r      *resty.Client // reads, retried
	w      *resty.Client // writes and setGroup (a GET that mutates), never retried
	o      Options
	limits paging.Limits
	now    func() time.Time
}

// New returns a client for the API at o.URL. It refuses a URL that is not
// http(s) and a missing key. Reads are retried (rest.Retry), writes never are.
func New(o Options) (*Client, error) {
	if err := rest.CheckURL(o.URL); err != nil {
		return nil, fmt.Errorf("dolibarr: %w", err)
	}
	if o.Key.Empty() {
		return nil, errors.New("dolibarr: the api key is required")
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	key := o.Key.Reveal()
	o.Key = bot.Secret{} // Options() never hands the key back
	log := o.Log.With().Str("component", provider).Logger()
	ro := rest.Options{BaseURL: o.URL, HTTPClient: o.HTTPClient, Log: log}
	wo := ro
	wo.NoRetry = true
	c := &Client{r: rest.New(ro), w: rest.New(wo), o: o, now: o.Now,
		limits: paging.Limits{Pages: o.MaxPages, Items: o.MaxItems}}
	for _, r := range []*resty.Client{c.r, c.w} {
		r.SetHeader("DOLAPIKEY", key).
			SetHeader("Accept", "application/json").
			SetHeader("Content-Type", "application/json")
	}
	return c, nil
}

// Check makes the smallest authenticated read, for check-config.
// API: GET /members?limit=1 (reference §10: 200 [] or, before v19, 404
// "No member found" both mean the key is accepted)
func (c *Client) Check(ctx context.Context) error {
	resp, err := c.r.R().SetContext(ctx).SetQueryParam("limit", "1").Get("/members")
	if err == nil && resp.StatusCode() == http.StatusNotFound && strings.Contains(message(resp.Body()), "No member found") {
		return nil
	}
	return check(resp, err, "check credentials")
}

// Options returns the options in force (defaults filled in).
func (c *Client) Options() Options { return c.o }

// errorJSON is Restler's error body.
type errorJSON struct {
	Error struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"error"`
}

// message returns the provider's error message, or "" if the body is not a
// Restler error. It is cut to 300 bytes: it goes to operators' logs only.
func message(body []byte) string {
	var e errorJSON
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	m := e.Error.Message
	if len(m) > 300 {
		m = m[:300] + "…"
	}
	return m
}

// check maps a response to nil or a *bot.Error: 401/403 Denied, 404
// NotFound, 400/405/422 Invalid, 429 RateLimited, 500 Conflict when the
// message says a value already exists and Internal otherwise, other 5xx,
// timeouts and transport errors Unavailable.
func check(resp *resty.Response, err error, op string) error {
	if err != nil {
		return &bot.Error{Provider: provider, Op: op, Kind: bot.Unavailable, Err: rest.CleanError(err)}
	}
	s := resp.StatusCode()
	if s >= 200 && s < 300 {
		return nil
	}
	msg := message(resp.Body())
	if msg == "" {
		msg = http.StatusText(s)
	}
	e := &bot.Error{Provider: provider, Op: op, Status: s, Err: errors.New(msg)}
	switch {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		e.Kind = bot.Denied
	case s == http.StatusNotFound:
		e.Kind = bot.NotFound
	case s == http.StatusBadRequest || s == http.StatusMethodNotAllowed || s == http.StatusUnprocessableEntity:
		e.Kind = bot.Invalid
	case s == http.StatusConflict:
		e.Kind = bot.Conflict
	case s == http.StatusTooManyRequests:
		e.Kind = bot.RateLimited
	case s == http.StatusInternalServerError && alreadyExists(msg):
		e.Kind = bot.Conflict
	case s == http.StatusInternalServerError:
		e.Kind = bot.Internal
	case s >= 500:
		e.Kind = bot.Unavailable
	default:
		e.Kind = bot.Internal
	}
	return e
}

func alreadyExists(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "alreadyexist") || strings.Contains(m, "already exist") || strings.Contains(m, "duplicate")
}

// endOfList reports whether a list answer is the v14–v18 "no more items"
// 404 (Not Found: No member found), which means an empty page, not an error.
func endOfList(resp *resty.Response) bool {
	return resp != nil && resp.StatusCode() == http.StatusNotFound &&
		strings.HasPrefix(message(resp.Body()), "Not Found: No ")
}

// decode unmarshals a successful body into v, mapping a bad body to Internal.
func decode(resp *resty.Response, v any, op string) error {
	if err := json.Unmarshal(resp.Body(), v); err != nil {
		return &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Status: resp.StatusCode(),
			Err: fmt.Errorf("decode answer: %w", err)}
	}
	return nil
}

func invalid(op, format string, args ...any) error {
	return bot.Errorf(bot.Invalid, provider, op, format, args...)
}
