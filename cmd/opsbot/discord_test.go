package main

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/bot"
)

func TestDiscordConfigCheck(t *testing.T) {
	good := func() discordConfig {
		return discordConfig{Token: secret{Secret: bot.NewSecret("t")}, ApplicationID: "1", GuildID: "2",
			ApprovalsChannel: "3", AlertsChannel: "4", Roles: map[string]string{"5": "treasurer"}}
	}
	tests := []struct {
		name   string
		change func(*discordConfig)
		ok     bool
	}{
		{"complete", func(*discordConfig) {}, true},
		{"no token", func(c *discordConfig) { c.Token = secret{} }, false},
		{"no approvals channel", func(c *discordConfig) { c.ApprovalsChannel = "" }, false},
		{"channel name instead of ID", func(c *discordConfig) { c.AlertsChannel = "#alertes" }, false},
		{"unknown role", func(c *discordConfig) { c.Roles = map[string]string{"5": "tresorier"} }, false},
		{"role name instead of ID", func(c *discordConfig) { c.Roles = map[string]string{"Trésorier": "treasurer"} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.change(&c)
			if err := c.check(); (err == nil) != tt.ok {
				t.Errorf("check() = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// countingMailboxes lists fixed mailboxes and counts the calls.
type countingMailboxes struct {
	calls int
	boxes []bot.Mailbox
}

func (m *countingMailboxes) Mailboxes(context.Context) ([]bot.Mailbox, error) {
	m.calls++
	return m.boxes, nil
}

func (m *countingMailboxes) Mailbox(context.Context, string) (bot.Mailbox, error) {
	return bot.Mailbox{}, bot.ErrNotFound
}

func TestMailboxSuggesterCaches(t *testing.T) {
	m := &countingMailboxes{boxes: []bot.Mailbox{{Address: "tresoriere@anopex.test"}, {Address: "delegue13@anopex.test"}, {Address: "delegue06@anopex.test"}}}
	now := time.Unix(0, 0)
	suggest := mailboxSuggester(m, time.Minute, func() time.Time { return now })
	if diff := cmp.Diff([]string{"delegue06@anopex.test", "delegue13@anopex.test"}, suggest(t.Context(), "Del")); diff != "" {
		t.Errorf("suggestions (-want +got):\n%s", diff)
	}
	suggest(t.Context(), "t")
	if m.calls != 1 {
		t.Errorf("%d reads within the minute, want 1", m.calls)
	}
	now = now.Add(time.Minute)
	suggest(t.Context(), "")
	if m.calls != 2 {
		t.Errorf("%d reads after the minute, want 2", m.calls)
	}
}
