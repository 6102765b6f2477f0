package probe_test

import (
	"net"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/adapters/probe/probetest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// zone starts a DNS server holding a healthy anopex.test.
func zone(t *testing.T) *probetest.DNS {
	t.Helper()
	d, err := probetest.NewDNS()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(d.Set("anopex.test", "MX", "10 mail.anopex.test.", "20 mx2.anopex.test."))
	must(d.Set("anopex.test", "TXT", "google-site-verification=abc", "v=spf1 mx include:spf.brevo.test -all"))
	must(d.Set("_dmarc.anopex.test", "TXT", "v=DMARC1; p=quarantine; rua=mailto:dmarc@anopex.test"))
	must(d.Set("www.anopex.test", "A", "192.0.2.10"))
	must(d.Set("www.anopex.test", "AAAA", "2001:db8::10"))
	return d
}

func newDNSCheck(t *testing.T, resolver string) alerts.Check {
	t.Helper()
	c, err := probe.NewDNS(probe.DNSConfig{Resolver: resolver, MailDomains: []string{"anopex.test"}, Fixed: []probe.Fixed{
		{Name: "www.anopex.test", Type: "A", Values: []string{"192.0.2.10"}},
		{Name: "www.anopex.test", Type: "aaaa", Values: []string{"2001:0db8:0::10"}},
	}}, probe.Options{Now: fixed(t0)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDNS changes the records step by step and compares what the check sees.
func TestDNS(t *testing.T) {
	z := zone(t)
	c := newDNSCheck(t, z.Addr())
	set := func(name, typ string, v ...string) func() {
		return func() {
			if err := z.Set(name, typ, v...); err != nil {
				t.Fatal(err)
			}
		}
	}
	const (
		mx    = "dns:mx:anopex.test"
		spf   = "dns:spf:anopex.test"
		dmarc = "dns:dmarc:anopex.test"
		a     = "dns:a:www.anopex.test"
		aaaa  = "dns:aaaa:www.anopex.test"
	)
	steps := []struct {
		name   string
		change func()
		want   []alerts.Alert
	}{
		{"healthy", func() {}, nil},
		{"DMARC removed", set("_dmarc.anopex.test", "TXT"), []alerts.Alert{{Key: dmarc, Severity: alerts.Warning,
			Title: "Le domaine anopex.test n'a pas d'enregistrement DMARC (TXT « v=DMARC1 … » sur _dmarc.anopex.test)"}}},
		{"DMARC back, A changed", func() {
			set("_dmarc.anopex.test", "TXT", "v=DMARC1; p=none")()
			set("www.anopex.test", "A", "198.51.100.7", "192.0.2.10")()
		}, []alerts.Alert{{Key: a, Severity: alerts.Critical,
			Title: "L'enregistrement A de www.anopex.test a changé : 192.0.2.10, 198.51.100.7 au lieu de 192.0.2.10"}}},
		{"A removed, two SPF records", func() {
			set("www.anopex.test", "A")()
			set("anopex.test", "TXT", "v=spf1 mx -all", "V=SPF1 a -all")()
		}, []alerts.Alert{{Key: spf, Severity: alerts.Warning, Title: "Le domaine anopex.test a 2 enregistrements SPF : un seul est permis"},
			{Key: a, Severity: alerts.Critical, Title: "L'enregistrement A de www.anopex.test a disparu (attendu : 192.0.2.10)"}}},
		{"MX and SPF gone, AAAA changed", func() {
			set("anopex.test", "MX")()
			set("anopex.test", "TXT", "google-site-verification=abc")()
			set("www.anopex.test", "A", "192.0.2.10")()
			set("www.anopex.test", "AAAA", "2001:db8::99")()
		}, []alerts.Alert{
			{Key: mx, Severity: alerts.Critical, Title: "Le domaine anopex.test n'a plus d'enregistrement MX : le courrier ne peut plus arriver"},
			{Key: spf, Severity: alerts.Warning, Title: "Le domaine anopex.test n'a pas d'enregistrement SPF (TXT « v=spf1 … ») : ses messages risquent d'être refusés"},
			{Key: aaaa, Severity: alerts.Critical, Title: "L'enregistrement AAAA de www.anopex.test a changé : 2001:db8::99 au lieu de 2001:db8::10"}}},
		{"SERVFAIL: every key held", func() { z.Fail(dns.RcodeServerFailure) }, []alerts.Alert{
			{Key: mx, Hold: true}, {Key: spf, Hold: true}, {Key: dmarc, Hold: true}, {Key: a, Hold: true}, {Key: aaaa, Hold: true}}},
		{"whole domain gone (NXDOMAIN)", func() {
			z.Fail(dns.RcodeSuccess)
			for _, n := range []string{"anopex.test", "_dmarc.anopex.test", "www.anopex.test"} {
				for _, typ := range []string{"MX", "TXT", "A", "AAAA"} {
					set(n, typ)()
				}
			}
		}, []alerts.Alert{
			{Key: mx, Severity: alerts.Critical, Title: "Le domaine anopex.test n'a plus d'enregistrement MX : le courrier ne peut plus arriver"},
			{Key: spf, Severity: alerts.Warning, Title: "Le domaine anopex.test n'a pas d'enregistrement SPF (TXT « v=spf1 … ») : ses messages risquent d'être refusés"},
			{Key: dmarc, Severity: alerts.Warning, Title: "Le domaine anopex.test n'a pas d'enregistrement DMARC (TXT « v=DMARC1 … » sur _dmarc.anopex.test)"},
			{Key: a, Severity: alerts.Critical, Title: "L'enregistrement A de www.anopex.test a disparu (attendu : 192.0.2.10)"},
			{Key: aaaa, Severity: alerts.Critical, Title: "L'enregistrement AAAA de www.anopex.test a disparu (attendu : 2001:db8::10)"}}},
	}
	for _, s := range steps {
		s.change()
		got, err := c.Run(t.Context())
		if err != nil {
			t.Fatalf("%s: Run: %v", s.name, err)
		}
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
	}
}

// TestDNSResolverDown: when no query is answered the run fails with kind
// Unavailable, so the DNS alerts stay as they are.
func TestDNSResolverDown(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	c := newDNSCheck(t, addr)
	got, err := c.Run(t.Context())
	if bot.KindOf(err) != bot.Unavailable || got != nil {
		t.Errorf("Run = %v, %v; want no alerts and an error of kind Unavailable", got, err)
	}
}

func TestNewDNSRefuses(t *testing.T) {
	tests := []struct {
		name string
		cfg  probe.DNSConfig
	}{
		{"no resolver", probe.DNSConfig{}},
		{"bad mail domain", probe.DNSConfig{Resolver: "127.0.0.1", MailDomains: []string{"not a domain"}}},
		{"bad type", probe.DNSConfig{Resolver: "127.0.0.1", Fixed: []probe.Fixed{{Name: "www.anopex.test", Type: "CNAME", Values: []string{"x"}}}}},
		{"no value", probe.DNSConfig{Resolver: "127.0.0.1", Fixed: []probe.Fixed{{Name: "www.anopex.test", Type: "A"}}}},
		{"IPv6 for A", probe.DNSConfig{Resolver: "127.0.0.1", Fixed: []probe.Fixed{{Name: "www.anopex.test", Type: "A", Values: []string{"2001:db8::1"}}}}},
		{"not an address", probe.DNSConfig{Resolver: "127.0.0.1", Fixed: []probe.Fixed{{Name: "www.anopex.test", Type: "AAAA", Values: []string{"www"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := probe.NewDNS(tt.cfg, probe.Options{}); err == nil {
				t.Error("NewDNS = nil error")
			}
		})
	}
}
