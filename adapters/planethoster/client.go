package planethoster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

const provider = "planethoster"

// ClientArea is where people open and follow tickets.
const ClientArea = "https://my.planethoster.com"

// Client talks to one PlanetHoster account.
type Client struct {
	r *resty.Client
}

var _ bot.HostingInfo = (*Client)(nil)

// Options configure a Client.
type Options struct {
	// URL is the API (https://api.planethoster.net).
	URL string
	// User and Key are the API user and key of the client area's API section.
	User       string
	Key        bot.Secret
	HTTPClient *http.Client // nil: a client with a 30 s timeout
	Log        zerolog.Logger
}

// New returns a client of the API at o.URL. It refuses a URL that is not
// http(s) and missing credentials. The key is revealed here only, into the
// X-API-KEY header.
func New(o Options) (*Client, error) {
	if err := rest.CheckURL(o.URL); err != nil {
		return nil, fmt.Errorf("planethoster: %w", err)
	}
	if o.User == "" || o.Key.Empty() {
		return nil, errors.New("planethoster: the api user and key are required")
	}
	log := o.Log.With().Str("component", provider).Logger()
	r := rest.New(rest.Options{BaseURL: o.URL, HTTPClient: o.HTTPClient, Log: log}).
		SetHeader("X-API-USER", o.User).
		SetHeader("X-API-KEY", o.Key.Reveal()).
		SetHeader("Accept", "application/json").
		SetAllowGetMethodPayload(true) // N0C list endpoints take a JSON body on GET
	return &Client{r: r}, nil
}

// errorJSON is the reseller/World error body; n0cJSON the N0C envelope.
type errorJSON struct {
	Error string `json:"error"`
}

type n0cJSON struct {
	Success bool            `json:"success"`
	Data    json.RawMessage `json:"data"`
	Errors  []string        `json:"errors"`
}

// api maps an answer to a *bot.Error (reference §9): rest.StatusKind, with
// the body's error text.
var api = rest.API{Provider: provider, Refusal: func(resp *resty.Response, kind bot.Kind) (bot.Kind, string) {
	var e errorJSON
	_ = json.Unmarshal(resp.Body(), &e)
	return kind, e.Error
}}

// get reads a flat (reseller/World) answer into out.
func (c *Client) get(ctx context.Context, path string, q url.Values, out any, op string) error {
	_, err := api.Do(c.r.R().SetContext(ctx).SetQueryParamsFromValues(q), resty.MethodGet, path, op, out)
	return err
}

// n0c reads an N0C answer: the parameters go both in the query and as the
// JSON body of the GET (reference §1), and success:false is an error.
func (c *Client) n0c(ctx context.Context, path string, params map[string]any, out any, op string) error {
	q := url.Values{}
	for k, v := range params {
		q.Set(k, fmt.Sprint(v))
	}
	var env n0cJSON
	resp, err := api.Do(c.r.R().SetContext(ctx).SetQueryParamsFromValues(q).SetBody(params), resty.MethodGet, path, op, &env)
	if err != nil {
		return err
	}
	if !env.Success {
		return &bot.Error{Provider: provider, Op: op, Kind: bot.Invalid, Status: resp.StatusCode(), Err: fmt.Errorf("%s", strings.Join(env.Errors, "; "))}
	}
	return api.Decode(op, resp.StatusCode(), env.Data, out)
}

// Check tests the credentials and the IP whitelist.
// API: GET /reseller-api/test-connection
func (c *Client) Check(ctx context.Context) error {
	var out struct {
		OK bool `json:"successful_connection"`
	}
	if err := c.get(ctx, "/reseller-api/test-connection", nil, &out, "test connection"); err != nil {
		return err
	}
	if !out.OK {
		return bot.Errorf(bot.Denied, provider, "test connection", "connection not successful")
	}
	return nil
}

// flexNumber decodes a number that may come as a JSON string (field types
// were lost in PlanetHoster's published spec).
type flexNumber float64

func (f *flexNumber) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("not a number: %s", b)
	}
	*f = flexNumber(v)
	return nil
}

type accountJSON struct {
	CreditRemaining flexNumber `json:"credit_remaining"`
	CreditCurrency  string     `json:"credit_currency"`
	ActiveOrders    flexNumber `json:"num_active_orders"`
	ActiveDomains   flexNumber `json:"num_active_domains"`
}

type worldJSON struct {
	Accounts []struct {
		ID       flexNumber `json:"id"`
		Domain   string     `json:"domain"`
		Hostname string     `json:"hostname"`
		IP       string     `json:"ip"`
		Status   string     `json:"status"`
	} `json:"world_accounts"`
}

type diskJSON struct {
	Total flexNumber `json:"total"` // MB (unit unconfirmed)
}

// Account returns the account's credit and its hosting accounts with their
// disk use.
// API: GET /reseller-api/account-info, GET /world-api/get-accounts, GET /n0c-api/stats/disk-usage
func (c *Client) Account(ctx context.Context) (bot.HostingAccount, error) {
	var a accountJSON
	if err := c.get(ctx, "/reseller-api/account-info", nil, &a, "account info"); err != nil {
		return bot.HostingAccount{}, err
	}
	var w worldJSON
	if err := c.get(ctx, "/world-api/get-accounts", nil, &w, "list hosting accounts"); err != nil {
		return bot.HostingAccount{}, err
	}
	out := bot.HostingAccount{Provider: provider, Credit: bot.Money{Cents: int64(math.Round(float64(a.CreditRemaining) * 100)), Currency: a.CreditCurrency},
		ActiveOrders: int(a.ActiveOrders), ActiveDomains: int(a.ActiveDomains)}
	for _, h := range w.Accounts {
		id := strconv.FormatInt(int64(h.ID), 10)
		var d diskJSON
		if err := c.n0c(ctx, "/n0c-api/stats/disk-usage", map[string]any{"id": int64(h.ID)}, &d, "disk usage"); err != nil {
			return bot.HostingAccount{}, err
		}
		out.Hostings = append(out.Hostings, bot.Hosting{ID: id, Domain: h.Domain, Server: h.Hostname, IP: h.IP, State: h.Status, DiskMB: float64(d.Total)})
	}
	return out, nil
}

// Domain returns the registration of domain at PlanetHoster as registrar.
// API: GET /reseller-api/domain-info?sld=…&tld=…
func (c *Client) Domain(ctx context.Context, domain string) (bot.DomainStatus, error) {
	sld, tld, ok := strings.Cut(domain, ".")
	if !ok || sld == "" || tld == "" {
		return bot.DomainStatus{}, bot.Errorf(bot.Invalid, provider, "domain info", "%q has no top-level domain", domain)
	}
	var out struct {
		Expiry string `json:"expiry_date"`
		Status string `json:"registration_status"`
	}
	if err := c.get(ctx, "/reseller-api/domain-info", url.Values{"sld": {sld}, "tld": {tld}}, &out, "domain info"); err != nil {
		return bot.DomainStatus{}, err
	}
	exp, err := time.Parse("2006-01-02", out.Expiry)
	if err != nil {
		return bot.DomainStatus{}, bot.Errorf(bot.Internal, provider, "domain info", "expiry date %q: %v", out.Expiry, err)
	}
	return bot.DomainStatus{Domain: domain, Expires: exp, Status: out.Status}, nil
}
