package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// request previews a change, stores it, then posts it for approval. The
// request is stored before it is posted, so a crash between the two leaves a
// pending request that expires rather than a post that approves nothing.
func (e *Engine) request(ctx context.Context, inv Invocation, spec *Spec, call Call, answer func(Reply)) {
	log := zerolog.Ctx(ctx)
	preview, err := spec.Preview(ctx, call)
	if err != nil {
		e.fail(ctx, spec.Path, err, inv.ID, answer)
		return
	}
	now := e.cfg.Now()
	cr := &ChangeRequest{
		Platform: inv.Platform, Path: spec.Path, Args: call.Args, Line: spec.Line(call.Args), Requester: inv.Caller,
		Channel: e.cfg.ApprovalsChannel, Preview: preview, State: Pending,
		Approvals: spec.Approvals, Approvers: spec.ApproverRoles(), Idempotent: spec.Idempotent,
		CreatedAt: now, ExpiresAt: now.Add(e.cfg.Expiry), UpdatedAt: now,
	}
	cr.Requester.Mailboxes = nil
	if err := e.cfg.Store.CreateRequest(ctx, cr); err != nil {
		e.fail(ctx, spec.Path, err, inv.ID, answer)
		return
	}
	e.audit(ctx, AuditRecord{Kind: "request", RequestID: cr.ID, Platform: inv.Platform, ActorID: inv.Caller.ID,
		ActorName: inv.Caller.Name, Command: spec.Path, Args: call.Args, Detail: preview})
	log.Info().Int64("request", cr.ID).Msg("change request created")

	// A reaction may arrive before the message ID is stored: React waits for
	// posts in flight before it decides a message is not a request.
	e.posting.RLock()
	e.inflight.Add(1)
	msgID, err := e.cfg.Chat.Post(ctx, e.cfg.ApprovalsChannel, Message{Text: e.requestText(cr), Approval: true})
	if err == nil {
		// Without its message ID no reaction could reach the request:
		// treat it as a post that failed.
		if _, err = e.cfg.Store.UpdateRequest(ctx, cr.ID, func(c *ChangeRequest) error { c.MessageID = msgID; return nil }); err != nil {
			log.Error().Err(err).Int64("request", cr.ID).Msg("request message not recorded")
		}
	}
	e.posted.Add(1)
	e.inflight.Add(-1)
	e.posting.RUnlock()
	if err != nil {
		log.Error().Err(err).Int64("request", cr.ID).Msg("change request not posted")
		e.finish(ctx, cr.ID, Cancelled, "post failed")
		answer(Reply{Text: fmt.Sprintf(e.cfg.Locale.Pick(
			"La demande n°%d n'a pas pu être publiée dans le canal des approbations ; elle est annulée. Réessayez plus tard.",
			"Request #%d could not be posted in the approvals channel; it is cancelled. Try again later."), cr.ID)})
		return
	}
	e.observe(spec.Path, "requested")
	answer(Reply{Text: fmt.Sprintf(e.cfg.Locale.Pick(
		"Demande n°%d enregistrée, en attente d'approbation (%s).\n%s",
		"Request #%d recorded, waiting for approval (%s).\n%s"), cr.ID, roleList(e.cfg.Locale, cr.Approvers), preview)})
}

func (e *Engine) requestText(cr *ChangeRequest) string {
	l := e.cfg.Locale
	need := fmt.Sprintf(l.Pick("%d approbation(s) de : %s", "%d approval(s) from: %s"), cr.Approvals, roleList(l, cr.Approvers))
	return fmt.Sprintf(l.Pick(
		"Demande n°%d — /%s\nDemandée par %s\n%s\nIl faut %s. Réagissez ✅ pour approuver, ❌ pour refuser (expire le %s).",
		"Request #%d — /%s\nRequested by %s\n%s\nNeeds %s. React ✅ to approve, ❌ to reject (expires %s)."),
		cr.ID, cr.command(), cr.Requester.Name, cr.Preview, need, cr.ExpiresAt.Format("02/01/2006 15:04"))
}

// command renders the stored action as the command line that asked for it.
func (cr *ChangeRequest) command() string {
	if cr.Line != "" {
		return cr.Line
	}
	return strings.TrimSpace(cr.Path + " " + cr.ArgLine())
}

// Command returns the stored action as a command line.
func (cr *ChangeRequest) Command() string { return cr.command() }

// ArgLine renders the arguments in a stable order (by name).
func (cr *ChangeRequest) ArgLine() string {
	keys := make([]string, 0, len(cr.Args))
	for k := range cr.Args {
		keys = append(keys, k)
	}
	sortStrings(keys)
	var b []string
	for _, k := range keys {
		v := cr.Args[k]
		if strings.ContainsAny(v, " \t\n") {
			v = fmt.Sprintf("%q", v)
		}
		b = append(b, k+"="+v)
	}
	return strings.Join(b, " ")
}

// selfService runs a change a person makes on their own mailbox at once,
// without approval, and audits it like an executed request.
func (e *Engine) selfService(ctx context.Context, inv Invocation, spec *Spec, call Call, answer func(Reply)) {
	e.audit(ctx, AuditRecord{Kind: "self", Platform: inv.Platform, ActorID: inv.Caller.ID, ActorName: inv.Caller.Name,
		Command: spec.Path, Args: call.Args})
	out, err := spec.Apply(ctx, call)
	if err != nil {
		e.audit(ctx, AuditRecord{Kind: "outcome", Platform: inv.Platform, ActorID: inv.Caller.ID, ActorName: inv.Caller.Name,
			Command: spec.Path, Args: call.Args, Detail: string(Failed) + ": " + KindOf(err).String()})
		e.fail(ctx, spec.Path, err, inv.ID, answer)
		return
	}
	note := e.deliver(ctx, inv.Platform, inv.Caller.ID, out.Private)
	e.audit(ctx, AuditRecord{Kind: "outcome", Platform: inv.Platform, ActorID: inv.Caller.ID, ActorName: inv.Caller.Name,
		Command: spec.Path, Args: call.Args, Detail: string(Done) + ": " + out.Text + note})
	e.observe(spec.Path, "ok")
	answer(Reply{Text: out.Text + note})
}

// deliver sends the private messages of an outcome. Each goes to the chat
// user owning its mailbox when the policy maps one, else to fallback. It
// returns a note for the public outcome text ("sent privately to X").
func (e *Engine) deliver(ctx context.Context, platform, fallback string, ps []Private) string {
	var notes []string
	for _, p := range ps {
		to := fallback
		if p.Mailbox != "" {
			if id, ok := e.cfg.Policy.OwnerOf(platform, p.Mailbox); ok {
				to = id
			}
		}
		who := e.cfg.Policy.Person(platform, to, to, nil, false).Name
		if err := e.cfg.Chat.Direct(ctx, to, Message{Text: p.Text, Secret: p.Secret}); err != nil {
			zerolog.Ctx(ctx).Error().Err(err).Str("to", to).Msg("private message not delivered")
			notes = append(notes, fmt.Sprintf(e.cfg.Locale.Pick(
				"le message privé pour %s n'a pas pu être envoyé (le secret est perdu : refaites la demande)",
				"the private message for %s could not be sent (the secret is lost: ask again)"), who))
			continue
		}
		notes = append(notes, fmt.Sprintf(e.cfg.Locale.Pick("envoyé en message privé à %s", "sent privately to %s"), who))
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, " ; ") + ")"
}

// errNotPending reports a vote on a request that no longer takes votes.
type errNotPending struct{ state State }

func (e errNotPending) Error() string { return "request is " + string(e.state) }

var errDuplicateVote = errors.New("same vote already counted")

// React handles a reaction. Only reactions on a change-request message
// count, only from a person MayVote accepts; the first approval that reaches
// the number needed moves the request pending → approved → executing in one
// transaction, so racing approvals execute it once.
func (e *Engine) React(ctx context.Context, r Reaction) {
	defer e.recoverReaction(ctx, &r)
	if r.Platform == "" {
		r.Platform = e.cfg.Platform
	}
	log := e.log.With().Str("platform", r.Platform).Str("user", r.User.ID).Str("message_id", r.MessageID).Logger()
	ctx = log.WithContext(ctx)
	// A post in flight when we look, or one finished since, may be this
	// message: then wait for the posts in flight and look again.
	inflight, posted := e.inflight.Load(), e.posted.Load()
	cr, err := e.cfg.Store.RequestByMessage(ctx, r.Platform, r.MessageID)
	if KindOf(err) == NotFound && (inflight > 0 || e.posted.Load() != posted) {
		e.posting.Lock() // waits for the change requests being posted to record their message IDs
		e.posting.Unlock()
		cr, err = e.cfg.Store.RequestByMessage(ctx, r.Platform, r.MessageID)
	}
	if err != nil {
		if KindOf(err) != NotFound {
			log.Error().Err(err).Msg("reaction lookup failed")
			return
		}
		e.mu.Lock()
		ws := append([]func(context.Context, Reaction) bool(nil), e.watchers...)
		e.mu.Unlock()
		for _, w := range ws {
			if w(ctx, r) {
				return
			}
		}
		return
	}
	emoji := NormalizeEmoji(r.Emoji)
	if emoji != EmojiApprove && emoji != EmojiReject {
		return
	}
	approve := emoji == EmojiApprove
	switch v := cr.MayVote(r.User); v {
	case VoteCounts:
	case VoteByBot, VoteAnonymous:
		return
	default:
		log.Info().Int64("request", cr.ID).Int("verdict", int(v)).Msg("reaction does not count")
		if !r.Removed {
			e.tell(ctx, r.User.ID, v, cr.ID)
		}
		return
	}
	if r.Removed {
		e.unvote(ctx, cr, r, approve)
		return
	}
	e.vote(ctx, cr.ID, r, approve)
}

func (e *Engine) tell(ctx context.Context, userID string, v Verdict, id int64) {
	l := e.cfg.Locale
	var text string
	switch v {
	case VoteBySelf:
		text = fmt.Sprintf(l.Pick("Votre réaction sur la demande n°%d ne compte pas : on n'approuve pas sa propre demande.",
			"Your reaction on request #%d does not count: nobody approves their own request."), id)
	case VoteNoRole:
		text = fmt.Sprintf(l.Pick("Votre réaction sur la demande n°%d ne compte pas : vous n'êtes pas parmi les approbateurs de cette demande.",
			"Your reaction on request #%d does not count: you are not one of its approvers."), id)
	default:
		return
	}
	if err := e.cfg.Chat.Direct(ctx, userID, Message{Text: text}); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("notice not delivered")
	}
}

func (e *Engine) vote(ctx context.Context, id int64, r Reaction, approve bool) {
	log := zerolog.Ctx(ctx)
	now := e.cfg.Now()
	expired := false
	cr, err := e.cfg.Store.UpdateRequest(ctx, id, func(c *ChangeRequest) error {
		if c.State != Pending {
			return errNotPending{c.State}
		}
		if !now.Before(c.ExpiresAt) {
			c.State, c.Outcome, expired = Expired, "expired", true
			return nil
		}
		v := Vote{UserID: r.User.ID, Name: r.User.Name, Approve: approve, At: now}
		if i := c.VoteOf(r.User.ID); i >= 0 {
			if c.Votes[i].Approve == approve {
				return errDuplicateVote
			}
			c.Votes[i] = v
		} else {
			c.Votes = append(c.Votes, v)
		}
		switch {
		case !approve:
			c.State = Rejected
		case c.ApprovalCount() >= c.Approvals:
			c.State = Executing // approved and claimed for execution in the same transaction
		}
		return nil
	})
	var np errNotPending
	switch {
	case errors.As(err, &np):
		log.Info().Int64("request", id).Str("state", string(np.state)).Msg("vote on a closed request")
		e.thread(ctx, id, fmt.Sprintf(e.cfg.Locale.Pick("La demande n°%d est déjà %s : la réaction de %s ne change rien.",
			"Request #%d is already %s: %s's reaction changes nothing."), id, np.state.Label(e.cfg.Locale), r.User.Name))
		return
	case errors.Is(err, errDuplicateVote):
		return
	case err != nil:
		log.Error().Err(err).Int64("request", id).Msg("vote not recorded")
		return
	}
	if expired {
		e.expired(ctx, cr)
		return
	}
	kind := "vote"
	e.audit(ctx, AuditRecord{Kind: kind, RequestID: id, Platform: r.Platform, ActorID: r.User.ID, ActorName: r.User.Name,
		Command: cr.Path, Detail: map[bool]string{true: "approve", false: "reject"}[approve]})
	log.Info().Int64("request", id).Bool("approve", approve).Str("state", string(cr.State)).Msg("vote recorded")
	switch cr.State {
	case Rejected:
		e.audit(ctx, AuditRecord{Kind: "rejected", RequestID: id, Platform: r.Platform, ActorID: r.User.ID, ActorName: r.User.Name, Command: cr.Path})
		e.thread(ctx, id, fmt.Sprintf(e.cfg.Locale.Pick("❌ Demande n°%d refusée par %s. Rien n'a été exécuté.",
			"❌ Request #%d rejected by %s. Nothing was run."), id, r.User.Name))
	case Executing:
		e.execute(ctx, cr, r.User)
	default:
		e.thread(ctx, id, fmt.Sprintf(e.cfg.Locale.Pick("Approbation de %s enregistrée (%d/%d).", "Approval by %s recorded (%d/%d)."),
			r.User.Name, cr.ApprovalCount(), cr.Approvals))
	}
}

func (e *Engine) unvote(ctx context.Context, cr ChangeRequest, r Reaction, approve bool) {
	withdrawn := false
	got, err := e.cfg.Store.UpdateRequest(ctx, cr.ID, func(c *ChangeRequest) error {
		if c.State != Pending {
			return errNotPending{c.State}
		}
		if i := c.VoteOf(r.User.ID); i >= 0 && c.Votes[i].Approve == approve {
			c.Votes = append(c.Votes[:i], c.Votes[i+1:]...)
			withdrawn = true
		}
		return nil
	})
	var np errNotPending
	switch {
	case errors.As(err, &np):
		e.thread(ctx, cr.ID, fmt.Sprintf(e.cfg.Locale.Pick(
			"%s a retiré sa réaction, mais la demande n°%d est déjà %s : cela ne change rien.",
			"%s removed their reaction, but request #%d is already %s: this changes nothing."), r.User.Name, cr.ID, np.state.Label(e.cfg.Locale)))
		return
	case err != nil:
		zerolog.Ctx(ctx).Error().Err(err).Msg("vote withdrawal not recorded")
		return
	}
	if withdrawn {
		e.audit(ctx, AuditRecord{Kind: "unvote", RequestID: cr.ID, Platform: r.Platform, ActorID: r.User.ID, ActorName: r.User.Name, Command: got.Path})
		e.thread(ctx, cr.ID, fmt.Sprintf(e.cfg.Locale.Pick("%s a retiré son approbation (%d/%d).", "%s withdrew their approval (%d/%d)."),
			r.User.Name, got.ApprovalCount(), got.Approvals))
	}
}

// execute runs a request the caller has moved to executing. It runs on its
// own deadline, detached from the reaction's context, so a chat adapter
// hanging up does not leave a change half done.
func (e *Engine) execute(ctx context.Context, cr ChangeRequest, approver Person) {
	log := zerolog.Ctx(ctx).With().Int64("request", cr.ID).Str("command", cr.Path).Logger()
	ctx, cancel := context.WithTimeout(log.WithContext(context.WithoutCancel(ctx)), e.cfg.Timeout)
	defer cancel()
	spec := e.specs[cr.Path]
	if spec == nil {
		e.finish(ctx, cr.ID, Failed, "command no longer exists")
		e.thread(ctx, cr.ID, fmt.Sprintf(e.cfg.Locale.Pick("La commande /%s n'existe plus : demande n°%d échouée.", "Command /%s no longer exists: request #%d failed."), cr.Path, cr.ID))
		return
	}
	log.Info().Msg("executing change request")
	call := Call{Invocation: fmt.Sprintf("cr%d", cr.ID), Platform: cr.Platform, Caller: cr.Requester, Args: cr.Args, Locale: e.cfg.Locale, Request: &cr}
	out, err := spec.Apply(ctx, call)
	if err != nil {
		text := ErrorText(e.cfg.Locale, err, call.Invocation)
		log.Error().Err(err).Str("kind", KindOf(err).String()).Msg("change request failed")
		e.finish(ctx, cr.ID, Failed, text)
		e.audit(ctx, AuditRecord{Kind: "outcome", RequestID: cr.ID, Platform: cr.Platform, ActorID: approver.ID, ActorName: approver.Name,
			Command: cr.Path, Args: cr.Args, Detail: string(Failed) + ": " + text})
		e.observe(cr.Path, "error")
		e.thread(ctx, cr.ID, fmt.Sprintf(e.cfg.Locale.Pick("⚠️ Demande n°%d approuvée par %s mais échouée : %s", "⚠️ Request #%d approved by %s but failed: %s"), cr.ID, approver.Name, text))
		return
	}
	note := e.deliver(ctx, cr.Platform, cr.Requester.ID, out.Private)
	e.finish(ctx, cr.ID, Done, out.Text+note)
	e.audit(ctx, AuditRecord{Kind: "outcome", RequestID: cr.ID, Platform: cr.Platform, ActorID: approver.ID, ActorName: approver.Name,
		Command: cr.Path, Args: cr.Args, Detail: string(Done) + ": " + out.Text + note})
	e.observe(cr.Path, "ok")
	log.Info().Msg("change request done")
	e.thread(ctx, cr.ID, fmt.Sprintf(e.cfg.Locale.Pick("✅ Demande n°%d approuvée par %s et exécutée : %s%s", "✅ Request #%d approved by %s and done: %s%s"),
		cr.ID, approver.Name, out.Text, note))
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

// thread posts text in the thread of request id's message.
func (e *Engine) thread(ctx context.Context, id int64, text string) {
	cr, err := e.cfg.Store.Request(ctx, id)
	if err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Msg("thread post: request unreadable")
		return
	}
	ch := cr.Channel
	if ch == "" {
		ch = e.cfg.ApprovalsChannel
	}
	if _, err := e.cfg.Chat.Post(ctx, ch, Message{Text: text, ReplyTo: cr.MessageID}); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Int64("request", id).Msg("thread post failed")
	}
}

func (e *Engine) expired(ctx context.Context, cr ChangeRequest) {
	e.audit(ctx, AuditRecord{Kind: "expired", RequestID: cr.ID, Platform: cr.Platform, ActorID: "opsbot", ActorName: "opsbot", Command: cr.Path})
	zerolog.Ctx(ctx).Info().Int64("request", cr.ID).Msg("change request expired")
	e.thread(ctx, cr.ID, fmt.Sprintf(e.cfg.Locale.Pick("⌛ Demande n°%d expirée sans approbation ; rien n'a été exécuté.",
		"⌛ Request #%d expired without approval; nothing was run."), cr.ID))
}

// ExpireDue moves every pending request past its expiry to expired and says
// so in its thread. It returns how many expired.
func (e *Engine) ExpireDue(ctx context.Context) (int, error) {
	pending, err := e.cfg.Store.ListRequests(ctx, Pending)
	if err != nil {
		return 0, fmt.Errorf("expire: %w", err)
	}
	now := e.cfg.Now()
	n := 0
	var errs []error
	for _, p := range pending {
		if now.Before(p.ExpiresAt) {
			continue
		}
		cr, err := e.cfg.Store.UpdateRequest(ctx, p.ID, func(c *ChangeRequest) error {
			if c.State != Pending {
				return errNotPending{c.State}
			}
			c.State, c.Outcome = Expired, "expired"
			return nil
		})
		var np errNotPending
		switch {
		case errors.As(err, &np):
			continue // voted on meanwhile
		case err != nil:
			errs = append(errs, fmt.Errorf("expire request %d: %w", p.ID, err))
			continue
		}
		n++
		e.expired(ctx, cr)
	}
	return n, errors.Join(errs...)
}

// Run expires due requests every SweepEvery until ctx ends.
func (e *Engine) Run(ctx context.Context) error {
	t := time.NewTicker(e.cfg.SweepEvery)
	defer t.Stop()
	for {
		if _, err := e.ExpireDue(ctx); err != nil {
			e.log.Error().Err(err).Msg("expiry sweep failed")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Recover handles requests a previous process left approved or executing.
// An idempotent command runs again; any other becomes unknown and is reported
// to the administrators for a manual check: it never runs twice.
func (e *Engine) Recover(ctx context.Context) error {
	stuck, err := e.cfg.Store.ListRequests(ctx, Approved, Executing)
	if err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	sys := Person{ID: "opsbot", Name: "opsbot"}
	for _, cr := range stuck {
		if cr.Idempotent {
			e.log.Warn().Int64("request", cr.ID).Msg("re-running interrupted idempotent request")
			c, err := e.cfg.Store.UpdateRequest(ctx, cr.ID, func(c *ChangeRequest) error { c.State = Executing; return nil })
			if err == nil {
				e.execute(ctx, c, sys)
			}
			continue
		}
		if _, err := e.cfg.Store.UpdateRequest(ctx, cr.ID, func(c *ChangeRequest) error {
			c.State, c.Outcome = Unknown, "interrupted by a restart"
			return nil
		}); err != nil {
			return fmt.Errorf("recover request %d: %w", cr.ID, err)
		}
		e.log.Warn().Int64("request", cr.ID).Str("command", cr.Path).Msg("interrupted request marked unknown")
		e.audit(ctx, AuditRecord{Kind: "unknown", RequestID: cr.ID, Platform: cr.Platform, ActorID: sys.ID, ActorName: sys.Name, Command: cr.Path, Args: cr.Args})
		text := fmt.Sprintf(e.cfg.Locale.Pick(
			"⚠️ La demande n°%d (/%s) était en cours d'exécution quand opsbot s'est arrêté. Elle ne sera pas relancée : vérifiez à la main si le changement a eu lieu.",
			"⚠️ Request #%d (/%s) was executing when opsbot stopped. It will not run again: check by hand whether the change happened."), cr.ID, cr.command())
		e.thread(ctx, cr.ID, text)
		for _, admin := range e.cfg.Policy.Holders(cr.Platform, Admin) {
			if err := e.cfg.Chat.Direct(ctx, admin, Message{Text: text}); err != nil {
				e.log.Warn().Err(err).Msg("admin not told about unknown request")
			}
		}
	}
	return nil
}

// WatchPending hands the chat adapter, when it re-reads reactions
// (ApprovalWatcher), the posts of this platform's pending requests, oldest
// first: the ✅ and ❌ given while opsbot was stopped are read when the
// connection opens and count as live ones would (a duplicate vote changes
// nothing). A reaction withdrawn while opsbot was stopped is not seen: its
// vote stays until the voter reacts again. Call it before the adapter
// connects.
func (e *Engine) WatchPending(ctx context.Context) error {
	w, ok := e.cfg.Chat.(ApprovalWatcher)
	if !ok {
		return nil
	}
	pending, err := e.cfg.Store.ListRequests(ctx, Pending)
	if err != nil {
		return fmt.Errorf("watch pending requests: %w", err)
	}
	slices.SortFunc(pending, func(a, b ChangeRequest) int { return cmp.Compare(a.ID, b.ID) })
	n := 0
	for _, cr := range pending {
		if cr.Platform != e.cfg.Platform || cr.MessageID == "" {
			continue
		}
		w.WatchApproval(cr.Channel, cr.MessageID)
		n++
	}
	if n > 0 {
		e.log.Info().Int("requests", n).Msg("pending requests' posts watched: reactions given while stopped will be read")
	}
	return nil
}

// Request returns one change request (NotFound if none).
func (e *Engine) Request(ctx context.Context, id int64) (ChangeRequest, error) {
	return e.cfg.Store.Request(ctx, id)
}

// Pending lists the pending requests, newest first.
func (e *Engine) Pending(ctx context.Context) ([]ChangeRequest, error) {
	return e.cfg.Store.ListRequests(ctx, Pending)
}

// Cancel withdraws a pending request. Only its requester or an administrator
// may; the answer is a *UserError when they may not or it is not pending.
func (e *Engine) Cancel(ctx context.Context, id int64, by Person) (ChangeRequest, error) {
	cr, err := e.cfg.Store.UpdateRequest(ctx, id, func(c *ChangeRequest) error {
		if c.Requester.ID != by.ID && !by.Has(Admin) {
			return Userf("Seul·e l'auteur·e de la demande n°%d ou un administrateur peut l'annuler.", "Only the requester of request #%d or an administrator may cancel it.", id)
		}
		if c.State != Pending {
			return Userf("La demande n°%d est %s : elle ne peut plus être annulée.", "Request #%d is %s: it can no longer be cancelled.", id, c.State.Label(e.cfg.Locale))
		}
		c.State, c.Outcome = Cancelled, "cancelled by "+by.Name
		return nil
	})
	if err != nil {
		if KindOf(err) == NotFound {
			return cr, Userf("Il n'y a pas de demande n°%d.", "There is no request #%d.", id)
		}
		return cr, err
	}
	e.audit(ctx, AuditRecord{Kind: "cancelled", RequestID: id, Platform: cr.Platform, ActorID: by.ID, ActorName: by.Name, Command: cr.Path})
	e.thread(ctx, id, fmt.Sprintf(e.cfg.Locale.Pick("🚫 Demande n°%d annulée par %s.", "🚫 Request #%d cancelled by %s."), id, by.Name))
	return cr, nil
}
