package mattermost

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
	"github.com/anopex/opsbot/bot"
)

func TestSlashCommand(t *testing.T) {
	e, rec := start(t)
	tests := []struct {
		name      string
		user      func() string
		line      string
		wantText  string
		wantRoles []bot.Role
		inChannel bool
	}{
		{"family", func() string { return e.bob }, "/mail passwd bob@asso.fr", "mail passwd bob@asso.fr", []bot.Role{bot.Delegate}, false},
		{"spaces collapsed", func() string { return e.alice }, "/mail   list   ", "mail list", []bot.Role{bot.Treasurer}, false},
		{"umbrella", func() string { return e.alice }, "/opsbot whoami", "whoami", []bot.Role{bot.Treasurer}, false},
		{"umbrella alone is help", func() string { return e.carol }, "/opsbot", "help", []bot.Role{bot.Admin}, false},
		{"in channel", func() string { return e.carol }, "/approvals list", "approvals list", []bot.Role{bot.Admin}, true},
		{"unknown person", func() string { return e.dan }, "/mail list", "mail list", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec.mu.Lock()
			rec.reply = func(inv bot.Invocation) bot.Reply {
				return bot.Reply{Text: "réponse à " + inv.Text, InChannel: tt.inChannel}
			}
			rec.mu.Unlock()
			user := tt.user()
			before := len(rec.invocations())
			res, err := e.mm.Slash(t.Context(), user, e.general, tt.line)
			if err != nil {
				t.Fatalf("Slash(%q): %v", tt.line, err)
			}
			if diff := cmp.Diff(mattermosttest.SlashResult{Status: 200, ResponseType: "ephemeral", Text: "en cours…"}, res); diff != "" {
				t.Errorf("immediate answer (-want +got):\n%s", diff)
			}
			rec.wait(t, "invocation", func(r *recorder) bool { return len(r.invs) > before })
			inv := rec.invocations()[before]
			if inv.Text != tt.wantText || inv.Platform != Platform || inv.Channel != e.general || inv.Caller.ID != user {
				t.Errorf("invocation = %q %s %s %s, want %q mattermost %s %s", inv.Text, inv.Platform, inv.Channel, inv.Caller.ID, tt.wantText, e.general, user)
			}
			if diff := cmp.Diff(tt.wantRoles, inv.Caller.Roles); diff != "" {
				t.Errorf("caller roles (-want +got):\n%s", diff)
			}
			want := "réponse à " + tt.wantText
			if tt.inChannel {
				e.waitFake(t, "in-channel answer", func(v mattermosttest.View) bool {
					return slices.ContainsFunc(v.Posts(), func(p mattermosttest.Post) bool {
						return p.Message == want && p.UserID == user && p.Props["from_webhook"] == "true"
					})
				})
				return
			}
			e.waitFake(t, "ephemeral answer", func(v mattermosttest.View) bool {
				return slices.ContainsFunc(v.Ephemerals(user), func(m mattermosttest.Ephemeral) bool { return m.Text == want })
			})
		})
	}
	if len(rec.errs) != 0 {
		t.Errorf("Respond errors: %v", rec.errs)
	}
}

func TestSlashLongReplySplit(t *testing.T) {
	e, rec := start(t)
	long := strings.Repeat("ligne de réponse\n", 2000) // 34 000 runes: three posts
	rec.reply = func(bot.Invocation) bot.Reply { return bot.Reply{Text: long} }
	if _, err := e.mm.Slash(t.Context(), e.alice, e.general, "/mail list"); err != nil {
		t.Fatal(err)
	}
	e.waitFake(t, "three ephemeral parts", func(v mattermosttest.View) bool { return len(v.Ephemerals(e.alice)) == 4 })
	var got strings.Builder
	for _, m := range e.mm.Ephemerals(e.alice) {
		if m.Text == "en cours…" {
			continue // the immediate answer, recorded before or after the first part
		}
		if n := len([]rune(m.Text)); n > maxPostRunes {
			t.Errorf("part of %d runes, over %d", n, maxPostRunes)
		}
		got.WriteString(m.Text)
	}
	if got.String() != long {
		t.Errorf("parts do not rebuild the reply (%d bytes, want %d)", got.Len(), len(long))
	}
}

func TestSlashReplyWithFile(t *testing.T) {
	e, rec := start(t)
	rec.reply = func(bot.Invocation) bot.Reply {
		return bot.Reply{Text: "rapport", Attachments: []bot.Attachment{{Name: "rapport.csv", ContentType: "text/csv", Data: []byte("a;b\n1;2\n")}}}
	}
	if _, err := e.mm.Slash(t.Context(), e.alice, e.general, "/mail list"); err != nil {
		t.Fatal(err)
	}
	e.waitFake(t, "file in the direct channel", func(v mattermosttest.View) bool {
		return slices.ContainsFunc(v.Posts(), func(p mattermosttest.Post) bool { return len(p.FileIDs) == 1 })
	})
	dm, ok := e.mm.DirectChannel(e.botID, e.alice)
	if !ok {
		t.Fatal("no direct channel between the bot and alice")
	}
	for _, p := range e.mm.Posts() {
		if len(p.FileIDs) == 1 {
			name, data, _ := e.mm.File(p.FileIDs[0])
			if p.ChannelID != dm || name != "rapport.csv" || string(data) != "a;b\n1;2\n" {
				t.Errorf("file post in %s: %s %q, want %s rapport.csv", p.ChannelID, name, data, dm)
			}
		}
	}
	e.waitFake(t, "ephemeral pointer to the private message", func(v mattermosttest.View) bool {
		return len(v.Ephemerals(e.alice)) == 2
	})
}

// TestSlashRefused: a wrong, missing or borrowed token gets 401 and nothing
// runs; so do a huge body (413), a GET (405) and a foreign response_url (400).
func TestSlashRefused(t *testing.T) {
	e, rec := start(t)
	tests := []struct {
		name   string
		token  string
		status int
	}{
		{"wrong token", "zzzzzzzzzzzzzzzzzzzzzzzzzz", http.StatusUnauthorized},
		{"missing token", "", http.StatusUnauthorized},
		{"token of another command", "", http.StatusUnauthorized},
	}
	tests[2].token = e.tokens["approvals"]
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.mm.SlashWithToken(t.Context(), e.carol, e.general, "/mail delete bob@asso.fr", tt.token)
			if err == nil || res.Status != tt.status {
				t.Errorf("SlashWithToken = %d, %v; want %d and an error", res.Status, err, tt.status)
			}
		})
	}
	post := func(t *testing.T, method string, form url.Values, body string) int {
		t.Helper()
		if body == "" {
			body = form.Encode()
		}
		req, _ := http.NewRequestWithContext(t.Context(), method, e.public+CommandPath, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Token "+e.tokens["mail"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	good := url.Values{"command": {"/mail"}, "text": {"list"}, "user_id": {e.carol}, "user_name": {"carol.admin"},
		"channel_id": {e.general}, "token": {e.tokens["mail"]}, "response_url": {e.mm.URL() + "/hooks/commands/" + mattermosttest.NewID()}}
	t.Run("huge body", func(t *testing.T) {
		huge := good.Encode() + "&text=" + strings.Repeat("a", 1<<20)
		if got := post(t, http.MethodPost, nil, huge); got != http.StatusRequestEntityTooLarge {
			t.Errorf("status = %d, want 413", got)
		}
	})
	t.Run("GET", func(t *testing.T) {
		if got := post(t, http.MethodGet, good, ""); got != http.StatusMethodNotAllowed {
			t.Errorf("status = %d, want 405", got)
		}
	})
	t.Run("foreign response_url", func(t *testing.T) {
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		f.Set("response_url", "http://169.254.169.254/hooks/commands/x")
		if got := post(t, http.MethodPost, f, ""); got != http.StatusBadRequest {
			t.Errorf("status = %d, want 400", got)
		}
	})
	// A valid command afterwards is the only one that ran.
	if _, err := e.mm.Slash(t.Context(), e.alice, e.general, "/mail list"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "the valid invocation", func(r *recorder) bool { return len(r.invs) >= 1 })
	if got := rec.invocations(); len(got) != 1 || got[0].Caller.ID != e.alice {
		t.Errorf("invocations = %d (first by %s), want only alice's", len(got), got[0].Caller.ID)
	}
	if strings.Contains(e.logs.String(), e.tokens["mail"]) || strings.Contains(e.logs.String(), e.tokens["approvals"]) {
		t.Error("a command token reached the log")
	}
}

func TestParseSlash(t *testing.T) {
	tests := []struct {
		name string
		form url.Values
		want slashCommand
		err  bool
	}{
		{"reference payload", mustQuery(t, "channel_id=14j8umgczgrdp95w77zuxmxfu9&channel_mentions=approvals&channel_mentions_ids=14j8umgczgrdp95w77zuxmxfu9&channel_name=approvals&command=%2Fexpense&response_url=https%3A%2F%2Fchat.example.org%2Fhooks%2Fcommands%2F6xoche483hwrx5rpu8jzjoe7qg&team_domain=riverside-rowing&team_id=wj3drgzdpnf54rxf5d8qd3dqne&text=submit+142.50+%22Regatta+entry+fees%22+%40bob.k+~approvals&token=hmyjmj68dw6gdxctnghbrhwcth&user_id=saqjfmjqqy9mo1yj4zwed73333&user_name=alice.w"),
			slashCommand{Trigger: "expense", Text: `expense submit 142.50 "Regatta entry fees" @bob.k ~approvals`, TeamID: "wj3drgzdpnf54rxf5d8qd3dqne", UserID: "saqjfmjqqy9mo1yj4zwed73333",
				UserName: "alice.w", ChannelID: "14j8umgczgrdp95w77zuxmxfu9", ResponseURL: "https://chat.example.org/hooks/commands/6xoche483hwrx5rpu8jzjoe7qg"}, false},
		{"upper-case trigger", url.Values{"command": {"/MAIL"}, "text": {"list"}, "user_id": {"u"}, "channel_id": {"c"}, "response_url": {"r"}},
			slashCommand{Trigger: "mail", Text: "mail list", UserID: "u", ChannelID: "c", ResponseURL: "r"}, false},
		{"umbrella empty", url.Values{"command": {"/opsbot"}, "user_id": {"u"}, "channel_id": {"c"}, "response_url": {"r"}},
			slashCommand{Trigger: "opsbot", Text: "help", UserID: "u", ChannelID: "c", ResponseURL: "r"}, false},
		{"multi-line body kept", url.Values{"command": {"/ticket"}, "text": {"open ovh Sauvegarde -- Bonjour,\n\nla sauvegarde  échoue.\n"}, "user_id": {"u"}, "channel_id": {"c"}, "response_url": {"r"}},
			slashCommand{Trigger: "ticket", Text: "ticket open ovh Sauvegarde -- Bonjour,\n\nla sauvegarde  échoue.", UserID: "u", ChannelID: "c", ResponseURL: "r"}, false},
		{"no user", url.Values{"command": {"/mail"}, "channel_id": {"c"}, "response_url": {"r"}}, slashCommand{}, true},
		{"no response_url", url.Values{"command": {"/mail"}, "user_id": {"u"}, "channel_id": {"c"}}, slashCommand{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSlash(tt.form)
			if (err != nil) != tt.err {
				t.Fatalf("parseSlash error = %v, want error %v", err, tt.err)
			}
			if tt.err {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseSlash (-want +got):\n%s", diff)
			}
		})
	}
}

func mustQuery(t *testing.T, s string) url.Values {
	v, err := url.ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func FuzzParseSlash(f *testing.F) {
	f.Add("/mail", "passwd  a@b.fr", "u", "c", "r")
	f.Add("/opsbot", "", "u", "c", "r")
	f.Add("", "x", "", "", "")
	f.Add("/Ünïcode", "\t\n a  b ", "u", "c", "https://x/hooks/commands/y")
	f.Fuzz(func(t *testing.T, command, text, user, channel, rurl string) {
		form := url.Values{"command": {command}, "text": {text}, "user_id": {user}, "channel_id": {channel}, "response_url": {rurl}}
		sc, err := parseSlash(form)
		if err != nil {
			return
		}
		if sc.Trigger == "" || sc.UserID != user || sc.ChannelID != channel {
			t.Fatalf("parseSlash(%q) = %+v", form, sc)
		}
		if sc.Text != strings.TrimSpace(sc.Text) {
			t.Errorf("text %q not trimmed", sc.Text)
		}
		if body := strings.TrimSpace(text); body != "" && !strings.Contains(sc.Text, body) {
			t.Errorf("text %q lost the body %q as typed", sc.Text, body)
		}
		if sc.Trigger != Umbrella && !strings.HasPrefix(sc.Text, sc.Trigger) {
			t.Errorf("text %q does not start with the family %q", sc.Text, sc.Trigger)
		}
	})
}
