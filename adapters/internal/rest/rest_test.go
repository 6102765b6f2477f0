package rest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
	"github.com/anopex/opsbot/adapters/internal/rest"
	"github.com/anopex/opsbot/bot"
)

// response builds the resty response a retry condition sees.
func response(ctx context.Context, method string, status int, h http.Header) *resty.Response {
	req := resty.New().R().SetContext(ctx)
	req.Method = method
	return &resty.Response{Request: req, RawResponse: &http.Response{StatusCode: status, Header: h}}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestRetryable(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	tests := []struct {
		name string
		resp *resty.Response
		err  error
		want bool
	}{
		{"GET 500", response(bg, http.MethodGet, 500, nil), nil, true},
		{"GET 503", response(bg, http.MethodGet, 503, nil), nil, true},
		{"HEAD 502", response(bg, http.MethodHead, 502, nil), nil, true},
		{"GET 429", response(bg, http.MethodGet, 429, nil), nil, true},
		{"GET 200", response(bg, http.MethodGet, 200, nil), nil, false},
		{"GET 404", response(bg, http.MethodGet, 404, nil), nil, false},
		{"GET 401", response(bg, http.MethodGet, 401, nil), nil, false},
		{"POST 503", response(bg, http.MethodPost, 503, nil), nil, false},
		{"PUT 429", response(bg, http.MethodPut, 429, nil), nil, false},
		{"DELETE 500", response(bg, http.MethodDelete, 500, nil), nil, false},
		{"PATCH timeout", response(bg, http.MethodPatch, 0, nil), &url.Error{Op: "Patch", URL: "http://x", Err: timeoutErr{}}, false},
		{"GET timeout", response(bg, http.MethodGet, 0, nil), &url.Error{Op: "Get", URL: "http://x", Err: timeoutErr{}}, true},
		{"GET refused", response(bg, http.MethodGet, 0, nil), &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true},
		{"GET EOF", response(bg, http.MethodGet, 0, nil), io.ErrUnexpectedEOF, true},
		{"GET closed", response(bg, http.MethodGet, 0, nil), net.ErrClosed, true},
		{"GET other error", response(bg, http.MethodGet, 0, nil), errors.New("bad certificate"), false},
		{"GET cancelled", response(cancelled, http.MethodGet, 0, nil), context.Canceled, false},
		{"GET 503 cancelled", response(cancelled, http.MethodGet, 503, nil), nil, false},
		{"no response", nil, errors.New("x"), false},
		{"no request", &resty.Response{}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rest.Retryable(tt.resp, tt.err); got != tt.want {
				t.Errorf("Retryable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0.5", 500 * time.Millisecond, true},
		{"86400", 24 * time.Hour, true},
		{"86401", 0, false},
		{"-1", 0, false},
		{"1e3", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"0x10", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"Sat, 28 Nov 2026 14:00:30 GMT", 30 * time.Second, true},
		{"Saturday, 28-Nov-26 14:01:00 GMT", time.Minute, true},
		{"Sat Nov 28 14:00:05 2026", 5 * time.Second, true},
		{"Sat, 28 Nov 2026 13:00:00 GMT", 0, true},  // past: no wait
		{"Mon, 30 Nov 2026 14:00:00 GMT", 0, false}, // over a day
	}
	for _, tt := range tests {
		got, ok := rest.ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "1", "0.5", "120", "86400", "86401", "-1", "1e3", "NaN", "+5", "5.",
		"Sat, 28 Nov 2026 14:00:30 GMT", "Saturday, 28-Nov-26 14:01:00 GMT", "Sat Nov 28 14:00:05 2026", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := rest.ParseRetryAfter(v, now)
		if !ok {
			if d != 0 {
				t.Fatalf("ParseRetryAfter(%q) = %v, false; want 0 with false", v, d)
			}
			return
		}
		if d < 0 || d > 24*time.Hour {
			t.Fatalf("ParseRetryAfter(%q) = %v, want 0..24h", v, d)
		}
		var n int
		if _, err := fmt.Sscanf(v, "%d", &n); err == nil && fmt.Sprint(n) == strings.TrimSpace(v) && d != time.Duration(n)*time.Second {
			t.Fatalf("ParseRetryAfter(%q) = %v, want %ds", v, d, n)
		}
	})
}

func TestWaitFor(t *testing.T) {
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name    string
		h       http.Header
		extra   []string
		atLeast time.Duration
		atMost  time.Duration
		ok      bool
	}{
		{"retry-after seconds", http.Header{"Retry-After": {"3"}}, nil, 3 * time.Second, 3 * time.Second, true},
		{"retry-after date", http.Header{"Retry-After": {future}}, nil, 59 * time.Minute, time.Hour, true},
		{"extra header", http.Header{"X-Sib-Ratelimit-Reset": {"7"}}, []string{"x-sib-ratelimit-reset"}, 7 * time.Second, 7 * time.Second, true},
		{"retry-after first", http.Header{"Retry-After": {"2"}, "X-Reset": {"9"}}, []string{"X-Reset"}, 2 * time.Second, 2 * time.Second, true},
		{"bad retry-after, good extra", http.Header{"Retry-After": {"later"}, "X-Reset": {"4"}}, []string{"X-Reset"}, 4 * time.Second, 4 * time.Second, true},
		{"extra in order", http.Header{"A": {"bad"}, "B": {"5"}}, []string{"A", "B"}, 5 * time.Second, 5 * time.Second, true},
		{"extra not asked for", http.Header{"X-Reset": {"4"}}, nil, 0, 0, false},
		{"absurd", http.Header{"Retry-After": {"999999"}}, nil, 0, 0, false},
		{"none", http.Header{}, []string{"X-Reset"}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := rest.WaitFor(tt.h, tt.extra)
			if ok != tt.ok || d < tt.atLeast || d > tt.atMost {
				t.Errorf("WaitFor = %v, %v; want %v..%v, %v", d, ok, tt.atLeast, tt.atMost, tt.ok)
			}
		})
	}
}

func TestScrub(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.example/v3/contacts?limit=50", "https://api.example/v3/contacts?limit=50"},
		{"https://api.example/x?api_key=SECRET&limit=5", "https://api.example/x?api_key=REDACTED&limit=5"},
		{"https://api.example/x?DOLAPIKEY=SECRET", "https://api.example/x?DOLAPIKEY=REDACTED"},
		{"https://api.example/x?password=SECRET&email=a%40b.fr", "https://api.example/x?email=a%40b.fr&password=REDACTED"},
		{"https://api.example/x?access_token=SECRET&token=SECRET&key=SECRET&apikey=SECRET",
			"https://api.example/x?access_token=REDACTED&apikey=REDACTED&key=REDACTED&token=REDACTED"},
		{"https://user:SECRET@api.example/x", "https://api.example/x"},
		{"://bad url SECRET", "[unparsable url]"},
		{"/relative?token=SECRET", "/relative?token=REDACTED"},
	}
	for _, tt := range tests {
		got := rest.Scrub(tt.in)
		if got != tt.want {
			t.Errorf("Scrub(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "SECRET") {
			t.Errorf("Scrub(%q) leaks: %q", tt.in, got)
		}
	}
}

func TestScrubErrorAndCleanError(t *testing.T) {
	ue := &url.Error{Op: "Get", URL: "https://api.example/x?api_key=SECRET", Err: errors.New("connection refused")}
	wrapped := fmt.Errorf("list: %w", ue)
	if got := rest.ScrubError(wrapped); got != "Get https://api.example/x?api_key=REDACTED: connection refused" {
		t.Errorf("ScrubError = %q", got)
	}
	if got := rest.ScrubError(errors.New("plain")); got != "plain" {
		t.Errorf("ScrubError(plain) = %q", got)
	}
	if got := rest.ScrubError(nil); got != "" {
		t.Errorf("ScrubError(nil) = %q", got)
	}
	clean := rest.CleanError(wrapped)
	if strings.Contains(clean.Error(), "SECRET") {
		t.Errorf("CleanError = %q", clean)
	}
	var got *url.Error
	if !errors.As(clean, &got) || got.Err != ue.Err {
		t.Errorf("CleanError lost the cause: %#v", clean)
	}
	plain := errors.New("plain")
	if rest.CleanError(plain) != plain {
		t.Error("CleanError changed an error without a URL")
	}
}

// server is a loopback server behind a fault injector that counts requests
// by method.
type server struct {
	*httptest.Server
	fault *faulttest.Injector
	mu    sync.Mutex
	seen  map[string]int
	auth  []string
}

func newServer(t *testing.T) *server {
	t.Helper()
	s := &server{fault: &faulttest.Injector{}, seen: map[string]int{}}
	s.Server = httptest.NewServer(s.fault.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen[r.Method]++
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		io.WriteString(w, `{"ok":true}`)
	})))
	t.Cleanup(s.Close)
	return s
}

// quick shortens the retry policy for the test (restored after it) and
// returns the options of a client on s with log.
func quick(t *testing.T, s *server, log zerolog.Logger) rest.Options {
	t.Helper()
	saved := rest.Retry
	rest.Retry = rest.Policy{Retries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}
	t.Cleanup(func() { rest.Retry = saved })
	return rest.Options{BaseURL: s.URL, HTTPClient: s.Client(), Log: log}
}

func TestNewRetriesReadsOnly(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		inject   func(*faulttest.Injector)
		requests int64
		status   int
	}{
		{"GET two 503", http.MethodGet, func(f *faulttest.Injector) { f.FailNext(2, 503, "") }, 3, 200},
		{"GET four 500", http.MethodGet, func(f *faulttest.Injector) { f.FailNext(4, 500, "") }, 4, 500},
		{"GET 429", http.MethodGet, func(f *faulttest.Injector) { f.RateLimitNext(1, "Retry-After", "0") }, 2, 200},
		{"GET 404", http.MethodGet, func(f *faulttest.Injector) { f.FailNext(1, 404, "") }, 1, 404},
		{"HEAD 502", http.MethodHead, func(f *faulttest.Injector) { f.FailNext(1, 502, "") }, 2, 200},
		{"POST 503", http.MethodPost, func(f *faulttest.Injector) { f.FailNext(1, 503, "") }, 1, 503},
		{"POST 429", http.MethodPost, func(f *faulttest.Injector) { f.RateLimitNext(1, "Retry-After", "0") }, 1, 429},
		{"PUT 500", http.MethodPut, func(f *faulttest.Injector) { f.FailNext(1, 500, "") }, 1, 500},
		{"DELETE 503", http.MethodDelete, func(f *faulttest.Injector) { f.FailNext(1, 503, "") }, 1, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			c := rest.New(quick(t, s, zerolog.Nop()))
			tt.inject(s.fault)
			resp, err := c.R().SetContext(t.Context()).Execute(tt.method, "/x")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode(), tt.status)
			}
			if n := s.fault.Requests(); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestNoRetries(t *testing.T) {
	s := newServer(t)
	o := quick(t, s, zerolog.Nop())
	o.NoRetry = true
	c := rest.New(o)
	s.fault.FailNext(3, 503, "")
	resp, err := c.R().Get("/x")
	if err != nil || resp.StatusCode() != 503 || s.fault.Requests() != 1 {
		t.Errorf("NoRetry: %v, %v, %d requests; want one 503", resp.StatusCode(), err, s.fault.Requests())
	}
}

func TestTransportErrorsRetriedForReads(t *testing.T) {
	s := newServer(t)
	o := quick(t, s, zerolog.Nop())
	o.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond, Transport: s.Client().Transport}
	c := rest.New(o)
	s.fault.HangNext(1)
	resp, err := c.R().Get("/x")
	if err != nil || resp.StatusCode() != 200 {
		t.Fatalf("GET after a hang: %v, %v", resp.StatusCode(), err)
	}
	s.fault.HangNext(1)
	if _, err := c.R().Post("/x"); err == nil {
		t.Fatal("POST that hangs: no error")
	}
	if n := s.fault.Requests(); n != 3 {
		t.Errorf("%d requests, want 3 (GET twice, POST once)", n)
	}
}

// TestRetryAfterHonoured asks the client's wait function directly, so no
// test sleeps for the server's delay.
func TestRetryAfterHonoured(t *testing.T) {
	if rest.Retry != (rest.Policy{Retries: 3, MinWait: 100 * time.Millisecond, MaxWait: 5 * time.Second}) {
		t.Fatalf("the production policy is %+v", rest.Retry)
	}
	c := rest.New(rest.Options{BaseURL: "http://127.0.0.1:1", WaitHeaders: []string{"x-sib-ratelimit-reset"}})
	tests := []struct {
		name    string
		status  int
		h       http.Header
		attempt int
		want    time.Duration
	}{
		{"429 retry-after", 429, http.Header{"Retry-After": {"2"}}, 1, 2 * time.Second},
		{"429 provider header", 429, http.Header{"X-Sib-Ratelimit-Reset": {"3"}}, 1, 3 * time.Second},
		{"429 capped", 429, http.Header{"Retry-After": {"3600"}}, 1, 20 * time.Second},
		{"429 without header", 429, http.Header{}, 2, 200 * time.Millisecond},
		{"503 ignores retry-after", 503, http.Header{"Retry-After": {"30"}}, 1, 100 * time.Millisecond},
		{"backoff doubles", 503, nil, 3, 400 * time.Millisecond},
		{"backoff bounded", 503, nil, 12, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := response(context.Background(), http.MethodGet, tt.status, tt.h)
			resp.Request.Attempt = tt.attempt
			got, err := c.RetryAfter(c, resp)
			if err != nil || got != tt.want {
				t.Errorf("wait = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestWireLogScrubbed checks the debug line of every request: method,
// scrubbed URL and status, never a credential, a header or a body.
func TestWireLogScrubbed(t *testing.T) {
	s := newServer(t)
	var logs bytes.Buffer
	c := rest.New(quick(t, s, zerolog.New(&logs).Level(zerolog.DebugLevel)))
	c.SetHeader("Authorization", "Bearer TOKEN-SECRET")
	if _, err := c.R().SetQueryParam("api_key", "KEY-SECRET").SetQueryParam("page", "2").Get("/contacts"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.R().SetFormData(map[string]string{"password": "PW-SECRET"}).Post("/passwd"); err != nil {
		t.Fatal(err)
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	d := rest.New(rest.Options{BaseURL: dead.URL, NoRetry: true, Log: zerolog.New(&logs).Level(zerolog.DebugLevel)})
	if _, err := d.R().SetQueryParam("token", "URL-SECRET").Get("/x"); err == nil {
		t.Fatal("a closed server answered")
	}
	out := logs.String()
	for _, want := range []string{`"method":"GET"`, "api_key=REDACTED", "page=2", `"status":200`, `"method":"POST"`, "http error", "token=REDACTED"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{"TOKEN-SECRET", "KEY-SECRET", "PW-SECRET", "URL-SECRET", "Authorization"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %s:\n%s", secret, out)
		}
	}
	if s.auth[0] != "Bearer TOKEN-SECRET" {
		t.Errorf("the header did not reach the server: %q", s.auth)
	}
}

// TestRestyOwnLogSilenced: resty prints a failed request's error, with its
// raw URL, to the stderr it found when the client was made; New must not
// let it (the URL may carry a credential). Not parallel: it swaps os.Stderr.
func TestRestyOwnLogSilenced(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	c := rest.New(rest.Options{BaseURL: dead.URL, NoRetry: true})
	os.Stderr = saved
	_, reqErr := c.R().SetQueryParam("api_key", "STDERR-SECRET").Get("/x")
	w.Close()
	printed, _ := io.ReadAll(r)
	if reqErr == nil {
		t.Fatal("a closed server answered")
	}
	if len(printed) > 0 {
		t.Errorf("resty printed to stderr:\n%s", printed)
	}
}

// TestCheckCutsOnACharacter: the operator's text of a refusal is cut to 300
// bytes without splitting a character (a French message cut after byte 300
// of "aé…" would end with half an é).
func TestCheckCutsOnACharacter(t *testing.T) {
	msg := "a" + strings.Repeat("é", 200)
	api := rest.API{Provider: "p", Refusal: func(*resty.Response, bot.Kind) (bot.Kind, string) { return bot.Invalid, msg }}
	err := api.Check(&resty.Response{RawResponse: &http.Response{StatusCode: 400}}, nil, "op")
	var be *bot.Error
	if !errors.As(err, &be) || be.Kind != bot.Invalid || be.Status != 400 {
		t.Fatalf("Check = %#v", err)
	}
	got := be.Err.Error()
	if want := "a" + strings.Repeat("é", 149) + "…"; got != want {
		t.Errorf("text = %q (valid UTF-8: %v), want %q", got, utf8.ValidString(got), want)
	}
}

// StatusKind is the one status mapper of the providers and the chat
// platforms: a 4xx is the request's fault (Invalid) unless it says more.
func TestStatusKind(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   bot.Kind
	}{
		{http.StatusBadRequest, bot.Invalid},
		{http.StatusUnauthorized, bot.Denied},
		{http.StatusPaymentRequired, bot.Invalid},
		{http.StatusForbidden, bot.Denied},
		{http.StatusNotFound, bot.NotFound},
		{http.StatusMethodNotAllowed, bot.Invalid},
		{http.StatusNotAcceptable, bot.Invalid},
		{http.StatusRequestTimeout, bot.Unavailable},
		{http.StatusConflict, bot.Conflict},
		{http.StatusGone, bot.NotFound},
		{http.StatusPreconditionFailed, bot.Conflict},
		{http.StatusRequestEntityTooLarge, bot.Invalid},
		{http.StatusUnsupportedMediaType, bot.Invalid},
		{http.StatusUnprocessableEntity, bot.Invalid},
		{http.StatusLocked, bot.Conflict},
		{http.StatusTooManyRequests, bot.RateLimited},
		{460, bot.Invalid}, // OVH's suspended service is OVH's own reading
		{http.StatusInternalServerError, bot.Unavailable},
		{http.StatusNotImplemented, bot.Unavailable},
		{http.StatusBadGateway, bot.Unavailable},
		{http.StatusServiceUnavailable, bot.Unavailable},
		{http.StatusGatewayTimeout, bot.Unavailable},
		{0, bot.Internal},
		{http.StatusContinue, bot.Internal},
		{http.StatusMovedPermanently, bot.Internal},
		{http.StatusNotModified, bot.Internal},
	} {
		if got := rest.StatusKind(tc.status); got != tc.want {
			t.Errorf("StatusKind(%d) = %v, want %v", tc.status, got, tc.want)
		}
	}
}
