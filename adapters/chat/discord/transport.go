package discord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/anopex/opsbot/adapters/internal/rest"
)

// discordHost is the host discordgo's endpoint variables point at; they are
// computed when discordgo loads, so overriding them at run time is not
// possible (reference §13.1).
const discordHost = "discord.com"

// rewriter sends discordgo's REST calls to another base URL and, when a
// gateway URL is configured, answers GET /api/v{N}/gateway itself.
type rewriter struct {
	base    *url.URL // nil: leave discord.com alone
	gateway string   // "": ask the API
	next    http.RoundTripper
}

func newRewriter(apiURL, gatewayURL string, hc *http.Client) (*rewriter, error) {
	rt := &rewriter{next: http.DefaultTransport}
	if hc != nil && hc.Transport != nil {
		rt.next = hc.Transport
	}
	if apiURL != "" {
		if err := rest.CheckURL(apiURL); err != nil {
			return nil, fmt.Errorf("discord: api_url: %w", err)
		}
		rt.base, _ = url.Parse(strings.TrimRight(apiURL, "/"))
	}
	if gatewayURL != "" {
		u, err := url.Parse(gatewayURL)
		if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
			return nil, fmt.Errorf("discord: gateway_url %q is not a ws(s) URL", gatewayURL)
		}
		rt.gateway = gatewayURL
	}
	return rt, nil
}

// RoundTrip implements http.RoundTripper.
func (t *rewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != discordHost {
		return t.next.RoundTrip(r)
	}
	if gw, _ := path.Match("/api/v*/gateway", r.URL.Path); gw && t.gateway != "" && r.Method == http.MethodGet {
		body, _ := json.Marshal(map[string]string{"url": t.gateway})
		if r.Body != nil {
			r.Body.Close()
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
	}
	if t.base == nil {
		return t.next.RoundTrip(r)
	}
	out := r.Clone(r.Context())
	out.URL.Scheme, out.URL.Host, out.Host = t.base.Scheme, t.base.Host, t.base.Host
	if p := t.base.Path; p != "" {
		out.URL.Path = p + r.URL.Path
		if r.URL.RawPath != "" {
			out.URL.RawPath = t.base.EscapedPath() + r.URL.RawPath
		}
	}
	return t.next.RoundTrip(out)
}
