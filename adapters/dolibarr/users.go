package dolibarr

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/anopex/opsbot/adapters/internal/paging"
	"github.com/anopex/opsbot/bot"
)

var (
	_ bot.StaffUsers = (*Client)(nil)
	_ bot.StaffAdmin = (*Client)(nil)
)

// userJSON mirrors the fields of a Dolibarr user the bot reads (reference §6.2).
type userJSON struct {
	ID                str      `json:"id"`
	Login             str      `json:"login"`
	Email             str      `json:"email"`
	FirstName         str      `json:"firstname"`
	LastName          str      `json:"lastname"`
	Admin             str      `json:"admin"`
	Statut            str      `json:"statut"`
	Status            str      `json:"status"`
	FkMember          str      `json:"fk_member"`
	DateStartValidity unixTime `json:"datestartvalidity"`
	DateEndValidity   unixTime `json:"dateendvalidity"`
	DateLastLogin     unixTime `json:"datelastlogin"`
}

// groupJSON mirrors a Dolibarr user group (reference §6.4); name has the
// deprecated alias nom.
type groupJSON struct {
	ID      str       `json:"id"`
	Name    str       `json:"name"`
	Nom     str       `json:"nom"`
	Members usersJSON `json:"members"`
}

// statut is the user's statut, or its newer alias status.
func (u userJSON) statut() string {
	return strings.TrimSpace(string(cmp.Or(u.Statut, u.Status)))
}

func (g groupJSON) toBot() bot.StaffGroup {
	return bot.StaffGroup{ID: string(g.ID), Name: string(cmp.Or(g.Name, g.Nom))}
}

// toBot converts a user: Active means enabled (statut 1) and now within the
// validity dates when they are set.
func (u userJSON) toBot(now time.Time, groups []string) bot.StaffUser {
	start, end := time.Time(u.DateStartValidity), time.Time(u.DateEndValidity)
	active := u.statut() == "1" &&
		(start.IsZero() || !now.Before(start)) && (end.IsZero() || !now.After(end))
	member := string(u.FkMember)
	if member == "0" {
		member = ""
	}
	slices.Sort(groups)
	return bot.StaffUser{
		ID:        string(u.ID),
		Login:     string(u.Login),
		Email:     strings.TrimSpace(string(u.Email)),
		FirstName: strings.TrimSpace(string(u.FirstName)),
		LastName:  strings.TrimSpace(string(u.LastName)),
		Active:    active,
		Admin:     flag(u.Admin, false),
		MemberID:  member,
		Groups:    groups,
		LastLogin: time.Time(u.DateLastLogin),
	}
}

// groupReads is how many group reads Users has in flight: an association
// has a dozen groups, each one request.
const groupReads = 4

// Users returns every user with the names of their groups, in id order: the
// users and the groups are read at once, then each group's members,
// groupReads requests in flight.
// API: GET /users, GET /users/groups, GET /users/groups/{id}?load_members=1
// (reference §6.1, §6.4). Needs the right user/user/lire: 403 is Denied.
func (c *Client) Users(ctx context.Context) ([]bot.StaffUser, error) {
	const op = "list users"
	var (
		users  []userJSON
		groups []groupJSON
		uerr   error
		gerr   error
		wg     sync.WaitGroup
	)
	wg.Go(func() { users, uerr = readAll[userJSON](ctx, c, op, "/users", nil) })
	wg.Go(func() { groups, gerr = readAll[groupJSON](ctx, c, "list groups", "/users/groups", nil) })
	wg.Wait()
	if uerr != nil {
		return nil, uerr
	}
	if gerr != nil {
		return nil, gerr
	}
	members := make([][]userJSON, len(groups))
	err := paging.Each(ctx, len(groups), groupReads, func(ctx context.Context, p int) error {
		var g groupJSON
		_, err := call(c.r.R().SetContext(ctx).SetPathParam("id", string(groups[p].ID)).SetQueryParam("load_members", "1"),
			resty.MethodGet, "/users/groups/{id}", "get group", &g)
		if err != nil {
			return fmt.Errorf("group %s: %w", groups[p].ID, err)
		}
		members[p] = g.Members
		return nil
	})
	if err != nil {
		return nil, err
	}
	byUser := map[string][]string{}
	for i, ms := range members {
		name := groups[i].toBot().Name
		for _, m := range ms {
			byUser[string(m.ID)] = append(byUser[string(m.ID)], name)
		}
	}
	now := c.now()
	out := make([]bot.StaffUser, len(users))
	for i, u := range users {
		out[i] = u.toBot(now, byUser[string(u.ID)])
	}
	return out, nil
}

// User returns the user with login, with its groups (two requests).
// API: GET /users/login/{login}, GET /users/{id}/groups (reference §6.2,
// §6.3); 404 "User not found" is NotFound.
func (c *Client) User(ctx context.Context, login string) (bot.StaffUser, error) {
	const op = "get user"
	u, err := c.userByLogin(ctx, op, login)
	if err != nil {
		return bot.StaffUser{}, err
	}
	var gs []groupJSON
	_, err = call(c.r.R().SetContext(ctx).SetPathParam("id", string(u.ID)), resty.MethodGet, "/users/{id}/groups", "get user groups", &gs)
	if err != nil && !endOfList(err) {
		return bot.StaffUser{}, err
	}
	names := make([]string, 0, len(gs))
	for _, g := range gs {
		names = append(names, g.toBot().Name)
	}
	return u.toBot(c.now(), names), nil
}

// APIUser returns the user of the API key, with its groups: the account
// opsbot acts as in Dolibarr.
// API: GET /users/info (api_users.class.php getInfo: needs user/self/creer,
// user/user/lire or admin, else 403 "Not allowed", Denied; the user's
// groups in user_group_list).
func (c *Client) APIUser(ctx context.Context) (bot.StaffUser, error) {
	var u struct {
		userJSON
		Groups []groupJSON `json:"user_group_list"`
	}
	if _, err := call(c.r.R().SetContext(ctx), resty.MethodGet, "/users/info", "get api user", &u); err != nil {
		return bot.StaffUser{}, err
	}
	names := make([]string, 0, len(u.Groups))
	for _, g := range u.Groups {
		names = append(names, g.toBot().Name)
	}
	return u.toBot(c.now(), names), nil
}

func (c *Client) userByLogin(ctx context.Context, op, login string) (userJSON, error) {
	login = strings.TrimSpace(login)
	if login == "" || len(login) > 50 || strings.ContainsAny(login, "/\\?#") {
		return userJSON{}, invalid(op, "bad login %.60q", login)
	}
	var u userJSON
	_, err := call(c.r.R().SetContext(ctx).SetPathParam("login", login), resty.MethodGet, "/users/login/{login}", op, &u)
	return u, err
}

// Groups returns every group, in id order.
// API: GET /users/groups (reference §6.4).
func (c *Client) Groups(ctx context.Context) ([]bot.StaffGroup, error) {
	gs, err := readAll[groupJSON](ctx, c, "list groups", "/users/groups", nil)
	if err != nil {
		return nil, err
	}
	out := make([]bot.StaffGroup, len(gs))
	for i, g := range gs {
		out[i] = g.toBot()
	}
	return out, nil
}

// CreateUser creates an enabled user and returns its id. A login already
// taken is Conflict: the client looks it up first, because Dolibarr's answer
// to a duplicate is a 500 whose text is not documented.
// API: GET /users/login/{login}, then POST /users (reference §6.3), which
// answers the new id as a bare number. The POST is never retried.
func (c *Client) CreateUser(ctx context.Context, login, email, firstName, lastName string) (string, error) {
	const op = "create user"
	_, err := c.userByLogin(ctx, op, login)
	switch {
	case err == nil:
		return "", bot.Errorf(bot.Conflict, provider, op, "login %q exists", login)
	case bot.KindOf(err) != bot.NotFound:
		return "", err
	}
	body := map[string]string{
		"login":     strings.TrimSpace(login),
		"email":     strings.TrimSpace(email),
		"firstname": strings.TrimSpace(firstName),
		"lastname":  strings.TrimSpace(lastName),
	}
	var id str
	if _, err := call(c.w.R().SetContext(ctx).SetBody(body), resty.MethodPost, "/users", op, &id); err != nil {
		return "", err
	}
	if !isID(string(id)) {
		return "", bot.Errorf(bot.Internal, provider, op, "answer is not an id: %.20q", id)
	}
	return string(id), nil
}

// DisableUser disables the user with login; a disabled user is left as is.
// API: GET /users/login/{login}, then PUT /users/{id} {"statut":0}
// (reference §6.3: statut goes through setstatus). The PUT is never retried.
func (c *Client) DisableUser(ctx context.Context, login string) error {
	return c.setStatus(ctx, "disable user", login, 0)
}

// EnableUser enables the user with login; an enabled user is left as is.
// API: GET /users/login/{login}, then PUT /users/{id} {"statut":1}.
func (c *Client) EnableUser(ctx context.Context, login string) error {
	return c.setStatus(ctx, "enable user", login, 1)
}

func (c *Client) setStatus(ctx context.Context, op, login string, statut int) error {
	u, err := c.userByLogin(ctx, op, login)
	if err != nil {
		return err
	}
	if u.statut() == strconv.Itoa(statut) {
		return nil
	}
	_, err = call(c.w.R().SetContext(ctx).SetPathParam("id", string(u.ID)).SetBody(map[string]int{"statut": statut}),
		resty.MethodPut, "/users/{id}", op, nil)
	return err
}

// SetUserPassword sets the password of the user with login. The key's user
// needs the right user/user/password (else 403 "You are not allowed to
// modify password of other users", Denied).
// API: GET /users/login/{login}, then PUT /users/{id} {"pass":…}
// (reference §6.3; api_users.class.php put()). Never retried.
func (c *Client) SetUserPassword(ctx context.Context, login string, password bot.Secret) error {
	const op = "set user password"
	u, err := c.userByLogin(ctx, op, login)
	if err != nil {
		return err
	}
	_, err = call(c.w.R().SetContext(ctx).SetPathParam("id", string(u.ID)).SetBody(map[string]string{"pass": password.Reveal()}),
		resty.MethodPut, "/users/{id}", op, nil)
	return err
}

// AddToGroup adds the user with login to group, given by name
// (case-insensitive) or id. Dolibarr makes it idempotent.
// API: GET /users/login/{login}, GET /users/groups, then
// GET /users/{id}/setGroup/{group} (reference §6.3): a GET that mutates, so
// it goes through the client that never retries.
func (c *Client) AddToGroup(ctx context.Context, login, group string) error {
	const op = "add user to group"
	u, err := c.userByLogin(ctx, op, login)
	if err != nil {
		return err
	}
	gs, err := c.Groups(ctx)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(group)
	i := slices.IndexFunc(gs, func(g bot.StaffGroup) bool { return strings.EqualFold(g.Name, name) })
	if i < 0 {
		i = slices.IndexFunc(gs, func(g bot.StaffGroup) bool { return g.ID == name })
	}
	if i < 0 {
		return bot.Errorf(bot.NotFound, provider, op, "no group %q", group)
	}
	_, err = call(c.w.R().SetContext(ctx).SetPathParam("id", string(u.ID)).SetPathParam("group", gs[i].ID),
		resty.MethodGet, "/users/{id}/setGroup/{group}", op, nil)
	return err
}
