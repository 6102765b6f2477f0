package cpanel

import (
	"context"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// popJSON is one row of Email::list_pops_with_disk (reference §4.2). The
// quota and usage fields change type between versions and settings, hence
// flexNum.
type popJSON struct {
	Email             string  `json:"email"`
	Login             string  `json:"login"`
	User              string  `json:"user"`
	Domain            string  `json:"domain"`
	DiskQuotaBytes    flexNum `json:"_diskquota"` // 0: unlimited
	DiskUsedBytes     flexNum `json:"_diskused"`
	DiskQuota         flexNum `json:"diskquota"` // MB, or "unlimited" / "∞"
	DiskUsed          flexNum `json:"diskused"`  // MB, a float
	SuspendedLogin    flexNum `json:"suspended_login"`
	SuspendedIncoming flexNum `json:"suspended_incoming"`
}

// toBot converts a row; ok is false for the cPanel main account, which is
// not a mailbox of the association: list_pops names it in login,
// list_pops_with_disk in email, beside the account's user and main domain.
func (p popJSON) toBot() (bot.Mailbox, bool) {
	if p.Email == "Main Account" || p.Login == "Main Account" {
		return bot.Mailbox{}, false
	}
	addr := strings.ToLower(strings.TrimSpace(p.Email))
	if !strings.Contains(addr, "@") && p.User != "" && p.Domain != "" {
		addr = strings.ToLower(p.User + "@" + p.Domain)
	}
	if !strings.Contains(addr, "@") {
		return bot.Mailbox{}, false
	}
	m := bot.Mailbox{
		Address:           addr,
		SuspendedLogin:    p.SuspendedLogin.on(),
		SuspendedIncoming: p.SuspendedIncoming.on(),
	}
	switch {
	case p.DiskQuotaBytes.ok:
		m.QuotaMB = toMB(flexNum{v: p.DiskQuotaBytes.v / mib, ok: true})
	default:
		m.QuotaMB = toMB(p.DiskQuota) // "unlimited", "∞", "None": 0
	}
	switch {
	case p.DiskUsed.ok:
		m.UsedMB = p.DiskUsed.v
	case p.DiskUsedBytes.ok:
		m.UsedMB = p.DiskUsedBytes.v / mib
	}
	m.UsedMB = math.Max(m.UsedMB, 0)
	return m, true
}

func mailboxesOf(rows []popJSON) []bot.Mailbox {
	out := make([]bot.Mailbox, 0, len(rows))
	for _, r := range rows {
		if m, ok := r.toBot(); ok {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// Mailboxes returns every mailbox of every domain of the account with its
// quota and usage, sorted by address; the cPanel main account is left out.
// API: GET /execute/Email/list_pops_with_disk
// (https://api.docs.cpanel.net/openapi/cpanel/operation/list_pops_with_disk)
func (c *Client) Mailboxes(ctx context.Context) ([]bot.Mailbox, error) {
	var rows []popJSON
	if err := c.get(ctx, "list mailboxes", "Email/list_pops_with_disk", nil, &rows); err != nil {
		return nil, err
	}
	return mailboxesOf(rows), nil
}

// Mailbox returns one mailbox; the error is of kind NotFound when the
// account has no mailbox at address.
// API: GET /execute/Email/list_pops_with_disk?domain=D&email=LOCAL
func (c *Client) Mailbox(ctx context.Context, address string) (bot.Mailbox, error) {
	const op = "read mailbox"
	local, domain, err := split(op, address)
	if err != nil {
		return bot.Mailbox{}, err
	}
	var rows []popJSON
	if err := c.get(ctx, op, "Email/list_pops_with_disk", url.Values{"domain": {domain}, "email": {local}}, &rows); err != nil {
		return bot.Mailbox{}, err
	}
	// The filter is the server's: keep only the exact address.
	for _, m := range mailboxesOf(rows) {
		if m.Address == local+"@"+domain {
			return m, nil
		}
	}
	return bot.Mailbox{}, bot.Errorf(bot.NotFound, provider, op, "no mailbox %s@%s", local, domain)
}

// quotaParam renders a quota in MB; 0 means unlimited.
func quotaParam(mb int) string {
	if mb <= 0 {
		return "unlimited"
	}
	return strconv.Itoa(mb)
}

// CreateMailbox creates a mailbox with a quota in MB (0: unlimited, which
// cPanel refuses when the account has a maximum mailbox quota). Errors:
// Conflict if it exists, Invalid for a weak password or a refused quota.
// API: POST /execute/Email/add_pop
// (https://api.docs.cpanel.net/openapi/cpanel/operation/add_pop)
func (c *Client) CreateMailbox(ctx context.Context, address string, password bot.Secret, quotaMB int) error {
	return c.postMailbox(ctx, "create mailbox", "Email/add_pop", address, url.Values{
		"password": {password.Reveal()}, "quota": {quotaParam(quotaMB)}, "send_welcome_email": {"0"}})
}

// DeleteMailbox deletes a mailbox and its mail on disk. Errors: NotFound.
// API: POST /execute/Email/delete_pop
// (https://api.docs.cpanel.net/openapi/cpanel/operation/delete_pop)
func (c *Client) DeleteMailbox(ctx context.Context, address string) error {
	return c.postMailbox(ctx, "delete mailbox", "Email/delete_pop", address, url.Values{})
}

// SetPassword changes a mailbox's password. Errors: NotFound, Invalid (the
// password is below the server's required strength).
// API: POST /execute/Email/passwd_pop
// (https://api.docs.cpanel.net/openapi/cpanel/operation/passwd_pop)
func (c *Client) SetPassword(ctx context.Context, address string, password bot.Secret) error {
	return c.postMailbox(ctx, "set password", "Email/passwd_pop", address, url.Values{"password": {password.Reveal()}})
}

// SetQuota changes a mailbox's quota in MB (0: unlimited). cPanel clamps a
// value above the account's maximum to the maximum. Errors: NotFound, Invalid.
// API: POST /execute/Email/edit_pop_quota
// (https://api.docs.cpanel.net/openapi/cpanel/operation/edit_pop_quota)
func (c *Client) SetQuota(ctx context.Context, address string, quotaMB int) error {
	return c.postMailbox(ctx, "set quota", "Email/edit_pop_quota", address, url.Values{"quota": {quotaParam(quotaMB)}})
}

// postMailbox calls the write function fn on the mailbox address (email
// LOCAL, domain DOMAIN) with the other params.
func (c *Client) postMailbox(ctx context.Context, op, fn, address string, params url.Values) error {
	local, domain, err := split(op, address)
	if err != nil {
		return err
	}
	params.Set("email", local)
	params.Set("domain", domain)
	return c.post(ctx, op, fn, params, nil)
}

// SuspendLogin blocks IMAP, POP, SMTP and webmail logins of a mailbox; it
// keeps receiving mail. Errors: NotFound.
// API: POST /execute/Email/suspend_login
// (https://api.docs.cpanel.net/openapi/cpanel/operation/suspend_login)
func (c *Client) SuspendLogin(ctx context.Context, address string) error {
	return c.login(ctx, "suspend login", "Email/suspend_login", address)
}

// UnsuspendLogin restores the logins of a mailbox. Errors: NotFound.
// API: POST /execute/Email/unsuspend_login
// (https://api.docs.cpanel.net/openapi/cpanel/operation/unsuspend_login)
func (c *Client) UnsuspendLogin(ctx context.Context, address string) error {
	return c.login(ctx, "unsuspend login", "Email/unsuspend_login", address)
}

func (c *Client) login(ctx context.Context, op, fn, address string) error {
	local, domain, err := split(op, address)
	if err != nil {
		return err
	}
	return c.post(ctx, op, fn, url.Values{"email": {local + "@" + domain}}, nil)
}
