// Package probetest starts what the probes look at, on loopback: TLS sites
// with certificates of a chosen validity signed by a test authority, and a
// DNS server whose records a test changes. Tests and `opsbot demo` use it.
package probetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"time"
)

// CA is a certificate authority for tests: its certificates chain to Roots.
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// NewCA returns an authority valid ten years from now-1 year.
func NewCA(now time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "opsbot Test CA", Organization: []string{"opsbot"}},
		NotBefore:             now.AddDate(-1, 0, 0),
		NotAfter:              now.AddDate(10, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{cert: cert, key: key}, nil
}

// Roots returns a pool holding only this authority.
func (ca *CA) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// Issue returns a server certificate for names (host names or IPs), valid
// from notBefore to notAfter.
func (ca *CA) Issue(names []string, notBefore, notAfter time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	sn, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn.Add(sn, big.NewInt(2)), // 1 is the authority's
		Subject:      pkix.Name{CommonName: names[0]},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

// Site is a loopback HTTPS server presenting one certificate. Its handler
// answers 200 "ok" unless the test gives another.
type Site struct {
	*httptest.Server
	Name string // the host name the site stands for
}

// NewSite starts an HTTPS server on 127.0.0.1 presenting cert for name.
// h may be nil.
func NewSite(name string, cert tls.Certificate, h http.Handler) *Site {
	if h == nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // probes hang up after the handshake
	srv.StartTLS()
	return &Site{Server: srv, Name: name}
}

// Addr returns the site's "127.0.0.1:port".
func (s *Site) Addr() string { return s.Listener.Addr().String() }

// Demo is the demo's TLS site: www.anopex.test, whose certificate expires
// in 5 days, so the first TLS check of `opsbot demo` raises an alert.
type Demo struct {
	Site *Site
	CA   *CA
}

// DemoName is the host name of the demo site.
const DemoName = "www.anopex.test"

// NewDemo starts the demo site with a certificate valid from now-85 days to
// now+5 days and an hour (so that it reads "5 days" for the demo's first
// hour): under 7 days, a critical alert.
func NewDemo(now time.Time) (*Demo, error) {
	ca, err := NewCA(now)
	if err != nil {
		return nil, fmt.Errorf("demo ca: %w", err)
	}
	cert, err := ca.Issue([]string{DemoName}, now.AddDate(0, 0, -85), now.AddDate(0, 0, 5).Add(time.Hour))
	if err != nil {
		return nil, fmt.Errorf("demo certificate: %w", err)
	}
	return &Demo{Site: NewSite(DemoName, cert, nil), CA: ca}, nil
}

// Close stops the demo site.
func (d *Demo) Close() { d.Site.Close() }
