package cpanel

import (
	"context"
	"net/url"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// forwarderJSON is one row of Email::list_forwarders (reference §4.8): mail
// to dest also goes to forward. A forwarder with several targets is several
// rows, which is what the association calls a distribution list.
type forwarderJSON struct {
	Dest    string `json:"dest"`
	Forward string `json:"forward"`
}

func (f forwarderJSON) toBot() bot.Forwarder {
	dest := strings.TrimSpace(f.Forward)
	if strings.Contains(dest, "@") && !strings.ContainsAny(dest, "|: ") {
		dest = strings.ToLower(dest) // an address; ":fail: …", pipes and user names stay as they are
	}
	return bot.Forwarder{Address: strings.ToLower(strings.TrimSpace(f.Dest)), Dest: dest}
}

// Forwarders returns the forwarding rules of domain, one per (address,
// destination) pair, in cPanel's order.
// API: GET /execute/Email/list_forwarders?domain=D
// (https://api.docs.cpanel.net/openapi/cpanel/operation/list_forwarders)
func (c *Client) Forwarders(ctx context.Context, domain string) ([]bot.Forwarder, error) {
	const op = "list forwarders"
	d := strings.ToLower(strings.TrimSpace(domain))
	if d == "" || strings.Contains(d, "@") {
		return nil, bot.Errorf(bot.Invalid, provider, op, "a domain is needed, not %q", domain)
	}
	var rows []forwarderJSON
	if err := c.get(ctx, op, "Email/list_forwarders", url.Values{"domain": {d}}, &rows); err != nil {
		return nil, err
	}
	out := make([]bot.Forwarder, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toBot())
	}
	return out, nil
}

// AddForwarder makes mail to address also go to dest; adding a second
// destination to an address makes it a distribution list. Errors: Invalid.
// API: POST /execute/Email/add_forwarder (fwdopt=fwd)
// (https://api.docs.cpanel.net/openapi/cpanel/operation/add_forwarder)
func (c *Client) AddForwarder(ctx context.Context, address, dest string) error {
	const op = "add forwarder"
	local, domain, err := split(op, address)
	if err != nil {
		return err
	}
	return c.post(ctx, op, "Email/add_forwarder", url.Values{
		"domain": {domain}, "email": {local + "@" + domain}, "fwdopt": {"fwd"}, "fwdemail": {strings.TrimSpace(dest)},
	}, nil)
}

// DeleteForwarder removes the rule sending mail for address to dest. It reads
// the domain's forwarders first, because what cPanel answers for an unknown
// rule is not documented: the error is of kind NotFound when there is no
// such rule, and nothing is written.
// API: POST /execute/Email/delete_forwarder
// (https://api.docs.cpanel.net/openapi/cpanel/operation/delete_forwarder)
func (c *Client) DeleteForwarder(ctx context.Context, address, dest string) error {
	const op = "delete forwarder"
	local, domain, err := split(op, address)
	if err != nil {
		return err
	}
	addr := local + "@" + domain
	rules, err := c.Forwarders(ctx, domain)
	if err != nil {
		return err
	}
	want := forwarderJSON{Dest: addr, Forward: dest}.toBot()
	for _, r := range rules {
		if r == want {
			return c.post(ctx, op, "Email/delete_forwarder", url.Values{"address": {addr}, "forwarder": {r.Dest}}, nil)
		}
	}
	return bot.Errorf(bot.NotFound, provider, op, "no forwarder from %s to %s", addr, dest)
}
