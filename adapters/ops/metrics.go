// Package ops is opsbot's operations listener: /healthz for the service
// manager and the reverse proxy, /metrics for Prometheus. The metrics live on
// their own registry (never the global one), fed by hooks the engine, the
// provider clients and the alert scheduler call:
//
//	opsbot_commands_total{command,outcome}                  EngineConfig.Observe = m.CommandDone
//	opsbot_change_requests{state}                           read from the store at each scrape (m.CollectRequests)
//	opsbot_provider_request_duration_seconds{provider,method,code}
//	opsbot_provider_errors_total{provider,class}            every provider's *http.Client is m.Client(provider, hc)
//	opsbot_check_runs_total{check,result}
//	opsbot_check_duration_seconds{check}
//	opsbot_check_firing{check}                              SchedulerConfig.Observe = m.CheckDone
//	opsbot_probe_http_duration_seconds{url}, opsbot_probe_http_up{url}   HTTPConfig.Observe = m.ProbeHTTP
//	opsbot_alerts_open{severity}                            read from the store at each scrape (m.CollectAlerts)
//
// Labels never carry a person, an address or an argument: commands are
// labelled by their path, providers by name, checks by name, probes by the
// configured URL.
package ops

import (
	"cmp"
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// Metrics holds opsbot's metrics. Its methods are safe for concurrent use
// and cheap enough to call on every request.
type Metrics struct {
	reg            *prometheus.Registry
	commands       *prometheus.CounterVec
	provider       *prometheus.HistogramVec
	providerErrors *prometheus.CounterVec
	checkRuns      *prometheus.CounterVec
	checkDuration  *prometheus.HistogramVec
	checkFiring    *prometheus.GaugeVec
	probeLatency   *prometheus.HistogramVec
	probeUp        *prometheus.GaugeVec
}

// NewMetrics returns the metrics on a new registry, with the Go runtime and
// process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "opsbot_commands_total",
			Help: "Commands handled, by command path and outcome (ok, requested, unchanged, duplicate, denied, invalid, error, stale, unknown)."}, []string{"command", "outcome"}),
		provider: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "opsbot_provider_request_duration_seconds",
			Help:    "Duration of the HTTP requests to the providers, each attempt counted, by provider, method and status code (0: no answer).",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"provider", "method", "code"}),
		providerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "opsbot_provider_errors_total",
			Help: "Failed provider requests by provider and class (transport, 429, 4xx, 5xx)."}, []string{"provider", "class"}),
		checkRuns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "opsbot_check_runs_total",
			Help: "Runs of the alert checks by check and result (ok, error)."}, []string{"check", "result"}),
		checkDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "opsbot_check_duration_seconds",
			Help: "Duration of the alert checks.", Buckets: []float64{.1, .5, 1, 2.5, 5, 10, 30, 60}}, []string{"check"}),
		checkFiring: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "opsbot_check_firing",
			Help: "Alerts firing at the last successful run of each check."}, []string{"check"}),
		probeLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "opsbot_probe_http_duration_seconds",
			Help: "Latency of the HTTP availability probes by URL.", Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 20}}, []string{"url"}),
		probeUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "opsbot_probe_http_up",
			Help: "1 when the last HTTP probe of the URL got an answer below 400, else 0."}, []string{"url"}),
	}
	m.reg.MustRegister(m.commands, m.provider, m.providerErrors, m.checkRuns, m.checkDuration, m.checkFiring, m.probeLatency, m.probeUp,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry the metrics live on.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// CommandDone counts one command outcome; it fits bot.EngineConfig.Observe.
func (m *Metrics) CommandDone(path, outcome string) {
	m.commands.WithLabelValues(path, outcome).Inc()
}

func (m *Metrics) request(provider, method string, status int, d time.Duration) {
	m.provider.WithLabelValues(provider, method, strconv.Itoa(status)).Observe(d.Seconds())
	class := ""
	switch {
	case status == 0:
		class = "transport"
	case status == http.StatusTooManyRequests:
		class = "429"
	case status >= 500:
		class = "5xx"
	case status >= 400:
		class = "4xx"
	}
	if class != "" {
		m.providerErrors.WithLabelValues(provider, class).Inc()
	}
}

// Client returns a copy of hc (nil: a client with a 30 s timeout) whose
// transport measures every request, each attempt, as provider's. The
// provider client needs no change.
func (m *Metrics) Client(provider string, hc *http.Client) *http.Client {
	c := &http.Client{Timeout: 30 * time.Second}
	if hc != nil {
		cp := *hc
		c = &cp
	}
	next := cmp.Or(c.Transport, http.DefaultTransport)
	c.Transport = roundTripper(func(r *http.Request) (*http.Response, error) {
		start := time.Now()
		resp, err := next.RoundTrip(r)
		status := 0
		if err == nil {
			status = resp.StatusCode
		}
		m.request(provider, r.Method, status, time.Since(start))
		return resp, err
	})
	return c
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// CheckDone records one run of an alert check; it fits
// alerts.SchedulerConfig.Observe.
func (m *Metrics) CheckDone(check string, d time.Duration, firing int, err error) {
	m.checkDuration.WithLabelValues(check).Observe(d.Seconds())
	if err != nil {
		m.checkRuns.WithLabelValues(check, "error").Inc()
		return
	}
	m.checkRuns.WithLabelValues(check, "ok").Inc()
	m.checkFiring.WithLabelValues(check).Set(float64(firing))
}

// ProbeHTTP records one HTTP availability probe; it fits
// probe.HTTPConfig.Observe.
func (m *Metrics) ProbeHTTP(url string, status int, d time.Duration) {
	m.probeLatency.WithLabelValues(url).Observe(d.Seconds())
	up := 0.0
	if status > 0 && status < 400 {
		up = 1
	}
	m.probeUp.WithLabelValues(url).Set(up)
}

// RequestLister lists change requests (bot.Requests has it).
type RequestLister interface {
	ListRequests(ctx context.Context, states ...bot.State) ([]bot.ChangeRequest, error)
}

// CollectRequests adds opsbot_change_requests{state}, counted from r at
// each scrape (every state, zero included).
func (m *Metrics) CollectRequests(r RequestLister) {
	m.reg.MustRegister(&storeGauge[bot.ChangeRequest, bot.State]{
		desc: prometheus.NewDesc("opsbot_change_requests", "Change requests in the store by state.", []string{"state"}, nil),
		keys: []bot.State{bot.Pending, bot.Approved, bot.Executing, bot.Done, bot.Failed, bot.Rejected, bot.Expired, bot.Cancelled, bot.Unknown, bot.Stale},
		list: func(ctx context.Context) ([]bot.ChangeRequest, error) { return r.ListRequests(ctx) },
		key:  func(cr bot.ChangeRequest) (bot.State, bool) { return cr.State, true },
	})
}

// CollectAlerts adds opsbot_alerts_open{severity}, counted from s at each
// scrape.
func (m *Metrics) CollectAlerts(s alerts.Store) {
	m.reg.MustRegister(&storeGauge[alerts.State, alerts.Severity]{
		desc: prometheus.NewDesc("opsbot_alerts_open", "Open alerts by severity.", []string{"severity"}, nil),
		keys: []alerts.Severity{alerts.Info, alerts.Warning, alerts.Critical},
		list: s.Alerts,
		key:  func(a alerts.State) (alerts.Severity, bool) { return a.Severity, a.Open },
	})
}

// storeGauge is a gauge family read from the store at scrape time: how
// many of the listed items have each key (key's false: not counted), every
// key reported, zero included. A store error is reported as an invalid
// metric: the scrape still serves the other metrics.
type storeGauge[T any, K ~string] struct {
	desc *prometheus.Desc
	keys []K
	list func(ctx context.Context) ([]T, error)
	key  func(T) (K, bool)
}

func (g *storeGauge[T, K]) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g *storeGauge[T, K]) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	all, err := g.list(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(g.desc, err)
		return
	}
	n := map[K]int{}
	for _, it := range all {
		if k, ok := g.key(it); ok {
			n[k]++
		}
	}
	for _, k := range g.keys {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(n[k]), string(k))
	}
}
