package mattermost

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

var tokenValue = regexp.MustCompile(`(?m)^(OPSBOT_MATTERMOST_TOKEN_[A-Z0-9_]+)=[a-z0-9]{26}$`)

func testSpecs() []bot.Spec {
	noop := func(context.Context, bot.Call) (bot.Reply, error) { return bot.Reply{}, nil }
	var specs []bot.Spec
	for _, p := range []string{"help", "whoami", "mail list", "mail passwd", "mail forward add", "approvals list"} {
		specs = append(specs, bot.Spec{Path: p, Help: "Aide de " + p, Roles: []bot.Role{bot.Admin}, Read: noop})
	}
	return specs
}

func TestTriggers(t *testing.T) {
	want := []string{"approvals", "mail", "opsbot", "whoami"} // help is a Mattermost built-in
	if diff := cmp.Diff(want, Triggers(testSpecs())); diff != "" {
		t.Errorf("Triggers (-want +got):\n%s", diff)
	}
}

func TestRegister(t *testing.T) {
	mm := mattermosttest.New()
	t.Cleanup(mm.Close)
	_, adminToken := mm.AddUser("root", mattermosttest.UserOptions{SystemRoles: "system_user system_admin"})
	_, userToken := mm.AddUser("someone", mattermosttest.UserOptions{})
	reg := Registration{ServerURL: mm.URL(), Token: bot.NewSecret(adminToken), TeamID: mm.TeamID(), PublicURL: "https://opsbot.internal:8088/"}
	specs := testSpecs()

	var out bytes.Buffer
	res, err := Register(t.Context(), reg, specs, &out)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if diff := cmp.Diff(RegisterResult{Created: []string{"approvals", "mail", "opsbot", "whoami"}}, res); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	first := mm.Commands()
	golden(t, "register.golden", tokenValue.ReplaceAllString(out.String(), "$1=<26-character token>"))
	api := model.NewAPIv4Client(mm.URL())
	api.SetToken(adminToken)
	cmds, _, err := api.ListCommands(t.Context(), mm.TeamID(), true)
	if err != nil {
		t.Fatal(err)
	}
	var listing strings.Builder
	for _, c := range cmds {
		fmt.Fprintf(&listing, "/%s  %s %s  [%s]  %q\n    %s\n    hint: %s\n", c.Trigger, c.Method, c.URL, c.DisplayName, c.Description, c.AutoCompleteDesc, c.AutoCompleteHint)
	}
	golden(t, "commands.golden", listing.String())

	var again bytes.Buffer
	res, err = Register(t.Context(), reg, specs, &again)
	if err != nil {
		t.Fatalf("Register again: %v", err)
	}
	if diff := cmp.Diff(RegisterResult{Unchanged: []string{"approvals", "mail", "opsbot", "whoami"}}, res); diff != "" {
		t.Errorf("second run (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(first, mm.Commands()); diff != "" {
		t.Errorf("second run changed the server (-want +got):\n%s", diff)
	}
	if out.String() != again.String() {
		t.Errorf("second run printed other lines:\n%s\nthen:\n%s", out.String(), again.String())
	}

	// The configuration lines name every trigger with the token the server
	// holds, and the bot accepts commands with those tokens.
	for _, trig := range []string{"approvals", "mail", "opsbot", "whoami"} {
		if !strings.Contains(out.String(), "#     "+trig+": ${"+TokenEnv(trig)+"}") {
			t.Errorf("no yaml line for %s in:\n%s", trig, out.String())
		}
	}
	if !strings.Contains(out.String(), "OPSBOT_MATTERMOST_TOKEN_MAIL=") {
		t.Errorf("no token line for mail in:\n%s", out.String())
	}

	// A new public URL updates every command in place (same tokens).
	reg.PublicURL = "https://opsbot2.internal:8088"
	var third bytes.Buffer
	res, err = Register(t.Context(), reg, append(specs, bot.Spec{Path: "wp users", Roles: []bot.Role{bot.Admin}}), &third)
	if err != nil {
		t.Fatalf("Register with a new URL: %v", err)
	}
	if diff := cmp.Diff(RegisterResult{Created: []string{"wp"}, Updated: []string{"approvals", "mail", "opsbot", "whoami"}}, res); diff != "" {
		t.Errorf("third run (-want +got):\n%s", diff)
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "OPSBOT_") && !strings.Contains(third.String(), line) {
			t.Errorf("token line %q changed after an update", line)
		}
	}

	reg.Token = bot.NewSecret(userToken)
	if _, err := Register(t.Context(), reg, append(specs, bot.Spec{Path: "doli x", Roles: []bot.Role{bot.Admin}}), &bytes.Buffer{}); bot.KindOf(err) != bot.Denied {
		t.Errorf("Register by a plain user = %v, want kind denied", err)
	}
}

// TestRegisteredCommandsWork: the tokens Register prints are the ones the
// server sends, so an adapter configured with them accepts the commands.
func TestRegisteredCommandsWork(t *testing.T) {
	e, ln := newEnv(t, "unused")
	var out bytes.Buffer
	_, err := Register(t.Context(), Registration{ServerURL: e.mm.URL(), Token: bot.NewSecret(e.carolToken), TeamID: e.mm.TeamID(), PublicURL: e.public},
		testSpecs(), &out)
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]bot.Secret{}
	for _, line := range strings.Split(out.String(), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(k, "OPSBOT_MATTERMOST_TOKEN_") {
			tokens[strings.ToLower(strings.TrimPrefix(k, "OPSBOT_MATTERMOST_TOKEN_"))] = bot.NewSecret(v)
		}
	}
	cfg := e.chat.cfg
	cfg.CommandTokens = tokens
	e.chat, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	e.serve(t, rec, ln)
	res, err := e.mm.Slash(t.Context(), e.carol, e.general, "/whoami")
	if err != nil || res.Text != "en cours…" {
		t.Fatalf("Slash(/whoami) = %+v, %v", res, err)
	}
	rec.wait(t, "whoami", func(r *recorder) bool { return len(r.invs) == 1 && r.invs[0].Text == "whoami" })
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"court", 10, "court"},
		{"abcdefghij", 6, "abc…"},
		{"éééé", 6, "é…"},
	}
	for _, tt := range tests {
		if got := clip(tt.in, tt.n); got != tt.want || len(got) > tt.n {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// A choice argument (the cPanel server) is completed by its values in the hint.
func TestHintNamesChoices(t *testing.T) {
	servers := []string{"planethoster", "ovh"}
	for _, tt := range []struct {
		spec bot.Spec
		want string
	}{
		{bot.Spec{Path: "host ip list", Args: []bot.Arg{{Name: "serveur", Choices: servers}}}, "host ip list planethoster|ovh"},
		{bot.Spec{Path: "host ssl list", Args: []bot.Arg{{Name: "serveur", Choices: servers, Optional: true}}}, "host ssl list [planethoster|ovh]"},
		{bot.Spec{Path: "host dns list", Args: []bot.Arg{{Name: "serveur", Choices: servers}, {Name: "nom", Optional: true}}}, "host dns list planethoster|ovh [NOM]"},
	} {
		if got := hintUsage(tt.spec); got != tt.want {
			t.Errorf("hintUsage(%s) = %q, want %q", tt.spec.Path, got, tt.want)
		}
	}
}
