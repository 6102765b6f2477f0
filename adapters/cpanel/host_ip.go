package cpanel

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"

	"github.com/anopex/opsbot/bot"
)

var _ bot.IPBlocks = (*Client)(nil)

// BlockedIPs lists the IP blocker's entries, in the server's order.
// API: GET /json-api/cpanel?cpanel_jsonapi_apiversion=2&cpanel_jsonapi_module=DenyIp&cpanel_jsonapi_func=listdenyips
// (https://api.docs.cpanel.net/cpanel-api-2/cpanel-api-2-modules-denyip/cpanel-api-2-functions-denyip-listdenyips)
func (c *Client) BlockedIPs(ctx context.Context) ([]string, error) {
	// Items are believed to be {"ip": "…"}; a bare string is accepted too.
	var items []json.RawMessage
	if err := c.api2(ctx, "list blocked ips", "DenyIp", "listdenyips", nil, &items); err != nil {
		return nil, err
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
