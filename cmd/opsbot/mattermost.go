package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/mattermost"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
)

// defaultListen is mattermost.listen's default, the port the Dockerfile exposes.
const defaultListen = ":8088"

// mattermostConfig is the "mattermost:" section of opsbot.yaml (opsbot.example.yaml
// shows every key).
type mattermostConfig struct {
	URL           string            `yaml:"url"`
	SiteURL       string            `yaml:"site_url"` // the server's SiteURL when it differs from url
	Token         secret            `yaml:"token"`
	Team          string            `yaml:"team"`
	Approvals     string            `yaml:"approvals"`
	Alerts        string            `yaml:"alerts"`
	PublicURL     string            `yaml:"public_url"`
	Listen        string            `yaml:"listen"`
	Roles         map[string]string `yaml:"roles"`
	CommandTokens map[string]secret `yaml:"command_tokens"`
}

// check validates the section without the network (Chat.Check does the rest).
func (c *mattermostConfig) check() error {
	var errs []error
	if c.URL == "" || c.Token.Empty() || c.Team == "" {
		errs = append(errs, errors.New("mattermost: url, token and team are required"))
	}
	if c.Approvals == "" {
		errs = append(errs, errors.New("mattermost.approvals: the approvals channel ID is required"))
	}
	if c.PublicURL == "" {
		errs = append(errs, errors.New("mattermost.public_url: the URL Mattermost uses to reach opsbot is required"))
	}
	for _, id := range []struct{ key, v string }{{"team", c.Team}, {"approvals", c.Approvals}, {"alerts", c.Alerts}} {
		if id.v != "" && (len(id.v) != 26 || strings.Trim(id.v, "abcdefghijklmnopqrstuvwxyz0123456789") != "") {
			errs = append(errs, fmt.Errorf("mattermost.%s: %q is not a Mattermost ID (26 lower-case letters and digits: the ID, not the name, from the channel's View Info)", id.key, id.v))
		}
	}
	if _, err := c.roles(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// roles maps Mattermost roles (system_admin, team_admin…) to bot roles.
func (c *mattermostConfig) roles() (map[string]bot.Role, error) {
	out := map[string]bot.Role{}
	for mm, r := range c.Roles {
		role, err := bot.ParseRole(r)
		if err != nil {
			return nil, fmt.Errorf("mattermost.roles.%s: %w", mm, err)
		}
		out[strings.TrimSpace(mm)] = role
	}
	return out, nil
}

// newMattermost builds the adapter, and the function that runs it: it first
// checks the configuration against the server (token, team, channels; fail
// closed), then serves the slash commands, the buttons and the websocket.
func newMattermost(c *mattermostConfig, policy *bot.Policy, locale bot.Locale, hc *http.Client, log zerolog.Logger) (*mattermost.Chat, func(context.Context, bot.Handler) error, error) {
	if len(c.CommandTokens) == 0 {
		return nil, nil, errors.New("mattermost.command_tokens: none configured; run `opsbot mattermost register` and copy its lines")
	}
	tokens := map[string]bot.Secret{}
	for trigger, s := range c.CommandTokens {
		tokens[trigger] = s.Secret
	}
	ch, err := mattermost.New(mattermost.Config{
		ServerURL: c.URL, SiteURL: c.SiteURL, Token: c.Token.Secret, TeamID: c.Team, PublicURL: c.PublicURL,
		Listen: cmp.Or(c.Listen, defaultListen), CommandTokens: tokens, Policy: policy, Locale: locale, HTTPClient: hc, Log: log,
	})
	if err != nil {
		return nil, nil, err
	}
	run := func(ctx context.Context, h bot.Handler) error {
		if err := ch.Check(ctx, c.channels()...); err != nil {
			return err
		}
		return ch.Run(ctx, h)
	}
	return ch, run, nil
}

// channels are the approvals and the alerts channel IDs.
func (c *mattermostConfig) channels() []string {
	if c.Alerts == "" {
		return []string{c.Approvals}
	}
	return []string{c.Approvals, c.Alerts}
}

// registration is what `opsbot mattermost register` needs.
func (c *mattermostConfig) registration(hc *http.Client, l bot.Locale) mattermost.Registration {
	return mattermost.Registration{ServerURL: c.URL, Token: c.Token.Secret, TeamID: c.Team, PublicURL: c.PublicURL, HTTPClient: hc, Locale: l}
}

// mattermostCmd is `opsbot mattermost register -config opsbot.yaml`: it
// creates or updates the slash commands on the server (a second run changes
// nothing) and prints the configuration lines of their tokens.
func mattermostCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "register" {
		return errors.New("mattermost: the only sub-command is register: opsbot mattermost register -config opsbot.yaml")
	}
	cfg, _, err := configFlags("mattermost register", args[1:], stderr, nil)
	if err != nil {
		return err
	}
	c := cfg.Mattermost
	if c == nil {
		return errors.New("mattermost register: the configuration has no mattermost: section")
	}
	a, err := open(cfg, newLogger(stderr, "warn", false), time.Now)
	if err != nil {
		return err
	}
	defer a.close()
	// The catalogue only: no engine runs, so no handler is called.
	res, err := mattermost.Register(ctx, c.registration(a.hc, cfg.locale()), commands.All(a.deps), stdout)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\n# created: %s; updated: %s; unchanged: %s\n",
		strings.Join(res.Created, " "), strings.Join(res.Updated, " "), strings.Join(res.Unchanged, " "))
	return err
}
