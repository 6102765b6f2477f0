package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
)

// `opsbot run -config` with discord.api_url pointed at the fake Discord: the
// real binary's wiring connects, registers the commands and answers a slash
// command with the cPanel data.
func TestRunOnDiscordFake(t *testing.T) {
	dc := discordtest.New(discordtest.Options{})
	t.Cleanup(dc.Close)
	dc.SeedDemo()
	const sam = "900000000000000001"
	dc.AddUser(discordtest.User{ID: sam, Username: "sam", Roles: []string{discordtest.RoleAdmin}})
	cp := cpaneltest.New("anopex", "cp-token")
	t.Cleanup(cp.Close)
	cp.SeedDemo()
	t.Setenv("OPSBOT_TEST_DISCORD_TOKEN", dc.Token())
	t.Setenv("OPSBOT_TEST_CPANEL_TOKEN", "cp-token")
	dir := t.TempDir()
	cfg := `locale: fr
data: ` + filepath.Join(dir, "data") + `
chat: discord
people:
  - {name: Sam Admin, roles: [admin], discord: "` + sam + `"}
cpanel: {url: "` + cp.URL() + `", user: anopex, token: "${OPSBOT_TEST_CPANEL_TOKEN}", domain: anopex.test}
discord:
  token: ${OPSBOT_TEST_DISCORD_TOKEN}
  application_id: "` + discordtest.AppID + `"
  guild_id: "` + discordtest.GuildID + `"
  approvals_channel: "` + discordtest.ApprovalsChannel + `"
  alerts_channel: "` + discordtest.AlertsChannel + `"
  roles: {"` + discordtest.RoleTreasurer + `": treasurer}
  api_url: ` + dc.URL() + `
`
	path := filepath.Join(dir, "opsbot.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"run", "-config", path}, nil, io.Discard, io.Discard) }()
	wait := func(what string, cond func() bool) {
		t.Helper()
		wctx, wcancel := context.WithTimeout(t.Context(), 15*time.Second)
		defer wcancel()
		if err := dc.Wait(wctx, cond); err != nil {
			cancel()
			t.Fatalf("waiting for %s: %v (run: %v)", what, err, <-done)
		}
	}
	wait("the command registration", func() bool { return dc.Connected() && strings.Contains(string(dc.Commands()), `"mail"`) })
	id, err := dc.Slash(sam, discordtest.ApprovalsChannel, "mail show", discordtest.Option{Name: "boite", Value: "delegue75@anopex.test"})
	if err != nil {
		t.Fatal(err)
	}
	wait("the answer", func() bool {
		in, ok := dc.Interaction(id)
		return ok && in.Original != nil && strings.Contains(in.Original.Content, "Occupation")
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}
