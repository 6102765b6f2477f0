// Package wordpress is the client of the WordPress REST API for the site's
// accounts and roles. Sources: WordPress core (wordpress-develop,
// src/wp-includes/rest-api/endpoints/class-wp-rest-users-controller.php;
// class-wp-user-query.php for search; formatting.php sanitize_text_field,
// which the search parameter goes through: blanks collapsed, trimmed,
// %XX octets removed), developer.wordpress.org/rest-api/reference/users,
// and, where they differ, the answers of a real WordPress 6.1.9 recorded
// in testdata/recorded/ (scripts/wordpress-up.sh starts one): HTTP Basic authentication with an application password,
// WP_Error bodies {"code","message","data":{"status"}}, page-based lists of
// at most 100 with X-WP-Total and X-WP-TotalPages, and a page past the end
// answered 200 [].
//
// A wrong or revoked application password does not get its own error:
// WordPress then serves the request as anonymous, so the answer is the
// anonymous one (401 rest_forbidden_context on a list, 401
// rest_not_logged_in on users/me, 401 rest_cannot_edit_roles on a role
// change). Every 401 is therefore Denied, and so is every JSON 403.
//
// Lists ask for context=edit (e-mail and roles are private fields), sorted
// by ID so that an account created meanwhile lands on the last page, trimmed
// with _fields to what bot.WPUser holds, read up to X-WP-TotalPages
// (paging.Read). A total that changes between pages restarts the read once.
//
// Creating an account and removing every role follow WordPress's
// class-wp-rest-users-controller.php (create_item, update_item,
// check_user_password) and recordings 22 to 23b. The REST API mails
// nothing: WordPress's own reset mail goes through the lost-password form
// (wp-login.php?action=lostpassword, retrieve_password), checked against a
// real 6.1.9 that cannot send mail.
package wordpress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

const provider = "wordpress"

// MaxPageSize is the largest per_page WordPress accepts (101 is a 400).
const MaxPageSize = 100

// Options configure a Client; URL, User and AppPassword are required.
type Options struct {
	// URL is the site (https://www.asso-exemple.fr; a trailing /wp-json is
	// accepted and dropped).
	URL string
	// User is the bot's WordPress account and AppPassword one of its
	// application passwords (shown by WordPress as "abcd efgh ijkl mnop
	// qrst uvwx"; the spaces do not matter).
	User        string
	AppPassword bot.Secret
	HTTPClient  *http.Client // nil: a client with a 30 s timeout
	Log         zerolog.Logger
	// PageSize is per_page for lists (default and maximum 100).
	PageSize int
	// QueryRoute sends requests as /?rest_route=/wp/v2/… instead of
	// /wp-json/wp/v2/…, for sites without pretty permalinks.
	QueryRoute bool
	// MaxPages and MaxItems cap one list read (0: paging.Default).
	MaxPages, MaxItems int
}

// Client talks to one WordPress site. It is safe for concurrent use.
type Client struct {
	r      *resty.Client
	o      Options
	limits paging.Limits
}

var (
	_ bot.WPUsers     = (*Client)(nil)
	_ bot.WPUserAdmin = (*Client)(nil)
)

// New returns a client for the site at o.URL. It refuses a URL that is not
// http(s) and missing credentials.
func New(o Options) (*Client, error) {
	if o.PageSize <= 0 || o.PageSize > MaxPageSize {
		o.PageSize = MaxPageSize
	}
	base := strings.TrimRight(o.URL, "/")
	base = strings.TrimSuffix(strings.TrimSuffix(base, "/wp/v2"), "/wp-json")
	if err := rest.CheckURL(base); err != nil {
		return nil, fmt.Errorf("wordpress: %w", err)
	}
	if o.User == "" || o.AppPassword.Empty() {
		return nil, errors.New("wordpress: the user and the application password are required")
	}
	pw := o.AppPassword.Reveal()
	o.AppPassword = bot.Secret{} // the password lives in the header only
	log := o.Log.With().Str("component", provider).Logger()
	r := rest.New(rest.Options{BaseURL: base, HTTPClient: o.HTTPClient, Log: log}).
		SetBasicAuth(o.User, pw).SetHeader("Accept", "application/json")
	return &Client{r: r, o: o, limits: paging.Limits{Pages: o.MaxPages, Items: o.MaxItems}}, nil
}

// call sends a request to route (/wp/v2/users…) with the query q, in the
// pretty or the ?rest_route= form, body as JSON when not nil, and decodes a
// successful answer into out: rest.API.Do with refusal, then decode.
func (c *Client) call(ctx context.Context, method, route string, q map[string]string, body, out any, op string) (*resty.Response, error) {
	req, path := c.r.R().SetContext(ctx).SetQueryParams(q), "/wp-json"+route
	if c.o.QueryRoute {
		req, path = req.SetQueryParam("rest_route", route), "/"
	}
	if body != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(body)
	}
	resp, err := api.Do(req, method, path, op, nil)
	if err != nil {
		return nil, err
	}
	return resp, decode(resp, out, op)
}

// errorJSON is the part of a WP_Error, as the REST API renders it, that
// refusal reads (its data, {"status"} or null, repeats the status).
type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Codes that name a clash with another account, whatever their status
// (wp_insert_user's errors come back as 500 with data null).
var conflictCodes = []string{"rest_user_invalid_email", "rest_user_exists", "existing_user_login", "existing_user_email"}

var api = rest.API{Provider: provider, Refusal: refusal}

// refusal maps a failed answer (reference §10, recordings); a transport
// error or timeout is rest.API's Unavailable:
//   - a JSON body: its code decides first (rest_user_invalid_id NotFound;
//     the clashes of conflictCodes Conflict; rest_no_route Unavailable, the
//     API is not where the base URL says), then rest.StatusKind (401 and
//     403 Denied: a wrong application password gets the anonymous answer);
//   - a body that is not JSON (a WAF's or a host's HTML page): 429
//     RateLimited, anything else Unavailable.
//
// The text is "code: message".
func refusal(resp *resty.Response, kind bot.Kind) (bot.Kind, string) {
	var e errorJSON
	if json.Unmarshal(resp.Body(), &e) != nil || e.Code == "" {
		if resp.StatusCode() != http.StatusTooManyRequests {
			kind = bot.Unavailable
		}
		return kind, fmt.Sprintf("%d answer is not the REST API's (%s)", resp.StatusCode(), contentType(resp))
	}
	msg := strings.ToValidUTF8(e.Code+": "+e.Message, "?")
	switch {
	case e.Code == "rest_user_invalid_id":
		kind = bot.NotFound
	case slices.Contains(conflictCodes, e.Code):
		kind = bot.Conflict
	case e.Code == "rest_no_route":
		return bot.Unavailable, msg + " (is the base URL the site's address, and the REST API enabled?)"
	}
	return kind, msg
}

func contentType(resp *resty.Response) string {
	if ct := resp.Header().Get("Content-Type"); ct != "" {
		return strings.ToValidUTF8(ct, "?")
	}
	return "no content type"
}

// decode unmarshals a successful body into v, mapping a bad body to
// Unavailable when it is not JSON at all (a cache's or a plugin's HTML page
// served with 200) and Internal otherwise.
func decode(resp *resty.Response, v any, op string) error {
	if err := json.Unmarshal(resp.Body(), v); err != nil {
		kind := bot.Internal
		if !json.Valid(resp.Body()) {
			kind = bot.Unavailable
		}
		return &bot.Error{Provider: provider, Op: op, Kind: kind, Status: resp.StatusCode(),
			Err: fmt.Errorf("decode answer (%s): %w", contentType(resp), err)}
	}
	return nil
}

// meJSON is the part of users/me that Check reads.
type meJSON struct {
	ID           int             `json:"id"`
	Username     string          `json:"username"`
	Roles        []string        `json:"roles"`
	Capabilities map[string]bool `json:"capabilities"`
}

// Check verifies the credentials with a read: the account must exist, its
// application password must open the API, and it must hold list_users (to
// read e-mails and roles) and promote_users (to change roles); Denied
// otherwise, naming what is missing.
// API: GET /wp/v2/users/me?context=edit&_fields=id,username,roles,capabilities.
func (c *Client) Check(ctx context.Context) error {
	const op = "check credentials"
	var me meJSON
	if _, err := c.call(ctx, resty.MethodGet, "/wp/v2/users/me", map[string]string{
		"context": "edit", "_fields": "id,username,roles,capabilities"}, nil, &me, op); err != nil {
		return err
	}
	var missing []string
	for _, cap := range []string{"list_users", "promote_users"} {
		if !me.Capabilities[cap] {
			missing = append(missing, cap)
		}
	}
	if len(missing) > 0 {
		return bot.Errorf(bot.Denied, provider, op, "account %s (roles %s) lacks %s",
			me.Username, strings.Join(me.Roles, ","), strings.Join(missing, " and "))
	}
	return nil
}
