package main

import (
	"context"
	"fmt"

	"github.com/anopex/opsbot/bot"
)

// chat builds the configured chat platform's adapter.
func (a *app) chat(ctx context.Context) (string, bot.Chat, func(context.Context, bot.Handler) error, error) {
	switch a.cfg.Chat {
	}
	return "", nil, nil, fmt.Errorf("chat: %q is not a supported platform (write discord or mattermost)", a.cfg.Chat)
}

// platformChannel returns the approvals channel of platform.
func (a *app) platformChannel(platform string) string {
	switch platform {
	}
	return ""
}

// platformRoles returns, per platform, the map of platform role IDs to bot roles.
func (c *Config) platformRoles() map[string]map[string]bot.Role {
	return map[string]map[string]bot.Role{}
}
