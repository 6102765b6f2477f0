package wordpress

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-resty/resty/v2"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

// escaped is what sanitize_text_field strips from a search term.
var escaped = regexp.MustCompile(`%[0-9a-fA-F]{2}`)

// userFields trims every answer to what bot.WPUser holds (the capabilities
// alone are most of a full user's bytes).
const userFields = "id,username,name,first_name,last_name,email,roles"

// userJSON is an account in the edit context, trimmed to userFields.
type userJSON struct {
	ID        int      `json:"id"`
	Username  string   `json:"username"`
	Name      string   `json:"name"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	Email     string   `json:"email"`
	Roles     []string `json:"roles"`
}

func (u userJSON) toBot() bot.WPUser {
	out := bot.WPUser{ID: u.ID, Username: u.Username, Name: u.Name, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email}
	if len(u.Roles) > 0 {
		out.Roles = u.Roles
	}
	return out
}

func header(resp *resty.Response, name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(resp.Header().Get(name)))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// list reads every account matching filters, page after page: until
// X-WP-TotalPages, or a short page when a proxy dropped the totals (a short
// page ends the read in any case). paging.Read caps pages and accounts. The
// accounts changing between pages (another total) restart the read once; a
// second time is Conflict.
func (c *Client) list(ctx context.Context, op string, filters map[string]string) ([]bot.WPUser, error) {
	for attempt := 1; ; attempt++ {
		out, changed, err := c.listOnce(ctx, op, filters)
		if err != nil || !changed {
			return out, err
		}
		if attempt == 2 {
			return nil, bot.Errorf(bot.Conflict, provider, op, "the accounts changed during two reads in a row")
		}
	}
}

// listOnce reads the pages of GET /wp/v2/users once; changed reports that
// the accounts moved meanwhile. The totals of the headers are -1 when a
// proxy dropped them.
func (c *Client) listOnce(ctx context.Context, op string, filters map[string]string) (users []bot.WPUser, changed bool, err error) {
	size := c.o.PageSize
	firstTotal, lastPage := 0, 0
	raw, err := paging.Read(ctx, provider, op, c.limits, func(ctx context.Context, p int) (paging.Page[userJSON], error) {
		q := map[string]string{"context": "edit", "per_page": strconv.Itoa(size), "page": strconv.Itoa(p + 1),
			"orderby": "id", "order": "asc", "_fields": userFields}
		maps.Copy(q, filters)
		var pg paging.Page[userJSON]
		resp, err := c.call(ctx, resty.MethodGet, "/wp/v2/users", q, nil, &pg.Items, op)
		if err != nil {
			return pg, fmt.Errorf("page %d: %w", p+1, err)
		}
		bot.PageRead(ctx, len(pg.Items)) // so that a sweep that fails can say how far it got
		total, last := header(resp, "X-WP-Total"), header(resp, "X-WP-TotalPages")
		if p == 0 {
			firstTotal, lastPage = total, last
			if total >= 0 && last >= 0 && len(pg.Items) < min(size, total) {
				// The server capped the page size: reading on would skip accounts.
				return pg, bot.Errorf(bot.Internal, provider, op, "page 1 holds %d accounts for per_page %d and a total of %d",
					len(pg.Items), size, total)
			}
		} else if total != firstTotal {
			changed = true
		}
		pg.Body, pg.Total = resp.Body(), max(total, 0)
		pg.Last = len(pg.Items) < size || firstTotal >= 0 && lastPage >= 0 && p+1 >= lastPage
		return pg, nil
	})
	if err != nil {
		return nil, false, err
	}
	users = make([]bot.WPUser, 0, len(raw))
	seen := make(map[int]bool, len(raw))
	for _, u := range raw {
		if seen[u.ID] {
			changed = true
			continue
		}
		seen[u.ID] = true
		users = append(users, u.toBot())
	}
	if firstTotal >= 0 && len(users) != firstTotal {
		changed = true
	}
	return users, changed, nil
}

// WPUsers returns every account, or those holding role, in ID order.
// API: GET /wp/v2/users?context=edit&per_page=100&page=N&orderby=id&order=asc&roles=…&_fields=…
// (reference §3, §7).
func (c *Client) WPUsers(ctx context.Context, role string) ([]bot.WPUser, error) {
	const op = "list users"
	var filters map[string]string
	if role != "" {
		r, err := bot.NormalizeWPRole(role)
		if err != nil {
			return nil, &bot.Error{Provider: provider, Op: op, Kind: bot.Invalid, Err: err}
		}
		filters = map[string]string{"roles": r}
	}
	return c.list(ctx, op, filters)
}

// WPUser returns one account: by ID when idOrLogin is all digits, else by
// login, compared without case as WordPress does. WordPress has no lookup
// by login: search=login (logins, e-mails, names and URLs containing it;
// e-mails only when it holds '@') and the exact match is kept.
// API: GET /wp/v2/users/{id}?context=edit, or GET /wp/v2/users?search=…
func (c *Client) WPUser(ctx context.Context, idOrLogin string) (bot.WPUser, error) {
	const op = "get user"
	s, err := bot.NormalizeWPLogin(idOrLogin)
	if err != nil {
		return bot.WPUser{}, &bot.Error{Provider: provider, Op: op, Kind: bot.Invalid, Err: err}
	}
	if isDigits(s) {
		id, err := strconv.Atoi(s)
		if err != nil {
			return bot.WPUser{}, bot.Errorf(bot.NotFound, provider, op, "no account %s", s)
		}
		return c.byID(ctx, op, id)
	}
	found, err := c.list(ctx, op, map[string]string{"search": s})
	if err != nil {
		return bot.WPUser{}, err
	}
	for _, u := range found {
		if strings.EqualFold(u.Username, s) {
			return u, nil
		}
	}
	return bot.WPUser{}, bot.Errorf(bot.NotFound, provider, op, "no account with that login")
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func (c *Client) byID(ctx context.Context, op string, id int) (bot.WPUser, error) {
	if id <= 0 {
		return bot.WPUser{}, bot.Errorf(bot.NotFound, provider, op, "no account %d", id)
	}
	var u userJSON
	_, err := c.call(ctx, resty.MethodGet, "/wp/v2/users/"+strconv.Itoa(id), map[string]string{"context": "edit", "_fields": userFields}, nil, &u, op)
	return u.toBot(), err
}

// WPUserByEmail returns the account whose address is email (compared
// without case); NotFound if none. WordPress searches only the e-mail
// column when the term holds '@', with LIKE '%term%', so the exact match
// is picked among the few answers: one request, two if more than 100
// addresses contain this one. An address holding '%' and two hex digits
// cannot be searched (sanitize_text_field removes the escape from the
// term): every account is read and compared here.
// API: GET /wp/v2/users?context=edit&search=EMAIL&_fields=…
func (c *Client) WPUserByEmail(ctx context.Context, email string) (bot.WPUser, error) {
	const op = "find user by e-mail"
	e, err := bot.NormalizeEmail(email)
	if err != nil {
		return bot.WPUser{}, &bot.Error{Provider: provider, Op: op, Kind: bot.Invalid, Err: err}
	}
	filters := map[string]string{"search": e}
	if escaped.MatchString(e) {
		filters = nil
	}
	found, err := c.list(ctx, op, filters)
	if err != nil {
		return bot.WPUser{}, err
	}
	for _, u := range found {
		if strings.EqualFold(strings.TrimSpace(u.Email), e) {
			return u, nil
		}
	}
	return bot.WPUser{}, bot.Errorf(bot.NotFound, provider, op, "no account with that address")
}

// SetWPRole replaces every role of account id by role, and checks the
// answer holds exactly that role; role "" leaves the account with no role
// on the site (roles [] is isset in prepare_item_for_database, so
// wp_update_user runs set_role(false), and no add_role follows). Only the
// roles are sent, so that promote_users without edit_users is enough
// (WordPress asks for edit_user as soon as another parameter is present,
// and for an empty list). Errors: Invalid (a malformed slug; 400
// rest_user_invalid_role: no such role), NotFound, Denied (no
// promote_users; 403 rest_user_invalid_role: an administrator demoting
// itself), Unavailable.
// API: POST /wp/v2/users/{id} {"roles":[role]} (reference §5;
// class-wp-rest-users-controller.php update_item).
func (c *Client) SetWPRole(ctx context.Context, id int, role string) error {
	const op = "set user role"
	roles := []string{}
	if role != "" {
		r, err := bot.NormalizeWPRole(role)
		if err != nil {
			return &bot.Error{Provider: provider, Op: op, Kind: bot.Invalid, Err: err}
		}
		roles = append(roles, r)
	}
	if id <= 0 {
		return bot.Errorf(bot.NotFound, provider, op, "no account %d", id)
	}
	var u userJSON
	if _, err := c.call(ctx, resty.MethodPost, "/wp/v2/users/"+strconv.Itoa(id), nil, map[string][]string{"roles": roles}, &u, op); err != nil {
		return err
	}
	if !slices.Equal(u.Roles, roles) {
		return bot.Errorf(bot.Internal, provider, op, "account %d has roles %v after setting %v", id, u.Roles, roles)
	}
	return nil
}

// CreateWPUser creates the account login with its address, display name,
// role and password, and returns its ID. A login or an address already
// taken is Conflict: wp_insert_user's existing_user_login and
// existing_user_email come back as 500 with data null (recordings 23,
// 23b), which refusal reads by their code. Never retried.
// API: POST /wp/v2/users {"username","email","name","password","roles"}
// (reference §6; recording 22: 201 and the account in the edit context).
func (c *Client) CreateWPUser(ctx context.Context, login, email, name, role string, password bot.Secret) (int, error) {
	const op = "create user"
	r, err := bot.NormalizeWPRole(role)
	if err != nil {
		return 0, &bot.Error{Provider: provider, Op: op, Kind: bot.Invalid, Err: err}
	}
	body := map[string]any{"username": login, "email": email, "name": name, "password": password.Reveal(), "roles": []string{r}}
	var u userJSON
	if _, err := c.call(ctx, resty.MethodPost, "/wp/v2/users", map[string]string{"_fields": userFields}, body, &u, op); err != nil {
		return 0, err
	}
	if u.ID <= 0 {
		return 0, bot.Errorf(bot.Internal, provider, op, "answer holds no account id")
	}
	return u.ID, nil
}

// SendWPPasswordReset has WordPress mail the account login the link that
// lets its holder choose a password, as the site's lost-password form does:
// the REST API's POST /wp/v2/users sends no notification. WordPress answers
// a redirect to wp-login.php?checkemail=confirm once wp_mail took the mail;
// the form again, with #login_error, when retrieve_password refused
// (retrieve_password_email_failure on a site that cannot send mail,
// invalidcombo for no such account): the mail was not sent, Invalid. A
// missing form (404: a plugin moved the login page) is NotFound; anything
// else Unavailable. The form is anonymous: no credential goes with it, and
// the POST is never retried, nor its redirect followed.
// API: POST /wp-login.php?action=lostpassword, user_login=LOGIN as a form
// (WordPress 6.1 wp-login.php case 'lostpassword'; wp-includes/user.php
// retrieve_password).
func (c *Client) SendWPPasswordReset(ctx context.Context, login string) error {
	const op = "send password reset"
	hc := *c.r.GetClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	form := url.Values{"user_login": {login}, "wp-submit": {"Get New Password"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.r.BaseURL+"/wp-login.php?action=lostpassword", strings.NewReader(form.Encode()))
	if err != nil {
		return &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return rest.Unreachable(provider, op, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	s := resp.StatusCode
	switch {
	case s >= 300 && s < 400 && strings.Contains(resp.Header.Get("Location"), "checkemail=confirm"):
		return nil
	case err != nil:
		return rest.Unreachable(provider, op, err)
	case s == http.StatusOK && bytes.Contains(body, []byte(`id="login_error"`)):
		return bot.Errorf(bot.Invalid, provider, op, "the lost-password form answered an error: the mail was not sent")
	case s == http.StatusNotFound:
		return bot.Errorf(bot.NotFound, provider, op, "no lost-password form at /wp-login.php")
	}
	return &bot.Error{Provider: provider, Op: op, Kind: bot.Unavailable, Status: s,
		Err: fmt.Errorf("the lost-password form answered neither its redirect nor its error (%s)", resp.Header.Get("Content-Type"))}
}
