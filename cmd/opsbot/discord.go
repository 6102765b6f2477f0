package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/chat/discord"
	"github.com/anopex/opsbot/bot"
)

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
	if _, err := c.roles(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
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
