package bot

import (
	"cmp"
	"context"
	"encoding/json"
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
	call.plan = new(json.RawMessage)
	preview, err := spec.Preview(ctx, call)
	var nc *NoChange
	if errors.As(err, &nc) {
		e.observe(spec.Path, "unchanged")
		text := nc.Text(e.cfg.Locale)
		if !nc.Private.Empty() {
			text += "\n" + nc.Private.Reveal()
		}
		answer(Reply{Text: text})
		return
	}
	if err != nil {
		e.fail(ctx, spec.Path, err, inv.ID, answer)
		return
	}
	now := e.cfg.Now()
	cr := &ChangeRequest{
		Platform: inv.Platform, Path: spec.Path, Args: call.Args, Line: spec.Line(call.Args), Requester: inv.Caller,
		Channel: e.cfg.ApprovalsChannel, Preview: preview, Plan: *call.plan, State: Pending,
		Approvals: spec.Approvals, Approvers: spec.ApproverRoles(), Idempotent: spec.Idempotent,
		CreatedAt: now, ExpiresAt: now.Add(e.cfg.Expiry), UpdatedAt: now,
	}
	cr.Requester.Mailboxes = nil
	if err := e.cfg.Store.CreateRequest(ctx, cr); err != nil {
		var d *Duplicate
		if errors.As(err, &d) {
			e.observe(spec.Path, "duplicate")
			answer(Reply{Text: fmt.Sprintf(e.cfg.Locale.Pick(
				"La même demande attend déjà son approbation : demande n°%d (/approvals show %d). Je n'en crée pas une seconde.",
				"The same request is already waiting for approval: request #%d (/approvals show %d). No second one is created."), d.ID, d.ID)})
			return
		}
		e.fail(ctx, spec.Path, err, inv.ID, answer)
		return
	}
	e.audit(ctx, AuditRecord{Kind: "request", RequestID: cr.ID, Platform: inv.Platform, ActorID: inv.Caller.ID,
		ActorName: inv.Caller.Name, Command: spec.Path, Args: call.Args, Detail: preview})
	log.Info().Int64("request", cr.ID).Msg("change request created")

	// A reaction may arrive before the message ID is stored: React waits for
	// posts in flight before it decides a message is not a request.
	e.posting.RLock()
	msgID, err := e.cfg.Chat.Post(ctx, e.cfg.ApprovalsChannel, Message{Text: e.requestText(cr), Approval: true})
	if err == nil {
		// Without its message ID no reaction could reach the request:
		// treat it as a post that failed.
		if _, err = e.cfg.Store.UpdateRequest(ctx, cr.ID, func(c *ChangeRequest) error { c.MessageID = msgID; return nil }); err != nil {
			log.Error().Err(err).Int64("request", cr.ID).Msg("request message not recorded")
		}
	}
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
		cr.ID, cr.Line, cr.Requester.Name, cr.Preview, need, cr.ExpiresAt.Format("02/01/2006 15:04"))
}

// selfService runs a change a person makes on their own mailbox at once,
// without approval, and audits it like an executed request.
func (e *Engine) selfService(ctx context.Context, inv Invocation, spec *Spec, call Call, answer func(Reply)) {
	rec := AuditRecord{Kind: "self", Platform: inv.Platform, ActorID: inv.Caller.ID, ActorName: inv.Caller.Name, Command: spec.Path, Args: call.Args}
	e.audit(ctx, rec)
	s, text, unreachable := e.apply(ctx, spec, call, 0, new(bool))
	rec.Kind, rec.Detail = "outcome", string(s)+": "+text
	e.audit(ctx, rec)
	e.observeEnd(spec.Path, s)
	if unreachable != "" {
		text = fmt.Sprintf(e.cfg.Locale.Pick(
			"Je ne peux pas écrire en privé à %s, qui doit recevoir le mot de passe : rien n'a été modifié. Autorisez les messages privés des membres du serveur (Paramètres de confidentialité du serveur), puis recommencez.",
			"I cannot write privately to %s, who must receive the password: nothing was changed. Allow direct messages from server members (the server's privacy settings), then try again."), unreachable)
	}
	answer(Reply{Text: text})
}

// deliver sends the private messages of an outcome. Each goes to the chat
// user owning its mailbox when the policy maps one, else to fallback. It
// returns a note for the public outcome text ("sent privately to X").
func (e *Engine) deliver(ctx context.Context, platform, fallback string, ps []Private) string {
	var notes []string
	for _, p := range ps {
		to := e.cfg.Policy.owner(platform, p.Mailbox, fallback)
		who := e.cfg.Policy.Person(platform, to, to, nil, false).Name
		if err := e.cfg.Chat.Direct(ctx, to, Message{Text: p.Text, Secret: p.Secret}); err != nil {
			zerolog.Ctx(ctx).Error().Err(err).Str("to", to).Msg("private message not delivered")
			notes = append(notes, fmt.Sprintf(e.cfg.Locale.Pick(
				"⚠️ le message privé pour %s n'a pas pu être remis : le secret qu'il portait (mot de passe) n'est écrit nulle part ailleurs, il faut une nouvelle réinitialisation",
				"⚠️ the private message for %s could not be delivered: the secret it carried (password) is written nowhere else, a new reset is needed"), who))
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

// noticeOnce records that userID is being told their reaction on ended
// request id changes nothing; it reports false when they were told before,
// so that more reactions give at most one notice per person.
func (e *Engine) noticeOnce(ctx context.Context, id int64, userID string) bool {
	first := false
	_, err := e.cfg.Store.UpdateRequest(ctx, id, func(c *ChangeRequest) error {
		if slices.Contains(c.Noticed, userID) {
			return errNoticed
		}
		c.Noticed, first = append(c.Noticed, userID), true
		return nil
	})
	if err != nil && !errors.Is(err, errNoticed) {
		zerolog.Ctx(ctx).Error().Err(err).Int64("request", id).Msg("notice not recorded")
	}
	return first
}

var (
	errDuplicateVote = errors.New("same vote already counted")
	errNoticed       = errors.New("person already told")
)

// React handles a reaction. Only reactions on a change-request message
// count, only from a person mayVote accepts; the first approval that reaches
// the number needed moves the request pending → approved → executing in one
// transaction, so racing approvals execute it once.
func (e *Engine) React(ctx context.Context, r Reaction) {
	defer e.recoverReaction(ctx, &r)
	r.Platform = cmp.Or(r.Platform, e.cfg.Platform)
	log := e.log.With().Str("platform", r.Platform).Str("user", r.User.ID).Str("message_id", r.MessageID).Logger()
	ctx = log.WithContext(ctx)
	// A post in flight when we look, or one finished since, may be this
	// message: wait for the posts in flight (none: at once) and look again.
	cr, err := e.cfg.Store.RequestByMessage(ctx, r.Platform, r.MessageID)
	if KindOf(err) == NotFound {
		e.posting.Lock() // waits for the change requests being posted to record their message IDs
		e.posting.Unlock()
		cr, err = e.cfg.Store.RequestByMessage(ctx, r.Platform, r.MessageID)
	}
	if err != nil {
		if KindOf(err) != NotFound {
			log.Error().Err(err).Msg("reaction lookup failed")
			return
		}
		for _, w := range e.watchers {
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
	switch v := cr.mayVote(r.User); v {
	case voteCounts:
	case voteByBot, voteAnonymous:
		return
	default:
		log.Info().Int64("request", cr.ID).Int("verdict", int(v)).Msg("reaction does not count")
		if !r.Removed && (cr.State == Pending || e.noticeOnce(ctx, cr.ID, r.User.ID)) {
			e.tell(ctx, r.User.ID, v, cr.ID)
		}
		return
	}
	if r.Removed {
		e.unvote(ctx, cr, r, approve)
		return
	}
	e.vote(ctx, cr, r, approve)
}

// tell says privately why a reaction does not count (v is voteBySelf or
// voteNoRole, the verdicts React tells).
func (e *Engine) tell(ctx context.Context, userID string, v verdict, id int64) {
	l := e.cfg.Locale
	text := fmt.Sprintf(l.Pick("Votre réaction sur la demande n°%d ne compte pas : vous n'êtes pas parmi les approbateurs de cette demande.",
		"Your reaction on request #%d does not count: you are not one of its approvers."), id)
	if v == voteBySelf {
		text = fmt.Sprintf(l.Pick("Votre réaction sur la demande n°%d ne compte pas : on n'approuve pas sa propre demande.",
			"Your reaction on request #%d does not count: nobody approves their own request."), id)
	}
	if err := e.cfg.Chat.Direct(ctx, userID, Message{Text: text}); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("notice not delivered")
	}
}

func (e *Engine) vote(ctx context.Context, cr ChangeRequest, r Reaction, approve bool) {
	log := zerolog.Ctx(ctx)
	id := cr.ID
	now := e.cfg.Now()
	expired := false
	got, err := e.cfg.Store.UpdateRequest(ctx, id, func(c *ChangeRequest) error {
		if c.State != Pending {
			return errNotPending{c.State}
		}
		if !now.Before(c.ExpiresAt) {
			c.State, c.Outcome, expired = Expired, "expired", true
			return nil
		}
		v := Vote{UserID: r.User.ID, Name: r.User.Name, Approve: approve, At: now}
		if i := c.voteOf(r.User.ID); i >= 0 {
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
		if e.noticeOnce(ctx, id, r.User.ID) {
			e.thread(ctx, cr, fmt.Sprintf(e.cfg.Locale.Pick("La demande n°%d est déjà %s : la réaction de %s ne change rien.",
				"Request #%d is already %s: %s's reaction changes nothing."), id, np.state.Label(e.cfg.Locale), r.User.Name))
		}
		return
	case errors.Is(err, errDuplicateVote):
		return
	case err != nil:
		log.Error().Err(err).Int64("request", id).Msg("vote not recorded")
		return
	}
	if expired {
		e.expired(ctx, got)
		return
	}
	e.audit(ctx, AuditRecord{Kind: "vote", RequestID: id, Platform: r.Platform, ActorID: r.User.ID, ActorName: r.User.Name,
		Command: got.Path, Detail: map[bool]string{true: "approve", false: "reject"}[approve]})
	log.Info().Int64("request", id).Bool("approve", approve).Str("state", string(got.State)).Msg("vote recorded")
	switch got.State {
	case Rejected:
		e.audit(ctx, AuditRecord{Kind: "rejected", RequestID: id, Platform: r.Platform, ActorID: r.User.ID, ActorName: r.User.Name, Command: got.Path})
		e.thread(ctx, got, fmt.Sprintf(e.cfg.Locale.Pick("❌ Demande n°%d refusée par %s. Rien n'a été exécuté.",
			"❌ Request #%d rejected by %s. Nothing was run."), id, r.User.Name))
	case Executing:
		e.execute(ctx, got, r.User)
	default:
		e.thread(ctx, got, fmt.Sprintf(e.cfg.Locale.Pick("Approbation de %s enregistrée (%d/%d).", "Approval by %s recorded (%d/%d)."),
			r.User.Name, got.ApprovalCount(), got.Approvals))
	}
}

func (e *Engine) unvote(ctx context.Context, cr ChangeRequest, r Reaction, approve bool) {
	withdrawn := false
	got, err := e.cfg.Store.UpdateRequest(ctx, cr.ID, func(c *ChangeRequest) error {
		if c.State != Pending {
			return errNotPending{c.State}
		}
		if i := c.voteOf(r.User.ID); i >= 0 && c.Votes[i].Approve == approve {
			c.Votes = append(c.Votes[:i], c.Votes[i+1:]...)
			withdrawn = true
		}
		return nil
	})
	var np errNotPending
	switch {
	case errors.As(err, &np):
		if !e.noticeOnce(ctx, cr.ID, r.User.ID) {
			return
		}
		e.thread(ctx, cr, fmt.Sprintf(e.cfg.Locale.Pick(
			"%s a retiré sa réaction, mais la demande n°%d est déjà %s : cela ne change rien.",
			"%s removed their reaction, but request #%d is already %s: this changes nothing."), r.User.Name, cr.ID, np.state.Label(e.cfg.Locale)))
		return
	case err != nil:
		zerolog.Ctx(ctx).Error().Err(err).Msg("vote withdrawal not recorded")
		return
	}
	if withdrawn {
		e.audit(ctx, AuditRecord{Kind: "unvote", RequestID: cr.ID, Platform: r.Platform, ActorID: r.User.ID, ActorName: r.User.Name, Command: got.Path})
		e.thread(ctx, got, fmt.Sprintf(e.cfg.Locale.Pick("%s a retiré son approbation (%d/%d).", "%s withdrew their approval (%d/%d)."),
			r.User.Name, got.ApprovalCount(), got.Approvals))
	}
}

// thread posts text in the thread of cr's message.
func (e *Engine) thread(ctx context.Context, cr ChangeRequest, text string) {
	if _, err := e.cfg.Chat.Post(ctx, cmp.Or(cr.Channel, e.cfg.ApprovalsChannel), Message{Text: text, ReplyTo: cr.MessageID}); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Int64("request", cr.ID).Msg("thread post failed")
	}
}

func (e *Engine) expired(ctx context.Context, cr ChangeRequest) {
	e.audit(ctx, AuditRecord{Kind: "expired", RequestID: cr.ID, Platform: cr.Platform, ActorID: "opsbot", ActorName: "opsbot", Command: cr.Path})
	zerolog.Ctx(ctx).Info().Int64("request", cr.ID).Msg("change request expired")
	e.thread(ctx, cr, fmt.Sprintf(e.cfg.Locale.Pick("⌛ Demande n°%d expirée sans approbation ; rien n'a été exécuté.",
		"⌛ Request #%d expired without approval; nothing was run."), cr.ID))
}

// expireDue moves every pending request past its expiry to expired and says
// so in its thread. It returns how many expired.
func (e *Engine) expireDue(ctx context.Context) (int, error) {
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

// Run expires due requests every SweepEvery until ctx ends. A sweep that
// panics is logged and the next one runs on time.
func (e *Engine) Run(ctx context.Context) error {
	t := time.NewTicker(e.cfg.SweepEvery)
	defer t.Stop()
	sweep := func() {
		defer func() {
			if p := recover(); p != nil {
				LogPanic(&e.log, p, "expiry sweep")
			}
		}()
		if _, err := e.expireDue(ctx); err != nil {
			e.log.Error().Err(err).Msg("expiry sweep failed")
		}
	}
	for {
		sweep()
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
	for _, cr := range stuck {
		if cr.Idempotent {
			e.log.Warn().Int64("request", cr.ID).Msg("re-running interrupted idempotent request")
			c, err := e.cfg.Store.UpdateRequest(ctx, cr.ID, func(c *ChangeRequest) error { c.State = Executing; return nil })
			if err == nil {
				e.execute(ctx, c, c.Requester) // the re-run is the requester's change, approved before the restart
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
		e.audit(ctx, AuditRecord{Kind: "unknown", RequestID: cr.ID, Platform: cr.Platform, ActorID: "opsbot", ActorName: "opsbot", Command: cr.Path, Args: cr.Args})
		text := fmt.Sprintf(e.cfg.Locale.Pick(
			"⚠️ La demande n°%d (/%s) était en cours d'exécution quand opsbot s'est arrêté. Elle ne sera pas relancée : vérifiez à la main si le changement a eu lieu.",
			"⚠️ Request #%d (/%s) was executing when opsbot stopped. It will not run again: check by hand whether the change happened."), cr.ID, cr.Line)
		if spec := e.specs[cr.Path]; spec != nil && spec.Verify != "" {
			text += fmt.Sprintf(e.cfg.Locale.Pick(" (/%s le montre)", " (/%s shows it)"), spec.VerifyLine(cr.Args))
		}
		e.thread(ctx, cr, text)
		for _, admin := range e.cfg.Policy.holders(cr.Platform, Admin) {
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
	e.thread(ctx, cr, fmt.Sprintf(e.cfg.Locale.Pick("🚫 Demande n°%d annulée par %s.", "🚫 Request #%d cancelled by %s."), id, by.Name))
	return cr, nil
}
