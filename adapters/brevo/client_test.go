package brevo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/brevo"
	"github.com/anopex/opsbot/adapters/brevo/brevotest"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/internal/testlog"
)

const testKey = "xkeysib-0123456789abcdef0123456789abcdef-TESTONLY"

func TestMain(m *testing.M) {
	rest.Retry = rest.Policy{Retries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond} // no real backoff sleeps
	os.Exit(m.Run())
}

// withPolicy sets the retry policy for one test.
func withPolicy(t *testing.T, p rest.Policy) {
	saved := rest.Retry
	rest.Retry = p
	t.Cleanup(func() { rest.Retry = saved })
}

// newClient is brevo.New on url with key and o's knobs.
func newClient(t testing.TB, url string, key bot.Secret, hc *http.Client, log zerolog.Logger, o brevo.Options) *brevo.Client {
	t.Helper()
	o.URL, o.Key, o.HTTPClient, o.Log = url, key, hc, log
	c, err := brevo.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// New refuses what no request could use.
func TestNewRefusesInvalidOptions(t *testing.T) {
	for _, o := range []brevo.Options{{Key: bot.NewSecret(testKey)}, {URL: "api.brevo.com/v3", Key: bot.NewSecret(testKey)}, {URL: "https://api.brevo.com/v3"}} {
		if _, err := brevo.New(o); err == nil {
			t.Errorf("New(%+v) = nil error", o)
		}
	}
}

// setup starts a fake and a client on it (no pacing, fast retries, debug
// log); at cleanup it checks that the key never reached the log.
func setup(t *testing.T, o brevo.Options) (*brevotest.Server, *brevo.Client) {
	t.Helper()
	srv := brevotest.New(testKey)
	t.Cleanup(srv.Close)
	if o.RatePerSecond == 0 {
		o.RatePerSecond = -1
	}
	logs := &testlog.Buffer{}
	c := newClient(t, srv.URL(), bot.NewSecret(testKey), nil, zerolog.New(logs).Level(zerolog.DebugLevel), o)
	t.Cleanup(func() {
		if strings.Contains(logs.String(), testKey) {
			t.Errorf("the API key is in the log:\n%s", logs.String())
		}
	})
	return srv, c
}

func noKey(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), testKey) {
		t.Errorf("the API key is in the error %q", err)
	}
}

// TestCheck maps recorded-shape error answers to kinds.
func TestCheck(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   bot.Kind
	}{
		{"unauthorized", 401, `{"code":"unauthorized","message":"Key not found"}`, bot.Denied},
		{"permission denied", 403, `{"code":"permission_denied","message":"Unable to access this resource"}`, bot.Denied},
		{"not found", 404, `{"code":"document_not_found","message":"Contact does not exist"}`, bot.NotFound},
		{"duplicate by metadata", 400, `{"code":"invalid_parameter","message":"Unable to update contact, email is already associated with another Contact","metadata":{"duplicate_identifiers":["email"]}}`, bot.Conflict},
		{"duplicate by code", 400, `{"code":"duplicate_parameter","message":"Contact already exist"}`, bot.Conflict},
		{"invalid", 400, `{"code":"invalid_parameter","message":"Invalid email address"}`, bot.Invalid},
		{"unprocessable", 422, `{"code":"unprocessable_entity","message":"x"}`, bot.Invalid},
		{"no credits", 402, `{"code":"not_enough_credits","message":"x"}`, bot.Unavailable},
		{"rate limited", 429, ``, bot.RateLimited},
		{"server error html", 500, `<html>oops</html>`, bot.Unavailable},
		{"teapot", 418, ``, bot.Invalid},
		{"not an error status", 300, `{"code":"x","message":"x"}`, bot.Internal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("x-sib-ratelimit-reset", "0")
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer ts.Close()
			c := newClient(t, ts.URL, bot.NewSecret(testKey), nil, zerolog.Nop(), brevo.Options{RatePerSecond: -1})
			_, err := c.Contact(t.Context(), "a@example.org")
			if got := bot.KindOf(err); got != tc.want {
				t.Errorf("kind = %v (%v), want %v", got, err, tc.want)
			}
			var be *bot.Error
			if !errors.As(err, &be) || be.Provider != "brevo" || be.Status != tc.status {
				t.Errorf("error = %#v, want provider brevo, status %d", be, tc.status)
			}
		})
	}
}

func TestBadKey(t *testing.T) {
	srv := brevotest.New("the-real-key")
	defer srv.Close()
	logs := &testlog.Buffer{}
	c := newClient(t, srv.URL(), bot.NewSecret(testKey), nil, zerolog.New(logs).Level(zerolog.DebugLevel), brevo.Options{RatePerSecond: -1})
	_, err := c.AllContacts(t.Context())
	if bot.KindOf(err) != bot.Denied {
		t.Fatalf("AllContacts(bad key) = %v, want Denied", err)
	}
	noKey(t, err)
	if strings.Contains(logs.String(), testKey) {
		t.Errorf("key in log")
	}
	if srv.Requests() != 1 {
		t.Errorf("requests = %d, want 1 (401 is not retried)", srv.Requests())
	}
}

// TestRateLimitHeaders: the three headers are on every answer, errors included.
func TestRateLimitHeaders(t *testing.T) {
	srv := brevotest.New(testKey)
	defer srv.Close()
	for _, tc := range []struct{ key, path string }{{testKey, "/contacts"}, {"bad", "/contacts"}, {testKey, "/contacts/nobody%40x.org"}, {testKey, "/nowhere"}} {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL()+tc.path, nil)
		req.Header.Set("api-key", tc.key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, h := range []string{"x-sib-ratelimit-limit", "x-sib-ratelimit-remaining", "x-sib-ratelimit-reset"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s %s (%d): no %s", tc.key, tc.path, resp.StatusCode, h)
			}
		}
	}
}

// TestBucketExhausted: with a bucket of 2 requests per 100 ms, reading 5
// pages meets 429s, waits x-sib-ratelimit-reset and gets everything.
func TestBucketExhausted(t *testing.T) {
	withPolicy(t, rest.Policy{Retries: 10, MinWait: time.Millisecond, MaxWait: time.Second})
	srv, c := setup(t, brevo.Options{PageSize: 3})
	for i := range 11 {
		srv.AddContact(brevotest.Contact{Email: brevotest.GeneratedEmail(i)})
	}
	srv.SetRateLimit(2, 100*time.Millisecond)
	got, err := c.AllContacts(t.Context())
	if err != nil {
		t.Fatalf("AllContacts() = %v", err)
	}
	if len(got) != 11 {
		t.Errorf("AllContacts() = %d contacts, want 11", len(got))
	}
	pages := 4 // ceil(11/3)
	if srv.Requests() <= int64(pages) {
		t.Errorf("requests = %d: the bucket of 2 never said 429 over %d pages", srv.Requests(), pages)
	}
}

// TestResetHonoured: a 30 s reset outlives the context, so no retry is sent
// (a backoff of 1 ms would have retried at once).
func TestResetHonoured(t *testing.T) {
	withPolicy(t, rest.Policy{Retries: 3, MinWait: time.Millisecond, MaxWait: time.Minute})
	srv, c := setup(t, brevo.Options{})
	srv.Fault.RateLimitNext(1, "x-sib-ratelimit-reset", "30")
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err := c.AllContacts(ctx)
	if bot.KindOf(err) != bot.Unavailable {
		t.Errorf("AllContacts() = %v, want Unavailable (context ended while waiting)", err)
	}
	if srv.Requests() != 1 {
		t.Errorf("requests = %d, want 1", srv.Requests())
	}
}

func TestReadsRetried(t *testing.T) {
	cases := []struct {
		name  string
		fault func(*brevotest.Server)
		want  int64
	}{
		{"two 502", func(s *brevotest.Server) { s.Fault.FailNext(2, 502, "") }, 3},
		{"500", func(s *brevotest.Server) { s.Fault.FailNext(1, 500, `{"code":"internal_error","message":"x"}`) }, 2},
		{"429 short reset", func(s *brevotest.Server) { s.Fault.RateLimitNext(1, "x-sib-ratelimit-reset", "0.01") }, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t, brevo.Options{})
			srv.AddContact(brevotest.Contact{Email: "a@example.org"})
			tc.fault(srv)
			if _, err := c.Contact(t.Context(), "a@example.org"); err != nil {
				t.Fatalf("Contact() = %v", err)
			}
			if srv.Requests() != tc.want {
				t.Errorf("requests = %d, want %d", srv.Requests(), tc.want)
			}
		})
	}
}

func TestHang(t *testing.T) {
	srv, c := setup(t, brevo.Options{})
	srv.Fault.HangNext(1)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Lists(ctx); bot.KindOf(err) != bot.Unavailable {
		t.Errorf("Lists() = %v, want Unavailable", err)
	}
}

// TestWriteWaitsForEmptyBucket: once an answer says the account's bucket is
// empty, a write (never retried) waits x-sib-ratelimit-reset instead of
// meeting a 429, even with the client's own pacing off.
func TestWriteWaitsForEmptyBucket(t *testing.T) {
	srv, c := setup(t, brevo.Options{RatePerSecond: -1})
	l := srv.AddList("L")
	srv.AddContact(brevotest.Contact{Email: "a@example.org"})
	srv.SetRateLimit(1, 50*time.Millisecond)
	if _, err := c.ListContacts(t.Context(), l); err != nil { // takes the bucket's only request
		t.Fatal(err)
	}
	before := srv.Requests()
	got, err := c.AddToList(t.Context(), l, []string{"a@example.org"})
	if err != nil || len(got.Done) != 1 {
		t.Fatalf("AddToList() = %+v, %v; want a@example.org added", got, err)
	}
	if n := srv.Requests() - before; n != 1 {
		t.Errorf("%d requests for one batch, want 1 (no 429 first)", n)
	}
}
