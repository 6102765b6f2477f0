package probe_test

import (
	"crypto/x509"
	"github.com/anopex/opsbot/adapters/internal/faulttest"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/adapters/probe/probetest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// t0 is the checks' clock in these tests; certificates are made relative to it.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func fixed(t time.Time) func() time.Time { return func() time.Time { return t } }

// site starts an HTTPS server for name with a certificate of ca valid from
// t0-30d to t0+left, issued for names.
func site(t *testing.T, ca *probetest.CA, name string, left time.Duration, names ...string) *probetest.Site {
	t.Helper()
	if len(names) == 0 {
		names = []string{name}
	}
	cert, err := ca.Issue(names, t0.AddDate(0, 0, -30), t0.Add(left))
	if err != nil {
		t.Fatal(err)
	}
	s := probetest.NewSite(name, cert, nil)
	t.Cleanup(s.Close)
	return s
}

func newCA(t *testing.T) *probetest.CA {
	t.Helper()
	ca, err := probetest.NewCA(t0)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

const day = 24 * time.Hour

func TestTLS(t *testing.T) {
	ca := newCA(t)
	other := newCA(t)
	otherCert, err := other.Issue([]string{"stranger.anopex.test"}, t0.AddDate(0, 0, -1), t0.AddDate(0, 0, 90))
	if err != nil {
		t.Fatal(err)
	}
	stranger := probetest.NewSite("stranger.anopex.test", otherCert, nil)
	t.Cleanup(stranger.Close)
	notYet, err := ca.Issue([]string{"early.anopex.test"}, t0.Add(day), t0.AddDate(0, 3, 0))
	if err != nil {
		t.Fatal(err)
	}
	early := probetest.NewSite("early.anopex.test", notYet, nil)
	t.Cleanup(early.Close)

	tests := []struct {
		name   string
		site   *probetest.Site
		target string
		locale bot.Locale
		want   []alerts.Alert
	}{
		{"3 days left: critical", site(t, ca, "mail.anopex.test", 3*day), "mail.anopex.test:993", bot.FR, []alerts.Alert{{
			Key: "tls:mail.anopex.test:993", Severity: alerts.Critical,
			Title:  "Le certificat TLS de mail.anopex.test:993 expire dans 3 jours (le 05/03/2026)",
			Detail: "Émetteur : opsbot Test CA"}}},
		{"10 days left: warning", site(t, ca, "www.anopex.test", 10*day), "www.anopex.test", bot.FR, []alerts.Alert{{
			Key: "tls:www.anopex.test:443", Severity: alerts.Warning,
			Title:  "Le certificat TLS de www.anopex.test:443 expire dans 10 jours (le 12/03/2026)",
			Detail: "Émetteur : opsbot Test CA"}}},
		{"10 days left, in English", site(t, ca, "www.anopex.test", 10*day), "www.anopex.test", bot.EN, []alerts.Alert{{
			Key: "tls:www.anopex.test:443", Severity: alerts.Warning,
			Title:  "The TLS certificate of www.anopex.test:443 expires in 10 days (on 2026-03-12)",
			Detail: "Issuer: opsbot Test CA"}}},
		{"60 days left: nothing", site(t, ca, "adherents.anopex.test", 60*day), "adherents.anopex.test:443", bot.FR, nil},
		{"21 days left exactly: nothing", site(t, ca, "adherents.anopex.test", 21*day), "adherents.anopex.test:443", bot.FR, nil},
		{"less than a day", site(t, ca, "wp.anopex.test", 5*time.Hour), "wp.anopex.test:443", bot.FR, []alerts.Alert{{
			Key: "tls:wp.anopex.test:443", Severity: alerts.Critical,
			Title:  "Le certificat TLS de wp.anopex.test:443 expire dans moins d'un jour (le 02/03/2026)",
			Detail: "Émetteur : opsbot Test CA"}}},
		{"expired", site(t, ca, "old.anopex.test", -2*day), "old.anopex.test:443", bot.FR, []alerts.Alert{{
			Key: "tls:old.anopex.test:443", Severity: alerts.Critical,
			Title: "Le certificat TLS de old.anopex.test:443 a expiré le 28/02/2026"}}},
		{"not yet valid", early, "early.anopex.test:443", bot.FR, []alerts.Alert{{
			Key: "tls:early.anopex.test:443", Severity: alerts.Critical,
			Title: "Le certificat TLS de early.anopex.test:443 n'est valable qu'à partir du 03/03/2026"}}},
		{"wrong host name", site(t, ca, "intranet.anopex.test", 60*day, "other.anopex.test", "www.other.test"), "intranet.anopex.test:443", bot.FR, []alerts.Alert{{
			Key: "tls:intranet.anopex.test:443", Severity: alerts.Critical,
			Title:  "Le certificat TLS de intranet.anopex.test:443 ne couvre pas le nom intranet.anopex.test",
			Detail: "Noms couverts : other.anopex.test, www.other.test"}}},
		{"unknown authority", stranger, "stranger.anopex.test:443", bot.FR, []alerts.Alert{{
			Key: "tls:stranger.anopex.test:443", Severity: alerts.Critical,
			Title:  "La chaîne de certification de stranger.anopex.test:443 n'est pas reconnue (autorité inconnue)",
			Detail: "Émetteur : opsbot Test CA"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := probe.NewTLS(probe.TLSConfig{Targets: []probe.Target{{Name: tt.target, Addr: tt.site.Addr()}}, Roots: ca.Roots()},
				probe.Options{Now: fixed(t0), Locale: tt.locale})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Run(t.Context())
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Run (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTLSUnreachable: a closed port is held twice, then raises a warning;
// a server that speaks no TLS counts the same way.
func TestTLSUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { plain.Close() })
	go func() {
		for {
			conn, err := plain.Accept()
			if err != nil {
				return
			}
			conn.Write([]byte("220 not a TLS server\r\n"))
			conn.Close()
		}
	}()
	c, err := probe.NewTLS(probe.TLSConfig{Targets: []probe.Target{
		{Name: "down.anopex.test", Addr: closed}, {Name: "plain.anopex.test:25", Addr: plain.Addr().String()}}},
		probe.Options{Now: fixed(t0)})
	if err != nil {
		t.Fatal(err)
	}
	hold := []alerts.Alert{{Key: "tls:down.anopex.test:443", Hold: true}, {Key: "tls:plain.anopex.test:25", Hold: true}}
	for run := 1; run <= 2; run++ {
		got, err := c.Run(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(hold, got); diff != "" {
			t.Errorf("run %d (-want +got):\n%s", run, diff)
		}
	}
	got, err := c.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []alerts.Alert{{
		Key: "tls:down.anopex.test:443", Severity: alerts.Warning,
		Title:  "Connexion TLS à down.anopex.test:443 impossible : connexion refusée (3 échecs de suite)",
		Detail: "Le certificat n'a pas pu être vérifié.",
	}, {
		Key: "tls:plain.anopex.test:25", Severity: alerts.Warning,
		Title:  "Connexion TLS à plain.anopex.test:25 impossible : erreur TLS (3 échecs de suite)",
		Detail: "Le certificat n'a pas pu être vérifié.",
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("third run (-want +got):\n%s", diff)
	}
}

func TestNewTLSRefuses(t *testing.T) {
	for _, name := range []string{"", "http://www.anopex.fr", "www.anopex.fr:https", "a b"} {
		if _, err := probe.NewTLS(probe.TLSConfig{Targets: []probe.Target{{Name: name}}}, probe.Options{}); err == nil {
			t.Errorf("NewTLS(%q) = nil error", name)
		}
	}
}

func TestProbeTLS(t *testing.T) {
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(ts.Close)
	host := strings.TrimPrefix(ts.URL, "https://")
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())

	trusted := probe.Prober{Timeout: 5 * time.Second, Roots: pool}
	lc, err := trusted.ProbeTLS(t.Context(), host)
	if err != nil || !lc.Verified || lc.NotAfter.IsZero() || lc.Host != host {
		t.Errorf("ProbeTLS trusted = %+v, %v; want verified with an expiry", lc, err)
	}
	untrusted := probe.Prober{Timeout: 5 * time.Second, Roots: x509.NewCertPool()}
	lc, err = untrusted.ProbeTLS(t.Context(), host)
	if err != nil || lc.Verified || lc.VerifyErr == nil || lc.NotAfter.IsZero() {
		t.Errorf("ProbeTLS untrusted = %+v, %v; want read but not verified", lc, err)
	}
	if _, err := trusted.ProbeTLS(t.Context(), faulttest.Hangup(t)); bot.KindOf(err) != bot.Unavailable {
		t.Errorf("ProbeTLS of a closed port = %v, want kind unavailable", err)
	}
}
