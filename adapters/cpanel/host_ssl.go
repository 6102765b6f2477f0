package cpanel

import (
	"context"
	"slices"
	"time"

	"github.com/anopex/opsbot/bot"
)

var _ bot.Certificates = (*Client)(nil)

// certJSON is one item of SSL::list_certs, and the certificate of an
// installed host. Keys hold dots: explicit tags, no nesting (reference §4.13).
type certJSON struct {
	ID           string   `json:"id"`
	Domains      []string `json:"domains"`
	Subject      string   `json:"subject.commonName"`
	IssuerCN     string   `json:"issuer.commonName"`
	IssuerOrg    string   `json:"issuer.organizationName"`
	NotBefore    flexNum  `json:"not_before"`
	NotAfter     flexNum  `json:"not_after"`
	IsSelfSigned flexNum  `json:"is_self_signed"`
	IsAutoSSL    flexNum  `json:"is_autossl"`
}

// hostJSON is one item of SSL::installed_hosts.
type hostJSON struct {
	ServerName  string   `json:"servername"`
	Certificate certJSON `json:"certificate"`
}

func unix(f flexNum) time.Time {
	if !f.ok || f.v <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(f.v), 0).UTC()
}

func (j certJSON) toBot() bot.Certificate {
	issuer := j.IssuerCN
	if j.IssuerOrg != "" {
		issuer = j.IssuerOrg + " (" + j.IssuerCN + ")"
	}
	return bot.Certificate{ID: j.ID, Domains: j.Domains, Subject: j.Subject, Issuer: issuer,
		NotBefore: unix(j.NotBefore), NotAfter: unix(j.NotAfter), SelfSigned: j.IsSelfSigned.on(), AutoSSL: j.IsAutoSSL.on()}
}

// Certificates returns the account's stored certificates with the virtual
// hosts serving each; an installed certificate missing from the store is
// listed too. Sorted by expiry, soonest first.
// API: GET /execute/SSL/list_certs and GET /execute/SSL/installed_hosts
// (https://api.docs.cpanel.net/openapi/cpanel/operation/list_certs)
func (c *Client) Certificates(ctx context.Context) ([]bot.Certificate, error) {
	var stored []certJSON
	if err := c.get(ctx, "list certificates", "SSL/list_certs", nil, &stored); err != nil {
		return nil, err
	}
	var hosts []hostJSON
	if err := c.get(ctx, "list installed hosts", "SSL/installed_hosts", nil, &hosts); err != nil {
		return nil, err
	}
	out := make([]bot.Certificate, 0, len(stored))
	byID := map[string]int{}
	for _, s := range stored {
		byID[s.ID] = len(out)
		out = append(out, s.toBot())
	}
	for _, h := range hosts {
		i, ok := byID[h.Certificate.ID]
		if !ok || h.Certificate.ID == "" {
			cert := h.Certificate.toBot()
			i = len(out)
			byID[h.Certificate.ID] = i
			out = append(out, cert)
		}
		if h.Certificate.IsAutoSSL.on() {
			out[i].AutoSSL = true
		}
		out[i].Hosts = append(out[i].Hosts, h.ServerName)
	}
	slices.SortStableFunc(out, func(a, b bot.Certificate) int { return a.NotAfter.Compare(b.NotAfter) })
	return out, nil
}

var _ bot.AutoSSL = (*Client)(nil)

// AutoSSLProblems returns the domains AutoSSL could not secure at its last
// check. The three AutoSSL calls need the account's sslinstall feature
// (Cpanel/Admin/Modules/Cpanel/ssl_call.pm, _authz).
// API: GET /execute/SSL/get_autossl_problems
// (https://api.docs.cpanel.net/openapi/cpanel/operation/get_autossl_problems)
func (c *Client) AutoSSLProblems(ctx context.Context) ([]bot.AutoSSLProblem, error) {
	var items []struct {
		Domain  string `json:"domain"`
		Problem string `json:"problem"`
		Time    string `json:"time"` // ISO 8601, "2018-06-07T05:30:09.000Z"
	}
	if err := c.get(ctx, "list autossl problems", "SSL/get_autossl_problems", nil, &items); err != nil {
		return nil, err
	}
	out := make([]bot.AutoSSLProblem, 0, len(items))
	for _, it := range items {
		t, _ := time.Parse(time.RFC3339, it.Time)
		out = append(out, bot.AutoSSLProblem{Domain: it.Domain, Problem: it.Problem, Time: t})
	}
	return out, nil
}

// AutoSSLRunning reports whether an AutoSSL check of the account is under way.
// API: GET /execute/SSL/is_autossl_check_in_progress
// (https://api.docs.cpanel.net/openapi/cpanel/operation/is_autossl_check_in_progress)
func (c *Client) AutoSSLRunning(ctx context.Context) (bool, error) {
	var n flexNum
	err := c.get(ctx, "read autossl check", "SSL/is_autossl_check_in_progress", nil, &n)
	return n.on(), err
}

// StartAutoSSL queues an AutoSSL check of the account; it renews in the
// background what it can, and the problems log tells what it could not.
// API: POST /execute/SSL/start_autossl_check
// (https://api.docs.cpanel.net/openapi/cpanel/operation/start_autossl_check)
func (c *Client) StartAutoSSL(ctx context.Context) error {
	return c.post(ctx, "start autossl check", "SSL/start_autossl_check", nil, nil)
}
