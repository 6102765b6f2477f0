package mattermost

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/anopex/opsbot/bot"
)

// builtins are Mattermost's own triggers: a family with one of these names
// is reached through the umbrella command (/opsbot help).
var builtins = []string{"away", "code", "collapse", "custom_status", "dnd", "echo", "expand", "groupmsg",
	"header", "help", "invite", "invite_people", "join", "kick", "leave", "logout", "me", "msg", "mute",
	"offline", "online", "open", "purpose", "remove", "rename", "search", "settings", "shortcuts", "shrug", "status"}

// Triggers returns the slash-command triggers for specs: one per command
// family (the first word of each path) that is not a Mattermost built-in,
// plus the umbrella "opsbot", sorted.
func Triggers(specs []bot.Spec) []string {
	out := []string{Umbrella}
	for _, s := range specs {
		f := strings.ToLower(s.Words()[0])
		if !slices.Contains(builtins, f) && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// Registration is what Register needs: an account allowed to manage the
// team's slash commands (a team or system administrator; the bot account
// if it was given that permission).
type Registration struct {
	ServerURL  string
	Token      bot.Secret
	TeamID     string
	PublicURL  string // the bot's base URL as Mattermost reaches it
	HTTPClient *http.Client
	Locale     bot.Locale
}

// RegisterResult says what Register did, per trigger.
type RegisterResult struct {
	Created, Updated, Unchanged []string
}

// Register creates or updates, on the server, one slash command per trigger
// of specs (Triggers), pointing at the bot's command endpoint, with the
// static autocomplete Mattermost offers custom commands (description and
// hint listing the sub-commands). It is idempotent: a second run with the
// same specs changes nothing. It then writes to w the configuration lines
// for the commands' tokens: environment assignments (the secrets, for the
// operator to store) and the matching opsbot.yaml lines. Nothing is logged.
func Register(ctx context.Context, r Registration, specs []bot.Spec, w io.Writer) (RegisterResult, error) {
	var res RegisterResult
	if r.ServerURL == "" || r.Token.Empty() || r.TeamID == "" || r.PublicURL == "" {
		return res, errors.New("mattermost register: server URL, token, team and public URL are required")
	}
	api, existing, err := r.list(ctx)
	if err != nil {
		return res, fmt.Errorf("mattermost register: %w", err)
	}
	byTrigger := map[string]*command{}
	for _, c := range existing {
		if c.DeleteAt == 0 {
			byTrigger[c.Trigger] = &c
		}
	}
	endpoint := strings.TrimRight(r.PublicURL, "/") + CommandPath
	tokens := map[string]string{}
	for _, trig := range Triggers(specs) {
		have := byTrigger[trig]
		want := command{TeamID: r.TeamID, Trigger: trig}
		if have != nil {
			want = *have
		}
		setCommand(&want, specs, endpoint, r.Locale)
		var err error
		list := &res.Unchanged
		switch {
		case have == nil:
			list = &res.Created
			_, err = api.do(ctx, "save command", http.MethodPost, "/commands", want, &want)
		case want != *have:
			list = &res.Updated
			_, err = api.do(ctx, "save command", http.MethodPut, "/commands/"+want.ID, want, &want)
		}
		if err != nil {
			return res, fmt.Errorf("mattermost register /%s: %w", trig, err)
		}
		*list = append(*list, trig)
		tokens[trig] = want.Token
	}
	if err := writeTokenConfig(w, tokens); err != nil {
		return res, fmt.Errorf("mattermost register: %w", err)
	}
	return res, nil
}

// setCommand sets what Register manages of cmd, its autocomplete text taken
// from the specs of its trigger's family (every spec for the umbrella).
func setCommand(cmd *command, specs []bot.Spec, url string, l bot.Locale) {
	trigger := cmd.Trigger
	var subs []string
	var help string
	for _, s := range specs {
		w := s.Words()
		switch {
		case trigger == Umbrella:
			if !slices.Contains(subs, w[0]) {
				subs = append(subs, w[0])
			}
		case strings.EqualFold(w[0], trigger):
			if len(w) == 1 {
				help = s.HelpIn(l)
			}
			if u := strings.TrimSpace(strings.TrimPrefix(hintUsage(s), w[0])); u != "" {
				subs = append(subs, u)
			}
		}
	}
	name, desc := "opsbot "+trigger, help
	switch {
	case trigger == Umbrella:
		name, desc = Umbrella, l.Pick("Toutes les commandes d'opsbot (help pour la liste)", "Every opsbot command (help for the list)")
	case desc == "":
		desc = l.Pick("opsbot, commandes « ", "opsbot, \"") + trigger + l.Pick(" » : ", "\" commands: ") + strings.Join(first(subs), ", ")
	}
	cmd.Method, cmd.URL, cmd.Username, cmd.IconURL = "P", url, "", "" // P: POST
	cmd.DisplayName, cmd.Description = clip(name, 64), clip(desc, 128)
	cmd.AutoComplete, cmd.AutoCompleteDesc, cmd.AutoCompleteHint = true, clip(desc, 128), clip(strings.Join(subs, " | "), 256)
}

// hintUsage is s's usage with the values of a choice argument in place of
// its name ("host ip list planethoster|ovh"): the only completion
// Mattermost offers a custom command is this text.
func hintUsage(s bot.Spec) string {
	words := strings.Fields(s.Usage())
	for _, a := range s.Args {
		name := strings.ToUpper(a.Name)
		for i, w := range words {
			if len(a.Choices) > 0 && strings.Trim(w, "[]…") == name {
				words[i] = strings.Replace(w, name, strings.Join(a.Choices, "|"), 1)
			}
		}
	}
	return strings.Join(words, " ")
}

// first returns the first word of each sub-command.
func first(subs []string) []string {
	var out []string
	for _, s := range subs {
		if f := strings.Fields(s); len(f) > 0 && !slices.Contains(out, f[0]) {
			out = append(out, f[0])
		}
	}
	return out
}

// clip cuts s to at most n bytes on a rune boundary, marking the cut with "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// TokenEnv is the environment variable holding trigger's command token.
func TokenEnv(trigger string) string {
	return "OPSBOT_MATTERMOST_TOKEN_" + strings.Map(func(r rune) rune {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, strings.ToUpper(trigger))
}

func writeTokenConfig(w io.Writer, tokens map[string]string) error {
	triggers := slices.Sorted(maps.Keys(tokens))
	var b strings.Builder
	b.WriteString("# Slash-command tokens: keep these lines secret, in opsbot's environment.\n")
	for _, t := range triggers {
		fmt.Fprintf(&b, "%s=%s\n", TokenEnv(t), tokens[t])
	}
	b.WriteString("\n# opsbot.yaml:\n# mattermost:\n#   command_tokens:\n")
	for _, t := range triggers {
		fmt.Fprintf(&b, "#     %s: ${%s}\n", t, TokenEnv(t))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// list reads the team's custom commands, which needs the right Register
// needs: manage_slash_commands on the team (a system or team admin; a plain
// bot account gets 403). API: GET /commands?custom_only=true&team_id=
// ("manage_slash_commands if need list custom commands", api.mattermost.com).
func (r Registration) list(ctx context.Context) (client, []command, error) {
	api := client{strings.TrimRight(r.ServerURL, "/") + "/api/v4", r.Token.Reveal(), cmp.Or(r.HTTPClient, &http.Client{})}
	var existing []command
	_, err := api.do(ctx, "list commands", http.MethodGet, "/commands?custom_only=true&team_id="+url.QueryEscape(r.TeamID), nil, &existing)
	return api, existing, err
}

// CheckRegister says whether r's account may run Register, for check-config.
func CheckRegister(ctx context.Context, r Registration) error {
	if _, _, err := r.list(ctx); err != nil {
		return fmt.Errorf("mattermost: this token may not register the slash commands (run `opsbot mattermost register` with a system admin's token or give the bot manage_slash_commands): %w", err)
	}
	return nil
}
