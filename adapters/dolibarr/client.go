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
	URL        string
	Key        bot.Secret
	HTTPClient *http.Client // nil: a client with a 30 s timeout
	Log        zerolog.Logger
	// PageSize is the limit asked per page (default 500: the reference's
	// sensible maximum; Dolibarr itself has none).
	PageSize int
	// Now is the clock that decides Adherent.Active and StaffUser.Active
	// (default time.Now).
	Now func() time.Time
	// MaxPages and MaxItems cap one list read (0: paging.Default).
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
// http(s) and a missing key.
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
	o.Key = bot.Secret{} // the key lives in the header only
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
	_, err := call(c.r.R().SetContext(ctx).SetQueryParam("limit", "1"), resty.MethodGet, "/members", "check credentials", nil)
	if be := (*bot.Error)(nil); errors.As(err, &be) && be.Status == http.StatusNotFound && strings.Contains(be.Err.Error(), "No member found") {
		return nil
	}
	return err
}

// errorJSON is Restler's error body.
type errorJSON struct {
	Error struct {
		Message string `json:"message"`
	} `json:"error"`
}

// call sends req as method to path and decodes a successful answer into
// out (nil: not read): rest.API.Do with Restler's error body read. A 500 is
// Conflict when the message says a value already exists and Internal
// otherwise (Dolibarr's answer to a bug or a duplicate); other statuses are
// as rest.StatusKind says.
var call = rest.API{Provider: provider, Refusal: func(resp *resty.Response, kind bot.Kind) (bot.Kind, string) {
	var e errorJSON
	_ = json.Unmarshal(resp.Body(), &e) // not a Restler error: no message
	m := strings.ToLower(e.Error.Message)
	if resp.StatusCode() == http.StatusInternalServerError {
		kind = bot.Internal
		if strings.Contains(m, "alreadyexist") || strings.Contains(m, "already exist") || strings.Contains(m, "duplicate") {
			kind = bot.Conflict
		}
	}
	return kind, e.Error.Message
}}.Do

// endOfList reports whether err is the v14–v18 "no more items" 404 of a
// list (Not Found: No member found), which means an empty page.
func endOfList(err error) bool {
	var be *bot.Error
	return errors.As(err, &be) && be.Status == http.StatusNotFound && strings.HasPrefix(be.Err.Error(), "Not Found: No ")
}

func invalid(op, format string, args ...any) error {
	return bot.Errorf(bot.Invalid, provider, op, format, args...)
}
