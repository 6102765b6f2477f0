package dolibarr_test

import (
	"context"
	"github.com/anopex/opsbot/adapters/internal/faulttest"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/dolibarr"
	"github.com/anopex/opsbot/adapters/dolibarr/dolibarrtest"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/testlog"
)

const testKey = "dolikey-9f3c2e8a7b6d5c4e3f2a1b0c"

// now is the clock of every test: members' Active depends on it.
var now = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// setup starts a fake and a client on it with fast retries and a debug log;
// at cleanup it checks that the key never reached the log.
func TestMain(m *testing.M) {
	rest.Retry = rest.Policy{Retries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond} // no real backoff sleeps
	os.Exit(m.Run())
}

// newClient is dolibarr.New on url with key and o's knobs.
func newClient(t testing.TB, url string, key bot.Secret, hc *http.Client, log zerolog.Logger, o dolibarr.Options) *dolibarr.Client {
	t.Helper()
	o.URL, o.Key, o.HTTPClient, o.Log = url, key, hc, log
	c, err := dolibarr.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// New refuses what no request could use; Check accepts the fake's key and
// refuses another.
func TestNewAndCheck(t *testing.T) {
	for _, o := range []dolibarr.Options{{Key: bot.NewSecret(testKey)}, {URL: "erp.anopex.test/api/index.php", Key: bot.NewSecret(testKey)}, {URL: "https://erp.anopex.test/api/index.php"}} {
		if _, err := dolibarr.New(o); err == nil {
			t.Errorf("New(%+v) = nil error", o)
		}
	}
	srv, c := setup(t, dolibarr.Options{})
	if err := c.Check(t.Context()); err != nil {
		t.Errorf("Check() = %v", err)
	}
	bad := newClient(t, srv.URL(), bot.NewSecret("not-the-key"), nil, zerolog.Nop(), dolibarr.Options{})
	if err := bad.Check(t.Context()); bot.KindOf(err) != bot.Denied {
		t.Errorf("Check() with a wrong key = %v, want denied", err)
	}
}

func setup(t *testing.T, o dolibarr.Options) (*dolibarrtest.Server, *dolibarr.Client) {
	t.Helper()
	srv := dolibarrtest.New(testKey)
	t.Cleanup(srv.Close)
	srv.SetClock(func() time.Time { return now })
	logs := &testlog.Buffer{}
	o.Now = func() time.Time { return now }
	c := newClient(t, srv.URL(), bot.NewSecret(testKey), nil, zerolog.New(logs).Level(zerolog.DebugLevel), o)
	t.Cleanup(func() {
		if strings.Contains(logs.String(), testKey) {
			t.Errorf("the API key is in the log:\n%s", logs.String())
		}
	})
	return srv, c
}

// noKey fails the test if err's text holds the key.
func noKey(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), testKey) {
		t.Errorf("the API key is in the error %q", err)
	}
}

func TestCheckErrorKinds(t *testing.T) {
	cases := []struct {
		name   string
		fault  func(*dolibarrtest.Server)
		key    string
		want   bot.Kind
		status int
	}{
		{name: "bad key", key: "wrong-key", want: bot.Denied, status: 401},
		{name: "no key", key: "", want: bot.Denied, status: 401},
		{name: "dolcrypt key", key: "dolcrypt:abc", want: bot.Unavailable, status: 503},
		{name: "no right", key: "reader-without-rights", fault: func(s *dolibarrtest.Server) {
			s.AddKey("reader-without-rights", "jdoe", false)
		}, want: bot.Denied, status: 403},
		{name: "500 after retries", key: testKey, fault: func(s *dolibarrtest.Server) {
			s.Fault.FailNext(10, 500, `{"error":{"code":500,"message":"Internal Server Error: Error when retrieve member list"}}`)
		}, want: bot.Internal, status: 500},
		{name: "503 after retries", key: testKey, fault: func(s *dolibarrtest.Server) {
			s.Fault.FailNext(10, 503, `{"error":{"code":503,"message":"Service Unavailable: Error when retrieve member list : SQL"}}`)
		}, want: bot.Unavailable, status: 503},
		{name: "429 after retries", key: testKey, fault: func(s *dolibarrtest.Server) {
			s.Fault.RateLimitNext(10, "Retry-After", "0")
		}, want: bot.RateLimited, status: 429},
		{name: "body not restler", key: testKey, fault: func(s *dolibarrtest.Server) {
			s.Fault.FailNext(10, 502, "<html>Bad Gateway</html>")
		}, want: bot.Unavailable, status: 502},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := dolibarrtest.New(testKey)
			t.Cleanup(srv.Close)
			if tc.fault != nil {
				tc.fault(srv)
			}
			if tc.key == "" { // refused before any request now
				if _, err := dolibarr.New(dolibarr.Options{URL: srv.URL()}); err == nil {
					t.Fatal("New without a key = nil error")
				}
				return
			}
			logs := &testlog.Buffer{}
			c := newClient(t, srv.URL(), bot.NewSecret(tc.key), nil, zerolog.New(logs).Level(zerolog.DebugLevel), dolibarr.Options{})
			_, err := c.Adherents(t.Context())
			if got := bot.KindOf(err); got != tc.want {
				t.Fatalf("Adherents() kind = %v (%v), want %v", got, err, tc.want)
			}
			var be *bot.Error
			if !errorsAs(err, &be) || be.Provider != "dolibarr" || be.Status != tc.status {
				t.Errorf("Adherents() error = %#v, want provider dolibarr, status %d", be, tc.status)
			}
			if tc.key != "" && (strings.Contains(err.Error(), tc.key) || strings.Contains(logs.String(), tc.key)) {
				t.Errorf("key leaked: error %q, log %q", err, logs.String())
			}
		})
	}
}

func TestReadsRetried(t *testing.T) {
	cases := []struct {
		name  string
		fault func(*dolibarrtest.Server)
		want  int64 // requests seen by the server
	}{
		{name: "two 503 then ok", fault: func(s *dolibarrtest.Server) { s.Fault.FailNext(2, 503, "") }, want: 3},
		{name: "500 then ok", fault: func(s *dolibarrtest.Server) { s.Fault.FailNext(1, 500, "") }, want: 2},
		{name: "429 with Retry-After", fault: func(s *dolibarrtest.Server) { s.Fault.RateLimitNext(1, "Retry-After", "0.01") }, want: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t, dolibarr.Options{})
			id := srv.AddAdherent(dolibarrtest.Adherent{FirstName: "Jeanne", LastName: "Dupont", Email: "j@example.org", End: now.AddDate(0, 1, 0)})
			tc.fault(srv)
			a, err := c.Adherent(t.Context(), itoa(id))
			if err != nil {
				t.Fatalf("Adherent() = %v", err)
			}
			if a.Email != "j@example.org" {
				t.Errorf("Adherent().Email = %q", a.Email)
			}
			if got := srv.Fault.Requests(); got != tc.want {
				t.Errorf("requests = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestRetryAfterHonoured shows the wait comes from Retry-After and not from
// the short backoff: a 30 s wait outlives the context, so no second request.
func TestRetryAfterHonoured(t *testing.T) {
	saved := rest.Retry
	rest.Retry = rest.Policy{Retries: 3, MinWait: time.Millisecond, MaxWait: time.Minute}
	t.Cleanup(func() { rest.Retry = saved })
	srv, c := setup(t, dolibarr.Options{})
	srv.AddAdherent(dolibarrtest.Adherent{Email: "a@example.org"})
	srv.Fault.RateLimitNext(1, "Retry-After", "30")
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err := c.Adherent(ctx, "1")
	if bot.KindOf(err) != bot.Unavailable {
		t.Errorf("Adherent() = %v, want Unavailable (context ended during the wait)", err)
	}
	if got := srv.Fault.Requests(); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

func TestHangEndsWithContext(t *testing.T) {
	srv, c := setup(t, dolibarr.Options{})
	srv.Fault.HangNext(1)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Adherents(ctx)
	if bot.KindOf(err) != bot.Unavailable {
		t.Errorf("Adherents() = %v, want Unavailable", err)
	}
	noKey(t, err)
}

func TestTransportErrorIsUnavailable(t *testing.T) {
	c := newClient(t, "http://"+faulttest.Hangup(t), bot.NewSecret(testKey), &http.Client{Timeout: time.Second}, zerolog.Nop(), dolibarr.Options{})
	_, err := c.Adherents(t.Context())
	if bot.KindOf(err) != bot.Unavailable {
		t.Errorf("Adherents() on a closed server = %v, want Unavailable", err)
	}
	noKey(t, err)
}
