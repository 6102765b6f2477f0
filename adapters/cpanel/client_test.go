package cpanel_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/cpanel"
	"github.com/anopex/opsbot/adapters/cpanel/cpaneltest"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/testlog"
)

const (
	user  = "anopex"
	token = "U7HMR63FGY292DQZ4H5BFH16JLYMO01M"
)

func TestMain(m *testing.M) {
	rest.Retry = rest.Policy{Retries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond} // no real backoff sleeps
	os.Exit(m.Run())
}

// newClient is cpanel.New on a valid configuration.
func newClient(t testing.TB, url, user string, token bot.Secret, hc *http.Client, log zerolog.Logger) *cpanel.Client {
	t.Helper()
	c, err := cpanel.New(cpanel.Options{URL: url, User: user, Token: token, HTTPClient: hc, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// New refuses what no request could use.
func TestNewRefusesInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		o    cpanel.Options
	}{
		{"no url", cpanel.Options{User: user, Token: bot.NewSecret(token)}},
		{"not http", cpanel.Options{URL: "ftp://mail.anopex.test:2083", User: user, Token: bot.NewSecret(token)}},
		{"credentials in url", cpanel.Options{URL: "https://u:p@mail.anopex.test:2083", User: user, Token: bot.NewSecret(token)}},
		{"no user", cpanel.Options{URL: "https://mail.anopex.test:2083", Token: bot.NewSecret(token)}},
		{"no token", cpanel.Options{URL: "https://mail.anopex.test:2083", User: user}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := cpanel.New(tt.o); err == nil {
				t.Errorf("New(%+v) = %v, nil; want an error", tt.o, c)
			} else if strings.Contains(err.Error(), "u:p@") {
				t.Errorf("error %q repeats the URL's credentials", err)
			}
		})
	}
}

// setup starts a fake seeded by seed (nil: the demo association) and a
// client with the right credentials.
func setup(t *testing.T, seed func(*cpaneltest.Server)) (*cpanel.Client, *cpaneltest.Server) {
	t.Helper()
	srv := cpaneltest.New(user, token)
	t.Cleanup(srv.Close)
	if seed == nil {
		srv.SeedDemo()
	} else {
		seed(srv)
	}
	return newClient(t, srv.URL(), user, bot.NewSecret(token), srv.Client(), zerolog.Nop()), srv
}

// serve starts a one-handler server (go-github's setup) for odd answers the
// fake never gives, and a client of it.
func serve(t *testing.T, h http.HandlerFunc) *cpanel.Client {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return newClient(t, ts.URL, user, bot.NewSecret(token), ts.Client(), zerolog.Nop())
}

func wantKind(t *testing.T, what string, err error, want bot.Kind) {
	t.Helper()
	if got := bot.KindOf(err); got != want {
		t.Fatalf("%s: error kind = %v (%v), want %v", what, got, err, want)
	}
	if want == bot.Internal && err == nil {
		t.Fatalf("%s: no error, want %v", what, want)
	}
	if err != nil && bot.ProviderOf(err) != "cpanel" {
		t.Errorf("%s: provider = %q, want cpanel", what, bot.ProviderOf(err))
	}
}

// TestCheckMapsAnswers feeds check every kind of answer of reference §8,
// through a write (a POST, never retried) so each row is one request.
func TestCheckMapsAnswers(t *testing.T) {
	envelope := func(errs string) string {
		return `{"status":0,"data":null,"errors":` + errs + `,"warnings":null,"messages":null,"metadata":{}}`
	}
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		want   bot.Kind
		ok     bool
	}{
		{"success", 200, "application/json", `{"status":1,"data":null,"errors":null,"warnings":null,"messages":null,"metadata":{"transformed":1}}`, 0, true},
		{"status as a string", 200, "application/json", `{"status":"1","data":null,"errors":null}`, 0, true},
		{"401 html", 401, "text/html", "<html><body>Access denied</body></html>", bot.Denied, false},
		{"403 text", 403, "text/plain", "Forbidden", bot.Denied, false},
		{"200 login page", 200, "text/html", "<html><form action=/login>", bot.Denied, false},
		{"200 json without status", 200, "application/json", `{"cpanelresult":{"error":"Access denied"}}`, bot.Denied, false},
		{"429", 429, "text/plain", "slow down", bot.RateLimited, false},
		{"500", 500, "text/html", "Internal Server Error", bot.Unavailable, false},
		{"503", 503, "text/html", "Service Unavailable", bot.Unavailable, false},
		{"404 wrong port", 404, "text/html", "Not Found", bot.Internal, false},
		{"already exists", 200, "application/json", envelope(`["The account jeanne@asso-exemple.fr already exists!"]`), bot.Conflict, false},
		{"no such account", 200, "application/json", envelope(`["You do not have an email account named “jeanne@asso-exemple.fr”."]`), bot.NotFound, false},
		{"unknown forwarder", 200, "application/json", envelope(`["The forwarder from “a@b.fr” to “c@d.fr” does not exist."]`), bot.NotFound, false},
		{"weak password", 200, "application/json", envelope(`["The password that you entered has a strength rating of “1”. You cannot use it because it is too weak and too easy to guess. Please enter a password with a strength rating of “65” or higher."]`), bot.Invalid, false},
		{"missing parameter", 200, "application/json", envelope(`["Provide the “email” parameter."]`), bot.Invalid, false},
		{"invalid value", 200, "application/json", envelope(`["The quota “lots” is not valid."]`), bot.Invalid, false},
		{"errors as one string", 200, "application/json", envelope(`"The account x@y.fr already exists!"`), bot.Conflict, false},
		{"other text", 200, "application/json", envelope(`["Could not find function “x” in module “Email”."]`), bot.Internal, false},
		{"status 0 without text", 200, "application/json", envelope(`null`), bot.Internal, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			err := c.SuspendLogin(t.Context(), "jeanne@asso-exemple.fr")
			if tt.ok {
				if err != nil {
					t.Fatalf("SuspendLogin: %v", err)
				}
				return
			}
			wantKind(t, "SuspendLogin", err, tt.want)
			var e *bot.Error
			if errors.As(err, &e) && e.Status != tt.status {
				t.Errorf("Status = %d, want %d", e.Status, tt.status)
			}
			if n.Load() != 1 {
				t.Errorf("%d requests, want 1 (a write is never retried)", n.Load())
			}
		})
	}
}

// TestAuthorizationHeader checks the header of reference §1, set once.
func TestAuthorizationHeader(t *testing.T) {
	var got []string
	var mu sync.Mutex
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
		io.WriteString(w, `{"status":1,"data":{"megabytes_used":1,"megabyte_limit":2},"errors":null}`)
	})
	for range 2 {
		if err := c.Check(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	want := "cpanel " + user + ":" + token
	for i, h := range got {
		if h != want {
			t.Errorf("request %d: Authorization = %q, want %q", i, h, want)
		}
	}
}

func TestBadTokenDenied(t *testing.T) {
	_, srv := setup(t, nil)
	c := newClient(t, srv.URL(), user, bot.NewSecret("WRONGTOKEN"), srv.Client(), zerolog.Nop())
	wantKind(t, "Check", c.Check(t.Context()), bot.Denied)
	if n := srv.Fault.Requests(); n != 1 {
		t.Errorf("%d requests, want 1: an auth error is never retried", n)
	}
	_, err := c.Mailboxes(t.Context())
	wantKind(t, "Mailboxes", err, bot.Denied)
	wrongUser := newClient(t, srv.URL(), "someone", bot.NewSecret(token), srv.Client(), zerolog.Nop())
	wantKind(t, "Check (wrong user)", wrongUser.Check(t.Context()), bot.Denied)
}

func TestReadRetriedAfter5xx(t *testing.T) {
	c, srv := setup(t, nil)
	srv.Fault.FailNext(2, http.StatusServiceUnavailable, "<html>Service Unavailable</html>")
	got, err := c.Mailboxes(t.Context())
	if err != nil {
		t.Fatalf("Mailboxes after two 503: %v", err)
	}
	if len(got) < 20 {
		t.Errorf("Mailboxes = %d mailboxes, want the demo's 20 or more", len(got))
	}
	if n := srv.Fault.Requests(); n != 3 {
		t.Errorf("%d requests, want 3 (two 503, one success)", n)
	}
}

func TestReadGivesUpAfterRetries(t *testing.T) {
	c, srv := setup(t, nil)
	srv.Fault.FailNext(10, http.StatusBadGateway, "")
	_, err := c.Mailbox(t.Context(), "delegue75@anopex.test")
	wantKind(t, "Mailbox", err, bot.Unavailable)
	if n := srv.Fault.Requests(); n != 4 {
		t.Errorf("%d requests, want 4 (one and three retries)", n)
	}
}

func TestReadRetriedAfter429(t *testing.T) {
	c, srv := setup(t, nil)
	srv.Fault.RateLimitNext(1, "Retry-After", "0.05")
	if _, err := c.Forwarders(t.Context(), "anopex.test"); err != nil {
		t.Fatalf("Forwarders after a 429: %v", err)
	}
	if n := srv.Fault.Requests(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}

	srv.Fault.Reset()
	srv.Fault.RateLimitNext(10, "Retry-After", "0")
	_, err := c.AccountQuota(t.Context())
	wantKind(t, "AccountQuota after four 429", err, bot.RateLimited)
	if n := srv.Fault.Requests(); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
}

// TestWritesNotRetried: a write that meets a 5xx, a 429 or a timeout is
// tried once; what happened on the server is for a person to check.
func TestWritesNotRetried(t *testing.T) {
	tests := []struct {
		name   string
		inject func(*cpaneltest.Server)
		want   bot.Kind
	}{
		{"503", func(s *cpaneltest.Server) { s.Fault.FailNext(3, 503, "") }, bot.Unavailable},
		{"500", func(s *cpaneltest.Server) { s.Fault.FailNext(3, 500, "<html>oops</html>") }, bot.Unavailable},
		{"429", func(s *cpaneltest.Server) { s.Fault.RateLimitNext(3, "Retry-After", "0") }, bot.RateLimited},
		{"hang", func(s *cpaneltest.Server) { s.Fault.HangNext(3) }, bot.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cpaneltest.New(user, token)
			t.Cleanup(srv.Close)
			srv.SeedDemo()
			hc := &http.Client{Timeout: 300 * time.Millisecond, Transport: srv.Client().Transport}
			c := newClient(t, srv.URL(), user, bot.NewSecret(token), hc, zerolog.Nop())
			before := srv.Password("delegue75@anopex.test")
			tt.inject(srv)
			pw, _ := bot.NewPassword()
			wantKind(t, "SetPassword", c.SetPassword(t.Context(), "delegue75@anopex.test", pw), tt.want)
			if n := srv.Fault.Requests(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			if srv.Password("delegue75@anopex.test") != before {
				t.Error("the password changed although the request failed before the server")
			}
		})
	}
}

func TestHangTimesOut(t *testing.T) {
	srv := cpaneltest.New(user, token)
	t.Cleanup(srv.Close)
	srv.SeedDemo()
	hc := &http.Client{Timeout: 300 * time.Millisecond, Transport: srv.Client().Transport}
	c := newClient(t, srv.URL(), user, bot.NewSecret(token), hc, zerolog.Nop())

	t.Run("read retried after a client timeout", func(t *testing.T) {
		srv.Fault.Reset()
		srv.Fault.HangNext(1)
		if _, err := c.Mailbox(t.Context(), "delegue75@anopex.test"); err != nil {
			t.Fatalf("Mailbox after one hang: %v", err)
		}
		if n := srv.Fault.Requests(); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
	t.Run("caller's deadline", func(t *testing.T) {
		srv.Fault.Reset()
		srv.Fault.HangNext(100)
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		_, err := c.Mailboxes(ctx)
		wantKind(t, "Mailboxes", err, bot.Unavailable)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close()
		c := newClient(t, dead.URL, user, bot.NewSecret(token), hc, zerolog.Nop())
		wantKind(t, "Check", c.Check(t.Context()), bot.Unavailable)
	})
}

// recorder is a transport that remembers each request's method, URL, content
// type and body before handing it on.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
	next http.RoundTripper
}

type recorded struct{ method, url, ctype, body string }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{req.Method, req.URL.String(), req.Header.Get("Content-Type"), string(body)})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// TestWritesArePOSTForms checks that reads are GET and writes form-encoded
// POST, and that no password travels in a URL.
func TestWritesArePOSTForms(t *testing.T) {
	srv := cpaneltest.New(user, token)
	t.Cleanup(srv.Close)
	srv.SeedDemo()
	rec := &recorder{next: srv.Client().Transport}
	c := newClient(t, srv.URL(), user, bot.NewSecret(token), &http.Client{Transport: rec}, zerolog.Nop())
	ctx := t.Context()
	pw := bot.NewSecret("Kq7-vX9!mZ2#pL4@wR8_")
	calls := []struct {
		name  string
		write bool
		run   func() error
	}{
		{"Mailboxes", false, func() error { _, err := c.Mailboxes(ctx); return err }},
		{"Mailbox", false, func() error { _, err := c.Mailbox(ctx, "delegue75@anopex.test"); return err }},
		{"Forwarders", false, func() error { _, err := c.Forwarders(ctx, "anopex.test"); return err }},
		{"AccountQuota", false, func() error { _, err := c.AccountQuota(ctx); return err }},
		{"Check", false, func() error { return c.Check(ctx) }},
		{"CreateMailbox", true, func() error { return c.CreateMailbox(ctx, "nouveau@anopex.test", pw, 512) }},
		{"SetPassword", true, func() error { return c.SetPassword(ctx, "nouveau@anopex.test", pw) }},
		{"SetQuota", true, func() error { return c.SetQuota(ctx, "nouveau@anopex.test", 1024) }},
		{"SuspendLogin", true, func() error { return c.SuspendLogin(ctx, "nouveau@anopex.test") }},
		{"UnsuspendLogin", true, func() error { return c.UnsuspendLogin(ctx, "nouveau@anopex.test") }},
		{"AddForwarder", true, func() error { return c.AddForwarder(ctx, "nouveau@anopex.test", "x@example.org") }},
		{"DeleteMailbox", true, func() error { return c.DeleteMailbox(ctx, "nouveau@anopex.test") }},
	}
	for _, call := range calls {
		t.Run(call.name, func(t *testing.T) {
			rec.mu.Lock()
			rec.reqs = nil
			rec.mu.Unlock()
			if err := call.run(); err != nil {
				t.Fatal(err)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(rec.reqs))
			}
			r := rec.reqs[0]
			if strings.Contains(r.url, pw.Reveal()) || strings.Contains(strings.ToLower(r.url), "password") {
				t.Errorf("password in the URL %s", r.url)
			}
			switch {
			case call.write && (r.method != http.MethodPost || !strings.HasPrefix(r.ctype, "application/x-www-form-urlencoded")):
				t.Errorf("write sent as %s %q, want a form-encoded POST", r.method, r.ctype)
			case !call.write && r.method != http.MethodGet:
				t.Errorf("read sent as %s, want GET", r.method)
			}
			if call.name == "SetPassword" {
				form, err := url.ParseQuery(r.body)
				if err != nil || form.Get("password") != pw.Reveal() {
					t.Errorf("password not in the form body %q", form)
				}
			}
		})
	}
}

// TestSecretsNeverLogged runs every method, successes and failures (bad
// token, weak password, 5xx, 429, timeouts, refused connections), with the
// wire log at debug level, then searches the log and every error string for
// the tokens and the passwords.
func TestSecretsNeverLogged(t *testing.T) {
	logs := &testlog.Buffer{}
	log := zerolog.New(logs).Level(zerolog.DebugLevel)
	srv := cpaneltest.New(user, token)
	t.Cleanup(srv.Close)
	srv.SeedDemo()
	hc := &http.Client{Timeout: 300 * time.Millisecond, Transport: srv.Client().Transport}
	c := newClient(t, srv.URL(), user, bot.NewSecret(token), hc, log)
	const badToken = "ZZBADTOKEN0000000000000000000000"
	bad := newClient(t, srv.URL(), user, bot.NewSecret(badToken), hc, log)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	gone := newClient(t, dead.URL, user, bot.NewSecret(token), hc, log)

	good, _ := bot.NewPassword()
	weak := bot.NewSecret("azerty")
	ctx := t.Context()
	var errs []error
	run := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, cl := range []*cpanel.Client{c, bad, gone} {
		run(cl.Check(ctx))
		_, err := cl.Mailboxes(ctx)
		run(err)
		run(cl.CreateMailbox(ctx, "secret-test@anopex.test", good, 256))
		run(cl.CreateMailbox(ctx, "secret-test2@anopex.test", weak, 256))
		run(cl.SetPassword(ctx, "delegue75@anopex.test", good))
		run(cl.SetPassword(ctx, "delegue75@anopex.test", weak))
		run(cl.SetPassword(ctx, "personne@anopex.test", good))
	}
	srv.Fault.FailNext(1, 503, "")
	run(c.SetPassword(ctx, "delegue75@anopex.test", good))
	srv.Fault.RateLimitNext(1, "Retry-After", "0")
	run(c.SetPassword(ctx, "delegue75@anopex.test", good))
	srv.Fault.HangNext(1)
	run(c.SetPassword(ctx, "delegue75@anopex.test", good))

	if len(errs) < 10 {
		t.Fatalf("only %d errors: the failure paths did not run", len(errs))
	}
	out := logs.String()
	if !strings.Contains(out, `"component":"cpanel"`) || !strings.Contains(out, "passwd_pop") {
		t.Fatalf("the debug wire log is missing, the search proves nothing:\n%s", out)
	}
	secrets := map[string]string{"token": token, "bad token": badToken, "password": good.Reveal(), "weak password": weak.Reveal()}
	for name, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the %s is in the log", name)
		}
		for _, err := range errs {
			if strings.Contains(err.Error(), s) || strings.Contains(fmt.Sprintf("%+v", err), s) {
				t.Errorf("the %s is in the error %q", name, err)
			}
		}
	}
	if strings.Contains(strings.ToLower(out), "authorization") {
		t.Error("an Authorization header is in the log")
	}
}
