package main

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/anopex/opsbot/adapters/ops"
	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/adapters/releases"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/bot/coherence"
	"github.com/anopex/opsbot/commands"
)

// alertsConfig is the "alerts:" section of opsbot.yaml (opsbot.example.yaml
// shows every key). Each check runs when its sub-section is present;
// "every" is an interval, "daily" a time of day in the top-level time_zone.
type alertsConfig struct {
	Channel   string          `yaml:"channel"`    // default: the platform's alerts channel
	Remind    duration        `yaml:"remind"`     // reminder of an unacknowledged alert
	FailAfter int             `yaml:"fail_after"` // failed probes (or check runs) in a row before alerting
	TLS       *tlsAlerts      `yaml:"tls"`
	HTTP      *httpAlerts     `yaml:"http"`
	DNS       *dnsAlerts      `yaml:"dns"`
	Quota     *percentAlerts  `yaml:"quota"`
	Disk      *percentAlerts  `yaml:"disk"`    // every cPanel server's
	Drive     *percentAlerts  `yaml:"drive"`   // the Google Drive storage quota
	AutoSSL   *schedule       `yaml:"autossl"` // every cPanel server's AutoSSL problems log
	Invoices  *invoicesAlerts `yaml:"invoices"`
	Coherence *schedule       `yaml:"coherence"`
	Versions  *versionAlerts  `yaml:"versions"`
	// Tickets send an alert's 🎫 to a recipient; the first rule that
	// matches wins. Without rules the alerts offer no 🎫.
	Tickets []commands.TicketRule `yaml:"tickets"`
}

// schedule is the part every check section shares.
type schedule struct {
	Every   duration `yaml:"every"`
	Daily   string   `yaml:"daily"`
	Timeout duration `yaml:"timeout"`
}

func (s schedule) job() alerts.Job {
	return alerts.Job{Every: time.Duration(s.Every), Daily: s.Daily, Timeout: time.Duration(s.Timeout)}
}

func (s schedule) check(name string) error {
	if (s.Every > 0) == (s.Daily != "") {
		return fmt.Errorf("alerts.%s: give either every (an interval) or daily (a time of day)", name)
	}
	if s.Daily != "" {
		if _, _, err := alerts.ParseClock(s.Daily); err != nil {
			return fmt.Errorf("alerts.%s.daily: %w", name, err)
		}
	}
	return nil
}

type tlsAlerts struct {
	schedule     `yaml:",inline"`
	WarningDays  int         `yaml:"warning_days"`
	CriticalDays int         `yaml:"critical_days"`
	Targets      []tlsTarget `yaml:"targets"`
	// roots replaces the system's authorities (the demo's own CA).
	roots *x509.CertPool
}

// tlsTarget is "host[:port]" or {name: host[:port], connect: ip:port,
// server: the cPanel server's name}.
type tlsTarget struct {
	Name    string `yaml:"name"`
	Connect string `yaml:"connect"`
	Server  string `yaml:"server"`
}

func (t *tlsTarget) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		t.Name = n.Value
		return nil
	}
	type plain tlsTarget
	return n.Decode((*plain)(t))
}

type httpAlerts struct {
	schedule `yaml:",inline"`
	Slow     duration `yaml:"slow"`
	URLs     []string `yaml:"urls"`
}

type dnsAlerts struct {
	schedule    `yaml:",inline"`
	Resolver    string        `yaml:"resolver"`
	MailDomains []string      `yaml:"mail_domains"`
	Fixed       []probe.Fixed `yaml:"fixed"`
}

type percentAlerts struct {
	schedule `yaml:",inline"`
	Percent  float64 `yaml:"percent"`
}

type invoicesAlerts struct {
	schedule    `yaml:",inline"`
	OverdueDays int `yaml:"overdue_days"`
}

// versionAlerts compares WordPress, its plugins and Dolibarr with their
// latest releases; empty URLs mean api.wordpress.org and Dolibarr's GitHub
// releases.
type versionAlerts struct {
	schedule         `yaml:",inline"`
	WordPressOrg     string `yaml:"wordpress_org"`
	DolibarrReleases string `yaml:"dolibarr_releases"`
}

// opsConfig is the "ops:" section: the operations listener.
type opsConfig struct {
	Listen string `yaml:"listen"` // "127.0.0.1:9090"
}

// checks builds the configured checks. It needs the app's providers for the
// quota and invoice checks and says so when they are missing. A probe
// setting that makes no sense is an error: the start stops (fail closed).
func (c *alertsConfig) checks(a *app) ([]alerts.Job, error) {
	o := probe.Options{Locale: a.cfg.locale(), Location: a.cfg.location(), Failures: c.FailAfter, Now: a.now}
	var (
		jobs []alerts.Job
		errs []error
	)
	add := func(name string, s schedule, build func() (alerts.Check, error)) {
		if err := s.check(name); err != nil {
			errs = append(errs, err)
			return
		}
		ch, err := build()
		if err != nil {
			errs = append(errs, fmt.Errorf("alerts.%s: %w", name, err))
			return
		}
		j := s.job()
		j.Check = ch
		jobs = append(jobs, j)
	}
	if t := c.TLS; t != nil {
		add("tls", t.schedule, func() (alerts.Check, error) {
			var ts []probe.Target
			for _, x := range t.Targets {
				if x.Server != "" && !slices.ContainsFunc(a.cpanels, func(c namedCPanel) bool { return c.name == x.Server }) {
					return nil, fmt.Errorf("target %s: server %q is not a name of the cpanel section", x.Name, x.Server)
				}
				ts = append(ts, probe.Target{Name: x.Name, Addr: x.Connect, Server: x.Server})
			}
			return probe.NewTLS(probe.TLSConfig{Targets: ts, Roots: t.roots,
				Warning: time.Duration(t.WarningDays) * 24 * time.Hour, Critical: time.Duration(t.CriticalDays) * 24 * time.Hour}, o)
		})
	}
	if h := c.HTTP; h != nil {
		add("http", h.schedule, func() (alerts.Check, error) {
			cfg := probe.HTTPConfig{URLs: h.URLs, Client: &http.Client{Timeout: 20 * time.Second}, Slow: time.Duration(h.Slow)}
			if a.metrics != nil {
				cfg.Observe = a.metrics.ProbeHTTP
			}
			return probe.NewHTTP(cfg, o)
		})
	}
	if d := c.DNS; d != nil {
		add("dns", d.schedule, func() (alerts.Check, error) {
			return probe.NewDNS(probe.DNSConfig{Resolver: d.Resolver, MailDomains: d.MailDomains, Fixed: d.Fixed}, o)
		})
	}
	if q := c.Quota; q != nil {
		add("quota", q.schedule, func() (alerts.Check, error) {
			if a.deps.Mail == nil {
				return nil, errors.New("the mailbox quota check needs the cpanel section")
			}
			return probe.NewQuota(a.deps.Mail, q.Percent, o), nil
		})
	}
	if d := c.Disk; d != nil {
		perServer(a, "disk", d.schedule, &errs, add, func(cp namedCPanel) alerts.Check { return probe.NewDisk(cp.c, cp.name, d.Percent, o) })
	}
	if d := c.Drive; d != nil {
		add("drive", d.schedule, func() (alerts.Check, error) {
			if a.drive == nil {
				return nil, errors.New("the Google Drive quota check needs the drive section")
			}
			return probe.NewDriveQuota(a.drive, d.Percent, o), nil
		})
	}
	if s := c.AutoSSL; s != nil {
		perServer(a, "autossl", *s, &errs, add, func(cp namedCPanel) alerts.Check { return probe.NewAutoSSL(cp.c, cp.name, o) })
	}
	if i := c.Invoices; i != nil {
		add("invoices", i.schedule, func() (alerts.Check, error) {
			if a.deps.Hosting.Invoices == nil {
				return nil, errors.New("the invoice check needs the ovh section")
			}
			return probe.NewInvoices(a.deps.Hosting.Invoices, time.Duration(i.OverdueDays)*24*time.Hour, o), nil
		})
	}
	if v := c.Versions; v != nil {
		add("versions", v.schedule, func() (alerts.Check, error) {
			var systems []bot.Installed
			for _, p := range []any{a.deps.Members.WPUsers, a.deps.Members.Staff} {
				if i, ok := p.(bot.Installed); ok {
					systems = append(systems, i)
				}
			}
			if len(systems) == 0 {
				return nil, errors.New("the version check needs the wordpress or the dolibarr section")
			}
			rc, err := releases.New(releases.Options{WordPressURL: v.WordPressOrg, DolibarrURL: v.DolibarrReleases, Log: a.log})
			if err != nil {
				return nil, err
			}
			return probe.NewVersions(rc, o, systems...), nil
		})
	}
	if s := c.Coherence; s != nil {
		if err := s.check("coherence"); err != nil {
			errs = append(errs, err)
		} else if d, err := coherenceDigest(a.deps.Members, a.cfg.locale()); err != nil {
			errs = append(errs, fmt.Errorf("alerts.coherence: %w", err))
		} else {
			j := s.job()
			j.Digest = d
			jobs = append(jobs, j)
		}
	}
	return jobs, errors.Join(errs...)
}

// perServer adds the check build makes of each cPanel server, named by the
// server when there are several.
func perServer(a *app, name string, s schedule, errs *[]error, add func(string, schedule, func() (alerts.Check, error)),
	build func(namedCPanel) alerts.Check) {
	if len(a.cpanels) == 0 {
		*errs = append(*errs, fmt.Errorf("alerts.%s: the check needs the cpanel section", name))
	}
	for _, cp := range a.cpanels {
		if len(a.cpanels) == 1 {
			cp.name = ""
		}
		add(name, s, func() (alerts.Check, error) { return build(cp), nil })
	}
}

// coherenceDigest sweeps the three sources (the checker stores a complete
// sweep's counts for /report month) and posts the summary the
// /coherence sweep command answers. An incomplete sweep is posted too (it
// names the source that failed) and counts as a failed run.
func coherenceDigest(m commands.Members, l bot.Locale) (alerts.Digest, error) {
	if m.Adherents == nil || m.Contacts == nil {
		return nil, errors.New("the coherence summary needs the dolibarr and brevo sections")
	}
	chk := coherence.New(coherence.Sources{Members: m.Adherents, Contacts: m.Contacts, WordPress: m.WPUsers, Log: m.Sweeps}, m.Coherence, m.Now)
	return alerts.DigestFunc("coherence", func(ctx context.Context) (string, error) {
		r, err := chk.Sweep(ctx)
		if err != nil && !errors.Is(err, coherence.ErrIncomplete) {
			return "", err
		}
		return "📋 " + commands.SweepSummary(l, "coherence", &r), err
	}), nil
}

// wireAlerts builds the alert life cycle on chat and the scheduler of the
// configured checks, and adds the scheduler to the runners. channel is the
// platform's alerts channel, used when the section names none. It returns
// the life cycle (give React to Engine.Watch) and the scheduler (for
// commands.Deps.Alerts; its Run is among the runners already).
func (a *app) wireAlerts(c *alertsConfig, platform, channel string, chat bot.Chat) (*alerts.Cycle, *alerts.Scheduler, error) {
	if channel = cmp.Or(c.Channel, channel); channel == "" {
		return nil, nil, errors.New("alerts: no alerts channel: set the platform's alerts channel or alerts.channel")
	}
	jobs, err := c.checks(a)
	if err != nil {
		return nil, nil, err
	}
	approvals, _ := a.channels(platform)
	if j, err := a.rightsJob(platform, approvals, chat); err != nil {
		return nil, nil, err
	} else if j != nil {
		jobs = append(jobs, *j)
	}
	if j, err := a.reportJob(approvals, chat); err != nil {
		return nil, nil, err
	} else if j != nil {
		jobs = append(jobs, *j)
	}
	cc := alerts.CycleConfig{Chat: chat, Store: a.store, Channel: channel, Platform: platform,
		Locale: a.cfg.locale(), Log: a.log, Now: a.now, Remind: time.Duration(c.Remind), Audit: a.store}
	var at *commands.AlertTickets
	if len(c.Tickets) > 0 {
		if err := a.checkTicketRules(c.Tickets); err != nil {
			return nil, nil, err
		}
		at = &commands.AlertTickets{Rules: c.Tickets}
		cc.Ticket = at.Hook(a.engine, chat, a.cfg.locale())
	}
	lc, err := alerts.NewCycle(cc)
	if err != nil {
		return nil, nil, err
	}
	if at != nil {
		at.Links, a.deps.AlertTickets = lc, at
	}
	sc := alerts.SchedulerConfig{Alerts: lc, Jobs: jobs, Location: a.cfg.location(), Log: a.log, Now: a.now, FailAfter: c.FailAfter}
	if a.metrics != nil {
		sc.Observe = a.metrics.CheckDone
		a.metrics.CollectAlerts(a.store)
	}
	s, err := alerts.NewScheduler(sc)
	if err != nil {
		return nil, nil, err
	}
	a.runners = append(a.runners, s.Run)
	return lc, s, nil
}

// checkTicketRules refuses a rule whose recipient is unknown or not
// configured (fail closed): its 🎫 would lead nowhere.
func (a *app) checkTicketRules(rules []commands.TicketRule) error {
	var errs []error
	for i, r := range rules {
		switch {
		case !slices.Contains(commands.Recipients, r.To):
			errs = append(errs, fmt.Errorf("alerts.tickets[%d].to: %q is not one of %s", i, r.To, strings.Join(commands.Recipients, ", ")))
		case r.To == "cf2d" && a.deps.Hosting.Contractor == nil:
			errs = append(errs, fmt.Errorf("alerts.tickets[%d]: cf2d needs the cf2d section", i))
		case r.To != "cf2d" && a.deps.Hosting.Tickets[r.To] == nil:
			errs = append(errs, fmt.Errorf("alerts.tickets[%d]: %s needs its section", i, r.To))
		}
	}
	return errors.Join(errs...)
}

// wireOps adds the operations listener to the runners: /healthz checks the
// store and the chat when it says whether it is healthy, /metrics serves
// a.metrics, which exists only with the listener.
func (a *app) wireOps(chat bot.Chat) {
	if a.metrics == nil {
		return
	}
	a.metrics.CollectRequests(a.store)
	health := []ops.Health{{Name: "store", Check: func(ctx context.Context) error {
		_, err := a.store.ListRequests(ctx, bot.Pending)
		return err
	}}}
	if h, ok := chat.(interface{ Healthy(context.Context) error }); ok {
		health = append(health, ops.Health{Name: "chat", Check: h.Healthy})
	}
	a.runners = append(a.runners, ops.NewServer(a.cfg.Ops.Listen, a.metrics, health, a.log).Run)
}
