package wordpress

import (
	"context"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/go-resty/resty/v2"

	"github.com/anopex/opsbot/bot"
)

var _ bot.Installed = (*Client)(nil)

// pluginJSON is the part of a plugin the bot reads; plugin is its file
// without ".php" ("akismet/akismet"), whose directory is the WordPress.org slug.
type pluginJSON struct {
	Plugin  string `json:"plugin"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Components returns WordPress itself, then every installed plugin.
// The core version is the feed's generator (get_the_generator('rss2'):
// <generator>https://wordpress.org/?v=6.1.9</generator>): the REST API
// does not give it. The plugins need activate_plugins, which only an
// administrator holds: an editor's password gets 403
// rest_cannot_view_plugins (Denied).
// API: GET /?feed=rss2; GET /wp/v2/plugins?_fields=plugin,name,version
// (class-wp-rest-plugins-controller.php get_items_permissions_check,
// prepare_item_for_response).
func (c *Client) Components(ctx context.Context) ([]bot.Component, error) {
	const op = "read versions"
	resp, err := api.Do(c.r.R().SetContext(ctx).SetQueryParam("feed", "rss2"), resty.MethodGet, "/", op, nil)
	if err != nil {
		return nil, err
	}
	var feed struct {
		Generator string `xml:"channel>generator"`
	}
	xml.Unmarshal(resp.Body(), &feed) // a body that is not a feed names no version
	_, v, _ := strings.Cut(feed.Generator, "?v=")
	if v == "" {
		return nil, &bot.Error{Provider: provider, Op: op, Kind: bot.Unavailable, Status: resp.StatusCode(),
			Err: fmt.Errorf("the feed names no WordPress version (%s)", contentType(resp))}
	}
	var plugins []pluginJSON
	if _, err := c.call(ctx, resty.MethodGet, "/wp/v2/plugins", map[string]string{"_fields": "plugin,name,version"}, nil, &plugins, op); err != nil {
		return nil, err
	}
	out := []bot.Component{{Product: "wordpress", Name: "WordPress", Version: strings.TrimSpace(v)}}
	for _, p := range plugins {
		slug, _, _ := strings.Cut(p.Plugin, "/")
		out = append(out, bot.Component{Product: "plugin", Slug: slug, Name: p.Name, Version: p.Version})
	}
	return out, nil
}
