package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/oauth2"

	"github.com/anopex/opsbot/adapters/brevo"
	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/dolibarr"
	"github.com/anopex/opsbot/adapters/drive"
	"github.com/anopex/opsbot/adapters/mailer"
	"github.com/anopex/opsbot/adapters/ovh"
	"github.com/anopex/opsbot/adapters/planethoster"
	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/adapters/wordpress"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
	"github.com/anopex/opsbot/commands"
)

// sections are the providers' configuration sections, inlined into Config
// (opsbot.example.yaml shows each). Each is optional: a command family
// exists when its provider is configured.
type sections struct {
	CPanel       cpanelServers       `yaml:"cpanel"`
	Hosting      *hostingConfig      `yaml:"hosting"`
	OVH          *ovhConfig          `yaml:"ovh"`
	SMTP         *smtpConfig         `yaml:"smtp"`
	PlanetHoster *planethosterConfig `yaml:"planethoster"`
	CF2D         *cf2dConfig         `yaml:"cf2d"`
	Dolibarr     *dolibarrConfig     `yaml:"dolibarr"`
	Brevo        *brevoConfig        `yaml:"brevo"`
	WordPress    *wordpressConfig    `yaml:"wordpress"`
	Coherence    *coherenceConfig    `yaml:"coherence"`
	Drive        *driveConfig        `yaml:"drive"`
	// Delegates maps a function of dolibarr.functions to what /delegate
	// onboard gives besides its groups.
	Delegates map[string]delegateConfig `yaml:"delegates"`
}

// provider is one entry of the list below: everything opsbot knows about a
// provider outside its adapter. Adding a provider is one section field
// above and one entry here.
type provider struct {
	// name labels the provider in check-config, /metrics and the logs.
	name string
	// present says whether the configuration has the provider's section.
	present func(s *sections) bool
	// check validates the section without the network (and what it needs
	// of the other sections).
	check func(s *sections) error
	// wire builds the client on hc (measured as name's in /metrics) and
	// hands it to the commands; it returns the credential check of
	// check-config (nil: none). nil: a section another entry reads.
	wire func(a *app, s *sections, hc *http.Client) (func(context.Context) error, error)
}

// providers in wiring order: planethoster and cf2d use the smtp client,
// planethoster adds to cpanel's host commands.
var providers = []provider{
	{"cpanel", func(s *sections) bool { return len(s.CPanel) > 0 }, (*sections).checkCPanel, wireCPanel},
	{"hosting", func(s *sections) bool { return s.Hosting != nil }, (*sections).checkHosting, nil}, // read by wireCPanel
	{"ovh", func(s *sections) bool { return s.OVH != nil }, (*sections).checkOVH, wireOVH},
	{"smtp", func(s *sections) bool { return s.SMTP != nil }, (*sections).checkSMTP, wireSMTP},
	{"planethoster", func(s *sections) bool { return s.PlanetHoster != nil }, (*sections).checkPlanetHoster, wirePlanetHoster},
	{"cf2d", func(s *sections) bool { return s.CF2D != nil }, (*sections).checkCF2D, wireCF2D},
	{"dolibarr", func(s *sections) bool { return s.Dolibarr != nil }, (*sections).checkDolibarr, wireDolibarr},
	{"brevo", func(s *sections) bool { return s.Brevo != nil }, func(s *sections) error { return badURL("brevo.url", s.Brevo.URL) }, wireBrevo},
	{"wordpress", func(s *sections) bool { return s.WordPress != nil }, (*sections).checkWordPress, wireWordPress},
	{"coherence", func(*sections) bool { return true }, (*sections).checkCoherence, wireCoherence},
	{"delegates", func(s *sections) bool { return s.Delegates != nil }, (*sections).checkDelegates, wireDelegates},
	{"drive", func(s *sections) bool { return s.Drive != nil }, (*sections).checkDrive, wireDrive},
}

// check validates every present section: every problem is named at once.
func (s *sections) check() error {
	var errs []error
	for _, p := range providers {
		if p.present(s) {
			errs = append(errs, p.check(s))
		}
	}
	return errors.Join(errs...)
}

// wire builds every present provider into a: its client, its commands and
// its credential check.
func (s *sections) wire(a *app) error {
	a.deps.Hosting.Tickets = map[string]bot.Tickets{} // filled by ovh and planethoster
	for _, p := range providers {
		if !p.present(s) || p.wire == nil {
			continue
		}
		hc := a.hc
		if a.metrics != nil {
			hc = a.metrics.Client(p.name, a.hc)
		}
		check, err := p.wire(a, s, hc)
		if err != nil {
			return err
		}
		if check != nil {
			a.checks = append(a.checks, namedCheck{p.name, check})
		}
	}
	return nil
}

// badEmail says why v is not an e-mail address (nil: it is one).
func badEmail(field, v string) error {
	if _, err := bot.NormalizeEmail(v); err != nil {
		return fmt.Errorf("%s: %q is not an e-mail address", field, v)
	}
	return nil
}

// badURL says why v, when given, is not a URL opsbot can use (nil: it is
// one); a password in it is never shown.
func badURL(field, v string) error {
	u, err := url.Parse(v)
	if v == "" || err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil {
		return nil
	}
	shown := "(unreadable)"
	if err == nil {
		u.User = nil
		shown = u.String()
	}
	return fmt.Errorf("%s: %q is not a URL opsbot can use: write https://host[:port][/path], without a user or password in it", field, shown)
}

// cpanelConfig is one server of the `cpanel:` section and hostingConfig
// the `hosting:` one (host commands on the same accounts).
type cpanelConfig struct {
	Name   string `yaml:"name"`   // given to the host commands (required with several servers)
	URL    string `yaml:"url"`    // https://HOST:2083
	User   string `yaml:"user"`   // cPanel account name
	Token  secret `yaml:"token"`  // ${CPANEL_TOKEN}
	Domain string `yaml:"domain"` // the account's domain: its DNS zone
	// Mail marks the server that holds the association's mail (its domain is
	// the mail domain); without a mark, the first server.
	Mail bool `yaml:"mail"`
}

// cpanelServers is the `cpanel:` section: a list of servers, or the one
// server of the older form.
type cpanelServers []cpanelConfig

// UnmarshalYAML checks the keys itself: a node decoded here no longer
// refuses unknown fields as the configuration's decoder does.
func (l *cpanelServers) UnmarshalYAML(n *yaml.Node) error {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	*l = make(cpanelServers, len(items))
	for i, it := range items {
		for k := 0; it.Kind == yaml.MappingNode && k < len(it.Content); k += 2 {
			if key := it.Content[k]; !slices.Contains([]string{"name", "url", "user", "token", "domain", "mail"}, key.Value) {
				return fmt.Errorf("line %d: field %s not found in cpanel", key.Line, key.Value)
			}
		}
		if err := it.Decode(&(*l)[i]); err != nil {
			return err
		}
	}
	return nil
}

// mailServer is the index of the server that holds the mail.
func (l cpanelServers) mailServer() int {
	return max(0, slices.IndexFunc(l, func(c cpanelConfig) bool { return c.Mail }))
}

type hostingConfig struct {
	Zone     string   `yaml:"zone"`      // DNS zone of host dns on the first server (default its domain)
	TLSHosts []string `yaml:"tls_hosts"` // checked live by host ssl list
	Allow    []string `yaml:"allow"`     // never blocked, beside this machine's own addresses
}

func (s *sections) checkCPanel() error {
	var errs []error
	names, mail := map[string]bool{}, 0
	for i, c := range s.CPanel {
		if c.Mail {
			if mail++; mail == 2 {
				errs = append(errs, fmt.Errorf("cpanel[%d].mail: only one server holds the mail: mark one with mail: true", i))
			}
		}
		field := "cpanel"
		if len(s.CPanel) > 1 {
			field = fmt.Sprintf("cpanel[%d]", i)
		}
		if c.URL == "" || c.User == "" {
			errs = append(errs, fmt.Errorf("%s: url and user are required", field))
		}
		errs = append(errs, badURL(fmt.Sprintf("cpanel[%d].url", i), c.URL))
		if _, err := bot.NormalizeDomain(c.Domain); err != nil {
			errs = append(errs, fmt.Errorf("%s.domain: %q is not a domain", field, c.Domain))
		}
		if len(s.CPanel) > 1 && (!validServerName(c.Name) || names[c.Name]) {
			errs = append(errs, fmt.Errorf("%s.name: %q: with several servers each needs its own name (lower-case letters, digits, -)", field, c.Name))
		}
		names[c.Name] = true
	}
	return errors.Join(errs...)
}

// namedCPanel is a cPanel server's client, for its disk and AutoSSL alerts.
type namedCPanel struct {
	name string
	c    *cpanel.Client
}

// validServerName reports whether a server name can be typed as a command
// argument and offered as a choice on Discord.
func validServerName(n string) bool {
	return n != "" && len(n) <= 32 && strings.Trim(n, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

func (s *sections) checkHosting() error {
	_, err := s.Hosting.protected()
	return err
}

// wireCPanel builds one client per cPanel server: the host commands use
// each (the first without a server named), the mail commands and the
// mailbox quota alerts the mail server.
func wireCPanel(a *app, s *sections, hc *http.Client) (func(context.Context) error, error) {
	h := &commands.Hosting{TLS: probe.Prober{Timeout: 10 * time.Second}, Protected: ownAddresses(), Now: a.now}
	for i, c := range s.CPanel {
		cl, err := cpanel.New(cpanel.Options{URL: c.URL, User: c.User, Token: c.Token.Secret, HTTPClient: hc, Log: a.log})
		if err != nil {
			return nil, fmt.Errorf("cpanel %s: %w", c.Name, err)
		}
		srv := commands.Server{Name: c.Name, Blocks: cl, Certs: cl, AutoSSL: cl, Files: cl, Zones: cl, Zone: c.Domain}
		a.cpanels = append(a.cpanels, namedCPanel{c.Name, cl})
		if i == 0 {
			h.Server = srv
		} else {
			h.Others = append(h.Others, srv)
		}
		if i == s.CPanel.mailServer() {
			a.deps.Mail, a.deps.MailDomain = cl, c.Domain
		}
	}
	if hs := s.Hosting; hs != nil {
		allow, _ := hs.protected() // checked by checkHosting
		h.Protected = append(h.Protected, allow...)
		h.TLSHosts = hs.TLSHosts
		h.Zone = cmp.Or(hs.Zone, h.Zone)
	}
	a.deps.Hosting.Host = h
	if len(a.cpanels) == 1 {
		return a.cpanels[0].c.Check, nil
	}
	return func(ctx context.Context) error {
		var errs []error
		for _, cp := range a.cpanels {
			if err := cp.c.Check(ctx); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", cp.name, err))
			}
		}
		return errors.Join(errs...)
	}, nil
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

// ovhConfig is the `ovh:` section: tickets and bills of the OVH account.
type ovhConfig struct {
	Endpoint          string `yaml:"endpoint"`        // ovh-eu, or a URL ending in /1.0
	ApplicationKey    string `yaml:"application_key"` // not a secret on its own
	ApplicationSecret secret `yaml:"application_secret"`
	ConsumerKey       secret `yaml:"consumer_key"`
	Product           string `yaml:"product"`        // what tickets are about (optional)
	ServiceName       string `yaml:"service_name"`   // vps-1a2b3c4d.vps.ovh.net
	PaymentMethod     int64  `yaml:"payment_method"` // paymentMethodId; absent: the account's default one
}

func (s *sections) checkOVH() error {
	if o := s.OVH; o.Endpoint == "" || o.ApplicationKey == "" {
		return errors.New("ovh: endpoint and application_key are required")
	}
	return nil
}

func wireOVH(a *app, s *sections, hc *http.Client) (func(context.Context) error, error) {
	o := s.OVH
	cl, err := ovh.New(ovh.Options{Endpoint: o.Endpoint, AppKey: o.ApplicationKey, AppSecret: o.ApplicationSecret.Secret,
		ConsumerKey: o.ConsumerKey.Secret, Product: o.Product, ServiceName: o.ServiceName, PaymentMethod: o.PaymentMethod,
		Now: a.now, HTTPClient: hc, Log: a.log})
	if err != nil {
		return nil, err
	}
	a.deps.Hosting.Tickets["ovh"] = cl.Support
	a.deps.Hosting.Invoices = cl.Billing
	return cl.Check, nil
}

// smtpConfig is the `smtp:` section: the association's mail server, which
// PlanetHoster tickets and CF2D letters go through.
type smtpConfig struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	TLS      string `yaml:"tls"` // starttls (default), tls (465) or none (loopback only)
	User     string `yaml:"user"`
	Password secret `yaml:"password"`
	From     string `yaml:"from"`
	FromName string `yaml:"from_name"`
	CAFile   string `yaml:"ca_file"`  // PEM authorities to trust (a private CA)
	ReplyTo  string `yaml:"reply_to"` // default: the first admin's first mailbox
	// tlsConfig trusts the demo's SMTP sink; never read from the file.
	tlsConfig *tls.Config
}

func (s *sections) checkSMTP() error {
	var errs []error
	if s.SMTP.Host == "" {
		errs = append(errs, errors.New("smtp: host is required"))
	}
	errs = append(errs, badEmail("smtp.from", s.SMTP.From))
	return errors.Join(errs...)
}

func wireSMTP(a *app, s *sections, _ *http.Client) (func(context.Context) error, error) {
	m := s.SMTP
	cl, err := mailer.New(mailer.Options{Host: m.Host, Port: m.Port, Username: m.User, Password: m.Password.Secret, From: m.From,
		FromName: m.FromName, TLS: m.TLS, TLSConfig: m.tlsConfig, CAFile: m.CAFile, ReplyTo: cmp.Or(m.ReplyTo, a.cfg.adminAddress()),
		Now: a.now, Log: a.log})
	if err != nil {
		return nil, err
	}
	a.mail = cl
	return cl.Check, nil
}

// planethosterConfig is the `planethoster:` section: the hosting account,
// and its support by e-mail (PlanetHoster has no ticket API).
type planethosterConfig struct {
	URL     string   `yaml:"url"`
	User    string   `yaml:"user"`
	Key     secret   `yaml:"key"`
	Support string   `yaml:"support"` // tickets go there by e-mail (needs smtp)
	Account string   `yaml:"account"` // the customer account named in tickets (default: user)
	Domains []string `yaml:"domains"` // registration expiry shown by host account
}

func (s *sections) checkPlanetHoster() error {
	var errs []error
	p := s.PlanetHoster
	if p.URL == "" || p.User == "" {
		errs = append(errs, errors.New("planethoster: url and user are required"))
	}
	errs = append(errs, badURL("planethoster.url", p.URL))
	if p.Support != "" {
		errs = append(errs, badEmail("planethoster.support", p.Support))
		if s.SMTP == nil {
			errs = append(errs, errors.New("planethoster.support: tickets go by e-mail, configure smtp"))
		}
	}
	for _, d := range p.Domains {
		if _, err := bot.NormalizeDomain(d); err != nil {
			errs = append(errs, fmt.Errorf("planethoster.domains: %q is not a domain", d))
		}
	}
	return errors.Join(errs...)
}

func wirePlanetHoster(a *app, s *sections, hc *http.Client) (func(context.Context) error, error) {
	p := s.PlanetHoster
	cl, err := planethoster.New(planethoster.Options{URL: p.URL, User: p.User, Key: p.Key.Secret, HTTPClient: hc, Log: a.log})
	if err != nil {
		return nil, err
	}
	if h := a.deps.Hosting.Host; h != nil {
		h.Account, h.Domains = cl, p.Domains
	}
	a.deps.Hosting.PlanetHosterBills = planethoster.ClientArea
	if p.Support != "" { // checkPlanetHoster: then smtp is wired before
		sign := ""
		if s.CF2D != nil {
			sign = s.CF2D.Association
		}
		a.deps.Hosting.Tickets["planethoster"] = &mailer.Tickets{Provider: "planethoster", Ref: "ph", Account: cmp.Or(p.Account, p.User),
			From: a.mail.From(), To: p.Support,
			Link: planethoster.ClientArea, Sign: sign, Mail: a.mail, Store: a.store, Now: a.now}
	}
	return cl.Check, nil
}

// cf2dConfig is the `cf2d:` section: the maintenance contractor, written to
// by e-mail (the evolution commands).
type cf2dConfig struct {
	To          string   `yaml:"to"`
	Cc          []string `yaml:"cc"`
	Reference   string   `yaml:"reference"`   // the association's reference number with CF2D
	Association string   `yaml:"association"` // signs the letter
}

func (s *sections) checkCF2D() error {
	var errs []error
	c := s.CF2D
	errs = append(errs, badEmail("cf2d.to", c.To))
	for _, cc := range c.Cc {
		errs = append(errs, badEmail("cf2d.cc", cc))
	}
	if c.Reference == "" || c.Association == "" {
		errs = append(errs, errors.New("cf2d: reference and association are required"))
	}
	if s.SMTP == nil {
		errs = append(errs, errors.New("cf2d: requests go by e-mail, configure smtp"))
	}
	return errors.Join(errs...)
}

func wireCF2D(a *app, s *sections, _ *http.Client) (func(context.Context) error, error) {
	c := s.CF2D
	a.deps.Hosting.Contractor = &commands.Contractor{Mail: a.mail, Store: a.store, To: c.To, Cc: c.Cc, From: a.mail.From(),
		Reference: c.Reference, Association: c.Association, Now: a.now}
	return nil, nil
}

// dolibarrConfig is the `dolibarr:` section: members and staff accounts.
type dolibarrConfig struct {
	URL string `yaml:"url"` // https://erp.example.org/api/index.php
	Key secret `yaml:"key"` // ${DOLIBARR_KEY}: the DOLAPIKEY of the bot's Dolibarr user
	// Functions maps each function (délégué, adjoint, membre du CA,
	// trésorier, président…) to the Dolibarr groups it grants.
	Functions map[string][]string `yaml:"functions"`
}

func (s *sections) checkDolibarr() error {
	var errs []error
	if s.Dolibarr.URL == "" {
		errs = append(errs, errors.New("dolibarr.url is required"))
	}
	errs = append(errs, badURL("dolibarr.url", s.Dolibarr.URL))
	for f, groups := range s.Dolibarr.Functions {
		if coherence.NameKey(f) == "" || len(groups) == 0 {
			errs = append(errs, fmt.Errorf("dolibarr.functions: %q needs a name and at least one group", f))
		}
	}
	return errors.Join(errs...)
}

func wireDolibarr(a *app, s *sections, hc *http.Client) (func(context.Context) error, error) {
	d := s.Dolibarr
	cl, err := dolibarr.New(dolibarr.Options{URL: d.URL, Key: d.Key.Secret, HTTPClient: hc, Log: a.log})
	if err != nil {
		return nil, err
	}
	m := &a.deps.Members
	m.Adherents, m.Staff, m.StaffAdmin, m.Functions = cl, cl, cl, d.Functions
	return cl.Check, nil
}

// brevoConfig is the `brevo:` section: the newsletter's contacts and lists.
type brevoConfig struct {
	URL string `yaml:"url"` // default https://api.brevo.com/v3
	Key secret `yaml:"key"` // ${BREVO_KEY}
	// RatePerSecond paces requests (default 10, Brevo's general tier).
	RatePerSecond float64 `yaml:"rate_per_second"`
	// The account's name attributes (default PRENOM and NOM).
	FirstNameAttribute string `yaml:"first_name_attribute"`
	LastNameAttribute  string `yaml:"last_name_attribute"`
}

// wireBrevo's check also proves the newsletter list of the coherence
// section exists.
func wireBrevo(a *app, s *sections, hc *http.Client) (func(context.Context) error, error) {
	b := s.Brevo
	cl, err := brevo.New(brevo.Options{URL: cmp.Or(b.URL, "https://api.brevo.com/v3"), Key: b.Key.Secret, RatePerSecond: b.RatePerSecond, HTTPClient: hc, Log: a.log,
		FirstNameAttribute: b.FirstNameAttribute, LastNameAttribute: b.LastNameAttribute})
	if err != nil {
		return nil, err
	}
	a.deps.Members.Contacts, a.deps.Members.ContactAdmin = cl, cl
	return func(ctx context.Context) error {
		if err := cl.Check(ctx); err != nil || s.Coherence == nil {
			return err
		}
		lists, err := cl.Lists(ctx)
		if err != nil {
			return err
		}
		if list := s.Coherence.NewsletterList; !slices.ContainsFunc(lists, func(l bot.ContactList) bool { return l.ID == list }) {
			return bot.Userf("la liste Brevo %d (coherence.newsletter_list) n'existe pas", "Brevo list %d (coherence.newsletter_list) does not exist", list)
		}
		return nil
	}, nil
}

// wordpressConfig is the `wordpress:` section: the site's accounts.
type wordpressConfig struct {
	URL         string `yaml:"url"`          // https://www.example.org (the site, /wp-json is added)
	User        string `yaml:"user"`         // the bot's WordPress user
	AppPassword secret `yaml:"app_password"` // ${WP_APP_PASSWORD}: an application password of that user
}

func (s *sections) checkWordPress() error {
	if s.WordPress.URL == "" || s.WordPress.User == "" {
		return errors.New("wordpress: url and user are required")
	}
	return badURL("wordpress.url", s.WordPress.URL)
}

func wireWordPress(a *app, s *sections, hc *http.Client) (func(context.Context) error, error) {
	w := s.WordPress
	cl, err := wordpress.New(wordpress.Options{URL: w.URL, User: w.User, AppPassword: w.AppPassword.Secret, HTTPClient: hc, Log: a.log})
	if err != nil {
		return nil, err
	}
	a.deps.Members.WPUsers, a.deps.Members.WPAdmin, a.deps.Members.WPLogin = cl, cl, w.User
	return cl.Check, nil
}

// coherenceConfig is the `coherence:` section: what the Dolibarr ↔ Brevo ↔
// WordPress checks compare. It is required with dolibarr and brevo.
type coherenceConfig struct {
	NewsletterList   int      `yaml:"newsletter_list"`    // the Brevo list ID of the newsletter
	MembersOnlyRoles []string `yaml:"members_only_roles"` // WordPress roles only active members may hold
}

func (s *sections) checkCoherence() error {
	switch co := s.Coherence; {
	case co != nil && (s.Dolibarr == nil || s.Brevo == nil):
		return errors.New("coherence: needs the dolibarr and brevo sections")
	case co != nil && co.NewsletterList <= 0:
		return errors.New("coherence.newsletter_list: the Brevo list ID of the newsletter is required")
	case co == nil && s.Dolibarr != nil && s.Brevo != nil:
		return errors.New("coherence: the section is required with dolibarr and brevo (newsletter_list)")
	}
	return nil
}

func wireCoherence(a *app, s *sections, _ *http.Client) (func(context.Context) error, error) {
	a.deps.Members.Now = a.now
	if co := s.Coherence; co != nil {
		a.deps.Members.Coherence = coherence.Config{NewsletterList: co.NewsletterList, MembersOnlyRoles: co.MembersOnlyRoles}
	}
	return nil, nil
}

// delegateConfig is one function of the `delegates:` section.
type delegateConfig struct {
	WordPressRole string   `yaml:"wordpress_role"` // the role slug the delegate gets
	MailLists     []string `yaml:"mail_lists"`     // distribution lists the new mailbox joins
	BrevoList     int      `yaml:"brevo_list"`     // Brevo list ID the new mailbox joins
	Forward       bool     `yaml:"forward"`        // the new mailbox also forwards to the personal address
}

func (s *sections) checkDelegates() error {
	var errs []error
	for f, d := range s.Delegates {
		if s.Dolibarr == nil || s.Dolibarr.Functions[f] == nil {
			errs = append(errs, fmt.Errorf("delegates: %q is not a function of dolibarr.functions", f))
		}
		if _, err := bot.NormalizeWPRole(d.WordPressRole); d.WordPressRole != "" && err != nil {
			errs = append(errs, fmt.Errorf("delegates.%s.wordpress_role: %w", f, err))
		}
		for _, l := range d.MailLists {
			if _, err := bot.NormalizeEmail(l); err != nil {
				errs = append(errs, fmt.Errorf("delegates.%s.mail_lists: %w", f, err))
			}
		}
		if d.BrevoList < 0 {
			errs = append(errs, fmt.Errorf("delegates.%s.brevo_list: a Brevo list ID is positive", f))
		}
	}
	return errors.Join(errs...)
}

func wireDelegates(a *app, s *sections, _ *http.Client) (func(context.Context) error, error) {
	a.deps.Delegates = map[string]commands.DelegateFunction{}
	for f, d := range s.Delegates {
		lists := make([]string, len(d.MailLists))
		for i, l := range d.MailLists {
			lists[i], _ = bot.NormalizeEmail(l)
		}
		role, _ := bot.NormalizeWPRole(d.WordPressRole) // checked: "" or a slug
		a.deps.Delegates[f] = commands.DelegateFunction{WPRole: role, MailLists: lists, BrevoList: d.BrevoList, Forward: d.Forward}
	}
	return nil, nil
}

// driveConfig is the `drive:` section: the Google account holding the media.
type driveConfig struct {
	Credentials string `yaml:"credentials"` // a service account key or an OAuth authorized_user JSON file
	Folder      string `yaml:"folder"`      // the media folder's ID (its URL's last part)
	// tokens and endpoint point the demo at its fake; never read from the file.
	tokens   oauth2.TokenSource
	endpoint string
}

func (s *sections) checkDrive() error {
	if s.Drive.Folder == "" || s.Drive.Credentials == "" && s.Drive.tokens == nil {
		return errors.New("drive: credentials and folder are required")
	}
	return nil
}

func wireDrive(a *app, s *sections, hc *http.Client) (func(context.Context) error, error) {
	d := s.Drive
	o := drive.Options{Tokens: d.tokens, Folder: d.Folder, Endpoint: d.endpoint, HTTPClient: hc, Log: a.log}
	if d.tokens == nil {
		b, err := os.ReadFile(d.Credentials)
		if err != nil {
			return nil, fmt.Errorf("drive.credentials: %w", err)
		}
		o.Credentials = b
	}
	cl, err := drive.New(o)
	if err != nil {
		return nil, err
	}
	a.drive, a.deps.Drive = cl, cl
	return cl.Check, nil
}
