// Package cpanel is the client of the cPanel UAPI of the association's mail
// server: mailboxes, their quota and login suspension, forwarders and
// distribution lists, and the account's disk quota.
//
// Every function lives at /execute/MODULE/FUNCTION and answers a flat JSON
// envelope {"status":1|0,"data":…,"errors":[…]} with HTTP 200 even when the
// function fails, so the error mapping (check) reads the envelope, not only
// the status code. Reads are GET with query parameters and are retried by
// the shared rest client (timeouts, 5xx, 429); writes are form-encoded POST,
// which keeps passwords out of URLs and access logs and is never retried.
//
// Sources: the UAPI OpenAPI description 11.125 and api.docs.cpanel.net (one
// page per function, linked on each method); cPanel's Perl sources for the
// error texts matched in explain (Cpanel/Exception/FeatureNotEnabled.pm,
// Cpanel/Exception/System/RequiredRoleDisabled.pm), for DiskUsage
// (Cpanel/DiskUsage.pm: UAPI has no directory usage) and for AutoSSL
// (Cpanel/Admin/Modules/Cpanel/ssl_call.pm). list_pops names the
// main account in login and list_pops_with_disk in email, both "Main
// Account" (reference notes, confirmed 2026-12). A refused token is HTTP
// 401/403 with a body that is not an envelope (a login page, or API 2's
// {"cpanelresult":{"error":"Access denied"}} as users report it).
package cpanel

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

const provider = "cpanel"

// Client talks to one cPanel account. It is safe for concurrent use.
type Client struct {
	r *resty.Client
}

var (
	_ bot.Mail         = (*Client)(nil)
	_ bot.AccountQuota = (*Client)(nil)
)

// Options configure a Client.
type Options struct {
	// URL is the account's cPanel ("https://mail.example.org:2083"; a
	// trailing "/execute" is accepted).
	URL string
	// User is the cPanel account name and Token its API token.
	User       string
	Token      bot.Secret
	HTTPClient *http.Client // nil: a client with a 30 s timeout
	Log        zerolog.Logger
}

// New returns a client of the cPanel account o.User at o.URL. It refuses a
// URL that is not http(s), or a missing user or token. The API token is
// revealed here only, into the Authorization header.
func New(o Options) (*Client, error) {
	base := strings.TrimSuffix(strings.TrimRight(o.URL, "/"), "/execute")
	if err := rest.CheckURL(base); err != nil {
		return nil, fmt.Errorf("cpanel: %w", err)
	}
	if o.User == "" || o.Token.Empty() {
		return nil, errors.New("cpanel: the user and the api token are required")
	}
	log := o.Log.With().Str("component", provider).Logger()
	r := rest.New(rest.Options{BaseURL: base, HTTPClient: o.HTTPClient, Log: log})
	r.SetHeader("Authorization", "cpanel "+o.User+":"+o.Token.Reveal())
	r.SetHeader("Accept", "application/json")
	return &Client{r: r}, nil
}

// envelopeJSON is the flat UAPI answer of /execute (reference §2).
type envelopeJSON struct {
	Status flexNum         `json:"status"`
	Data   json.RawMessage `json:"data"`
	Errors json.RawMessage `json:"errors"`
}

// get calls a read function (module/function, e.g. "Email/list_pops") with
// params in the query string and decodes its data into out (nil: ignored).
func (c *Client) get(ctx context.Context, op, fn string, params url.Values, out any) error {
	resp, err := c.r.R().SetContext(ctx).SetQueryParamsFromValues(params).Get("/execute/" + fn)
	return c.decode(resp, err, op, out)
}

// post calls a write function with params form-encoded in the body.
func (c *Client) post(ctx context.Context, op, fn string, params url.Values, out any) error {
	resp, err := c.r.R().SetContext(ctx).SetFormDataFromValues(params).Post("/execute/" + fn)
	return c.decode(resp, err, op, out)
}

func (c *Client) decode(resp *resty.Response, err error, op string, out any) error {
	data, err := c.check(resp, err, op)
	if err != nil || out == nil || len(data) == 0 {
		return err
	}
	return api.Decode(op, resp.StatusCode(), data, out)
}

// api maps the statuses: 401/403 Denied (the token), 429 RateLimited, 408
// and 5xx Unavailable, any other that is not 2xx Internal (a wrong URL or
// port).
var api = rest.API{Provider: provider, Refusal: func(_ *resty.Response, kind bot.Kind) (bot.Kind, string) {
	switch kind {
	case bot.Denied:
		return kind, "authentication refused: check the cpanel user and api token"
	case bot.RateLimited, bot.Unavailable:
		return kind, ""
	}
	return bot.Internal, "unexpected http status (wrong url or port?)"
}}

// check maps an answer to an error of reference §8 and returns the
// envelope's data when status is 1. A body that is not a UAPI envelope (a
// login page) is Denied; status 0 is classified by its text (kindOf). No
// body is ever copied into an error except the envelope's errors.
func (c *Client) check(resp *resty.Response, err error, op string) (json.RawMessage, error) {
	if err := api.Check(resp, err, op); err != nil { // no answer (a cPHulk block too), or a refusing status
		return nil, err
	}
	var env envelopeJSON
	if err := json.Unmarshal(resp.Body(), &env); err != nil || !env.Status.ok {
		// cPanel answers a login page, not JSON, when it does not accept
		// the credentials on this port.
		ct, _, _ := mime.ParseMediaType(resp.Header().Get("Content-Type"))
		return nil, &bot.Error{Provider: provider, Op: op, Kind: bot.Denied, Status: resp.StatusCode(),
			Err: fmt.Errorf("answer is not a uapi envelope (content type %q): wrong credentials or port?", ct)}
	}
	if env.Status.v == 1 {
		return env.Data, nil
	}
	return nil, refused(op, resp.StatusCode(), cmp.Or(strings.Join(stringsOf(env.Errors), "; "), "status 0 without an error message"))
}

// refused is the error of a function cPanel refused with text.
func refused(op string, status int, text string) error {
	e := &bot.Error{Provider: provider, Op: op, Kind: kindOf(text), Status: status, Err: errors.New(text)}
	if k, ue := explain(text); ue != nil {
		e.Kind, e.Err = k, fmt.Errorf("%s: %w", text, ue)
	}
	return e
}

// api2JSON is the envelope of cPanel API 2 (/json-api/cpanel), for the
// functions UAPI lacks (reference §4.12).
type api2JSON struct {
	Result struct {
		Data  json.RawMessage `json:"data"`
		Error string          `json:"error"`
		Event struct {
			Result int `json:"result"`
		} `json:"event"`
	} `json:"cpanelresult"`
}

// api2 calls the read function module::fn of API 2 and decodes its data
// into out.
func (c *Client) api2(ctx context.Context, op, module, fn string, params url.Values, out any) error {
	q := url.Values{"cpanel_jsonapi_apiversion": {"2"}, "cpanel_jsonapi_module": {module}, "cpanel_jsonapi_func": {fn}}
	for k, v := range params {
		q[k] = v
	}
	resp, err := c.r.R().SetContext(ctx).SetQueryParamsFromValues(q).Get("/json-api/cpanel")
	if err := api.Check(resp, err, op); err != nil { // a 2xx body is API 2's, not UAPI's
		return err
	}
	var env api2JSON
	if err := json.Unmarshal(resp.Body(), &env); err != nil {
		return &bot.Error{Provider: provider, Op: op, Kind: bot.Denied, Status: resp.StatusCode(),
			Err: errors.New("answer is not an api 2 envelope: wrong credentials or port?")}
	}
	if env.Result.Event.Result != 1 {
		return refused(op, resp.StatusCode(), env.Result.Error)
	}
	if len(env.Result.Data) == 0 || string(env.Result.Data) == "null" {
		return nil
	}
	return api.Decode(op, resp.StatusCode(), env.Result.Data, out)
}

// explain names what the administrator must change for the errors that are
// not the request's fault (a refused token has the Denied kind's own
// sentence, which names the token): a feature disabled in the account's package
// (Cpanel::Exception::FeatureNotEnabled, "You do not have the feature “X”."),
// a server role turned off (Cpanel::Exception::System::RequiredRoleDisabled,
// "This server does not support this functionality."), a quota above the
// account's maximum per mailbox (MAX_EMAILACCT_QUOTA).
func explain(text string) (bot.Kind, *bot.UserError) {
	t := strings.ToLower(text)
	if _, rest, ok := strings.Cut(text, "You do not have the feature “"); ok {
		name, _, _ := strings.Cut(rest, "”")
		return bot.Denied, bot.Userf("cPanel : la fonction « %s » n'est pas activée pour ce compte ; l'hébergeur doit l'activer (Feature Manager).",
			"cPanel: the “%s” feature is not enabled for this account; the host must enable it (Feature Manager).", name)
	}
	switch {
	case strings.Contains(t, "does not support this functionality"), strings.Contains(t, "disabled on this server"):
		return bot.Denied, bot.Userf("cPanel : ce serveur n'offre pas cette fonction (rôle ou module désactivé par l'hébergeur).",
			"cPanel: this server does not offer this function (role or module disabled by the host).")
	case strings.Contains(t, "quota") && strings.Contains(t, "maximum"):
		return bot.Invalid, bot.Userf("cPanel refuse ce quota : il dépasse le maximum par boîte du compte ; choisissez un quota plus petit.",
			"cPanel refuses this quota: it is above the account's maximum per mailbox; choose a smaller one.")
	}
	return 0, nil
}

// kindOf classifies cPanel's error text. The texts are localised by the
// account's locale and use typographic quotes, so the match is loose and on
// lower case (reference §7.4).
func kindOf(text string) bot.Kind {
	t := strings.ToLower(text)
	has := func(subs ...string) bool {
		return slices.ContainsFunc(subs, func(s string) bool { return strings.Contains(t, s) })
	}
	switch {
	case has("already exists"):
		return bot.Conflict
	case has("you do not have an email account named", "no such forwarder", "forwarder does not exist", "does not exist"):
		return bot.NotFound
	case has("strength", "too weak", "invalid", "not valid", "not a valid", "provide the “", "provide the \"", "parameter is required"):
		return bot.Invalid
	}
	return bot.Internal
}

// stringsOf reads an errors/messages field: an array of strings, a single
// string, or null. Other shapes are rendered as raw JSON.
func stringsOf(raw json.RawMessage) []string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	var out []string
	for _, v := range list {
		var s string // null: ""
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// split returns the local part and the domain of a full address, lower case.
func split(op, address string) (local, domain string, err error) {
	a := strings.ToLower(strings.TrimSpace(address))
	i := strings.LastIndexByte(a, '@')
	if i <= 0 || i == len(a)-1 {
		return "", "", &bot.Error{Provider: provider, Op: op, Kind: bot.Invalid,
			Err: errors.New("an address needs a local part and a domain")}
	}
	return a[:i], a[i+1:], nil
}
