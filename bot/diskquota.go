package bot

import "context"

// DiskUsage is the disk space of a hosting account (web, databases and mail
// together), in megabytes.
type DiskUsage struct {
	UsedMB  float64
	LimitMB float64 // 0 means unlimited or quotas disabled
}

// UsedPercent returns the share of the limit in use (0 when unlimited).
func (d DiskUsage) UsedPercent() float64 {
	if d.LimitMB <= 0 {
		return 0
	}
	return 100 * d.UsedMB / d.LimitMB
}

// AccountQuota reads the disk usage of the mail hosting account (cPanel),
// for the disk alerts. Errors: Unavailable, Denied, RateLimited.
type AccountQuota interface {
	AccountQuota(ctx context.Context) (DiskUsage, error)
}
