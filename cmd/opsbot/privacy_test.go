package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/adapters/chat/mattermost"
	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	demoworld "github.com/anopex/opsbot/internal/demo"
)

// memberAddress matches the demo members' addresses (internal/demo: @exemple.fr).
var memberAddress = regexp.MustCompile(`[\w.+-]+@exemple\.fr`)

// membersSections are the configuration lines of the demo's member fakes
// (Dolibarr, Brevo, WordPress), their keys in the environment.
func membersSections(t *testing.T) string {
	e := demoworld.Start(time.Now())
	t.Cleanup(e.Close)
	e.Seed()
	return "dolibarr: {url: " + e.Dolibarr.URL() + ", key: '" + secretEnv(t, "OPSBOT_TEST_DOLI", demoworld.DolibarrKey) + "'}\n" +
		"brevo: {url: " + e.Brevo.URL() + ", key: '" + secretEnv(t, "OPSBOT_TEST_BREVO", demoworld.BrevoKey) + "', rate_per_second: -1}\n" +
		"wordpress: {url: " + e.WordPress.URL() + ", user: " + demoworld.WPUser + ", app_password: '" + secretEnv(t, "OPSBOT_TEST_WP", demoworld.WPPassword) + "'}\n" +
		"coherence: {newsletter_list: " + fmt.Sprint(e.Config.NewsletterList) + "}\n"
}

// On Discord a sweep's report (members' addresses) reaches the asker as an
// ephemeral follow-up with the CSV, and no channel post holds an address.
func TestSweepPrivateOnDiscord(t *testing.T) {
	w := newDiscordWorld(t)
	f, err := os.OpenFile(w.path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(membersSections(t))
	f.Close()
	stop := w.start(t)
	id, err := w.dc.Slash(sam, discordtest.ApprovalsChannel, "coherence sweep")
	if err != nil {
		t.Fatal(err)
	}
	var csv []byte
	w.wait(t, stop, "the sweep's report", func() bool {
		in, _ := w.dc.Interaction(id)
		for _, m := range append(in.Followups, derefMessage(in.Original)...) {
			for _, a := range m.Attachments {
				csv = a.Data
				return m.Ephemeral()
			}
		}
		return false
	})
	if !memberAddress.Match(csv) {
		t.Fatalf("the CSV holds no member address: the test would prove nothing\n%s", csv)
	}
	for _, ch := range []string{discordtest.ApprovalsChannel, discordtest.AlertsChannel} {
		for _, m := range w.dc.Messages(ch) {
			if m.Ephemeral() {
				continue // the asker's alone: the interaction's answer
			}
			if a := memberAddress.FindString(m.Content); a != "" || len(m.Attachments) > 0 {
				t.Errorf("channel %s: a post with %q or an attachment: %q", ch, a, m.Content)
			}
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
}

func derefMessage(m *discordtest.Message) []discordtest.Message {
	if m == nil {
		return nil
	}
	return []discordtest.Message{*m}
}

// On Mattermost the report and its CSV go to the asker by private message,
// and no channel post holds an address.
func TestSweepPrivateOnMattermost(t *testing.T) {
	mm := mattermosttest.New()
	t.Cleanup(mm.Close)
	botID, botToken := mm.AddUser("opsbot", mattermosttest.UserOptions{Bot: true})
	samID, _ := mm.AddUser("sam", mattermosttest.UserOptions{})
	approvals := mm.AddChannel("approvals")
	mm.Join(approvals, botID, samID)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("OPSBOT_TEST_MM_TOKEN", botToken)
	t.Setenv("OPSBOT_TEST_MM_CMD", mm.AddCommand("coherence", "http://"+addr+mattermost.CommandPath))
	cfg := `data: ` + filepath.Join(t.TempDir(), "data") + `
chat: mattermost
people: [{name: Sam Admin, roles: [admin], mattermost: "` + samID + `"}]
mattermost:
  url: ` + mm.URL() + `
  token: ${OPSBOT_TEST_MM_TOKEN}
  team: ` + mm.TeamID() + `
  approvals: ` + approvals + `
  public_url: http://` + addr + `
  listen: ` + addr + `
  command_tokens: {coherence: "${OPSBOT_TEST_MM_CMD}"}
` + membersSections(t)
	path := filepath.Join(t.TempDir(), "opsbot.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"run", "-config", path}, nil, io.Discard, io.Discard) }()
	t.Cleanup(func() { cancel(); <-done })
	wctx, wcancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer wcancel()
	for { // until opsbot listens
		if _, err := mm.Slash(wctx, samID, approvals, "/coherence sweep"); err == nil {
			break
		} else if wctx.Err() != nil {
			t.Fatalf("the slash command never reached opsbot: %v", err)
		}
	}
	var withFile mattermosttest.Post
	err = mm.Wait(wctx, func(v mattermosttest.View) bool { // v only: the fake is locked
		for _, p := range v.Posts() {
			if len(p.FileIDs) > 0 {
				withFile = p
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no post with the CSV: %v", err)
	}
	dm, _ := mm.DirectChannel(botID, samID)
	if _, csv, _ := mm.File(withFile.FileIDs[0]); withFile.ChannelID != dm || !memberAddress.Match(csv) {
		t.Fatalf("the CSV went to channel %s (the private one is %s), holding:\n%s", withFile.ChannelID, dm, csv)
	}
	for _, p := range mm.Posts() {
		if p.ChannelID != dm && (memberAddress.MatchString(p.Message) || len(p.FileIDs) > 0) {
			t.Errorf("channel %s: a post with an address or a file: %q", p.ChannelID, p.Message)
		}
	}
}
