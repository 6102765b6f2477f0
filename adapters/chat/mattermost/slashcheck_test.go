package mattermost

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anopex/opsbot/adapters/chat/mattermost/mattermosttest"
)

// slashForm is a valid slash-command form for e, as Mattermost sends it.
func slashForm(e *env) url.Values {
	return url.Values{"command": {"/mail"}, "text": {"list"}, "user_id": {e.alice}, "user_name": {"alice.w"},
		"team_id": {e.mm.TeamID()}, "channel_id": {e.general}, "token": {e.tokens["mail"]},
		"response_url": {e.mm.URL() + "/hooks/commands/" + mattermosttest.NewID()}}
}

// postSlash sends form to the adapter with the given Authorization header
// and returns the status and body.
func postSlash(t *testing.T, e *env, form url.Values, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.public+CommandPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A slash command is run only with a team_id of the configured team and a
// response_url on the configured server (scheme, host, cleaned path under
// /hooks/commands/). A form whose Authorization header is not "Token …" (an
// outgoing OAuth connection replaced it) is checked with the form's token.
func TestSlashChecks(t *testing.T) {
	e, rec := start(t)
	form := func(k, v string) url.Values {
		f := slashForm(e)
		f.Set(k, v)
		return f
	}
	site := e.mm.URL()
	for _, tt := range []struct {
		name   string
		form   url.Values
		auth   string
		status int
		runs   bool
	}{
		{"other team", form("team_id", mattermosttest.NewID()), "Token " + e.tokens["mail"], http.StatusOK, false},
		{"no team", form("team_id", ""), "Token " + e.tokens["mail"], http.StatusOK, false},
		{"https instead of http", form("response_url", strings.Replace(site, "http://", "https://", 1)+"/hooks/commands/x"), "", http.StatusBadRequest, false},
		{"other host", form("response_url", "http://169.254.169.254/hooks/commands/x"), "", http.StatusBadRequest, false},
		{"host prefix", form("response_url", site+".evil.test/hooks/commands/x"), "", http.StatusBadRequest, false},
		{"path out of hooks", form("response_url", site+"/hooks/commands/../../api/v4/posts"), "", http.StatusBadRequest, false},
		{"extra segment", form("response_url", site+"/hooks/commands/x/y"), "", http.StatusBadRequest, false},
		{"query", form("response_url", site+"/hooks/commands/x?a=b"), "", http.StatusBadRequest, false},
		{"user info", form("response_url", strings.Replace(site, "http://", "http://u:p@", 1)+"/hooks/commands/x"), "", http.StatusBadRequest, false},
		{"no id", form("response_url", site+"/hooks/commands/"), "", http.StatusBadRequest, false},
		{"OAuth header, form token", slashForm(e), "Bearer some-oauth-access-token", http.StatusOK, true},
		{"OAuth header, wrong form token", form("token", "zzzzzzzzzzzzzzzzzzzzzzzzzz"), "Bearer " + e.tokens["mail"], http.StatusUnauthorized, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(rec.invocations())
			status, body := postSlash(t, e, tt.form, tt.auth)
			if status != tt.status {
				t.Fatalf("status = %d (%s), want %d", status, body, tt.status)
			}
			if tt.runs {
				rec.wait(t, "the invocation", func(r *recorder) bool { return len(r.invs) > before })
				return
			}
			if tt.status == http.StatusOK && !strings.Contains(body, "cette équipe") {
				t.Errorf("answer = %s, want the team refusal", body)
			}
		})
	}
	// Only the OAuth case ran: a valid command afterwards is the second.
	if _, err := e.mm.Slash(t.Context(), e.alice, e.general, "/mail list"); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "the valid invocation", func(r *recorder) bool { return len(r.invs) >= 2 })
	if got := rec.invocations(); len(got) != 2 {
		t.Errorf("%d invocations ran, want 2", len(got))
	}
}
