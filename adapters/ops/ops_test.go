package ops

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

func TestCountersAndGauges(t *testing.T) {
	m := NewMetrics()
	m.CommandDone("mail quota", "ok")
	m.CommandDone("mail quota", "ok")
	m.CommandDone("mail passwd", "requested")
	on := func(method string, status int, d time.Duration) { m.request("brevo", method, status, d) }
	on("GET", 200, 30*time.Millisecond)
	on("GET", 429, time.Millisecond)
	on("GET", 0, time.Second)
	on("POST", 502, time.Millisecond)
	on("PUT", 404, time.Millisecond)
	m.CheckDone("tls", 2*time.Second, 2, nil)
	m.CheckDone("dns", time.Second, 0, errors.New("resolver down"))
	m.ProbeHTTP("https://www.anopex.test/", 200, 300*time.Millisecond)
	m.ProbeHTTP("https://adherents.anopex.test/", 503, 10*time.Millisecond)
	m.CollectRequests(lister{{State: bot.Pending}, {State: bot.Pending}, {State: bot.Done}})
	m.CollectAlerts(alertStore{{Open: true, Severity: alerts.Critical}, {Open: false, Severity: alerts.Warning}, {Open: true, Severity: alerts.Warning}})

	want := `
# HELP opsbot_commands_total Commands handled, by command path and outcome (ok, requested, unchanged, duplicate, denied, invalid, error, stale, unknown).
# TYPE opsbot_commands_total counter
opsbot_commands_total{command="mail passwd",outcome="requested"} 1
opsbot_commands_total{command="mail quota",outcome="ok"} 2
# HELP opsbot_provider_errors_total Failed provider requests by provider and class (transport, 429, 4xx, 5xx).
# TYPE opsbot_provider_errors_total counter
opsbot_provider_errors_total{class="429",provider="brevo"} 1
opsbot_provider_errors_total{class="4xx",provider="brevo"} 1
opsbot_provider_errors_total{class="5xx",provider="brevo"} 1
opsbot_provider_errors_total{class="transport",provider="brevo"} 1
# HELP opsbot_check_runs_total Runs of the alert checks by check and result (ok, error).
# TYPE opsbot_check_runs_total counter
opsbot_check_runs_total{check="dns",result="error"} 1
opsbot_check_runs_total{check="tls",result="ok"} 1
# HELP opsbot_check_firing Alerts firing at the last successful run of each check.
# TYPE opsbot_check_firing gauge
opsbot_check_firing{check="tls"} 2
# HELP opsbot_probe_http_up 1 when the last HTTP probe of the URL got an answer below 400, else 0.
# TYPE opsbot_probe_http_up gauge
opsbot_probe_http_up{url="https://adherents.anopex.test/"} 0
opsbot_probe_http_up{url="https://www.anopex.test/"} 1
# HELP opsbot_change_requests Change requests in the store by state.
# TYPE opsbot_change_requests gauge
opsbot_change_requests{state="approved"} 0
opsbot_change_requests{state="cancelled"} 0
opsbot_change_requests{state="done"} 1
opsbot_change_requests{state="executing"} 0
opsbot_change_requests{state="expired"} 0
opsbot_change_requests{state="failed"} 0
opsbot_change_requests{state="pending"} 2
opsbot_change_requests{state="rejected"} 0
opsbot_change_requests{state="stale"} 0
opsbot_change_requests{state="unknown"} 0
# HELP opsbot_alerts_open Open alerts by severity.
# TYPE opsbot_alerts_open gauge
opsbot_alerts_open{severity="critical"} 1
opsbot_alerts_open{severity="info"} 0
opsbot_alerts_open{severity="warning"} 1
`
	names := []string{"opsbot_commands_total", "opsbot_provider_errors_total", "opsbot_check_runs_total", "opsbot_check_firing",
		"opsbot_probe_http_up", "opsbot_change_requests", "opsbot_alerts_open"}
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
	for name, n := range map[string]int{"opsbot_provider_request_duration_seconds": 5, "opsbot_check_duration_seconds": 2, "opsbot_probe_http_duration_seconds": 2} {
		if got := histogramCount(t, m, name); got != n {
			t.Errorf("%s observations = %d, want %d", name, got, n)
		}
	}
}

func histogramCount(t *testing.T, m *Metrics, name string) int {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, x := range mf.GetMetric() {
				n += int(x.GetHistogram().GetSampleCount())
			}
		}
	}
	return n
}

// TestTransport measures a real client's requests, retries included, and
// leaves the answers untouched.
func TestTransport(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "hello")
	}))
	t.Cleanup(srv.Close)
	m := NewMetrics()
	hc := m.Client("cpanel", &http.Client{Timeout: 5 * time.Second})
	for range 2 {
		resp, err := hc.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello" {
		t.Errorf("body = %q", body)
	}
	if got := histogramCount(t, m, "opsbot_provider_request_duration_seconds"); got != 3 {
		t.Errorf("requests measured = %d, want 3", got)
	}
	if got := testutil.ToFloat64(m.providerErrors.WithLabelValues("cpanel", "5xx")); got != 1 {
		t.Errorf("5xx errors = %v, want 1", got)
	}
}

type lister []bot.ChangeRequest

func (l lister) ListRequests(context.Context, ...bot.State) ([]bot.ChangeRequest, error) {
	return l, nil
}

type alertStore []alerts.State

func (s alertStore) Alert(context.Context, string) (alerts.State, bool, error) {
	return alerts.State{}, false, nil
}
func (s alertStore) SaveAlert(context.Context, alerts.State) error  { return nil }
func (s alertStore) Alerts(context.Context) ([]alerts.State, error) { return s, nil }

type brokenLister struct{}

func (brokenLister) ListRequests(context.Context, ...bot.State) ([]bot.ChangeRequest, error) {
	return nil, &bot.Error{Provider: "storage", Kind: bot.Internal}
}

func serve(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve = %v, want nil after ctx ends", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHealthz(t *testing.T) {
	ok := func(context.Context) error { return nil }
	tests := []struct {
		name   string
		health []Health
		code   int
		body   string
	}{
		{"all fine", []Health{{"store", ok}, {"chat", ok}}, 200, "store: ok\nchat: ok\n"},
		{"chat down", []Health{{"store", ok}, {"chat", func(context.Context) error {
			return &bot.Error{Provider: "discord", Kind: bot.Unavailable, Err: errors.New("gateway closed: token xyz")}
		}}}, 503, "store: ok\nchat: unavailable\n"},
		{"store hangs", []Health{{"store", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}, {"chat", ok}}, 503, "store: timeout\nchat: ok\n"},
		{"nothing to check", nil, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer("", nil, tt.health, zerolog.Nop())
			s.timeout = 50 * time.Millisecond
			code, body := get(t, serve(t, s)+"/healthz")
			if code != tt.code {
				t.Errorf("status = %d, want %d", code, tt.code)
			}
			if diff := cmp.Diff(tt.body, body); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMetricsEndpoint(t *testing.T) {
	m := NewMetrics()
	m.CommandDone("help", "ok")
	m.CollectRequests(brokenLister{})
	url := serve(t, NewServer("", m, nil, zerolog.Nop()))
	code, body := get(t, url+"/metrics")
	if code != 200 {
		t.Errorf("status = %d, want 200 even when the store fails", code)
	}
	for _, want := range []string{`opsbot_commands_total{command="help",outcome="ok"} 1`, "go_goroutines", "process_"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, "opsbot_change_requests{") {
		t.Error("/metrics shows change requests although the store failed")
	}
	if code, _ := get(t, url+"/nothing"); code != 404 {
		t.Errorf("GET /nothing = %d, want 404", code)
	}
	noMetrics := serve(t, NewServer("", nil, nil, zerolog.Nop()))
	if code, _ := get(t, noMetrics+"/metrics"); code != 404 {
		t.Errorf("GET /metrics without metrics = %d, want 404", code)
	}
}

func TestRunListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := NewServer(ln.Addr().String(), nil, nil, zerolog.Nop()).Run(t.Context()); err == nil {
		t.Error("Run on a busy address = nil error")
	}
}
