package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/oauth2"

	"github.com/anopex/opsbot/adapters/chat/console"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/adapters/drive/drivetest"
	"github.com/anopex/opsbot/adapters/mailer/mailertest"
	"github.com/anopex/opsbot/adapters/ovh/ovhtest"
	"github.com/anopex/opsbot/adapters/planethoster/planethostertest"
	"github.com/anopex/opsbot/adapters/probe/probetest"
	"github.com/anopex/opsbot/adapters/releases/releasestest"
	"github.com/anopex/opsbot/adapters/wordpress/wordpresstest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
	"github.com/anopex/opsbot/commands"
	demoworld "github.com/anopex/opsbot/internal/demo"
)

// demoEnv is what the demo providers fill: the in-memory configuration
// pointing at the fakes, and how to stop them.
type demoEnv struct {
	cfg *Config
	log zerolog.Logger
	closers
	banner []string // one line per fake, printed at start
	now    func() time.Time

	cpanel *cpaneltest.Server // planethoster: the site and the mail
	smtp   *mailertest.Server
}

// The demo people: every role is held by someone, the console name is the ID.
var demoPeople = []personConfig{
	{Name: "Sam Admin", Roles: []string{"admin"}, Console: "sysadmin", Mailboxes: []string{"sysadmin@anopex.test"}},
	{Name: "Thérèse Trésorière", Roles: []string{"treasurer", "board"}, Console: "tresoriere", Mailboxes: []string{"tresoriere@anopex.test"}},
	{Name: "Paul Président", Roles: []string{"president", "board"}, Console: "president", Mailboxes: []string{"president@anopex.test"}},
	{Name: "Dominique Délégué 75", Roles: []string{"delegate"}, Console: "delegue75", Mailboxes: []string{"delegue75@anopex.test"}},
	{Name: "Camille Membre du CA", Roles: []string{"board"}, Console: "ca-membre", Mailboxes: []string{"ca-membre@anopex.test"}},
}

// demoSecret is the fakes' credential: a demo value, not a real secret.
func demoSecret(v string) secret { return secret{bot.NewSecret(v)} }

// demoCPanel starts the two cPanel servers: PlanetHoster's (the site and
// the mail) and OVH's (Dolibarr), each with its own data.
func demoCPanel(d *demoEnv) {
	srv := cpaneltest.New("anopex", "demo-cpanel-token")
	srv.SeedDemo()
	srv.SeedHostDemo("anopex.test", d.now())
	ovh := cpaneltest.New("anopexovh", "demo-cpanel-ovh-token")
	ovh.SeedDolibarrDemo("gestion.anopex.test", d.now())
	d.cpanel = srv
	d.closers = append(d.closers, srv.Close, ovh.Close)
	d.cfg.CPanel = cpanelServers{
		{Name: "planethoster", URL: srv.URL(), User: "anopex", Token: demoSecret("demo-cpanel-token"), Domain: "anopex.test"},
		{Name: "ovh", URL: ovh.URL(), User: "anopexovh", Token: demoSecret("demo-cpanel-ovh-token"), Domain: "gestion.anopex.test"},
	}
	d.banner = append(d.banner, "cPanel planethoster (fake) "+srv.URL(), "cPanel ovh (fake) "+ovh.URL())
}

func demo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory (default: a temporary one, removed at exit)")
	locale := fs.String("locale", "fr", "language of the messages: fr or en")
	level := fs.String("log", "warn", "log level on stderr: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, ok := bot.ParseLocale(*locale); !ok {
		return fmt.Errorf("demo: -locale %q: write fr or en", *locale)
	}
	dir := *data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "opsbot-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	setLocal((&Config{}).location())
	d, err := newDemo(ctx, dir, *locale, newLogger(stderr, *level, true), time.Now)
	if err != nil {
		return err
	}
	defer d.close()
	return d.run(ctx, stdin, stdout)
}

// newDemo starts each provider's fake on loopback, seeded relative to now,
// and points the in-memory configuration at it: the real clients talk HTTP
// to the fakes, so the demo runs the production code. The demo's TLS site,
// whose certificate expires in 5 days, is probed at start and every hour:
// its critical alert (under 7 days) is the first thing the demo posts, in
// the console's alerts channel; then comes the AutoSSL failure of the OVH
// server.
func newDemo(_ context.Context, dir, locale string, log zerolog.Logger, now func() time.Time) (*demoEnv, error) {
	d := &demoEnv{cfg: &Config{Locale: locale, Data: dir, People: demoPeople}, log: log, now: now}
	site, err := probetest.NewDemo(now())
	if err == nil {
		d.closers = append(d.closers, site.Close)
		d.cfg.Alerts = &alertsConfig{Channel: "alertes", Tickets: demoTicketRules, AutoSSL: &schedule{Every: duration(6 * time.Hour)},
			TLS: &tlsAlerts{schedule: schedule{Every: duration(time.Hour)}, roots: site.CA.Roots(),
				Targets: []tlsTarget{{Name: probetest.DemoName, Connect: site.Site.Addr(), Server: "planethoster"}}}}
		demoCPanel(d)
		demoMembers(d)
		demoHosting(d)
		demoDrive(d)
		err = d.cfg.check()
	}
	if err != nil {
		d.close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	return d, nil
}

// demoSweeps stores the summaries (counts only) of the nightly sweeps of
// the twelve months before now's, as if opsbot had run them on each
// month's last day, so /report month draws a trend: more findings the
// further back, down to what the demo's association has now, and no sweep
// four months ago (a gap on the chart).
func demoSweeps(ctx context.Context, a *app, now time.Time) error {
	for k := 1; k <= 12; k++ {
		if k == 4 {
			continue
		}
		counts := maps.Clone(demoworld.Findings)
		counts[coherence.MissingInNewsletter] += k
		counts[coherence.NotMemberInNewsletter] += k / 2
		end := time.Date(now.Year(), now.Month()-time.Month(k)+1, 0, 3, 0, 0, 0, time.Local)
		if err := a.store.SaveSweep(ctx, coherence.Summary{At: end, Members: 60 - k/3, Counts: counts}); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	return nil
}

// demoTicketRules send the demo's certificate to PlanetHoster and its
// outdated plugin to CF2D.
var demoTicketRules = []commands.TicketRule{{Check: "http", Server: "ovh", To: "ovh"}, {Key: "version:", To: "cf2d"}, {To: "planethoster"}}

// run plays the console session until the input ends.
func (d *demoEnv) run(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	a, err := open(d.cfg, d.log, d.now)
	if err != nil {
		return err
	}
	defer a.close()
	a.checkFirst = true
	if err := demoSweeps(ctx, a, d.now()); err != nil {
		return err
	}
	con, err := newConsole(ctx, a, stdin, stdout, "sysadmin")
	if err != nil {
		return err
	}
	d.smtp.OnMessage(func(m mailertest.Message) { con.Note(mailLine(m)) })
	con.SetLocale(d.cfg.locale())
	fmt.Fprintf(stdout, d.cfg.locale().Pick(
		"-- opsbot demo : vous êtes sysadmin. /help pour l'aide, /as NOM pour changer d'identité (%s), react ID ✅ pour approuver.\n",
		"-- opsbot demo: you are sysadmin. /help for help, /as NAME to switch identity (%s), react ID ✅ to approve.\n"), demoNames())
	for _, b := range d.banner {
		d.log.Info().Msg("fake provider " + b)
	}
	return a.start(ctx, console.Platform, con, con.Run)
}

func demoNames() string {
	var names []string
	for _, p := range demoPeople {
		names = append(names, p.Console)
	}
	return strings.Join(names, ", ")
}

func consoleCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var who string
	cfg, _, err := configFlags("console", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&who, "as", "", "your name in the configuration's people (console:)")
	})
	if err != nil {
		return err
	}
	if who = cmp.Or(who, cfg.Console.As); who == "" {
		return errors.New("console: say who you are with -as NAME or console.as in the configuration")
	}
	log := newLogger(stderr, cfg.LogLevel, true)
	a, err := open(cfg, log, time.Now)
	if err != nil {
		return err
	}
	defer a.close()
	if p := a.policy.Person(console.Platform, who, who, nil, false); len(p.Roles) == 0 {
		return fmt.Errorf("console: %q is not a console name of the configuration's people", who)
	}
	con, err := newConsole(ctx, a, stdin, stdout, who)
	if err != nil {
		return err
	}
	con.SetLocale(cfg.locale())
	return a.start(ctx, console.Platform, con, con.Run)
}

// newConsole builds the console chat acting as who, numbering its messages
// after those the data file holds from earlier sessions. Its attachments
// (the sweep's CSV: members' data) go to a temporary directory removed when
// the session ends, never to the data directory.
func newConsole(ctx context.Context, a *app, stdin io.Reader, stdout io.Writer, who string) (*console.Console, error) {
	dir, err := os.MkdirTemp("", "opsbot-attachments-")
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func() { os.RemoveAll(dir) })
	con := console.New(stdin, stdout, a.policy, who, dir)
	used, err := a.store.MessageIDs(ctx, console.Platform)
	if err != nil {
		return nil, err
	}
	con.Continue(used)
	return con, nil
}

// demoHosting starts the fake OVH API, the fake PlanetHoster API and the
// SMTP sink (d.smtp), seeds them, and fills the configuration.
func demoHosting(d *demoEnv) {
	o := ovhtest.New(ovhtest.DemoAppKey, ovhtest.DemoAppSecret, ovhtest.DemoConsumerKey)
	o.SetClock(func() time.Time { return d.now() })
	o.SeedDemo()
	ph := planethostertest.New(planethostertest.DemoUser, planethostertest.DemoKey)
	ph.SeedDemo()
	sink := mailertest.New("opsbot@anopex.test", "demo-smtp-password")
	s := &d.cfg.sections
	d.closers = append(d.closers, o.Close, ph.Close, sink.Close)
	s.OVH = &ovhConfig{Endpoint: o.URL(), ApplicationKey: ovhtest.DemoAppKey, ApplicationSecret: demoSecret(ovhtest.DemoAppSecret),
		ConsumerKey: demoSecret(ovhtest.DemoConsumerKey), Product: "vps", ServiceName: "vps-1a2b3c4d.vps.ovh.net"}
	s.PlanetHoster = &planethosterConfig{URL: ph.URL(), User: planethostertest.DemoUser, Key: demoSecret(planethostertest.DemoKey),
		Support: "support@planethoster.test", Domains: []string{"anopex.test"}}
	s.SMTP = &smtpConfig{Host: sink.Host(), Port: sink.Port(), User: "opsbot@anopex.test", Password: demoSecret("demo-smtp-password"),
		From: "opsbot@anopex.test", FromName: "Anopex — opsbot", tlsConfig: sink.TLSConfig()}
	s.CF2D = &cf2dConfig{To: "contact@cf2d.test", Cc: []string{"tresoriere@anopex.test"}, Reference: "W751234567", Association: "Anopex"}
	s.Hosting = &hostingConfig{Zone: "anopex.test", Allow: []string{"203.0.113.7/32"}}
	d.banner = append(d.banner, "OVH (fake) "+o.URL(), "PlanetHoster (fake) "+ph.URL(), "SMTP sink "+sink.Addr())
	d.smtp = sink
}

// mailLine is how the console shows a message the demo's SMTP sink accepted.
func mailLine(m mailertest.Message) (target, text string) {
	return "mail to " + strings.Join(m.To, ", "), m.Subject
}

// demoMembers starts the Dolibarr, Brevo and WordPress fakes, seeds the
// demo association (demoworld.Seed: every coherence finding shows)
// and points the configuration at them.
func demoMembers(d *demoEnv) {
	e := demoworld.Start(d.now())
	d.closers = append(d.closers, e.Close)
	e.Seed()
	d.cfg.Dolibarr = &dolibarrConfig{URL: e.Dolibarr.URL(), Key: demoSecret(demoworld.DolibarrKey), Functions: demoworld.Functions}
	d.cfg.Brevo = &brevoConfig{URL: e.Brevo.URL(), Key: demoSecret(demoworld.BrevoKey), RatePerSecond: -1}
	d.cfg.WordPress = &wordpressConfig{URL: e.WordPress.URL(), User: demoworld.WPUser, AppPassword: demoSecret(demoworld.WPPassword)}
	d.cfg.Coherence = &coherenceConfig{NewsletterList: e.Config.NewsletterList, MembersOnlyRoles: e.Config.MembersOnlyRoles}
	delegates := e.Brevo.AddList("Délégués")
	d.cfg.Delegates = map[string]delegateConfig{
		"délégué": {WordPressRole: "author", MailLists: []string{"delegues@anopex.test"}, BrevoList: delegates, Forward: true},
		"adjoint": {WordPressRole: "contributor", MailLists: []string{"delegues@anopex.test"}, BrevoList: delegates},
	}
	d.banner = append(d.banner, "Dolibarr (fake) "+e.Dolibarr.URL(), "Brevo (fake) "+e.Brevo.URL(), "WordPress (fake) "+e.WordPress.URL())
	demoVersions(d, e)
}

// demoDrive shares the media folder with the admin and a former delegate
// (flagged by /rights review).
func demoDrive(d *demoEnv) {
	f := drivetest.New("demo-drive-token")
	d.closers = append(d.closers, f.Close)
	f.Usage, f.Limit = 12_400_000_000, 16_106_127_360
	f.Permissions["media"] = []drivetest.Permission{{EmailAddress: "anopex.asso@gmail.com", Role: "owner", Type: "user"},
		{EmailAddress: "sysadmin@anopex.test", Role: "writer", Type: "user"}, {EmailAddress: "ancien.delegue@gmail.com", Role: "writer", Type: "user"}}
	d.cfg.Drive = &driveConfig{Folder: "media", tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: f.Token}), endpoint: f.Endpoint()}
	d.banner = append(d.banner, "Google Drive (fake) "+f.URL)
}

// demoVersions seeds the site's plugins, one of them behind WordPress.org's
// release, and starts the fake release sources the version alerts read.
func demoVersions(d *demoEnv, e *demoworld.Env) {
	e.WordPress.SetCoreVersion("6.7.1")
	e.WordPress.AddPlugin(wordpresstest.Plugin{File: "akismet/akismet.php", Name: "Akismet", Version: "5.3.5", Active: true})
	e.WordPress.AddPlugin(wordpresstest.Plugin{File: "contact-form-7/wp-contact-form-7.php", Name: "Contact Form 7", Version: "5.8", Active: true})
	e.Dolibarr.SetVersion("22.0.3")
	rel := releasestest.New()
	rel.Plugins["contact-form-7"] = "5.9.8"
	d.closers = append(d.closers, rel.Close)
	d.cfg.Alerts.Versions = &versionAlerts{schedule: schedule{Every: duration(24 * time.Hour)},
		WordPressOrg: rel.WordPressURL(), DolibarrReleases: rel.DolibarrURL()}
	d.banner = append(d.banner, "WordPress.org / GitHub releases (fake) "+rel.WordPressURL())
}
