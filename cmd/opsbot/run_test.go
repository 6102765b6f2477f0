package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
)

// discordWorld is a fake Discord and a fake cPanel with the demo data, and
// a configuration file for `opsbot run` pointed at them.
type discordWorld struct {
	dc   *discordtest.Server
	cp   *cpaneltest.Server
	path string // the configuration file
	// tokenVar is the environment variable the file reads the bot token from.
	tokenVar string
}

const sam = "900000000000000001" // an administrator

// envs numbers the variables secretEnv sets.
var envs atomic.Int32

// secretEnv sets a variable of its own to value for t's duration and returns
// the config's reference to it, "${NAME_n}": unlike t.Setenv, it lets t run
// in parallel with other tests using the same secret.
func secretEnv(t *testing.T, name, value string) string {
	k := name + "_" + strconv.Itoa(int(envs.Add(1)))
	os.Setenv(k, value)
	t.Cleanup(func() { os.Unsetenv(k) })
	return "${" + k + "}"
}

// newDiscordWorld marks t parallel: its Chat's close waits a second in
// discordgo (see adapters/chat/discord/main_test.go), idle time the
// package's other tests can use.
func newDiscordWorld(t *testing.T) *discordWorld {
	t.Parallel()
	dc := discordtest.New(discordtest.Options{})
	t.Cleanup(dc.Close)
	dc.SeedDemo()
	dc.AddUser(discordtest.User{ID: sam, Username: "sam", Roles: []string{discordtest.RoleAdmin}})
	cp := cpaneltest.New("anopex", "cp-token")
	t.Cleanup(cp.Close)
	cp.SeedDemo()
	tokenRef := secretEnv(t, "OPSBOT_TEST_DISCORD_TOKEN", dc.Token())
	dir := t.TempDir()
	cfg := `locale: fr
data: ` + filepath.Join(dir, "data") + `
chat: discord
people:
  - {name: Sam Admin, roles: [admin], discord: "` + sam + `"}
cpanel: {url: "` + cp.URL() + `", user: anopex, token: "` + secretEnv(t, "OPSBOT_TEST_CPANEL_TOKEN", "cp-token") + `", domain: anopex.test}
discord:
  token: ` + tokenRef + `
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
	return &discordWorld{dc: dc, cp: cp, path: path, tokenVar: strings.Trim(tokenRef, "${}")}
}

// start runs `opsbot run -config` until the returned stop is called (stop
// reports run's error) and waits for it to connect and register.
func (w *discordWorld) start(t *testing.T) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"run", "-config", w.path}, nil, io.Discard, io.Discard) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { stop() })
	w.wait(t, stop, "the command registration", func() bool {
		return w.dc.Connected() && strings.Contains(string(w.dc.Commands()), `"mail"`)
	})
	return stop
}

func (w *discordWorld) wait(t *testing.T, stop func() error, what string, cond func() bool) {
	t.Helper()
	wctx, wcancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer wcancel()
	if err := w.dc.Wait(wctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v (run: %v)", what, err, stop())
	}
}

// `opsbot run -config` with discord.api_url pointed at the fake Discord: the
// real binary's wiring connects, registers the commands and answers a slash
// command with the cPanel data.
func TestRunOnDiscordFake(t *testing.T) {
	w := newDiscordWorld(t)
	stop := w.start(t)
	id, err := w.dc.Slash(sam, discordtest.ApprovalsChannel, "mail show", discordtest.Option{Name: "boite", Value: "delegue75@anopex.test"})
	if err != nil {
		t.Fatal(err)
	}
	w.wait(t, stop, "the answer", func() bool {
		in, ok := w.dc.Interaction(id)
		return ok && in.Original != nil && strings.Contains(in.Original.Content, "Occupation")
	})
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
}

// A change request asked before a restart and approved while opsbot was
// stopped runs once opsbot is back: the ✅ is read from Discord at start.
func TestApprovalGivenWhileStopped(t *testing.T) {
	w := newDiscordWorld(t)
	stop := w.start(t)
	const box = "delegue75@anopex.test"
	if _, err := w.dc.Slash(sam, discordtest.ApprovalsChannel, "mail suspend", discordtest.Option{Name: "boite", Value: box}); err != nil {
		t.Fatal(err)
	}
	var post string
	w.wait(t, stop, "the change request's post", func() bool {
		for _, m := range w.dc.Messages(discordtest.ApprovalsChannel) {
			if strings.Contains(m.Content, "Demande n°1") {
				post = m.ID
				return len(m.Reactions) == 2 // the bot's ✅ and ❌
			}
		}
		return false
	})
	if err := stop(); err != nil {
		t.Fatalf("first run: %v", err)
	}
	const alice = "402211334455667788" // treasurer
	if err := w.dc.React(alice, discordtest.ApprovalsChannel, post, "✅"); err != nil && !errors.Is(err, discordtest.ErrNoSession) {
		t.Fatal(err)
	}
	if suspended(t, w.cp, box) {
		t.Fatal("suspended before opsbot came back")
	}

	stop = w.start(t)
	w.wait(t, stop, "the request to run", func() bool {
		for _, m := range w.dc.Messages(discordtest.ApprovalsChannel) {
			if strings.Contains(m.Content, "Demande n°1 approuvée par") {
				return true
			}
		}
		return false
	})
	if !suspended(t, w.cp, box) {
		t.Error("the approved request said done, the mailbox is not suspended")
	}
	if err := stop(); err != nil {
		t.Fatalf("second run: %v", err)
	}
}

func suspended(t *testing.T, cp *cpaneltest.Server, addr string) bool {
	t.Helper()
	for _, m := range cp.Mailboxes() {
		if m.Address == addr {
			return m.SuspendedLogin
		}
	}
	t.Fatalf("no mailbox %s", addr)
	return false
}
