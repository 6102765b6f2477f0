package mattermost

import (
	"context"
	"net/http"

	"github.com/anopex/opsbot/bot"
)

// Every goroutine that serves a person recovers a panic, logs it with what
// it was serving and tells the person "erreur interne": the HTTP handlers
// (recovered), each slash command (answered through its response_url), each
// reaction or button click (told privately, relay.RecoverReaction), and the
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

// recoverInvocation, deferred by invoke, answers a panic while serving a
// slash command through its responder.
func (c *Chat) recoverInvocation(ctx context.Context, sc slashCommand, rs *responder) {
	p := recover()
	if p == nil {
		return
	}
	log := c.log.With().Str("trigger", sc.Trigger).Str("user", sc.UserID).Str("channel", sc.ChannelID).Logger()
	bot.LogPanic(&log, p, "slash command")
	if err := rs.Respond(context.WithoutCancel(ctx), bot.Reply{Text: bot.PanicText(c.cfg.Locale, "mattermost/"+sc.Trigger)}); err != nil {
		log.Warn().Err(err).Msg("panic notice not delivered")
	}
}
