package ovh

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	goovh "github.com/ovh/go-ovh/ovh"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

const provider = "ovh"

// Options configure a Client: the endpoint, the credentials, and the
// account's choices that are not credentials.
type Options struct {
	// Endpoint is a go-ovh endpoint name ("ovh-eu") or a URL ending in /1.0
	// (a fake server's).
	Endpoint string
	// AppKey, AppSecret and ConsumerKey are the application's credentials
	// and the consumer key it was granted.
	AppKey                 string
	AppSecret, ConsumerKey bot.Secret
	// Product and ServiceName describe the service tickets are about (the
	// Dolibarr server: "vps", "vps-1a2b3c4d.vps.ovh.net"); both optional.
	Product, ServiceName string
	// PaymentMethod is the paymentMethodId bills are paid with (optional:
	// the account's default valid method).
	PaymentMethod int64
	// Now is the clock used for the twelve-month bill window (default time.Now).
	Now func() time.Time
	// HTTPClient is the caller's and is not modified (nil: a client with a
	// 30 s timeout).
	HTTPClient *http.Client
	Log        zerolog.Logger
}

// Client talks to one OVH account. Like go-github's services, its API areas
// are fields: Support (tickets) and Billing (bills and debts).
type Client struct {
	Support *Support
	Billing *Billing

	r        *resty.Client
	endpoint string
	set      Options

	mu     sync.Mutex // go-ovh's NewRequest writes its http.Client's Timeout: one signer at a time
	signer *goovh.Client
}

// Support is the support-ticket area of the API.
type Support struct{ c *Client }

// Billing is the bills and debt-account area of the API.
type Billing struct{ c *Client }

var (
	_ bot.Tickets  = (*Support)(nil)
	_ bot.Invoices = (*Billing)(nil)
)

// New returns a client of the API at o.Endpoint. It refuses an endpoint
// that is neither a go-ovh name nor an http(s) URL, and missing
// credentials. The application secret and the consumer key are revealed
// here only, to the signer.
func New(o Options) (*Client, error) {
	baseURL := o.Endpoint
	if u, ok := goovh.Endpoints[baseURL]; ok {
		baseURL = u
	}
	baseURL = strings.TrimRight(baseURL, "/")
	if err := rest.CheckURL(baseURL); err != nil {
		return nil, fmt.Errorf("ovh: endpoint: %w", err)
	}
	if o.AppKey == "" || o.AppSecret.Empty() || o.ConsumerKey.Empty() {
		return nil, errors.New("ovh: the application key, the application secret and the consumer key are required")
	}
	hc := cmp.Or(o.HTTPClient, &http.Client{Timeout: 30 * time.Second})
	if o.Now == nil {
		o.Now = time.Now
	}
	timeout := cmp.Or(hc.Timeout, 30*time.Second)
	log := o.Log.With().Str("component", provider).Logger()
	c := &Client{
		endpoint: baseURL, set: o,
		r: rest.New(rest.Options{BaseURL: baseURL, HTTPClient: hc, Log: log}),
		// A literal client, not goovh.NewClient: that one also reads
		// OVH_* variables and ovh.conf files, which must not change what
		// the configuration says.
		signer: &goovh.Client{
			AppKey: o.AppKey, AppSecret: o.AppSecret.Reveal(), ConsumerKey: o.ConsumerKey.Reveal(),
			Client:  &http.Client{Transport: hc.Transport, Timeout: timeout, Jar: hc.Jar},
			Timeout: timeout,
		},
	}
	if err := c.signer.SetEndpoint(baseURL); err != nil {
		return nil, fmt.Errorf("ovh: endpoint: %w", err)
	}
	c.Support, c.Billing = &Support{c}, &Billing{c}
	c.r.SetPreRequestHook(func(_ *resty.Client, req *http.Request) error { return c.sign(req) })
	return c, nil
}

// signedHeaders are the headers go-ovh sets that resty's request must carry.
var signedHeaders = []string{"X-Ovh-Application", "X-Ovh-Consumer", "X-Ovh-Timestamp", "X-Ovh-Signature", "User-Agent"}

// sign sets the OVH signature headers on req. The first call of a client
// asks the server's clock (GET /auth/time, through go-ovh).
func (c *Client) sign(req *http.Request) error {
	var body []byte
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err == nil {
			body, err = io.ReadAll(rc)
			rc.Close()
		}
		if err != nil {
			return bot.Errorf(bot.Internal, provider, "sign", "read body: %v", err)
		}
	}
	full := req.URL.String()
	path, ok := strings.CutPrefix(full, c.endpoint)
	if !ok {
		return bot.Errorf(bot.Internal, provider, "sign", "url %s is not under the endpoint", rest.Scrub(full))
	}
	var payload any
	if len(body) > 0 {
		payload = json.RawMessage(body)
	}
	c.mu.Lock()
	signed, err := c.signer.NewRequest(req.Method, path, payload, true)
	c.mu.Unlock()
	if err != nil {
		return c.signError(err)
	}
	got, _ := io.ReadAll(signed.Body)
	if signed.URL.String() != full || !bytes.Equal(got, body) {
		return bot.Errorf(bot.Internal, provider, "sign", "go-ovh would sign another request than the one sent")
	}
	for _, h := range signedHeaders {
		if v := signed.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	return nil
}

// signError maps a failure to learn the server's clock.
func (c *Client) signError(err error) error {
	var ae *goovh.APIError
	if errors.As(err, &ae) {
		return &bot.Error{Provider: provider, Op: "read server time", Kind: statusKind(ae.Code, ""), Status: ae.Code,
			Err: fmt.Errorf("query %s: %s", ae.QueryID, ae.Message)}
	}
	return rest.Unreachable(provider, "read server time", err)
}

// errorJSON is OVH's error body; not every error has every field.
type errorJSON struct {
	ErrorCode string `json:"errorCode"`
	Message   string `json:"message"`
}

// statusKind maps an HTTP status and OVH error code to a kind (reference
// §9): the credential codes are Denied, 460 (service suspended)
// Unavailable, then rest.StatusKind.
func statusKind(status int, code string) bot.Kind {
	switch code {
	case "INVALID_SIGNATURE", "NOT_GRANTED_CALL", "NOT_CREDENTIAL", "INVALID_CREDENTIAL", "INVALID_KEY", "FORBIDDEN":
		return bot.Denied
	}
	if status == 460 {
		return bot.Unavailable
	}
	return rest.StatusKind(status)
}

// api maps an answer to a *bot.Error with statusKind. The query ID OVH's
// support asks for goes into the operator's error text. A failure of the
// signer (its own *bot.Error) comes back named after op.
var api = rest.API{Provider: provider, Refusal: func(resp *resty.Response, _ bot.Kind) (bot.Kind, string) {
	var e errorJSON
	_ = json.Unmarshal(resp.Body(), &e) // a non-JSON body leaves e empty
	s := resp.StatusCode()
	return statusKind(s, e.ErrorCode), fmt.Sprintf("%s %s (query %s)", e.ErrorCode, cmp.Or(e.Message, http.StatusText(s)), resp.Header().Get("X-Ovh-QueryID"))
}}

// call sends one request. body, when not nil, is sent as JSON; out, when not
// nil, receives the JSON answer (an empty answer leaves it as it is).
func (c *Client) call(ctx context.Context, method, path string, body, out any, op string) error {
	req := c.r.R().SetContext(ctx).SetHeader("Accept", "application/json")
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return bot.Errorf(bot.Internal, provider, op, "encode body: %v", err)
		}
		req.SetBody(b).SetHeader("Content-Type", "application/json;charset=utf-8")
	}
	resp, err := req.Execute(method, path)
	if err := api.Check(resp, err, op); err != nil || out == nil || len(bytes.TrimSpace(resp.Body())) == 0 {
		return err
	}
	return api.Decode(op, resp.StatusCode(), resp.Body(), out)
}

// Check tests the credentials with a read-only call: GET /auth/currentCredential
// must answer with a validated consumer key.
func (c *Client) Check(ctx context.Context) error {
	var out struct {
		Status string `json:"status"`
	}
	if err := c.call(ctx, http.MethodGet, "/auth/currentCredential", nil, &out, "check credentials"); err != nil {
		return err
	}
	if out.Status != "validated" {
		return bot.Errorf(bot.Denied, provider, "check credentials", "consumer key is %q, not validated", out.Status)
	}
	return nil
}

// workers bounds the parallel reads that follow a list of ids (OVH lists
// return ids only, each object is one more call).
const workers = 4

// list reads the ids at path (OVH lists return ids only), then the object
// of each id at at(id) into a T, workers at a time. More than
// paging.Default.Pages ids is refused before any read (Internal): each id
// is one request, as a page is.
func list[I, T any](ctx context.Context, c *Client, op, path, readOp string, at func(I) string) ([]T, error) {
	var ids []I
	if err := c.call(ctx, http.MethodGet, path, nil, &ids, op); err != nil {
		return nil, err
	}
	if len(ids) > paging.Default.Pages {
		return nil, bot.Errorf(bot.Internal, provider, op, "%d ids listed, beyond the %d opsbot reads one by one", len(ids), paging.Default.Pages)
	}
	out := make([]T, len(ids))
	err := paging.Each(ctx, len(ids), workers, func(ctx context.Context, i int) error {
		return c.call(ctx, http.MethodGet, at(ids[i]), nil, &out[i], readOp)
	})
	return out, err
}
