package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/anopex/opsbot/adapters/chat/discord/discordtest"
	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/adapters/mailer/mailertest"
)

// checkConfigOn runs `opsbot check-config` on the configuration text and
// returns its output and error.
func checkConfigOn(t *testing.T, cfg string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "opsbot.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(t.Context(), []string{"check-config", "-config", path}, nil, &out, &out)
	return out.String(), err
}

// check-config reports each Discord problem on its own line with the fix,
// and exits non-zero; a good configuration is all ok. It neither creates
// the data directory nor a data file.
func TestCheckConfigDiscord(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(w *discordWorld, cfg string) string
		want  string
		ok    bool
		setup func(w *discordWorld)
	}{
		{name: "all good", want: "discord        ok", ok: true},
		{name: "bad token", want: "bot token does not work", setup: func(w *discordWorld) { os.Setenv(w.tokenVar, "wrong") }},
		{name: "other application", want: "not this bot's application: write " + discordtest.AppID,
			edit: func(_ *discordWorld, c string) string {
				return strings.Replace(c, `application_id: "`+discordtest.AppID, `application_id: "1233445566778899999`, 1)
			}},
		{name: "bot not in guild", want: "the bot is not in guild 1187001122334400000 (check guild_id, or invite it: https://discord.com/oauth2/authorize?client_id=" + discordtest.AppID,
			edit: func(_ *discordWorld, c string) string {
				return strings.Replace(c, `guild_id: "`+discordtest.GuildID, `guild_id: "1187001122334400000`, 1)
			}},
		{name: "unknown channel", want: "alerts_channel 1187001122334499999: no such channel",
			edit: func(_ *discordWorld, c string) string {
				return strings.Replace(c, `alerts_channel: "`+discordtest.AlertsChannel, `alerts_channel: "1187001122334499999`, 1)
			}},
		{name: "unknown role", want: "role IDs not found in guild",
			edit: func(_ *discordWorld, c string) string {
				return strings.Replace(c, `roles: {"`+discordtest.RoleTreasurer, `roles: {"1187001122334455799`, 1)
			}},
		{name: "no permission to post", want: "approvals_channel " + discordtest.ApprovalsChannel + ": the bot lacks permissions " + strconv.Itoa(discordgo.PermissionSendMessages),
			setup: func(w *discordWorld) {
				w.dc.DenyInChannel(discordtest.ApprovalsChannel, discordgo.PermissionSendMessages)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newDiscordWorld(t)
			raw, err := os.ReadFile(w.path)
			if err != nil {
				t.Fatal(err)
			}
			cfg := string(raw)
			if tt.edit != nil {
				cfg = tt.edit(w, cfg)
			}
			if tt.setup != nil {
				tt.setup(w)
			}
			out, err := checkConfigOn(t, cfg)
			if (err == nil) != tt.ok || !strings.Contains(out, tt.want) {
				t.Errorf("check-config = %v, want ok %v and a line holding %q:\n%s", err, tt.ok, tt.want, out)
			}
			if !tt.ok && !strings.Contains(out, "discord        FAILED: ") {
				t.Errorf("no FAILED line for discord:\n%s", out)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(w.path), "data")); err == nil {
				t.Error("check-config created the data directory")
			}
		})
	}
}

// check-config reports each Mattermost problem: the token, the team, a
// channel the bot is not in, and (a warning) a token that may not register
// the slash commands.
func TestCheckConfigMattermost(t *testing.T) {
	mm := mattermosttest.New()
	t.Cleanup(mm.Close)
	botID, botToken := mm.AddUser("opsbot", mattermosttest.UserOptions{Bot: true})
	adminID, adminToken := mm.AddUser("admin", mattermosttest.UserOptions{SystemRoles: "system_user system_admin"})
	approvals, alerts := mm.AddChannel("approvals"), mm.AddChannel("alerts")
	mm.Join(approvals, botID, adminID)
	base := `data: ` + filepath.Join(t.TempDir(), "data") + `
chat: mattermost
people: [{name: Sam Admin, roles: [admin], mattermost: "` + botID + `"}]
mattermost:
  url: ` + mm.URL() + `
  token: ${OPSBOT_TEST_MM_TOKEN}
  team: ` + mm.TeamID() + `
  approvals: ` + approvals + `
  public_url: http://127.0.0.1:1
  command_tokens: {mail: "${OPSBOT_TEST_MM_TOKEN}"}
`
	tests := []struct {
		name, token, cfg, want string
		ok                     bool
	}{
		{"admin token", adminToken, base, "mm register    ok", true},
		{"bot token may not register", botToken, base, "mm register    WARNING: mattermost: this token may not register the slash commands", true},
		{"bad token", "nope", base, "mattermost     FAILED: mattermost: the bot token does not work", false},
		{"bot not in the alerts channel", botToken, base + "  alerts: " + alerts + "\n", "the bot is not a member of channel " + alerts, false},
		{"other team", botToken, strings.Replace(base, mm.TeamID(), "wj3drgzdpnf54rxf5d8qd3dqne", 1), "not a member of team wj3drgzdpnf54rxf5d8qd3dqne", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OPSBOT_TEST_MM_TOKEN", tt.token)
			out, err := checkConfigOn(t, tt.cfg)
			if (err == nil) != tt.ok || !strings.Contains(out, tt.want) {
				t.Errorf("check-config = %v, want ok %v and a line holding %q:\n%s", err, tt.ok, tt.want, out)
			}
		})
	}
}

// check-config connects to the SMTP server, negotiates STARTTLS and logs in:
// a wrong password, an untrusted certificate and a closed port each fail.
func TestCheckConfigSMTP(t *testing.T) {
	sink := mailertest.New("opsbot@anopex.test", "right")
	t.Cleanup(sink.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, sink.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := func(port int, caFile string) string {
		return `data: ` + filepath.Join(t.TempDir(), "data") + `
smtp: {host: ` + sink.Host() + `, port: ` + strconv.Itoa(port) + `, user: opsbot@anopex.test, password: "${OPSBOT_TEST_SMTP}", from: opsbot@anopex.test, ca_file: "` + caFile + `"}
`
	}
	tests := []struct {
		name, password, cfg, want string
		ok                        bool
	}{
		{"good", "right", cfg(sink.Port(), ca), "smtp           ok", true},
		{"wrong password", "wrong", cfg(sink.Port(), ca), "smtp           FAILED: Le serveur SMTP refuse l'identifiant ou le mot de passe : vérifiez smtp.user et smtp.password.", false},
		{"untrusted certificate", "right", cfg(sink.Port(), ""), "smtp           FAILED: Le certificat du serveur SMTP " + sink.Host() + " n'est pas reconnu : donnez l'autorité qui l'a signé dans smtp.ca_file", false},
		{"closed port", "right", cfg(1, ca), "smtp           FAILED: le serveur SMTP ne répond pas", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OPSBOT_TEST_SMTP", tt.password)
			out, err := checkConfigOn(t, tt.cfg)
			if (err == nil) != tt.ok || !strings.Contains(out, tt.want) {
				t.Errorf("check-config = %v, want ok %v and a line holding %q:\n%s", err, tt.ok, tt.want, out)
			}
		})
	}
}
