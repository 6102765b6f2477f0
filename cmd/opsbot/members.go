package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/anopex/opsbot/adapters/brevo"
	"github.com/anopex/opsbot/adapters/dolibarr"
	"github.com/anopex/opsbot/adapters/wordpress"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
	"github.com/anopex/opsbot/commands"
	demoworld "github.com/anopex/opsbot/internal/demo"
)

// The configuration sections of the members' systems. Each is optional:
// without dolibarr there are no doli commands, without dolibarr and brevo
// no coherence commands, without wordpress no wp commands (and the
// coherence checks skip WordPress).

// dolibarrConfig is the `dolibarr:` section.
type dolibarrConfig struct {
	URL string `yaml:"url"` // https://erp.example.org/api/index.php
	Key secret `yaml:"key"` // ${DOLIBARR_KEY}: the DOLAPIKEY of the bot's Dolibarr user
	// Functions maps each function (délégué, adjoint, membre du CA,
	// trésorier, président…) to the Dolibarr groups it grants.
	Functions map[string][]string `yaml:"functions"`
}

// brevoConfig is the `brevo:` section.
type brevoConfig struct {
	URL string `yaml:"url"` // default https://api.brevo.com/v3
	Key secret `yaml:"key"` // ${BREVO_KEY}
	// RatePerSecond paces requests (default 10, Brevo's general tier).
	RatePerSecond float64 `yaml:"rate_per_second"`
	// The account's name attributes (default PRENOM and NOM).
	FirstNameAttribute string `yaml:"first_name_attribute"`
	LastNameAttribute  string `yaml:"last_name_attribute"`
}

// wordpressConfig is the `wordpress:` section.
type wordpressConfig struct {
	URL         string `yaml:"url"`          // https://www.example.org (the site, /wp-json is added)
	User        string `yaml:"user"`         // the bot's WordPress user
	AppPassword secret `yaml:"app_password"` // ${WP_APP_PASSWORD}: an application password of that user
}

// coherenceConfig is the `coherence:` section.
type coherenceConfig struct {
	NewsletterList   int      `yaml:"newsletter_list"`    // the Brevo list ID of the newsletter
	MembersOnlyRoles []string `yaml:"members_only_roles"` // WordPress roles only active members may hold
}

const brevoURL = "https://api.brevo.com/v3"

// checkMembers checks the members' sections.
func (c *Config) checkMembers() error {
	var errs []error
	if d := c.Dolibarr; d != nil {
		if d.URL == "" {
			errs = append(errs, errors.New("dolibarr.url is required"))
		}
		for f, groups := range d.Functions {
			if coherence.NameKey(f) == "" || len(groups) == 0 {
				errs = append(errs, fmt.Errorf("dolibarr.functions: %q needs a name and at least one group", f))
			}
		}
	}
	if w := c.WordPress; w != nil && (w.URL == "" || w.User == "") {
		errs = append(errs, errors.New("wordpress: url and user are required"))
	}
	switch co := c.Coherence; {
	case co != nil && (c.Dolibarr == nil || c.Brevo == nil):
		errs = append(errs, errors.New("coherence: needs the dolibarr and brevo sections"))
	case co != nil && co.NewsletterList <= 0:
		errs = append(errs, errors.New("coherence.newsletter_list: the Brevo list ID of the newsletter is required"))
	case co == nil && c.Dolibarr != nil && c.Brevo != nil:
		errs = append(errs, errors.New("coherence: the section is required with dolibarr and brevo (newsletter_list)"))
	}
	return errors.Join(errs...)
}

// wireMembers connects Dolibarr, Brevo and WordPress to the doli, wp and
// coherence commands, with a read-only credential check for each.
func wireMembers(a *app) error {
	c := a.cfg
	if err := c.checkMembers(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	m := commands.Members{Now: a.now}
	if d := c.Dolibarr; d != nil {
		cl := dolibarr.New(d.URL, d.Key.Secret, a.hc, a.log, dolibarr.Options{})
		m.Adherents, m.Staff, m.StaffAdmin, m.Functions = cl, cl, cl, d.Functions
		a.checks = append(a.checks, namedCheck{"dolibarr", func(ctx context.Context) error {
			_, err := cl.AdherentsByEmail(ctx, "opsbot-check@example.invalid")
			return err
		}})
	}
	if b := c.Brevo; b != nil {
		url := b.URL
		if url == "" {
			url = brevoURL
		}
		cl := brevo.New(url, b.Key.Secret, a.hc, a.log, brevo.Options{RatePerSecond: b.RatePerSecond,
			FirstNameAttribute: b.FirstNameAttribute, LastNameAttribute: b.LastNameAttribute})
		m.Contacts, m.ContactAdmin = cl, cl
		list := 0
		if c.Coherence != nil {
			list = c.Coherence.NewsletterList
		}
		a.checks = append(a.checks, namedCheck{"brevo", func(ctx context.Context) error {
			lists, err := cl.Lists(ctx)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(lists, func(l bot.ContactList) bool { return l.ID == list }) {
				return bot.Userf("la liste Brevo %d (coherence.newsletter_list) n'existe pas", "Brevo list %d (coherence.newsletter_list) does not exist", list)
			}
			return nil
		}})
	}
	if w := c.WordPress; w != nil {
		cl := wordpress.New(w.URL, w.User, w.AppPassword.Secret, a.hc, a.log, wordpress.Options{})
		m.WPUsers = cl
		a.checks = append(a.checks, namedCheck{"wordpress", cl.Check})
	}
	if co := c.Coherence; co != nil {
		m.Coherence = coherence.Config{NewsletterList: co.NewsletterList, MembersOnlyRoles: co.MembersOnlyRoles}
	}
	a.deps.Members = m
	return nil
}

// demoMembers starts the Dolibarr, Brevo and WordPress fakes, seeds the
// demo association (demoworld.Seed: every coherence finding shows)
// and points the configuration at them.
func demoMembers(_ context.Context, d *demoEnv) error {
	e := demoworld.Start(d.now())
	d.closers = append(d.closers, e.Close)
	e.Seed()
	d.cfg.Dolibarr = &dolibarrConfig{URL: e.Dolibarr.URL(), Key: demoSecret(demoworld.DolibarrKey), Functions: demoworld.Functions}
	d.cfg.Brevo = &brevoConfig{URL: e.Brevo.URL(), Key: demoSecret(demoworld.BrevoKey), RatePerSecond: -1}
	d.cfg.WordPress = &wordpressConfig{URL: e.WordPress.URL(), User: demoworld.WPUser, AppPassword: demoSecret(demoworld.WPPassword)}
	d.cfg.Coherence = &coherenceConfig{NewsletterList: e.Config.NewsletterList, MembersOnlyRoles: e.Config.MembersOnlyRoles}
	d.banner = append(d.banner, "Dolibarr (fake) "+e.Dolibarr.URL(), "Brevo (fake) "+e.Brevo.URL(), "WordPress (fake) "+e.WordPress.URL())
	return nil
}
