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
