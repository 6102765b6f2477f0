package ops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
)

// Health is one thing /healthz looks at: the store, the chat connection.
// Check returns nil when it is fine; it must return when ctx ends.
type Health struct {
	Name  string
	Check func(ctx context.Context) error
}

// Server serves /healthz and /metrics.
type Server struct {
	addr    string
	metrics *Metrics
	health  []Health
	log     zerolog.Logger
	timeout time.Duration
}

// NewServer returns the operations server for addr ("127.0.0.1:9090"). m
// may be nil (no /metrics).
func NewServer(addr string, m *Metrics, health []Health, log zerolog.Logger) *Server {
	return &Server{addr: addr, metrics: m, health: health, log: log.With().Str("component", "ops").Logger(), timeout: 3 * time.Second}
}

// Handler returns the routes: GET /healthz and GET /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	if s.metrics != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{
			ErrorHandling: promhttp.ContinueOnError, Registry: s.metrics.reg}))
	}
	return mux
}

// healthz runs every health check at once, each with a short deadline, and
// answers 200 when all pass, 503 otherwise, with one line per check: "ok" or
// the error's kind (never its text, which stays in the log).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	errs := make([]error, len(s.health))
	var wg sync.WaitGroup
	for i, h := range s.health {
		wg.Go(func() { errs[i] = h.Check(ctx) })
	}
	wg.Wait()
	var b strings.Builder
	code := http.StatusOK
	for i, h := range s.health {
		if err := errs[i]; err != nil {
			code = http.StatusServiceUnavailable
			kind := bot.KindOf(err).String()
			if errors.Is(err, context.DeadlineExceeded) {
				kind = "timeout"
			}
			fmt.Fprintf(&b, "%s: %s\n", h.Name, kind)
			s.log.Warn().Err(err).Str("check", h.Name).Msg("health check failed")
			continue
		}
		fmt.Fprintf(&b, "%s: ok\n", h.Name)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write([]byte(b.String()))
}

// Run listens on the address and serves until ctx ends, then shuts down
// within five seconds. It returns nil when ctx ends and the listen error
// otherwise.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("ops: listen %s: %w", s.addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened (tests: 127.0.0.1:0).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info().Str("addr", ln.Addr().String()).Msg("operations listener started")
	select {
	case err := <-errc:
		return fmt.Errorf("ops: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("ops: shutdown: %w", err)
	}
	return nil
}
