package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/mailer"
	"github.com/anopex/opsbot/adapters/mailer/mailertest"
	"github.com/anopex/opsbot/adapters/ovh"
	"github.com/anopex/opsbot/adapters/ovh/ovhtest"
	"github.com/anopex/opsbot/adapters/planethoster"
	"github.com/anopex/opsbot/adapters/planethoster/planethostertest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
)

// hostingSections are the configuration of the hosting operations, inlined
// into Config (`yaml:",inline"`):
//
//	ovh:
//	  endpoint: ovh-eu                  # or a URL ending in /1.0
//	  application_key: ak-…             # not a secret on its own
//	  application_secret: ${OVH_APPLICATION_SECRET}
//	  consumer_key: ${OVH_CONSUMER_KEY}
//	  product: vps                      # what tickets are about (optional)
//	  service_name: vps-1a2b3c4d.vps.ovh.net
//	  payment_mean: bankAccount         # pay bills with it; absent: the order link goes privately to the requester
//	  payment_mean_id: 123
//	planethoster:
//	  url: https://api.planethoster.net
//	  user: ph-api-7f3a
//	  key: ${PLANETHOSTER_API_KEY}
//	  support: support@planethoster.com # tickets go there by e-mail (needs smtp)
//	  domains: [anopex.fr]              # registration expiry shown by host account
//	smtp:
//	  host: smtp.anopex.fr
//	  port: 587
//	  tls: starttls                     # starttls (default), tls (465) or none (loopback only)
//	  user: opsbot@anopex.fr
//	  password: ${SMTP_PASSWORD}
//	  from: opsbot@anopex.fr
//	  from_name: "Anopex — opsbot"
//	cf2d:
//	  to: contact@cf2d.fr               # the contractor
//	  cc: [tresoriere@anopex.fr]
//	  reference: W751234567             # the association's reference number with CF2D
//	  association: Anopex               # signs the letter
//	hosting:
//	  zone: anopex.fr                   # DNS zone of host dns (default cpanel.domain)
//	  tls_hosts: [anopex.fr:443, mail.anopex.fr:993]
//	  allow: [203.0.113.7/32]           # never blocked, beside this machine's own addresses
type hostingSections struct {
	OVH          *ovhConfig          `yaml:"ovh"`
	PlanetHoster *planethosterConfig `yaml:"planethoster"`
	SMTP         *smtpConfig         `yaml:"smtp"`
	CF2D         *cf2dConfig         `yaml:"cf2d"`
	Hosting      *hostingConfig      `yaml:"hosting"`
}

type ovhConfig struct {
	Endpoint          string `yaml:"endpoint"`
	ApplicationKey    string `yaml:"application_key"`
	ApplicationSecret secret `yaml:"application_secret"`
	ConsumerKey       secret `yaml:"consumer_key"`
	Product           string `yaml:"product"`
	ServiceName       string `yaml:"service_name"`
	PaymentMean       string `yaml:"payment_mean"`
	PaymentMeanID     int64  `yaml:"payment_mean_id"`
}

type planethosterConfig struct {
	URL     string   `yaml:"url"`
	User    string   `yaml:"user"`
	Key     secret   `yaml:"key"`
	Support string   `yaml:"support"`
	Domains []string `yaml:"domains"`
}

type smtpConfig struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	TLS      string `yaml:"tls"`
	User     string `yaml:"user"`
	Password secret `yaml:"password"`
	From     string `yaml:"from"`
	FromName string `yaml:"from_name"`
	// tlsConfig trusts the demo's SMTP sink; never read from the file.
	tlsConfig *tls.Config
}

type cf2dConfig struct {
	To          string   `yaml:"to"`
	Cc          []string `yaml:"cc"`
	Reference   string   `yaml:"reference"`
	Association string   `yaml:"association"`
}

type hostingConfig struct {
	Zone     string   `yaml:"zone"`
	TLSHosts []string `yaml:"tls_hosts"`
	Allow    []string `yaml:"allow"`
}

// check validates the sections: addresses, ranges, and the SMTP server that
// PlanetHoster tickets and CF2D letters need.
func (s *hostingSections) check() error {
	var errs []error
	addr := func(field, v string) {
		if _, err := bot.NormalizeEmail(v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not an e-mail address", field, v))
		}
	}
	if o := s.OVH; o != nil && (o.Endpoint == "" || o.ApplicationKey == "") {
		errs = append(errs, errors.New("ovh: endpoint and application_key are required"))
	}
	if p := s.PlanetHoster; p != nil {
		if p.URL == "" || p.User == "" {
			errs = append(errs, errors.New("planethoster: url and user are required"))
		}
		if p.Support != "" {
			addr("planethoster.support", p.Support)
			if s.SMTP == nil {
				errs = append(errs, errors.New("planethoster.support: tickets go by e-mail, configure smtp"))
			}
		}
		for _, d := range p.Domains {
			if _, err := bot.NormalizeDomain(d); err != nil {
				errs = append(errs, fmt.Errorf("planethoster.domains: %q is not a domain", d))
			}
		}
	}
	if m := s.SMTP; m != nil {
		if m.Host == "" {
			errs = append(errs, errors.New("smtp: host is required"))
		}
		addr("smtp.from", m.From)
	}
	if c := s.CF2D; c != nil {
		addr("cf2d.to", c.To)
		for _, a := range c.Cc {
			addr("cf2d.cc", a)
		}
		if c.Reference == "" || c.Association == "" {
			errs = append(errs, errors.New("cf2d: reference and association are required"))
		}
		if s.SMTP == nil {
			errs = append(errs, errors.New("cf2d: requests go by e-mail, configure smtp"))
		}
	}
	if h := s.Hosting; h != nil {
		if _, err := h.protected(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// protected returns the allow-listed ranges.
func (h *hostingConfig) protected() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, a := range h.Allow {
		p, err := netip.ParsePrefix(a)
		if err != nil {
			ip, err2 := netip.ParseAddr(a)
			if err2 != nil {
				return nil, fmt.Errorf("hosting.allow: %q is not an address or a CIDR range", a)
			}
			p = netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// ownAddresses are this machine's interface addresses: blocking them would
// cut the bot off its own sites.
func ownAddresses() []netip.Prefix {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Prefix
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok && !ip.IsLoopback() {
				ip = ip.Unmap()
				out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
			}
		}
	}
	return out
}

// buildHosting creates the hosting clients from s and returns the hosting
// families' deps. It sets a.invoices (the unpaid-bill alert) and adds the
// credential checks of check-config.
func buildHosting(a *app, s *hostingSections) (commands.HostingDeps, error) {
	var d commands.HostingDeps
	d.Tickets = map[string]bot.Tickets{}
	if c := a.cfg.CPanel; c != nil {
		cp := cpanel.New(c.URL, c.User, c.Token.Secret, a.hc, a.log)
		h := &commands.Hosting{Blocks: cp, Certs: cp, Zones: cp, TLS: &cpanel.TLSDialer{Timeout: 10 * time.Second},
			Zone: c.Domain, Protected: ownAddresses(), Now: a.now}
		if hc := s.Hosting; hc != nil {
			allow, err := hc.protected()
			if err != nil {
				return d, err
			}
			h.Protected = append(h.Protected, allow...)
			h.TLSHosts = hc.TLSHosts
			if hc.Zone != "" {
				h.Zone = hc.Zone
			}
		}
		d.Host = h
	}
	if o := s.OVH; o != nil {
		oc := ovh.New(o.Endpoint, o.ApplicationKey, o.ApplicationSecret.Secret, o.ConsumerKey.Secret,
			ovh.Settings{Product: o.Product, ServiceName: o.ServiceName, PaymentMean: o.PaymentMean, PaymentMeanID: o.PaymentMeanID, Now: a.now}, a.hc, a.log)
		d.Tickets["ovh"], d.Invoices = oc.Support, oc.Billing
		a.invoices = oc.Billing
		a.checks = append(a.checks, namedCheck{"ovh", oc.Check})
	}
	var mail *mailer.Client
	if m := s.SMTP; m != nil {
		var err error
		mail, err = mailer.New(mailer.Settings{Host: m.Host, Port: m.Port, Username: m.User, From: m.From, FromName: m.FromName,
			TLS: m.TLS, TLSConfig: m.tlsConfig, Now: a.now}, m.Password.Secret, a.log)
		if err != nil {
			return d, err
		}
		a.checks = append(a.checks, namedCheck{"smtp", mail.Check})
	}
	if p := s.PlanetHoster; p != nil {
		pc := planethoster.New(p.URL, p.User, p.Key.Secret, a.hc, a.log)
		a.checks = append(a.checks, namedCheck{"planethoster", pc.Check})
		if d.Host != nil {
			d.Host.Account, d.Host.Domains = pc, p.Domains
		}
		if p.Support != "" && mail != nil {
			d.Tickets["planethoster"] = &mailer.Tickets{Provider: "planethoster", From: mail.From(), To: p.Support,
				Link: planethoster.ClientArea, Sign: s.association(), Mail: mail, Store: a.store, Now: a.now}
		}
	}
	if c := s.CF2D; c != nil && mail != nil {
		d.Contractor = &commands.Contractor{Mail: mail, Store: a.store, To: c.To, Cc: c.Cc, From: mail.From(),
			Reference: c.Reference, Association: c.Association, Now: a.now}
	}
	return d, nil
}

// association names the sender of ticket e-mails.
func (s *hostingSections) association() string {
	if s.CF2D != nil && s.CF2D.Association != "" {
		return s.CF2D.Association
	}
	return ""
}

// demoHosting starts the fake OVH API, the fake PlanetHoster API and the
// SMTP sink, seeds them and the cPanel fake's hosting side, and fills s. It
// returns the sink: the console prints each message it accepts as
// "[ID] mail to ADDRESS: SUBJECT" (sink.OnMessage with m.Line()).
func demoHosting(_ context.Context, d *demoEnv, s *hostingSections) (*mailertest.Server, error) {
	now := d.now()
	if d.cpanel != nil {
		d.cpanel.SeedHostDemo("anopex.test", now)
	}
	o := ovhtest.New(ovhtest.DemoAppKey, ovhtest.DemoAppSecret, ovhtest.DemoConsumerKey)
	o.SetClock(func() time.Time { return d.now() })
	o.SeedDemo()
	ph := planethostertest.New(planethostertest.DemoUser, planethostertest.DemoKey)
	ph.SeedDemo()
	sink := mailertest.New("opsbot@anopex.test", "demo-smtp-password")
	d.closers = append(d.closers, o.Close, ph.Close, sink.Close)
	s.OVH = &ovhConfig{Endpoint: o.URL(), ApplicationKey: ovhtest.DemoAppKey, ApplicationSecret: demoSecret(ovhtest.DemoAppSecret),
		ConsumerKey: demoSecret(ovhtest.DemoConsumerKey), Product: "vps", ServiceName: "vps-1a2b3c4d.vps.ovh.net",
		PaymentMean: ovhtest.DemoPaymentMean, PaymentMeanID: ovhtest.DemoPaymentID}
	s.PlanetHoster = &planethosterConfig{URL: ph.URL(), User: planethostertest.DemoUser, Key: demoSecret(planethostertest.DemoKey),
		Support: "support@planethoster.test", Domains: []string{"anopex.test"}}
	s.SMTP = &smtpConfig{Host: sink.Host(), Port: sink.Port(), User: "opsbot@anopex.test", Password: demoSecret("demo-smtp-password"),
		From: "opsbot@anopex.test", FromName: "Anopex — opsbot", tlsConfig: sink.TLSConfig()}
	s.CF2D = &cf2dConfig{To: "contact@cf2d.test", Cc: []string{"tresoriere@anopex.test"}, Reference: "W751234567", Association: "Anopex"}
	s.Hosting = &hostingConfig{Zone: "anopex.test", Allow: []string{"203.0.113.7/32"}}
	d.banner = append(d.banner, "OVH (fake) "+o.URL(), "PlanetHoster (fake) "+ph.URL(), "SMTP sink "+sink.Addr())
	return sink, nil
}

// mailLine is how the console shows a message the demo's SMTP sink accepted.
func mailLine(m mailertest.Message) (target, text string) {
	return "mail to " + strings.Join(m.To, ", "), m.Subject
}
