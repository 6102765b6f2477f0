package probe

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// Target is a TLS endpoint. Name ("mail.anopex.fr:993"; port 443 when
// omitted) is the host name the certificate must cover and the alert key;
// Addr, when set, is where to connect instead (a test server, a given IP).
type Target struct {
	Name   string
	Addr   string
	Server string // the hosting server it runs on, given to its alerts ("": unknown)
}

// TLSConfig configures the certificate check.
type TLSConfig struct {
	Targets []Target
	// Roots are the trusted authorities; nil means the system's.
	Roots *x509.CertPool
	// Warning and Critical are the remaining validity under which the
	// certificate raises a warning (default 21 days) or a critical alert
	// (default 7 days).
	Warning, Critical time.Duration
}

// tlsCheck checks the certificates of TLS endpoints (implicit TLS: HTTPS, IMAPS,
// SMTPS): a chain to a trusted root, the host name, and the earliest expiry
// of the chain against the check's clock. Keys are "tls:HOST:PORT".
type tlsCheck struct {
	cfg     TLSConfig
	o       Options
	streaks streaks
}

// NewTLS returns the certificate check. It refuses a target whose name is
// not host or host:port.
func NewTLS(cfg TLSConfig, o Options) (alerts.Check, error) {
	if cfg.Warning <= 0 {
		cfg.Warning = 21 * 24 * time.Hour
	}
	if cfg.Critical <= 0 {
		cfg.Critical = 7 * 24 * time.Hour
	}
	cfg.Targets = slices.Clone(cfg.Targets)
	for i, t := range cfg.Targets {
		name, err := hostPort(t.Name, "443")
		if err != nil {
			return nil, fmt.Errorf("tls check: %w", err)
		}
		cfg.Targets[i].Name, cfg.Targets[i].Addr = name, cmp.Or(t.Addr, name)
	}
	c := &tlsCheck{cfg: cfg, o: o.defaults()}
	return check{"tls", c.run}, nil
}

// hostPort normalises "host" or "host:port" to "host:port" with a lower-case host.
func hostPort(s, port string) (string, error) {
	s = strings.TrimSpace(s)
	host, p, err := net.SplitHostPort(s)
	if err != nil {
		host, p = s, port
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || strings.ContainsAny(host, "/ @") || p == "" || strings.Trim(p, "0123456789") != "" {
		return "", fmt.Errorf("%q is not a host or host:port", s)
	}
	return net.JoinHostPort(host, p), nil
}

// run probes every target at once. It never fails as a whole: an endpoint
// that cannot be reached is held, then raises a warning after
// Options.Failures runs in a row.
func (c *tlsCheck) run(ctx context.Context) ([]alerts.Alert, error) {
	return collect(len(c.cfg.Targets), func(i int) *alerts.Alert {
		a := c.probe(ctx, c.cfg.Targets[i])
		if a != nil {
			a.Server = c.cfg.Targets[i].Server
		}
		return a
	}), nil
}

func (c *tlsCheck) probe(ctx context.Context, t Target) *alerts.Alert {
	l, key := c.o.Locale, "tls:"+t.Name
	host, _, _ := net.SplitHostPort(t.Name)
	certs, err := dialTLS(ctx, t.Addr, host)
	if err != nil {
		n := c.streaks.fail(key)
		if n < c.o.Failures {
			return &alerts.Alert{Key: key, Hold: true}
		}
		return &alerts.Alert{Key: key, Severity: alerts.Warning,
			Title:  fmt.Sprintf(l.Pick("Connexion TLS à %s impossible : %s (%d échecs de suite)", "TLS connection to %s failed: %s (%d failures in a row)"), t.Name, reason(l, err), n),
			Detail: l.Pick("Le certificat n'a pas pu être vérifié.", "The certificate could not be checked.")}
	}
	c.streaks.ok(key)
	return c.judge(key, t.Name, host, certs)
}

// dialTLS connects to addr, completes a handshake for the name host without
// verifying, and returns the chain the server presented: the caller
// verifies it, so that an expired or mismatched certificate is reported
// rather than hidden behind a handshake error. This is the one TLS dial of
// opsbot (the alert check and host ssl's live read).
func dialTLS(ctx context.Context, addr, host string) ([]*x509.Certificate, error) {
	d := tls.Dialer{Config: &tls.Config{ServerName: host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.(*tls.Conn).ConnectionState().PeerCertificates, nil
}

// verify checks certs (leaf first) for host against roots (nil: the
// system's) at now, and returns the verified chains.
func verify(certs []*x509.Certificate, host string, roots *x509.CertPool, now time.Time) ([][]*x509.Certificate, error) {
	inter := x509.NewCertPool()
	for _, ct := range certs[1:] {
		inter.AddCert(ct)
	}
	return certs[0].Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter, CurrentTime: now})
}

// Prober reads the certificate a host presents: host ssl's live check of
// the sites and mail hosts, beside what cPanel says is installed.
type Prober struct {
	// Timeout bounds the dial and the handshake (default 10 s).
	Timeout time.Duration
	// Roots verify the chain; nil means the system's.
	Roots *x509.CertPool
}

var _ bot.TLSProber = Prober{}

// ProbeTLS dials hostport ("mail.anopex.fr:993"; ":443" when the port is
// missing) and reads its certificate. A certificate that does not verify is
// not an error: LiveCert says why. Errors: Unavailable (no connection or no
// certificate within the timeout).
func (p Prober) ProbeTLS(ctx context.Context, hostport string) (bot.LiveCert, error) {
	const op = "tls check"
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, "443"
	}
	addr := net.JoinHostPort(host, port)
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(p.Timeout, 10*time.Second))
	defer cancel()
	certs, err := dialTLS(ctx, addr, host)
	if err == nil && len(certs) == 0 {
		err = errors.New("no certificate presented")
	}
	if err != nil {
		return bot.LiveCert{Host: addr}, &bot.Error{Provider: "tls", Op: op, Kind: bot.Unavailable, Err: err}
	}
	leaf := certs[0]
	lc := bot.LiveCert{Host: addr, Subject: leaf.Subject.CommonName, Issuer: leaf.Issuer.CommonName, DNSNames: leaf.DNSNames, NotAfter: leaf.NotAfter}
	_, lc.VerifyErr = verify(certs, host, p.Roots, time.Now())
	lc.Verified = lc.VerifyErr == nil
	return lc, nil
}

// judge verifies the chain the server sent and returns the alert it calls
// for, or nil.
func (c *tlsCheck) judge(key, name, host string, certs []*x509.Certificate) *alerts.Alert {
	l, now := c.o.Locale, c.o.Now()
	crit := func(title string, args ...any) *alerts.Alert {
		return &alerts.Alert{Key: key, Severity: alerts.Critical, Title: fmt.Sprintf(title, args...)}
	}
	if len(certs) == 0 {
		return crit(l.Pick("%s n'a présenté aucun certificat TLS", "%s presented no TLS certificate"), name)
	}
	leaf := certs[0]
	chains, err := verify(certs, host, c.cfg.Roots, now)
	var (
		he x509.HostnameError
		ue x509.UnknownAuthorityError
		ce x509.CertificateInvalidError
	)
	switch {
	case err == nil:
	case errors.As(err, &ce) && ce.Reason == x509.Expired && now.After(ce.Cert.NotAfter):
		return crit(l.Pick("Le certificat TLS de %s a expiré le %s", "The TLS certificate of %s expired on %s"), name, c.o.date(ce.Cert.NotAfter))
	case errors.As(err, &ce) && ce.Reason == x509.Expired:
		return crit(l.Pick("Le certificat TLS de %s n'est valable qu'à partir du %s", "The TLS certificate of %s is only valid from %s"), name, c.o.date(ce.Cert.NotBefore))
	case errors.As(err, &he):
		a := crit(l.Pick("Le certificat TLS de %s ne couvre pas le nom %s", "The TLS certificate of %s does not cover the name %s"), name, host)
		a.Detail = l.Pick("Noms couverts : ", "Names covered: ") + covered(leaf)
		return a
	case errors.As(err, &ue):
		a := crit(l.Pick("La chaîne de certification de %s n'est pas reconnue (autorité inconnue)", "The certificate chain of %s is not trusted (unknown authority)"), name)
		a.Detail = l.Pick("Émetteur : ", "Issuer: ") + issuer(leaf)
		return a
	default:
		a := crit(l.Pick("Le certificat TLS de %s est refusé", "The TLS certificate of %s is refused"), name)
		a.Detail = err.Error()
		return a
	}
	end := leaf.NotAfter
	for _, ct := range chains[0] {
		if ct.NotAfter.Before(end) {
			end = ct.NotAfter
		}
	}
	left := end.Sub(now)
	sev := alerts.Critical
	switch {
	case left >= c.cfg.Warning:
		return nil
	case left >= c.cfg.Critical:
		sev = alerts.Warning
	}
	return &alerts.Alert{Key: key, Severity: sev,
		Title:  fmt.Sprintf(l.Pick("Le certificat TLS de %s expire dans %s (le %s)", "The TLS certificate of %s expires in %s (on %s)"), name, days(l, left), c.o.date(end)),
		Detail: l.Pick("Émetteur : ", "Issuer: ") + issuer(leaf)}
}

// days renders a remaining validity in whole days.
func days(l bot.Locale, d time.Duration) string {
	n := int(d / (24 * time.Hour))
	switch n {
	case 0:
		return l.Pick("moins d'un jour", "less than a day")
	case 1:
		return l.Pick("1 jour", "1 day")
	}
	return fmt.Sprintf(l.Pick("%d jours", "%d days"), n)
}

func issuer(c *x509.Certificate) string { return cmp.Or(c.Issuer.CommonName, c.Issuer.String()) }

// covered lists the names a certificate covers: its DNS names and IP
// addresses, else its subject's common name.
func covered(c *x509.Certificate) string {
	names := slices.Clone(c.DNSNames)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return cmp.Or(strings.Join(names, ", "), c.Subject.CommonName, "-")
}
