package brevo

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

const provider = "brevo"

// Page and batch maxima of the API (reference §7, §5.7).
const (
	MaxContactsPage     = 1000 // GET /contacts
	MaxListContactsPage = 500  // GET /contacts/lists/{id}/contacts
	MaxListsPage        = 50   // GET /contacts/lists
	MaxBatch            = 150  // POST /contacts/lists/{id}/contacts/add and /remove
)

// DefaultRatePerSecond is Brevo's general tier on /v3/contacts.
const DefaultRatePerSecond = 10

// Options configure a Client. URL and Key are required; the zero value of
// the other fields means the defaults.
type Options struct {
	// URL is the API (https://api.brevo.com/v3 in production) and Key the
	// account's API key, sent in the api-key header.
	URL        string
	Key        bot.Secret
	HTTPClient *http.Client // nil: a client with a 30 s timeout
	Log        zerolog.Logger
	// PageSize is the limit asked per page of contacts (default and maximum 1000).
	PageSize int
	// RatePerSecond paces every request of the client (default 10, Brevo's
	// general tier for contacts; negative for no pacing, as against a fake).
	RatePerSecond float64
	// FirstNameAttribute and LastNameAttribute are the account's contact
	// attributes holding the names (default PRENOM and NOM, as French
	// accounts have; FIRSTNAME and LASTNAME are read when those are absent).
	FirstNameAttribute, LastNameAttribute string
	// MaxPages and MaxItems cap one list read (0: paging.Default).
	MaxPages, MaxItems int
}

// Client talks to Brevo. It is safe for concurrent use.
type Client struct {
	r      *resty.Client
	o      Options
	limits paging.Limits
	pace   *pacer
	first  []string // attribute names tried for the first name, in order (the configured one may come twice)
	last   []string
}

// New returns a client for the API at o.URL. It refuses a URL that is not
// http(s) and a missing key. A 429 on a read waits x-sib-ratelimit-reset.
func New(o Options) (*Client, error) {
	if err := rest.CheckURL(o.URL); err != nil {
		return nil, fmt.Errorf("brevo: %w", err)
	}
	if o.Key.Empty() {
		return nil, errors.New("brevo: the api key is required")
	}
	if o.PageSize <= 0 || o.PageSize > MaxContactsPage {
		o.PageSize = MaxContactsPage
	}
	o.RatePerSecond = cmp.Or(o.RatePerSecond, DefaultRatePerSecond)
	o.FirstNameAttribute = cmp.Or(o.FirstNameAttribute, "PRENOM")
	o.LastNameAttribute = cmp.Or(o.LastNameAttribute, "NOM")
	key := o.Key.Reveal()
	o.Key = bot.Secret{} // the key lives in the header only
	log := o.Log.With().Str("component", provider).Logger()
	c := &Client{o: o, pace: newPacer(o.RatePerSecond), limits: paging.Limits{Pages: o.MaxPages, Items: o.MaxItems},
		first: []string{o.FirstNameAttribute, "PRENOM", "FIRSTNAME"}, last: []string{o.LastNameAttribute, "NOM", "LASTNAME"}}
	c.r = rest.New(rest.Options{BaseURL: o.URL, HTTPClient: o.HTTPClient, Log: log, WaitHeaders: []string{"x-sib-ratelimit-reset"}}).
		SetHeader("api-key", key).
		SetHeader("Accept", "application/json").
		SetHeader("Content-Type", "application/json")
	c.r.OnBeforeRequest(func(_ *resty.Client, req *resty.Request) error {
		return c.pace.wait(req.Context(), req.Method != resty.MethodGet)
	})
	c.r.OnAfterResponse(func(_ *resty.Client, r *resty.Response) error {
		if d, ok := rest.WaitFor(r.Header(), []string{"x-sib-ratelimit-reset"}); ok && r.Header().Get("x-sib-ratelimit-remaining") == "0" {
			c.pace.hold(d)
		}
		return nil
	})
	return c, nil
}

// Check makes the smallest authenticated read, for check-config.
// API: GET /contacts/lists?limit=1 (reference §8: the contacts bucket, not
// /account's 100 requests an hour)
func (c *Client) Check(ctx context.Context) error {
	_, err := api.Do(c.r.R().SetContext(ctx).SetQueryParam("limit", "1"), resty.MethodGet, "/contacts/lists", "check credentials", nil)
	return err
}

// pacer spaces requests at least 1/rate apart, all callers together, and
// holds writes while the account's bucket is empty: Brevo's bucket is shared
// by every key of the account, and a write is never retried after a 429.
type pacer struct {
	mu    sync.Mutex
	every time.Duration
	next  time.Time
	until time.Time // writes wait for it (x-sib-ratelimit-remaining 0)
}

func newPacer(rate float64) *pacer {
	if rate <= 0 {
		return &pacer{}
	}
	return &pacer{every: time.Duration(float64(time.Second) / rate)}
}

// hold makes writes wait d, a little more so that the window has turned.
func (p *pacer) hold(d time.Duration) {
	p.mu.Lock()
	p.until = time.Now().Add(d + 20*time.Millisecond)
	p.mu.Unlock()
}

// wait blocks until the caller's slot or the context's end.
func (p *pacer) wait(ctx context.Context, write bool) error {
	p.mu.Lock()
	now := time.Now()
	slot := p.next
	if slot.Before(now) {
		slot = now
	}
	p.next = slot.Add(p.every)
	if write && p.until.After(slot) {
		slot = p.until
	}
	p.mu.Unlock()
	d := slot.Sub(now)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// errorJSON is Brevo's error body.
type errorJSON struct {
	Code     string `json:"code"`
	Message  string `json:"message"`
	Metadata struct {
		DuplicateIdentifiers []string `json:"duplicate_identifiers"`
	} `json:"metadata"`
}

// api maps Brevo's answers (reference §8): 400 with duplicate_identifiers
// or code duplicate_parameter is Conflict, 402 (no credits) Unavailable,
// other statuses as rest.StatusKind says; the text is "code: message".
var api = rest.API{Provider: provider, Refusal: func(resp *resty.Response, kind bot.Kind) (bot.Kind, string) {
	var e errorJSON
	if json.Unmarshal(resp.Body(), &e) != nil || e.Code == "" && e.Message == "" {
		return kind, ""
	}
	switch {
	case resp.StatusCode() == http.StatusBadRequest && (len(e.Metadata.DuplicateIdentifiers) > 0 || e.Code == "duplicate_parameter"):
		kind = bot.Conflict
	case resp.StatusCode() == http.StatusPaymentRequired:
		kind = bot.Unavailable
	}
	return kind, e.Code + ": " + e.Message
}}
