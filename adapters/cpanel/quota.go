package cpanel

import (
	"context"
	"math"

	"github.com/anopex/opsbot/bot"
)

// quotaJSON is the data of Quota::get_quota_info (reference §4.15).
type quotaJSON struct {
	Used  flexNum `json:"megabytes_used"`
	Limit flexNum `json:"megabyte_limit"` // 0: unlimited or quotas disabled
}

func (q quotaJSON) toBot() bot.DiskUsage {
	var d bot.DiskUsage
	if q.Used.ok {
		d.UsedMB = math.Max(q.Used.v, 0)
	}
	if q.Limit.ok {
		d.LimitMB = math.Max(q.Limit.v, 0)
	}
	return d
}

// Check tests the credentials with a read-only call; the error is of kind
// Denied when cPanel refuses them.
// API: GET /execute/Quota/get_quota_info
func (c *Client) Check(ctx context.Context) error {
	return c.get(ctx, "check credentials", "Quota/get_quota_info", nil, nil)
}

// AccountQuota returns the account's disk usage and limit in MB.
// API: GET /execute/Quota/get_quota_info
// (https://api.docs.cpanel.net/openapi/cpanel/operation/get_quota_info)
func (c *Client) AccountQuota(ctx context.Context) (bot.DiskUsage, error) {
	var q quotaJSON
	if err := c.get(ctx, "read account quota", "Quota/get_quota_info", nil, &q); err != nil {
		return bot.DiskUsage{}, err
	}
	return q.toBot(), nil
}
