package main

import (
	"context"
	"fmt"

	"github.com/anopex/opsbot/adapters/chat/mattermost"
	"github.com/anopex/opsbot/bot"
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
	switch a.cfg.Chat {
	case "discord":
		return []namedCheck{{"discord", func(ctx context.Context) error {
			ch, err := newDiscord(*a.cfg.Discord, a.policy, nil, a.cfg.locale(), a.hc, a.log)
			if err != nil {
				return err
			}
			return ch.Check(ctx)
		}}}, nil
	case "mattermost":
		c := a.cfg.Mattermost
		return []namedCheck{{"mattermost", func(ctx context.Context) error {
				ch, _, err := newMattermost(c, a.policy, a.cfg.locale(), a.hc, a.log)
				if err != nil {
					return err
				}
				return ch.Check(ctx, c.channels()...)
			}}}, []namedCheck{{"mm register", func(ctx context.Context) error {
				return mattermost.CheckRegister(ctx, c.registration(a.hc, a.cfg.locale()))
			}}}
	}
	return nil, nil
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
