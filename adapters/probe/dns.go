package probe

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// Fixed is a record that must not change: the addresses of a site.
type Fixed struct {
	Name   string   // "www.anopex.fr"
	Type   string   // "A" or "AAAA"
	Values []string // the expected addresses, in any order
}

// DNSConfig configures the DNS check.
type DNSConfig struct {
	// Resolver is the server asked, "host:port" (port 53 when omitted).
	Resolver string
	// MailDomains must have MX records, exactly one SPF record (TXT
	// "v=spf1 …") and a DMARC record (TXT "v=DMARC1 …" at _dmarc.DOMAIN).
	MailDomains []string
	// Fixed records must hold exactly the configured addresses.
	Fixed []Fixed
	// Timeout of one query (default 5 s); the scheduler's deadline applies too.
	Timeout time.Duration
}

// dnsCheck checks, against the configured resolver, that the mail records exist
// and that the sites' addresses did not change. A query the resolver cannot
// answer (timeout, SERVFAIL, REFUSED) holds its key; if no query at all is
// answered, Run fails (kind Unavailable) and every DNS alert stays as it is.
// An answer without the record (NXDOMAIN or empty) is a missing record.
type dnsCheck struct {
	cfg    DNSConfig
	o      Options
	client *dns.Client
}

// NewDNS checks cfg and returns the DNS check.
func NewDNS(cfg DNSConfig, o Options) (alerts.Check, error) {
	r, err := hostPort(cfg.Resolver, "53")
	if err != nil {
		return nil, fmt.Errorf("dns check: resolver: %w", err)
	}
	cfg.Resolver = r
	cfg.MailDomains, cfg.Fixed = slices.Clone(cfg.MailDomains), slices.Clone(cfg.Fixed)
	for i, d := range cfg.MailDomains {
		n, err := bot.NormalizeDomain(d)
		if err != nil {
			return nil, fmt.Errorf("dns check: mail domain %q is not a domain", d)
		}
		cfg.MailDomains[i] = n
	}
	for i, f := range cfg.Fixed {
		n, err := bot.NormalizeDomain(f.Name)
		if err != nil {
			return nil, fmt.Errorf("dns check: %q is not a domain name", f.Name)
		}
		f.Name, f.Type = n, strings.ToUpper(f.Type)
		if f.Type != "A" && f.Type != "AAAA" || len(f.Values) == 0 {
			return nil, fmt.Errorf("dns check: %s: give type A or AAAA and the expected addresses", f.Name)
		}
		vals := make([]string, len(f.Values))
		for j, v := range f.Values {
			ip, err := netip.ParseAddr(strings.TrimSpace(v))
			if err != nil || ip.Is4() != (f.Type == "A") {
				return nil, fmt.Errorf("dns check: %s: %q is not an %s address", f.Name, v, f.Type)
			}
			vals[j] = ip.String()
		}
		slices.Sort(vals)
		f.Values = slices.Compact(vals)
		cfg.Fixed[i] = f
	}
	cfg.Timeout = cmp.Or(cfg.Timeout, 5*time.Second)
	c := &dnsCheck{cfg: cfg, o: o.defaults(), client: &dns.Client{Net: "udp", Timeout: cfg.Timeout}}
	return check{"dns", c.run}, nil
}

// answer is what one query got: the records of the asked type, or why not.
type answer struct {
	rrs    []dns.RR
	failed bool // no usable answer: hold the key
}

// run asks every question at once.
func (c *dnsCheck) run(ctx context.Context) ([]alerts.Alert, error) {
	type job struct {
		key   string
		name  string
		qtype uint16
		judge func(a answer) *alerts.Alert
	}
	var jobs []job
	for _, d := range c.cfg.MailDomains {
		jobs = append(jobs,
			job{"dns:mx:" + d, d, dns.TypeMX, func(a answer) *alerts.Alert { return c.mx(d, a) }},
			job{"dns:spf:" + d, d, dns.TypeTXT, func(a answer) *alerts.Alert { return c.spf(d, a) }},
			job{"dns:dmarc:" + d, "_dmarc." + d, dns.TypeTXT, func(a answer) *alerts.Alert { return c.dmarc(d, a) }})
	}
	for _, f := range c.cfg.Fixed {
		jobs = append(jobs, job{"dns:" + strings.ToLower(f.Type) + ":" + f.Name, f.Name, dns.StringToType[f.Type], func(a answer) *alerts.Alert { return c.fixed(f, a) }})
	}
	errs := make([]error, len(jobs)) // nil: the resolver answered
	out := collect(len(jobs), func(i int) *alerts.Alert {
		j := jobs[i]
		var a answer
		a, errs[i] = c.ask(ctx, j.name, j.qtype)
		if a.failed {
			return &alerts.Alert{Key: j.key, Hold: true}
		}
		al := j.judge(a)
		if al != nil {
			al.Key = j.key
		}
		return al
	})
	if len(jobs) > 0 && !slices.Contains(errs, nil) {
		return nil, &bot.Error{Provider: "dns", Op: "query " + c.cfg.Resolver, Kind: bot.Unavailable, Err: errs[0]}
	}
	return out, nil
}

// ask sends one recursive query, over TCP again when the UDP answer was
// truncated. err is set only when the resolver did not answer at all.
func (c *dnsCheck) ask(ctx context.Context, name string, qtype uint16) (answer, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.SetEdns0(1232, false)
	r, _, err := c.client.ExchangeContext(ctx, m, c.cfg.Resolver)
	if err == nil && r.Truncated {
		tcp := &dns.Client{Net: "tcp", Timeout: c.cfg.Timeout}
		r, _, err = tcp.ExchangeContext(ctx, m, c.cfg.Resolver)
	}
	if err != nil {
		return answer{failed: true}, fmt.Errorf("query %s %s: %w", name, dns.TypeToString[qtype], err)
	}
	if r.Rcode != dns.RcodeSuccess && r.Rcode != dns.RcodeNameError {
		return answer{failed: true}, nil
	}
	var a answer
	for _, rr := range r.Answer {
		if rr.Header().Rrtype == qtype {
			a.rrs = append(a.rrs, rr)
		}
	}
	return a, nil
}

func (c *dnsCheck) mx(domain string, a answer) *alerts.Alert {
	if len(a.rrs) > 0 {
		return nil
	}
	return &alerts.Alert{Severity: alerts.Critical, Title: fmt.Sprintf(c.o.Locale.Pick(
		"Le domaine %s n'a plus d'enregistrement MX : le courrier ne peut plus arriver",
		"Domain %s has no MX record: mail cannot be delivered"), domain)}
}

// txt returns the TXT records of a whose text starts with prefix (case-insensitive).
func txt(a answer, prefix string) []string {
	var out []string
	for _, rr := range a.rrs {
		if t, ok := rr.(*dns.TXT); ok {
			s := strings.Join(t.Txt, "")
			if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
				out = append(out, s)
			}
		}
	}
	return out
}

func (c *dnsCheck) spf(domain string, a answer) *alerts.Alert {
	l := c.o.Locale
	switch n := len(txt(a, "v=spf1")); n {
	case 1:
		return nil
	case 0:
		return &alerts.Alert{Severity: alerts.Warning, Title: fmt.Sprintf(l.Pick(
			"Le domaine %s n'a pas d'enregistrement SPF (TXT « v=spf1 … ») : ses messages risquent d'être refusés",
			"Domain %s has no SPF record (TXT \"v=spf1 …\"): its mail may be rejected"), domain)}
	default:
		return &alerts.Alert{Severity: alerts.Warning, Title: fmt.Sprintf(l.Pick(
			"Le domaine %s a %d enregistrements SPF : un seul est permis",
			"Domain %s has %d SPF records: only one is allowed"), domain, n)}
	}
}

func (c *dnsCheck) dmarc(domain string, a answer) *alerts.Alert {
	if len(txt(a, "v=DMARC1")) > 0 {
		return nil
	}
	return &alerts.Alert{Severity: alerts.Warning, Title: fmt.Sprintf(c.o.Locale.Pick(
		"Le domaine %s n'a pas d'enregistrement DMARC (TXT « v=DMARC1 … » sur _dmarc.%s)",
		"Domain %s has no DMARC record (TXT \"v=DMARC1 …\" at _dmarc.%s)"), domain, domain)}
}

func (c *dnsCheck) fixed(f Fixed, a answer) *alerts.Alert {
	var got []string
	for _, rr := range a.rrs {
		switch r := rr.(type) {
		case *dns.A:
			got = append(got, addrString(r.A))
		case *dns.AAAA:
			got = append(got, addrString(r.AAAA))
		}
	}
	slices.Sort(got)
	got = slices.Compact(got)
	if slices.Equal(got, f.Values) {
		return nil
	}
	l := c.o.Locale
	want := strings.Join(f.Values, ", ")
	if len(got) == 0 {
		return &alerts.Alert{Severity: alerts.Critical, Title: fmt.Sprintf(l.Pick(
			"L'enregistrement %s de %s a disparu (attendu : %s)", "The %s record of %s is gone (expected: %s)"), f.Type, f.Name, want)}
	}
	return &alerts.Alert{Severity: alerts.Critical, Title: fmt.Sprintf(l.Pick(
		"L'enregistrement %s de %s a changé : %s au lieu de %s", "The %s record of %s changed: %s instead of %s"),
		f.Type, f.Name, strings.Join(got, ", "), want)}
}

func addrString(ip net.IP) string {
	if a, ok := netip.AddrFromSlice(ip); ok {
		return a.Unmap().String()
	}
	return ip.String()
}
