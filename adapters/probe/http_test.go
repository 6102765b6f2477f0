package probe_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/internal/faulttest"
	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/internal/testlog"
)

// TestHTTPFailThenRecover: a site failing three times in a row (503, then
// hung past the client's timeout, then 404) raises a critical alert on the
// third failure only; one good answer recovers it.
func TestHTTPFailThenRecover(t *testing.T) {
	inj := &faulttest.Injector{}
	srv := httptest.NewServer(inj.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok"))
	})))
	t.Cleanup(srv.Close)
	c, err := probe.NewHTTP(probe.HTTPConfig{URLs: []string{srv.URL + "/"}, Client: &http.Client{Timeout: 200 * time.Millisecond}},
		probe.Options{Now: fixed(t0)})
	if err != nil {
		t.Fatal(err)
	}
	key := "http:" + srv.URL + "/"
	steps := []struct {
		name  string
		fault func()
		want  []alerts.Alert
	}{
		{"503: held", func() { inj.FailNext(1, 503, "down") }, []alerts.Alert{{Key: key, Hold: true}}},
		{"hang: held", func() { inj.HangNext(1) }, []alerts.Alert{{Key: key, Hold: true}}},
		{"third failure: critical", func() { inj.FailNext(1, 502, "bad gateway") }, []alerts.Alert{{Key: key, Severity: alerts.Critical,
			Title: srv.URL + "/ ne répond pas : HTTP 502 (3 échecs de suite)"}}},
		{"fourth failure: still critical", func() { inj.FailNext(1, 500, "") }, []alerts.Alert{{Key: key, Severity: alerts.Critical,
			Title: srv.URL + "/ ne répond pas : HTTP 500 (4 échecs de suite)"}}},
		{"answers again: recovered", func() {}, nil},
		{"one failure after the recovery: held", func() { inj.FailNext(1, 503, "") }, []alerts.Alert{{Key: key, Hold: true}}},
	}
	for _, s := range steps {
		s.fault()
		got, err := c.Run(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
	}
	if n := inj.Requests(); n != 6 {
		t.Errorf("requests = %d, want 6 (no retries by the probe)", n)
	}
}

// TestHTTPStatusesAndErrors runs three failing probes of each kind and
// compares the critical alert.
func TestHTTPStatusesAndErrors(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(gone.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name, url, title string
		locale           bot.Locale
	}{
		{"404", gone.URL + "/adherents", gone.URL + "/adherents ne répond pas : HTTP 404 (3 échecs de suite)", bot.FR},
		{"refused", closed.URL + "/", closed.URL + "/ ne répond pas : connexion refusée (3 échecs de suite)", bot.FR},
		{"refused, English", closed.URL + "/", closed.URL + "/ is down: connection refused (3 failures in a row)", bot.EN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := probe.NewHTTP(probe.HTTPConfig{URLs: []string{tt.url}}, probe.Options{Now: fixed(t0), Locale: tt.locale})
			if err != nil {
				t.Fatal(err)
			}
			var got []alerts.Alert
			for range 3 {
				if got, err = c.Run(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			want := []alerts.Alert{{Key: "http:" + tt.url, Severity: alerts.Critical, Title: tt.title}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("third run (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHTTPSlow: the server moves the check's clock 12 s forward while it
// answers; three slow answers in a row raise a warning, a fast one ends it.
func TestHTTPSlow(t *testing.T) {
	clk := testlog.NewClock(t0)
	var mu sync.Mutex
	lag := 12 * time.Second
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		clk.Add(lag)
		mu.Unlock()
		w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	var seen []time.Duration
	c, err := probe.NewHTTP(probe.HTTPConfig{URLs: []string{srv.URL}, Observe: func(u string, status int, d time.Duration) {
		if status != 200 || u != srv.URL {
			t.Errorf("Observe(%q, %d)", u, status)
		}
		seen = append(seen, d)
	}}, probe.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 3; run++ {
		got, err := c.Run(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if run < 3 && got != nil {
			t.Errorf("run %d = %v, want nothing before the third slow answer", run, got)
		}
		if run == 3 {
			want := []alerts.Alert{{Key: "http:" + srv.URL, Severity: alerts.Warning,
				Title: srv.URL + " répond lentement : 12,0 s (3 fois de suite au-delà de 10,0 s)"}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("third run (-want +got):\n%s", diff)
			}
		}
	}
	mu.Lock()
	lag = time.Second
	mu.Unlock()
	if got, err := c.Run(t.Context()); err != nil || got != nil {
		t.Errorf("fast run = %v, %v; want nothing", got, err)
	}
	if diff := cmp.Diff([]time.Duration{12 * time.Second, 12 * time.Second, 12 * time.Second, time.Second}, seen); diff != "" {
		t.Errorf("observed latencies (-want +got):\n%s", diff)
	}
}

func TestNewHTTPRefuses(t *testing.T) {
	for _, u := range []string{"", "www.anopex.fr", "ftp://anopex.fr/", "https://user:pw@anopex.fr/", "https:///path"} {
		if _, err := probe.NewHTTP(probe.HTTPConfig{URLs: []string{u}}, probe.Options{}); err == nil {
			t.Errorf("NewHTTP(%q) = nil error", u)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("NewHTTP error %q shows the password", err)
		}
	}
}

// TestHTTPURLCredentialsNotShown: a monitored URL with a credential in its
// query is requested whole, but the alert's key and title (posted, stored)
// and what metrics observe carry it scrubbed.
func TestHTTPURLCredentialsNotShown(t *testing.T) {
	var asked string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.RawQuery
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	var observed []string
	c, err := probe.NewHTTP(probe.HTTPConfig{URLs: []string{srv.URL + "/status?token=SECRET-TOKEN"},
		Observe: func(u string, _ int, _ time.Duration) { observed = append(observed, u) }},
		probe.Options{Now: fixed(t0), Locale: bot.FR})
	if err != nil {
		t.Fatal(err)
	}
	var got []alerts.Alert
	for range 3 {
		if got, err = c.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if asked != "token=SECRET-TOKEN" {
		t.Errorf("the server was asked %q, want the whole query", asked)
	}
	if len(got) != 1 {
		t.Fatalf("alerts %+v, want one", got)
	}
	for _, s := range append([]string{got[0].Key, got[0].Title}, observed...) {
		if strings.Contains(s, "SECRET-TOKEN") {
			t.Errorf("%q carries the credential", s)
		}
	}
	if !strings.Contains(got[0].Key, "token=REDACTED") {
		t.Errorf("key %q, want the scrubbed URL", got[0].Key)
	}
}
