package mattermost

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/anopex/opsbot/bot"
)

// Run listens on Config.Listen and serves until ctx ends: the slash-command
// endpoint, the buttons' endpoint and the websocket all feed h. It returns
// nil when ctx ends, or the error that stopped the HTTP server.
func (c *Chat) Run(ctx context.Context, h bot.Handler) error {
	if c.cfg.Listen == "" {
		return errors.New("mattermost: listen address is required")
	}
	ln, err := net.Listen("tcp", c.cfg.Listen)
	if err != nil {
		return fmt.Errorf("mattermost: %w", err)
	}
	return c.Serve(ctx, h, ln)
}

// Serve is Run on a listener the caller opened (tests, socket activation).
// It closes ln.
func (c *Chat) Serve(ctx context.Context, h bot.Handler, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srv := &http.Server{
		Handler:           c.routes(ctx, h),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       readTimeout,
		WriteTimeout:      readTimeout + 5*time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	c.wg.Go(func() { c.listen(ctx, h) }) // Wait below waits for it too
	c.log.Info().Str("addr", ln.Addr().String()).Msg("mattermost endpoint listening")

	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
		err = fmt.Errorf("mattermost: http: %w", err)
	}
	cancel()
	// Shutdown waits for the handlers, whose reads readTimeout bounds: none
	// may start an invocation on c.wg once Wait below runs.
	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), readTimeout+5*time.Second)
	defer scancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		c.log.Warn().Err(serr).Msg("http shutdown")
	}
	c.wg.Wait()
	return err
}

// routes is the bot's HTTP surface: nothing but the two endpoints.
func (c *Chat) routes(ctx context.Context, h bot.Handler) http.Handler {
	m := http.NewServeMux()
	m.Handle(CommandPath, c.serveCommand(ctx, h))
	m.Handle(ActionPath, c.serveAction(ctx, h))
	return c.recovered(m)
}

// Every goroutine that serves a person recovers a panic, logs it with what
// it was serving and tells the person "erreur interne": the HTTP handlers
// (recovered), each slash command (answered through its response_url), each
// reaction or button click (told privately; relay.Recover for both), and the
// websocket session (the connection is dropped and opened again, like after
// a network error).

// recovered wraps the HTTP surface: a panicking handler is logged with the
// request's path and answered 500, and the server goes on.
func (c *Chat) recovered(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				log := c.log.With().Str("path", r.URL.Path).Str("remote", r.RemoteAddr).Logger()
				bot.LogPanic(&log, p, "http handler")
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// body returns the body of a POST of at most maxBody bytes; it answers
// anything else itself (405, 413, 400) and returns false.
func (c *Chat) body(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
	case err != nil:
		http.Error(w, "bad request", http.StatusBadRequest)
	default:
		return body, true
	}
	return nil, false
}
