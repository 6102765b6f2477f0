package dolibarr

import (
	"context"

	"github.com/go-resty/resty/v2"

	"github.com/anopex/opsbot/bot"
)

var _ bot.Installed = (*Client)(nil)

// Components returns Dolibarr with its version.
// API: GET /status, any valid key: {"success":{"code":200,
// "dolibarr_version":"22.0.2","access_locked":"0"}} (api_status.class.php).
func (c *Client) Components(ctx context.Context) ([]bot.Component, error) {
	const op = "read version"
	var out struct {
		Success struct {
			Version str `json:"dolibarr_version"`
		} `json:"success"`
	}
	if _, err := call(c.r.R().SetContext(ctx), resty.MethodGet, "/status", op, &out); err != nil {
		return nil, err
	}
	if out.Success.Version == "" {
		return nil, bot.Errorf(bot.Unavailable, provider, op, "the status names no version")
	}
	return []bot.Component{{Product: "dolibarr", Name: "Dolibarr", Version: string(out.Success.Version)}}, nil
}
