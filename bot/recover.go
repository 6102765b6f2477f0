package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// errPanicked is the error behind the sentence a person reads when opsbot
// panicked while serving them: ErrorText makes it an internal error.
var errPanicked = errors.New("panic")

// PanicText is what a person reads when opsbot panicked while serving them:
// an internal error, and the reference that finds the log line. The chat
// adapters use it for a panic in their own code, the engine for one in a
// command.
func PanicText(l Locale, ref string) string { return ErrorText(l, errPanicked, ref) }

// ReactionPanicText is what a person reads when opsbot panicked while
// handling their reaction shown: it may not have been counted, and ref finds
// the log line.
func ReactionPanicText(l Locale, shown, ref string) string {
	return fmt.Sprintf(l.Pick("Votre réaction %s n'a peut-être pas été prise en compte. %s",
		"Your %s reaction may not have been counted. %s"), shown, PanicText(l, ref))
}

// LogPanic logs a recovered panic p at error level with its stack, under
// the fields the caller put on log (the request being served).
func LogPanic(log *zerolog.Logger, p any, what string) {
	log.Error().Str("panic", fmt.Sprint(p)).Str("stack", string(debug.Stack())).Msg(what + " panicked")
}

// recoverInvocation is deferred by Handle: a panic while serving inv is
// logged with the request (invocation, platform, caller, command path; not
// the arguments, which may be personal data) and answered with PanicText, so
// the adapter's goroutine and the process carry on.
func (e *Engine) recoverInvocation(ctx context.Context, inv *Invocation) {
	p := recover()
	if p == nil {
		return
	}
	path := ""
	if spec, _ := e.lookup(strings.Fields(strings.TrimPrefix(strings.TrimSpace(inv.Text), "/"))); spec != nil {
		path = spec.Path
		e.observe(path, "error")
	}
	log := e.log.With().Str("invocation", inv.ID).Str("platform", inv.Platform).Str("caller", inv.Caller.ID).Str("command", path).Logger()
	LogPanic(&log, p, "command")
	if inv.Respond == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := inv.Respond.Respond(ctx, Reply{Text: PanicText(e.cfg.Locale, inv.ID)}); err != nil {
		log.Warn().Err(err).Msg("panic notice not delivered")
	}
}

// recoverReaction is deferred by React: a panic while handling r is logged
// with the reaction and told privately to the person who reacted (their
// vote may not have been counted), so the adapter's goroutine carries on.
func (e *Engine) recoverReaction(ctx context.Context, r *Reaction) {
	p := recover()
	if p == nil {
		return
	}
	ref := newID()
	log := e.log.With().Str("ref", ref).Str("platform", r.Platform).Str("user", r.User.ID).
		Str("message_id", r.MessageID).Str("emoji", r.Emoji).Bool("removed", r.Removed).Logger()
	LogPanic(&log, p, "reaction")
	if r.User.ID == "" || r.User.Bot {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := e.cfg.Chat.Direct(ctx, r.User.ID, Message{Text: ReactionPanicText(e.cfg.Locale, r.Emoji, ref)}); err != nil {
		log.Warn().Err(err).Msg("panic notice not delivered")
	}
}
