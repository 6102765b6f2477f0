package cpanel

import (
	"cmp"
	"context"
	"encoding/json"
	"net/url"
	"slices"

	"github.com/anopex/opsbot/bot"
)

var _ bot.DirUsages = (*Client)(nil)

// duNodeJSON is a node of DiskUsage::fetchdiskusage: usage is the entry's
// own size, contained_usage what lies below it (Cpanel/DiskUsage.pm's
// _Key_Conversions); contents is the list of children at the top and
// their count below.
type duNodeJSON struct {
	Name      string          `json:"name"`
	Type      string          `json:"type"`
	Usage     flexNum         `json:"usage"`
	Contained flexNum         `json:"contained_usage"`
	Contents  json.RawMessage `json:"contents"`
}

// DirUsage returns the entries of path (relative to the home, "" for the
// home) with the space each uses, largest first. UAPI has no such
// function: cPanel's Disk Usage page reads API 2's DiskUsage, which walks
// the home once and caches it for about 8 minutes, and answers an absent
// path with no entries (Cpanel/DiskUsage.pm, _fetch_disk_usage).
// API: GET /json-api/cpanel?cpanel_jsonapi_apiversion=2&cpanel_jsonapi_module=DiskUsage&cpanel_jsonapi_func=fetchdiskusage&path=…
// (https://api.docs.cpanel.net/cpanel-api-2/cpanel-api-2-modules-diskusage/cpanel-api-2-functions-diskusage-fetchdiskusage)
func (c *Client) DirUsage(ctx context.Context, path string) ([]bot.DirUsage, error) {
	var q url.Values
	if path != "" {
		q = url.Values{"path": {path}}
	}
	var raw json.RawMessage // API 2 gives the one record, or a list of it
	if err := c.api2(ctx, "read directory usage", "DiskUsage", "fetchdiskusage", q, &raw); err != nil {
		return nil, err
	}
	var root duNodeJSON
	var list []duNodeJSON
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		root = list[0]
	} else if err := json.Unmarshal(raw, &root); err != nil {
		return nil, &bot.Error{Provider: provider, Op: "read directory usage", Kind: bot.Internal, Err: err}
	}
	var kids []duNodeJSON
	_ = json.Unmarshal(root.Contents, &kids) // a count or null: no entries
	out := make([]bot.DirUsage, 0, len(kids))
	for _, k := range kids {
		out = append(out, bot.DirUsage{Name: k.Name, Bytes: int64(k.Usage.v + k.Contained.v), Dir: k.Type == "dir"})
	}
	slices.SortStableFunc(out, func(a, b bot.DirUsage) int { return cmp.Or(cmp.Compare(b.Bytes, a.Bytes), cmp.Compare(a.Name, b.Name)) })
	return out, nil
}
