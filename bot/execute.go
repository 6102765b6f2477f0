package bot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// reportTimeout bounds the writing of an outcome (store, audit, thread,
// private messages). It runs on its own context, detached from the
// execution's deadline, so a change that used its whole deadline is still
// reported.
const reportTimeout = 15 * time.Second

// execute runs a request the caller has moved to executing. It runs on its
// own deadline, detached from the reaction's context, so a chat adapter
// hanging up does not leave a change half done. Before Apply it recomputes
// the preview: only the approved one runs (else the request ends stale),
// and a change that produces a password runs only once a private message
// reaches its recipient. by is the person the audit's outcome record names.
// A panic ends the request too (recoverExecution), so none stays executing.
func (e *Engine) execute(ctx context.Context, cr ChangeRequest, by Person) {
	log := zerolog.Ctx(ctx).With().Int64("request", cr.ID).Str("command", cr.Path).Logger()
	ctx, cancel := context.WithTimeout(log.WithContext(context.WithoutCancel(ctx)), e.cfg.Timeout)
	defer cancel()
	l := e.cfg.Locale
	spec := e.specs[cr.Path]
	applying := false
	defer e.recoverExecution(ctx, cr, by, spec, &applying)
	// end ends the request in state s with outcome, and posts in its thread
	// format filled with the request's number, who approved it and args.
	end := func(s State, outcome, format string, args ...any) {
		e.end(ctx, cr, by, s, outcome, fmt.Sprintf(format, append([]any{cr.ID, cr.approvedBy()}, args...)...))
	}
	if spec == nil {
		end(Failed, "command no longer exists", l.Pick("La commande /%[3]s n'existe plus : demande n°%[1]d échouée.",
			"Command /%[3]s no longer exists: request #%[1]d failed."), cr.Path)
		return
	}
	call := Call{Invocation: fmt.Sprintf("cr%d", cr.ID), Platform: cr.Platform, Caller: cr.Requester, Args: cr.Args, Locale: l, Request: &cr}
	today, stale, err := e.recheck(ctx, spec, cr, call)
	switch {
	case err != nil:
		log.Error().Err(err).Str("kind", KindOf(err).String()).Msg("preview not recomputed")
		text := ErrorText(l, err, call.Invocation)
		end(Failed, text, l.Pick("⚠️ Demande n°%d approuvée par %s mais non exécutée : l'état actuel n'a pas pu être relu pour vérifier l'aperçu (%s). Rien n'a été modifié ; refaites la demande plus tard : /%s",
			"⚠️ Request #%d approved by %s but not run: the current state could not be read to check the preview (%s). Nothing was changed; ask again later: /%s"), text, cr.Line)
		return
	case stale:
		log.Info().Msg("change request stale: the preview changed since the approval")
		outcome := fmt.Sprintf(l.Pick("Aperçu approuvé : %s\nAujourd'hui : %s", "Approved preview: %s\nToday: %s"), cr.Preview, today)
		end(Stale, outcome, l.Pick("⏸️ Demande n°%d approuvée par %s mais non exécutée : la situation a changé depuis l'aperçu approuvé.\n%s\nRien n'a été modifié. Pour demander ce changement tel qu'il est aujourd'hui, refaites la demande : /%s",
			"⏸️ Request #%d approved by %s but not run: the situation changed since the approved preview.\n%s\nNothing was changed. To ask for this change as it stands today, ask again: /%s"), outcome, cr.Line)
		return
	}
	switch s, text, unreachable := e.apply(ctx, spec, call, cr.ID, &applying); {
	case unreachable != "":
		end(s, text, l.Pick("⚠️ Demande n°%d approuvée par %s mais non exécutée : je ne peux pas écrire en privé à %s, qui doit recevoir le mot de passe. Rien n'a été modifié. %[3]s doit autoriser les messages privés des membres du serveur (Paramètres de confidentialité du serveur), puis refaites la demande : /%s",
			"⚠️ Request #%d approved by %s but not run: I cannot write privately to %s, who must receive the password. Nothing was changed. %[3]s must allow direct messages from server members (the server's privacy settings), then ask again: /%s"), unreachable, cr.Line)
	case s == Done:
		end(s, text, l.Pick("✅ Demande n°%d approuvée par %s et exécutée : %s", "✅ Request #%d approved by %s and done: %s"), text)
	case s == Failed:
		end(s, text, l.Pick("⚠️ Demande n°%d approuvée par %s mais échouée : %s\nLe fournisseur a refusé le changement. Vous pouvez corriger et réessayer : /%s",
			"⚠️ Request #%d approved by %s but failed: %s\nThe provider refused the change. You may correct it and try again: /%s"), text, cr.Line)
	default:
		e.end(ctx, cr, by, s, text, unknownPost(l, &cr, text))
	}
}

// apply runs a change whose preview is settled, for execute and
// selfService. Once a private message reaches the recipient of its
// password (Spec.Recipient), it runs Apply and delivers the private
// messages of the outcome, those of the steps done before a failure too.
// It returns the final state (done; failed when the provider refused;
// unknown when nobody can tell) and the outcome text; or, when no private
// message reaches the recipient, nothing runs, the state is failed and
// unreachable names that person. id is the request's number (0 for a
// self-service change); applying is set while Apply runs.
func (e *Engine) apply(ctx context.Context, spec *Spec, call Call, id int64, applying *bool) (s State, text, unreachable string) {
	log := zerolog.Ctx(ctx)
	if to, ok := e.recipient(spec, call); ok {
		if err := e.notifyRecipient(ctx, to, call.Args.Get(spec.Recipient), id); err != nil {
			log.Warn().Err(err).Str("to", to).Msg("recipient unreachable privately: change not run")
			return Failed, "recipient unreachable privately", e.cfg.Policy.Person(call.Platform, to, to, nil, false).Name
		}
	}
	log.Info().Msg("executing change request")
	*applying = true
	out, err := spec.Apply(ctx, call)
	*applying = false
	rctx, cancel := reportContext(ctx)
	defer cancel()
	note := e.deliver(rctx, call.Platform, call.Caller.ID, out.Private)
	switch {
	case err == nil:
		log.Info().Msg("change request done")
		return Done, out.Text + note, ""
	case Refused(err):
		log.Error().Err(err).Str("kind", KindOf(err).String()).Msg("change request failed")
		return Failed, ErrorText(e.cfg.Locale, err, call.Invocation) + note, ""
	}
	log.Error().Err(err).Str("kind", KindOf(err).String()).Msg("change request failed: outcome unknown")
	return Unknown, e.unknownText(spec, call.Args, err, call.Invocation) + note, ""
}

// unknownPost is the thread post of a request whose outcome is unknown.
func unknownPost(l Locale, cr *ChangeRequest, text string) string {
	return fmt.Sprintf(l.Pick("❓ Demande n°%d approuvée par %s : résultat inconnu. %s",
		"❓ Request #%d approved by %s: outcome unknown. %s"), cr.ID, cr.approvedBy(), text)
}

// recoverExecution is deferred by execute: a panic in the recomputed
// preview ends the request failed (nothing was run), one in Apply unknown
// (we cannot know what it did, so the text names the read command that
// shows it). Either is logged and told in the thread.
func (e *Engine) recoverExecution(ctx context.Context, cr ChangeRequest, by Person, spec *Spec, applying *bool) {
	p := recover()
	if p == nil {
		return
	}
	LogPanic(zerolog.Ctx(ctx), p, "change request")
	l, ref := e.cfg.Locale, fmt.Sprintf("cr%d", cr.ID)
	if !*applying {
		e.end(ctx, cr, by, Failed, "panic before the change", fmt.Sprintf(l.Pick(
			"⚠️ Demande n°%d approuvée par %s mais non exécutée : %s Rien n'a été modifié ; refaites la demande : /%s",
			"⚠️ Request #%d approved by %s but not run: %s Nothing was changed; ask again: /%s"),
			cr.ID, cr.approvedBy(), PanicText(l, ref), cr.Line))
		return
	}
	text := l.Pick("erreur interne d'opsbot pendant le changement : il a peut-être été appliqué ; ",
		"opsbot internal error during the change: it may have been applied; ") + e.verifyHint(spec.VerifyLine(cr.Args), "") +
		fmt.Sprintf(l.Pick(" (réf. %s)", " (ref. %s)"), ref)
	e.end(ctx, cr, by, Unknown, text, unknownPost(l, &cr, text))
}

// reportContext returns the short context an outcome is written with,
// detached from ctx's deadline but keeping its values (the logger).
func reportContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), reportTimeout)
}

// approvedBy names who approved the request ("Trésorière, Président").
func (cr *ChangeRequest) approvedBy() string {
	return cmp.Or(strings.Join(cr.ApproverNames(), ", "), "opsbot")
}

// ApproverNames lists the names on the approving votes.
func (cr *ChangeRequest) ApproverNames() []string {
	var names []string
	for _, v := range cr.Votes {
		if v.Approve {
			names = append(names, v.Name)
		}
	}
	return names
}

// recheck recomputes cr's preview against the providers' state now. stale
// is set when it is no longer the approved one (text and kept plan), with
// today's preview, or why there is nothing to do any more (NoChange, a
// mailbox that is gone); err is set when the state could not be read.
func (e *Engine) recheck(ctx context.Context, spec *Spec, cr ChangeRequest, call Call) (today string, stale bool, err error) {
	call.Request, call.plan = nil, new(json.RawMessage) // as when the request was made
	p, err := spec.Preview(ctx, call)
	var nc *NoChange
	var ue *UserError
	switch {
	case errors.As(err, &nc):
		return nc.Text(e.cfg.Locale), true, nil
	case errors.As(err, &ue) || KindOf(err) == NotFound:
		return ErrorText(e.cfg.Locale, err, call.Invocation), true, nil
	case err != nil:
		return "", false, err
	}
	return p, p != cr.Preview || !bytes.Equal(*call.plan, cr.Plan), nil
}

// Refused reports whether err is the provider's refusal of a change, after
// which nothing changed: a bad value, a denied access, a conflict, a missing
// thing, a rate limit, or a connection that never opened. Anything else (a
// timeout, a dropped connection, a 5xx, an unexpected answer) leaves the
// change possibly applied: its outcome is unknown.
func Refused(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true // the request never left
	}
	switch KindOf(err) {
	case NotFound, Invalid, Denied, Conflict, RateLimited:
		return true
	}
	return false
}

// unknownText says that a change may have happened and which read command
// shows the truth.
func (e *Engine) unknownText(spec *Spec, args Values, err error, ref string) string {
	l := e.cfg.Locale
	name := providerName(l, err)
	text := fmt.Sprintf(l.Pick("%s ne répond pas ou la connexion a été coupée (délai dépassé, erreur du serveur) : le changement a peut-être été appliqué ; ",
		"%s does not answer or the connection dropped (timeout, server error): the change may have been applied; "), name) + e.verifyHint(verifyLine(spec, args, err), name)
	var ue *UserError
	if errors.As(err, &ue) {
		text += " (" + ue.Text(l) + ")"
	}
	return text + fmt.Sprintf(l.Pick(" (réf. %s)", " (ref. %s)"), ref)
}

// verifyLine is the read command that shows what the change ended by err
// did: the one err names (a step's), else the spec's.
func verifyLine(spec *Spec, args Values, err error) string {
	var v interface{ VerifyLine() string }
	if errors.As(err, &v) {
		return v.VerifyLine()
	}
	return spec.VerifyLine(args)
}

// verifyHint says how to check what a change did: the read command v, else
// the state at provider (the provider's name, "" for the provider).
func (e *Engine) verifyHint(v, provider string) string {
	l := e.cfg.Locale
	if v != "" {
		return fmt.Sprintf(l.Pick("vérifiez avec /%s avant de refaire la demande.", "check with /%s before asking again."), v)
	}
	if provider == "" {
		return l.Pick("vérifiez l'état chez le fournisseur avant de refaire la demande.", "check the state at the provider before asking again.")
	}
	return fmt.Sprintf(l.Pick("vérifiez l'état chez %s avant de refaire la demande.", "check the state at %s before asking again."), provider)
}

// VerifyLine renders Verify with the arguments, each one word (Quote) put
// in once: "mail show a@b.fr" ("" when the spec names no read command).
func (s *Spec) VerifyLine(args Values) string {
	var pairs []string
	for k, val := range args {
		pairs = append(pairs, "{"+k+"}", Quote(val))
	}
	return strings.NewReplacer(pairs...).Replace(s.Verify)
}

// recipient returns who receives the password of call's change, when it
// sends one: the chat user owning the Recipient mailbox, else the caller.
func (e *Engine) recipient(spec *Spec, call Call) (string, bool) {
	if !spec.SendsSecret(call) {
		return "", false
	}
	return e.cfg.Policy.owner(call.Platform, call.Args.Get(spec.Recipient), call.Caller.ID), true
}

// notifyRecipient tells the recipient privately that a password is coming.
// Sending it is how the engine knows the private channel is open: Discord,
// for one, says a member refuses direct messages (50007) only when a
// message is sent.
func (e *Engine) notifyRecipient(ctx context.Context, to, mailbox string, id int64) error {
	request := "" // a self-service change has no request
	if id != 0 {
		request = fmt.Sprintf(e.cfg.Locale.Pick(" (demande n°%d)", " (request #%d)"), id)
	}
	text := fmt.Sprintf(e.cfg.Locale.Pick("🔑 Un nouveau mot de passe pour %s va vous être envoyé ici%s.",
		"🔑 A new password for %s is about to be sent to you here%s."), mailbox, request)
	return e.cfg.Chat.Direct(ctx, to, Message{Text: text})
}

// end records how an execution ended: the final state and its text in the
// store, the audit's outcome record and the post in the request's thread,
// on a fresh short context.
func (e *Engine) end(ctx context.Context, cr ChangeRequest, by Person, s State, outcome, post string) {
	ctx, cancel := reportContext(ctx)
	defer cancel()
	e.finish(ctx, cr.ID, s, outcome)
	e.audit(ctx, AuditRecord{Kind: "outcome", RequestID: cr.ID, Platform: cr.Platform, ActorID: by.ID, ActorName: by.Name,
		Command: cr.Path, Args: cr.Args, Detail: string(s) + ": " + outcome})
	e.observeEnd(cr.Path, s)
	e.thread(ctx, cr, post)
}

// observeEnd tells Observe how a change ended: "ok" when done, "error" when
// failed, else the state (stale, unknown).
func (e *Engine) observeEnd(path string, s State) {
	e.observe(path, cmp.Or(map[State]string{Done: "ok", Failed: "error"}[s], string(s)))
}

// finish records a final state.
func (e *Engine) finish(ctx context.Context, id int64, s State, outcome string) {
	if _, err := e.cfg.Store.UpdateRequest(ctx, id, func(c *ChangeRequest) error {
		c.State, c.Outcome = s, outcome
		return nil
	}); err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Int64("request", id).Str("state", string(s)).Msg("final state not recorded")
	}
}
