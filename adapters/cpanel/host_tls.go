package cpanel

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"time"

	"github.com/anopex/opsbot/bot"
)

// TLSDialer reads the certificate a host presents: the live check of the
// sites and mail hosts cPanel serves, beside what SSL::installed_hosts says.
type TLSDialer struct {
	// Timeout bounds the dial and the handshake (default 10 s).
	Timeout time.Duration
	// RootCAs verifies the chain; nil means the system roots.
	RootCAs *x509.CertPool
}

var _ bot.TLSProber = (*TLSDialer)(nil)

// ProbeTLS dials hostport ("mail.anopex.fr:993"; ":443" is added when the
// port is missing), completes a handshake without verifying, then verifies
// the chain and the name itself, so an expired or mismatched certificate is
// reported rather than hidden behind a handshake error.
func (d *TLSDialer) ProbeTLS(ctx context.Context, hostport string) (bot.LiveCert, error) {
	const op = "tls check"
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, "443"
	}
	addr := net.JoinHostPort(host, port)
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dialer := &tls.Dialer{Config: &tls.Config{ServerName: host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return bot.LiveCert{Host: addr}, &bot.Error{Provider: "tls", Op: op, Kind: bot.Unavailable, Err: err}
	}
	defer conn.Close()
	state := conn.(*tls.Conn).ConnectionState()
	if len(state.PeerCertificates) == 0 {
		return bot.LiveCert{Host: addr}, &bot.Error{Provider: "tls", Op: op, Kind: bot.Unavailable, Err: errors.New("no certificate presented")}
	}
	leaf := state.PeerCertificates[0]
	lc := bot.LiveCert{Host: addr, Subject: leaf.Subject.CommonName, Issuer: leaf.Issuer.CommonName, DNSNames: leaf.DNSNames, NotAfter: leaf.NotAfter}
	inter := x509.NewCertPool()
	for _, c := range state.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, lc.VerifyErr = leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: d.RootCAs, Intermediates: inter})
	lc.Verified = lc.VerifyErr == nil
	return lc, nil
}
