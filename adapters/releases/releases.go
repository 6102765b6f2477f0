// Package releases reads the latest versions publishers offer, for the
// version alerts. Sources:
//   - WordPress: api.wordpress.org's core/version-check/1.7 (the first offer
//     is the latest release) and core/stable-check/1.0 (every version with
//     "latest", "outdated" or "insecure": an insecure installed version is
//     a security matter); codex.wordpress.org/WordPress.org_API;
//   - its plugins: plugins/info/1.2/?action=plugin_information&request[slug]=…
//     (version; 404 {"error":"Plugin not found."} for a plugin outside the
//     directory);
//   - Dolibarr: a GitHub releases API (GET /repos/Dolibarr/dolibarr/releases/latest:
//     tag_name, name, body). GitHub has no security flag: a release whose
//     name or notes say "security" (or "sécurité") is taken as one.
//
// Every call is an anonymous read, retried like any read.
package releases

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

const provider = "releases"

// The public sources.
const (
	WordPressOrg   = "https://api.wordpress.org"
	DolibarrGitHub = "https://api.github.com/repos/Dolibarr/dolibarr/releases/latest"
)

// Options configure a Client; empty URLs mean the public sources.
type Options struct {
	WordPressURL string // api.wordpress.org's base
	DolibarrURL  string // a GitHub "latest release" URL
	HTTPClient   *http.Client
	Log          zerolog.Logger
}

// Client reads the sources. It is safe for concurrent use.
type Client struct {
	r        *resty.Client
	dolibarr string
}

var _ bot.Releases = (*Client)(nil)

// New returns a client; it refuses a URL that is not http(s).
func New(o Options) (*Client, error) {
	wp, doli := cmp.Or(o.WordPressURL, WordPressOrg), cmp.Or(o.DolibarrURL, DolibarrGitHub)
	for _, u := range []string{wp, doli} {
		if err := rest.CheckURL(u); err != nil {
			return nil, fmt.Errorf("releases: %w", err)
		}
	}
	r := rest.New(rest.Options{BaseURL: wp, HTTPClient: o.HTTPClient, Log: o.Log.With().Str("component", provider).Logger()})
	return &Client{r: r, dolibarr: doli}, nil
}

// Latest returns the latest release of c; ok is false for a plugin
// WordPress.org does not know, or a product no source covers.
func (c *Client) Latest(ctx context.Context, comp bot.Component) (bot.Release, bool, error) {
	switch comp.Product {
	case "wordpress":
		var offers struct {
			Offers []struct {
				Version string `json:"version"`
			} `json:"offers"`
		}
		if err := c.get(ctx, "/core/version-check/1.7/", nil, &offers, "wordpress version-check"); err != nil {
			return bot.Release{}, false, err
		}
		if len(offers.Offers) == 0 {
			return bot.Release{}, false, bot.Errorf(bot.Unavailable, provider, "wordpress version-check", "no offer")
		}
		var stable map[string]string
		if err := c.get(ctx, "/core/stable-check/1.0/", nil, &stable, "wordpress stable-check"); err != nil {
			return bot.Release{}, false, err
		}
		return bot.Release{Version: offers.Offers[0].Version, Security: stable[comp.Version] == "insecure"}, true, nil
	case "plugin":
		var info struct {
			Version string `json:"version"`
		}
		err := c.get(ctx, "/plugins/info/1.2/", map[string]string{"action": "plugin_information", "request[slug]": comp.Slug}, &info, "plugin information")
		if bot.KindOf(err) == bot.NotFound {
			return bot.Release{}, false, nil
		}
		return bot.Release{Version: info.Version}, err == nil && info.Version != "", err
	case "dolibarr":
		var rel struct {
			Tag  string `json:"tag_name"`
			Name string `json:"name"`
			Body string `json:"body"`
		}
		if err := c.get(ctx, c.dolibarr, nil, &rel, "dolibarr latest release"); err != nil {
			return bot.Release{}, false, err
		}
		notes := strings.ToLower(rel.Name + " " + rel.Body)
		return bot.Release{Version: strings.TrimPrefix(rel.Tag, "v"),
			Security: strings.Contains(notes, "security") || strings.Contains(notes, "sécurité")}, rel.Tag != "", nil
	}
	return bot.Release{}, false, nil
}

// get reads url (relative to the WordPress base, or absolute) into out.
func (c *Client) get(ctx context.Context, url string, q map[string]string, out any, op string) error {
	_, err := rest.API{Provider: provider}.Do(c.r.R().SetContext(ctx).SetQueryParams(q).SetHeader("Accept", "application/json"), resty.MethodGet, url, op, out)
	return err
}
