package cpanel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/anopex/opsbot/bot"
)

var _ bot.IPBlocks = (*Client)(nil)

// api2JSON is the envelope of cPanel API 2 (/json-api/cpanel), the only way
// to list blocked IPs (reference §4.12).
type api2JSON struct {
	Result struct {
		Data  json.RawMessage `json:"data"`
		Error string          `json:"error"`
		Event struct {
			Result int `json:"result"`
		} `json:"event"`
	} `json:"cpanelresult"`
}

// BlockedIPs lists the IP blocker's entries, in the server's order.
// API: GET /json-api/cpanel?cpanel_jsonapi_apiversion=2&cpanel_jsonapi_module=DenyIp&cpanel_jsonapi_func=listdenyips
// (https://api.docs.cpanel.net/cpanel-api-2/cpanel-api-2-modules-denyip/cpanel-api-2-functions-denyip-listdenyips)
func (c *Client) BlockedIPs(ctx context.Context) ([]string, error) {
	const op = "list blocked ips"
	q := url.Values{"cpanel_jsonapi_apiversion": {"2"}, "cpanel_jsonapi_module": {"DenyIp"}, "cpanel_jsonapi_func": {"listdenyips"}}
	resp, err := c.r.R().SetContext(ctx).SetQueryParamsFromValues(q).Get("/json-api/cpanel")
	if err != nil || resp.StatusCode() != 200 { // check maps the status; a 200 body is API 2's, not UAPI's
		_, err = c.check(resp, err, op)
		return nil, err
	}
	var env api2JSON
	if err := json.Unmarshal(resp.Body(), &env); err != nil {
		return nil, &bot.Error{Provider: provider, Op: op, Kind: bot.Denied, Status: resp.StatusCode(),
			Err: errors.New("answer is not an api 2 envelope: wrong credentials or port?")}
	}
	if env.Result.Event.Result != 1 {
		return nil, &bot.Error{Provider: provider, Op: op, Kind: kindOf(env.Result.Error), Status: resp.StatusCode(), Err: fmt.Errorf("%s", env.Result.Error)}
	}
	// Items are believed to be {"ip": "…"}; a bare string is accepted too.
	var items []json.RawMessage
	if len(env.Result.Data) > 0 {
		if err := json.Unmarshal(env.Result.Data, &items); err != nil {
			return nil, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: fmt.Errorf("decode data: %w", err)}
		}
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var obj struct {
			IP string `json:"ip"`
		}
		var s string
		switch {
		case json.Unmarshal(it, &obj) == nil && obj.IP != "":
			out = append(out, obj.IP)
		case json.Unmarshal(it, &s) == nil && s != "":
			out = append(out, s)
		}
	}
	return slices.Compact(out), nil
}

// BlockIP adds ip (an address or a CIDR range) to the IP blocker and returns
// the entries cPanel wrote.
// API: POST /execute/BlockIP/add_ip (https://api.docs.cpanel.net/openapi/cpanel/operation/add_ip)
func (c *Client) BlockIP(ctx context.Context, ip string) ([]string, error) {
	var out []string
	if err := c.post(ctx, "block ip", "BlockIP/add_ip", url.Values{"ip": {ip}}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// UnblockIP removes ip from the IP blocker; the error is of kind NotFound
// when it is not blocked.
// API: POST /execute/BlockIP/remove_ip (https://api.docs.cpanel.net/openapi/cpanel/operation/remove_ip)
func (c *Client) UnblockIP(ctx context.Context, ip string) error {
	return c.post(ctx, "unblock ip", "BlockIP/remove_ip", url.Values{"ip": {ip}}, nil)
}
