package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/discord"
	"github.com/anopex/opsbot/adapters/chat/mattermost"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/commands"
)

// chat builds the configured chat platform's adapter: its name, the
// bot.Chat the engine speaks through, and its Run.
func (a *app) chat(context.Context) (string, bot.Chat, func(context.Context, bot.Handler) error, error) {
	switch a.cfg.Chat {
	case "discord":
		ch, err := newDiscord(*a.cfg.Discord, a.policy, a.deps.Mail, a.cfg.locale(), a.hc, a.log)
		if err != nil {
			return "", nil, nil, err
		}
		return "discord", ch, ch.Run, nil
	case "mattermost":
		ch, listen, err := newMattermost(a.cfg.Mattermost, a.policy, a.cfg.locale(), a.hc, a.log)
		if err != nil {
			return "", nil, nil, err
		}
		return "mattermost", ch, listen, nil
	}
	return "", nil, nil, fmt.Errorf("chat: %q is not a supported platform (write discord or mattermost)", a.cfg.Chat)
}

// chatChecks are check-config's checks of the configured chat platform
// against its server: the adapter's own Check, and for Mattermost whether
// the token may register the slash commands (a warning: an administrator
// may have registered them with their own token).
func (a *app) chatChecks() (checks, warnings []namedCheck) {
	if a.cfg.Chat == "" {
		return nil, nil
	}
	checks = []namedCheck{{a.cfg.Chat, func(ctx context.Context) error {
		_, ch, _, err := a.chat(ctx)
		if err != nil {
			return err
		}
		if mm, ok := ch.(*mattermost.Chat); ok {
			return mm.Check(ctx, a.cfg.Mattermost.channels()...)
		}
		return ch.(*discord.Chat).Check(ctx)
	}}}
	if c := a.cfg.Mattermost; a.cfg.Chat == "mattermost" {
		warnings = []namedCheck{{"mm register", func(ctx context.Context) error {
			return mattermost.CheckRegister(ctx, c.registration(a.hc, a.cfg.locale()))
		}}}
	}
	return checks, warnings
}

// channels returns the approvals and alerts channels of platform.
func (a *app) channels(platform string) (approvals, alerts string) {
	switch platform {
	case "console":
		return "approbations", "alertes"
	case "discord":
		return a.cfg.Discord.ApprovalsChannel, a.cfg.Discord.AlertsChannel
	case "mattermost":
		return a.cfg.Mattermost.Approvals, a.cfg.Mattermost.Alerts
	}
	return "", ""
}

// platformRoles returns, per platform, the map of platform role IDs to bot
// roles. The sections' check() has already refused a bad map.
func (c *Config) platformRoles() map[string]map[string]bot.Role {
	m := map[string]map[string]bot.Role{}
	if c.Discord != nil {
		m["discord"], _ = c.Discord.roles()
	}
	if c.Mattermost != nil {
		m["mattermost"], _ = c.Mattermost.roles()
	}
	return m
}

// checkChat validates the chat section the configuration names.
// Console and check-config need no chat.
func (c *Config) checkChat() error {
	switch {
	case c.Chat == "" || c.Chat == "discord" && c.Discord != nil || c.Chat == "mattermost" && c.Mattermost != nil:
		return nil
	case c.Chat == "discord" || c.Chat == "mattermost":
		return fmt.Errorf("chat: %s, but there is no %s: section", c.Chat, c.Chat)
	}
	return fmt.Errorf("chat: %q is not a supported platform (write discord or mattermost)", c.Chat)
}

// discordConfig is the "discord:" section of opsbot.yaml (opsbot.example.yaml
// shows every key).
type discordConfig struct {
	Token            secret            `yaml:"token"`
	ApplicationID    string            `yaml:"application_id"`
	GuildID          string            `yaml:"guild_id"`
	ApprovalsChannel string            `yaml:"approvals_channel"`
	AlertsChannel    string            `yaml:"alerts_channel"`
	Roles            map[string]string `yaml:"roles"`
	APIURL           string            `yaml:"api_url"`
	GatewayURL       string            `yaml:"gateway_url"`
}

// check validates the section without the network (Run checks the
// channels and role IDs against the guild before it starts).
func (c *discordConfig) check() error {
	var errs []error
	if c.Token.Empty() || c.ApplicationID == "" || c.GuildID == "" {
		errs = append(errs, errors.New("discord: token, application_id and guild_id are required"))
	}
	if c.ApprovalsChannel == "" {
		errs = append(errs, errors.New("discord.approvals_channel: the approvals channel ID is required"))
	}
	for _, id := range []struct{ key, v string }{{"application_id", c.ApplicationID}, {"guild_id", c.GuildID},
		{"approvals_channel", c.ApprovalsChannel}, {"alerts_channel", c.AlertsChannel}} {
		if id.v != "" && strings.Trim(id.v, "0123456789") != "" {
			errs = append(errs, fmt.Errorf("discord.%s: %q is not a Discord ID (digits only; copy it with Developer Mode)", id.key, id.v))
		}
	}
	_, err := c.roles()
	return errors.Join(append(errs, err)...)
}

// roles maps Discord role IDs to bot roles.
func (c *discordConfig) roles() (map[string]bot.Role, error) {
	out := map[string]bot.Role{}
	for id, r := range c.Roles {
		id = strings.TrimSpace(id)
		if id == "" || strings.Trim(id, "0123456789") != "" {
			return nil, fmt.Errorf("discord.roles: %q is not a Discord role ID (digits only)", id)
		}
		role, err := bot.ParseRole(r)
		if err != nil {
			return nil, fmt.Errorf("discord.roles.%s: %w", id, err)
		}
		out[id] = role
	}
	return out, nil
}

// newDiscord builds the adapter. Its Run checks the channels and role IDs
// against the guild (fail closed), registers the engine's commands and
// listens to the gateway. mailboxes, when not nil, feeds the
// autocompletion of mailbox addresses.
func newDiscord(c discordConfig, policy *bot.Policy, mailboxes bot.Mailboxes, locale bot.Locale, hc *http.Client, log zerolog.Logger) (*discord.Chat, error) {
	cfg := discord.Config{
		Token: c.Token.Secret, ApplicationID: c.ApplicationID, GuildID: c.GuildID,
		ApprovalsChannel: c.ApprovalsChannel, AlertsChannel: c.AlertsChannel,
		Policy: policy, Locale: locale, APIURL: c.APIURL, GatewayURL: c.GatewayURL,
		HTTPClient: hc, Log: log,
	}
	if mailboxes != nil {
		cfg.Mailboxes = mailboxSuggester(mailboxes, time.Minute, time.Now)
	}
	return discord.New(cfg)
}

// mailboxSuggester lists the mailbox addresses for autocompletion, reading
// the provider at most once per ttl (a person types a letter at a time).
// On error it offers what it had, or nothing.
func mailboxSuggester(m bot.Mailboxes, ttl time.Duration, now func() time.Time) func(ctx context.Context, prefix string) []string {
	var mu sync.Mutex
	var addrs []string
	var at time.Time
	return func(ctx context.Context, prefix string) []string {
		mu.Lock()
		defer mu.Unlock()
		if addrs == nil || now().Sub(at) >= ttl {
			if boxes, err := m.Mailboxes(ctx); err == nil {
				addrs = addrs[:0]
				for _, b := range boxes {
					addrs = append(addrs, b.Address)
				}
				slices.Sort(addrs)
				at = now()
			}
		}
		return slices.DeleteFunc(slices.Clone(addrs), func(a string) bool { return !strings.HasPrefix(a, strings.ToLower(prefix)) })
	}
}

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
	_, err := c.roles()
	return errors.Join(append(errs, err)...)
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
