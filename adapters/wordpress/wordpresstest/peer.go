package wordpresstest

import (
	"bufio"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// Peer is a real WordPress started by scripts/wordpress-up.sh, for the
// integration tests that run the client, and this fake, against it.
type Peer struct {
	URL               string // http://127.0.0.1:8089
	User              string // an administrator
	AppPassword       string // the administrator's application password
	LoginPassword     string // the administrator's login password (which the REST API refuses)
	EditorUser        string // an editor (no list_users, no promote_users)
	EditorAppPassword string
	Version           string // WordPress's version
}

// PeerEnvFile is where scripts/wordpress-up.sh writes the peer's facts
// unless OPSBOT_WP_ENV names another file.
const PeerEnvFile = "/tmp/opsbot-wp.env"

// SkipMessage is what a test says when no real WordPress is running.
const SkipMessage = "real WordPress not available: run scripts/wordpress-up.sh (see README)"

// RealPeer returns the real WordPress described by the OPSBOT_WP_*
// variables, or else by the file $OPSBOT_WP_ENV (default PeerEnvFile), after
// checking that it answers. When there is none, or it does not answer, the
// test is skipped with SkipMessage and the reason: never passed silently;
// with OPSBOT_WP_REQUIRED set (.ci/run, once the peer started) it fails.
// The tests of every package that use the peer take turns (a lock file),
// since they change roles on the same site.
func RealPeer(t testing.TB) Peer {
	t.Helper()
	env := map[string]string{}
	file := os.Getenv("OPSBOT_WP_ENV")
	if file == "" {
		file = PeerEnvFile
	}
	if b, err := os.ReadFile(file); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), "="); ok && strings.HasPrefix(k, "OPSBOT_WP_") {
				env[k] = unquote(v)
			}
		}
	}
	get := func(k string) string {
		if v := os.Getenv(k); v != "" {
			return v
		}
		return env[k]
	}
	skip := t.Skipf
	if os.Getenv("OPSBOT_WP_REQUIRED") != "" { // CI started it: not answering is a failure
		skip = t.Fatalf
	}
	p := Peer{URL: get("OPSBOT_WP_URL"), User: get("OPSBOT_WP_USER"), AppPassword: get("OPSBOT_WP_APP_PASSWORD"),
		LoginPassword: get("OPSBOT_WP_LOGIN_PASSWORD"), EditorUser: get("OPSBOT_WP_EDITOR_USER"),
		EditorAppPassword: get("OPSBOT_WP_EDITOR_APP_PASSWORD"), Version: get("OPSBOT_WP_VERSION")}
	if p.URL == "" || p.User == "" || p.AppPassword == "" {
		skip("%s (no OPSBOT_WP_URL, OPSBOT_WP_USER, OPSBOT_WP_APP_PASSWORD in the environment nor in %s)", SkipMessage, file)
	}
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get(strings.TrimRight(p.URL, "/") + "/wp-json/")
	if err != nil {
		skip("%s (%s does not answer: %v)", SkipMessage, p.URL, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		skip("%s (%s/wp-json/ answers %s)", SkipMessage, p.URL, resp.Status)
	}
	unlock := lockPeer(t)
	t.Cleanup(unlock)
	return p
}

// unquote reads a value as the script writes it: 'single-quoted', with
// '\” for a quote, or bare.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return strings.ReplaceAll(v[1:len(v)-1], `'\''`, `'`)
	}
	return v
}
