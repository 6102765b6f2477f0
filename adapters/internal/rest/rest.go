// Package rest builds the resty client every provider adapter uses: base URL,
// the caller's *http.Client, retries of reads only (timeouts, 5xx, 429 with
// its wait header) with the one policy of Retry, a wire log that never shows
// credentials, and URL scrubbing for error strings. It also holds the pieces
// of error mapping every adapter shares (Unreachable, StatusKind) and API,
// the one request helper: each adapter's Refusal reads its provider's error
// body. Metrics wrap the *http.Client's transport (adapters/ops).
package rest

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
)

// Policy is how reads are retried: Retries more attempts after the first,
// waiting MinWait, then twice as long each time up to MaxWait; a 429 waits
// what the server asks (Retry-After or a provider header) up to 4×MaxWait.
type Policy struct {
	Retries          int
	MinWait, MaxWait time.Duration
}

// Retry is the policy of every provider client, read when a client is made.
// It is the one place the retries are set: the adapters' tests shorten it
// once in TestMain (rest.Retry = rest.Policy{…}); nothing else writes it.
var Retry = Policy{Retries: 3, MinWait: 100 * time.Millisecond, MaxWait: 5 * time.Second}

// Options configure the resty client of one provider.
type Options struct {
	// BaseURL is where the API lives; every request path is relative to it.
	BaseURL    string
	HTTPClient *http.Client // nil: a client with a 30 s timeout
	// Log receives one debug line per request (method, scrubbed URL, status, duration).
	Log zerolog.Logger
	// WaitHeaders are response headers giving the seconds to wait after a
	// 429, read in order after Retry-After (Brevo: x-sib-ratelimit-reset).
	WaitHeaders []string
	// NoRetry turns retries off, for a client that sends writes only.
	NoRetry bool
}

// secretParams are query parameters whose values never reach a log or an error.
// search carries e-mail addresses (WordPress looks accounts up by search=EMAIL).
var secretParams = []string{"api_key", "apikey", "dolapikey", "token", "password", "key", "access_token", "search"}

// New returns a resty client on o.BaseURL. Reads (GET, HEAD) are retried
// with the backoff of Retry on transport errors, 5xx and 429; writes never are.
func New(o Options) *resty.Client {
	hc := cmp.Or(o.HTTPClient, &http.Client{Timeout: 30 * time.Second})
	p := Retry
	if o.NoRetry {
		p.Retries = 0
	}
	c := resty.NewWithClient(hc).
		SetBaseURL(strings.TrimRight(o.BaseURL, "/")).
		SetRetryCount(p.Retries).
		SetRetryWaitTime(p.MinWait).
		SetRetryMaxWaitTime(4 * p.MaxWait). // resty cuts every wait to it: the 429 cap; backoff stops at MaxWait
		SetDisableWarn(true).
		SetLogger(quiet{}).
		AddRetryCondition(Retryable)
	c.SetRetryAfter(func(_ *resty.Client, r *resty.Response) (time.Duration, error) {
		if d, ok := WaitFor(r.Header(), o.WaitHeaders); ok && r.StatusCode() == http.StatusTooManyRequests {
			return min(d, p.MaxWait*4), nil
		}
		return backoff(r.Request.Attempt, p.MinWait, p.MaxWait), nil
	})
	c.OnAfterResponse(func(_ *resty.Client, r *resty.Response) error {
		o.Log.Debug().Str("method", r.Request.Method).Str("url", Scrub(r.Request.URL)).
			Int("status", r.StatusCode()).Dur("duration", r.Time()).Int("attempt", r.Request.Attempt).Msg("http")
		return nil
	})
	c.OnError(func(r *resty.Request, err error) {
		o.Log.Debug().Str("method", r.Method).Str("url", Scrub(r.URL)).Str("error", ScrubError(err)).Msg("http error")
	})
	return c
}

// quiet drops resty's own log lines. resty prints a failed request's error
// to stderr with its URL unscrubbed (query credentials included); the hooks
// of New already log every request and error with the URL scrubbed.
type quiet struct{}

func (quiet) Errorf(string, ...any) {}
func (quiet) Warnf(string, ...any)  {}
func (quiet) Debugf(string, ...any) {}

// Retryable reports whether a read should be tried again: a transport error
// other than the caller's cancellation, a 5xx, or a 429. Writes never are.
func Retryable(r *resty.Response, err error) bool {
	if r == nil || r.Request == nil {
		return false
	}
	switch r.Request.Method {
	case http.MethodGet, http.MethodHead:
	default:
		return false
	}
	if ctx := r.Request.Context(); ctx != nil && ctx.Err() != nil {
		return false
	}
	if err != nil {
		var ne net.Error
		return errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "connection")
	}
	s := r.StatusCode()
	return s == http.StatusTooManyRequests || s >= 500
}

func backoff(attempt int, lo, hi time.Duration) time.Duration {
	d := time.Duration(float64(lo) * math.Pow(2, float64(max(attempt-1, 0))))
	if d > hi || d <= 0 {
		d = hi
	}
	return d
}

// WaitFor reads how long the server asked us to wait: Retry-After (seconds or
// an HTTP date), then each of extra as a number of seconds. It refuses
// negative, absurd (over a day) and malformed values.
func WaitFor(h http.Header, extra []string) (time.Duration, bool) {
	for _, name := range append([]string{"Retry-After"}, extra...) {
		if d, ok := ParseRetryAfter(h.Get(name), time.Now()); ok {
			return d, true
		}
	}
	return 0, false
}

// ParseRetryAfter parses a Retry-After value: delay-seconds (a decimal
// fraction is accepted, some providers send one) or an HTTP date, relative to
// now. It returns false for anything else and caps nothing but a day.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if math.IsNaN(f) || f < 0 || f > 86400 || strings.ContainsAny(v, "eEnNxX") {
			return 0, false
		}
		return time.Duration(f * float64(time.Second)), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := max(t.Sub(now), 0)
	if d > 24*time.Hour {
		return 0, false
	}
	return d, true
}

// Scrub returns raw with the values of credential-like query parameters
// replaced by REDACTED and any user info removed (go-github's sanitizeURL).
func Scrub(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable url]"
	}
	u.User = nil
	q := u.Query()
	changed := false
	for k := range q {
		if slices.ContainsFunc(secretParams, func(s string) bool { return strings.EqualFold(k, s) }) {
			q.Set(k, "REDACTED")
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// ScrubError returns err's text with every URL in it scrubbed. *url.Error
// carries the request URL; other errors are returned as they are.
func ScrubError(err error) string {
	if err == nil {
		return ""
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + " " + Scrub(ue.URL) + ": " + ue.Err.Error()
	}
	return err.Error()
}

// CleanError replaces a *url.Error in err by one whose URL is scrubbed, so
// the error can be wrapped and logged safely.
func CleanError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: Scrub(ue.URL), Err: ue.Err}
	}
	return err
}

// CheckURL refuses a base URL that a client cannot use: not absolute http
// or https, without a host, or with user info (credentials go in headers,
// never in a URL). The error shows the URL scrubbed.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("url %q: want http(s)://host[:port][/path] without credentials", Scrub(raw))
	}
	return nil
}

// Unreachable is the error of a request that got no answer (timeout,
// refused or dropped connection): Unavailable, the URL in err scrubbed.
func Unreachable(provider, op string, err error) *bot.Error {
	return &bot.Error{Provider: provider, Op: op, Kind: bot.Unavailable, Err: CleanError(err)}
}

// StatusKind is what an HTTP status means when the answer's body says
// nothing more, for providers and chat platforms alike: 401/403 Denied,
// 404/410 NotFound, 409/412/423 Conflict (the thing is not in the state the
// request expects), 429 RateLimited, 408 and 5xx Unavailable, any other 4xx
// Invalid (the request is at fault: 400, 413 too large, 422…), and a status
// that is no error (1xx, 3xx) Internal.
func StatusKind(s int) bot.Kind {
	switch s {
	case http.StatusUnauthorized, http.StatusForbidden:
		return bot.Denied
	case http.StatusNotFound, http.StatusGone:
		return bot.NotFound
	case http.StatusConflict, http.StatusPreconditionFailed, http.StatusLocked:
		return bot.Conflict
	case http.StatusTooManyRequests:
		return bot.RateLimited
	case http.StatusRequestTimeout:
		return bot.Unavailable
	}
	switch {
	case s >= 500:
		return bot.Unavailable
	case s >= 400:
		return bot.Invalid
	}
	return bot.Internal
}

// API is one provider's request helper and error mapping: every adapter
// sends through Do (or Check) and reads its provider's error body in Refusal.
type API struct {
	Provider string
	// Refusal, when set, reads an answer that is not 2xx: it gets the kind
	// StatusKind gives and returns the kind and the text for operators
	// ("": the status text). The text is cut to 300 bytes, on a character's
	// boundary: it goes to operators' logs only, never to people.
	Refusal func(resp *resty.Response, kind bot.Kind) (bot.Kind, string)
}

// Check maps an answer to nil (2xx) or a *bot.Error: Unreachable when there
// is none, the hook's own *bot.Error (a request signer's) with op before its
// op, else the refusal.
func (a API) Check(resp *resty.Response, err error, op string) error {
	if be := (*bot.Error)(nil); errors.As(err, &be) {
		e := *be // the hook's, which may be shared: not rewritten in place
		e.Op = op + ": " + e.Op
		return &e
	}
	if err != nil {
		return Unreachable(a.Provider, op, err)
	}
	s := resp.StatusCode()
	if s >= 200 && s < 300 {
		return nil
	}
	kind, msg := StatusKind(s), ""
	if a.Refusal != nil {
		kind, msg = a.Refusal(resp, kind)
	}
	if len(msg) > 300 {
		msg = strings.ToValidUTF8(msg[:300], "") + "…" // not a character cut in two
	}
	return &bot.Error{Provider: a.Provider, Op: op, Kind: kind, Status: s, Err: errors.New(cmp.Or(msg, http.StatusText(s)))}
}

// Do sends req as method to path, checks the answer and decodes a
// successful body into out (nil: not read). Reads only are retried
// (Retryable), so writes share the client.
func (a API) Do(req *resty.Request, method, path, op string, out any) (*resty.Response, error) {
	resp, err := req.Execute(method, path)
	if err := a.Check(resp, err, op); err != nil {
		return nil, err
	}
	if out == nil {
		return resp, nil
	}
	return resp, a.Decode(op, resp.StatusCode(), resp.Body(), out)
}

// Decode unmarshals data (a successful answer's body, or the data of its
// envelope) into v; what does not decode is an Internal error of op.
func (a API) Decode(op string, status int, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return &bot.Error{Provider: a.Provider, Op: op, Kind: bot.Internal, Status: status, Err: fmt.Errorf("decode answer: %w", err)}
	}
	return nil
}
