package commands

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// Approvals is what the help and approvals commands need of the engine.
type Approvals interface {
	Allowed(p bot.Person) []bot.Spec
	Request(ctx context.Context, id int64) (bot.ChangeRequest, error)
	Pending(ctx context.Context) ([]bot.ChangeRequest, error)
	Cancel(ctx context.Context, id int64, by bot.Person) (bot.ChangeRequest, error)
}

// coreCommands are the commands about opsbot itself: help, who you are,
// the audit log and the change requests.
type coreCommands struct {
	engine Approvals
	log    bot.AuditLog
}

func (k coreCommands) specs() []bot.Spec {
	return []bot.Spec{{
		Path:   "help",
		Help:   "Liste les commandes que vous pouvez utiliser.",
		HelpEN: "Lists the commands you may use.",
		Roles:  everyone,
		Args:   []bot.Arg{{Name: "commande", Type: bot.ArgText, Optional: true, Rest: true}},
		Read:   k.help,
	}, {
		Path:   "whoami",
		Help:   "Indique qui vous êtes pour opsbot : identifiant, rôles, boîtes.",
		HelpEN: "Shows who you are for opsbot: ID, roles, mailboxes.",
		Roles:  everyone,
		Read:   k.whoami,
	}, {
		Path:   "audit",
		Help:   "Affiche les dernières entrées du journal d'audit (20 par défaut).",
		HelpEN: "Shows the latest audit log entries (20 by default).",
		Roles:  []bot.Role{bot.Admin, bot.Treasurer, bot.President},
		Args:   []bot.Arg{{Name: "nombre", Type: argCount, Optional: true}},
		Read:   k.audit,
	}, {
		Path:   "approvals list",
		Help:   "Liste les demandes en attente d'approbation.",
		HelpEN: "Lists the requests waiting for approval.",
		Roles:  everyone,
		Read:   k.list,
	}, {
		Path:   "approvals show",
		Help:   "Affiche une demande : action, auteur, votes, état.",
		HelpEN: "Shows a request: action, requester, votes, state.",
		Roles:  everyone,
		Args:   []bot.Arg{{Name: "numero", Type: argID}},
		Read:   k.show,
	}, {
		Path:   "approvals cancel",
		Help:   "Annule une de vos demandes en attente (ou n'importe laquelle pour un administrateur).",
		HelpEN: "Cancels one of your pending requests (any of them for an administrator).",
		Roles:  everyone,
		Args:   []bot.Arg{{Name: "numero", Type: argID}},
		Act:    k.cancel, // withdraws a request at once: the requester (or an administrator) needs no approval to take back their own
	}}
}

func (k coreCommands) help(_ context.Context, c bot.Call) (bot.Reply, error) {
	specs := k.engine.Allowed(c.Caller)
	if q := strings.TrimPrefix(strings.ToLower(c.Args.Get("commande")), "/"); q != "" {
		specs = slices.DeleteFunc(specs, func(s bot.Spec) bool { return !strings.HasPrefix(s.Path, q) })
		if len(specs) == 0 {
			return bot.Reply{}, bot.Userf("Aucune commande « %s » parmi celles que vous pouvez utiliser. Tapez /help.", "No command %q among those you may use. Type /help.", q)
		}
	}
	var b strings.Builder
	b.WriteString(c.T("Commandes disponibles pour vous :", "Commands available to you:"))
	family := ""
	for _, s := range specs {
		if f := s.Words()[0]; f != family {
			family = f
			b.WriteString("\n")
		}
		mark := ""
		if s.IsChange() {
			mark = c.T(" (avec approbation)", " (needs approval)")
			if s.Self != nil && !c.Caller.Has(s.Roles...) {
				mark = c.T(" (pour votre propre boîte)", " (on your own mailbox)")
			}
		}
		fmt.Fprintf(&b, "\n/%s — %s%s", s.Usage(), s.HelpIn(c.Locale), mark)
	}
	return bot.Reply{Text: b.String()}, nil
}

func (coreCommands) whoami(_ context.Context, c bot.Call) (bot.Reply, error) {
	roles := make([]string, 0, len(c.Caller.Roles))
	for _, r := range c.Caller.Roles {
		roles = append(roles, r.Label(c.Locale))
	}
	text := fmt.Sprintf(c.T("Vous êtes %s (identifiant %s sur %s).\nRôles : %s", "You are %s (ID %s on %s).\nRoles: %s"),
		c.Caller.Name, c.Caller.ID, c.Platform, strings.Join(roles, ", "))
	if len(c.Caller.Mailboxes) > 0 {
		text += c.T("\nBoîtes : ", "\nMailboxes: ") + strings.Join(c.Caller.Mailboxes, ", ")
	}
	return bot.Reply{Text: text}, nil
}

func (k coreCommands) audit(ctx context.Context, c bot.Call) (bot.Reply, error) {
	recs, err := k.log.Audit(ctx, cmp.Or(c.Args.Int("nombre"), 20)) // a count given is at least 1
	if err != nil {
		return bot.Reply{}, fmt.Errorf("audit: %w", err)
	}
	if len(recs) == 0 {
		return bot.Reply{Text: c.T("Le journal d'audit est vide.", "The audit log is empty.")}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, c.T("Les %d dernières entrées du journal d'audit :", "The latest %d audit log entries:"), len(recs))
	for _, r := range recs {
		kind := r.Kind
		if fr, ok := auditKindsFR[kind]; ok {
			kind = c.T(fr, kind)
		}
		fmt.Fprintf(&b, "\n%s %s %s (%s)", r.At.Format("02/01 15:04"), kind, r.ActorName, r.ActorID)
		if r.RequestID != 0 {
			fmt.Fprintf(&b, c.T(" n°%d", " #%d"), r.RequestID)
		}
		if r.Command != "" {
			fmt.Fprintf(&b, " /%s", r.Command)
		}
		if r.Detail != "" {
			line, _, more := strings.Cut(r.Detail, "\n")
			if more {
				line += " …"
			}
			fmt.Fprintf(&b, " — %s", line)
		}
	}
	return bot.Reply{Text: b.String()}, nil
}

// list shows the pending requests: all of them to the board, the treasurer,
// the president and the administrator; to anyone else (a delegate) only
// their own.
func (k coreCommands) list(ctx context.Context, c bot.Call) (bot.Reply, error) {
	crs, err := k.engine.Pending(ctx)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("approvals list: %w", err)
	}
	if !c.Caller.Has(bot.Admin, bot.Board, bot.Treasurer, bot.President) {
		crs = slices.DeleteFunc(crs, func(cr bot.ChangeRequest) bool { return cr.Requester.ID != c.Caller.ID })
	}
	if len(crs) == 0 {
		return bot.Reply{Text: c.T("Aucune demande en attente.", "No pending request.")}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, c.T("%d demande(s) en attente :", "%d pending request(s):"), len(crs))
	for _, cr := range crs {
		fmt.Fprintf(&b, c.T("\nn°%d /%s — par %s, %d/%d approbation(s), expire le %s", "\n#%d /%s — by %s, %d/%d approval(s), expires %s"),
			cr.ID, cr.Line, cr.Requester.Name, cr.ApprovalCount(), cr.Approvals, cr.ExpiresAt.Format("02/01 15:04"))
	}
	return bot.Reply{Text: b.String()}, nil
}

func requestID(c bot.Call) int64 {
	id, _ := strconv.ParseInt(c.Args.Get("numero"), 10, 64)
	return id
}

func (k coreCommands) show(ctx context.Context, c bot.Call) (bot.Reply, error) {
	id := requestID(c)
	cr, err := k.engine.Request(ctx, id)
	if cr, err = found(cr, err, "approvals show", bot.Userf("Il n'y a pas de demande n°%d.", "There is no request #%d.", id)); err != nil {
		return bot.Reply{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, c.T("Demande n°%d — /%s\nÉtat : %s\nDemandée par %s le %s\n%s", "Request #%d — /%s\nState: %s\nRequested by %s on %s\n%s"),
		cr.ID, cr.Line, cr.State.Label(c.Locale), cr.Requester.Name, cr.CreatedAt.Format("02/01/2006 15:04"), cr.Preview)
	for _, v := range cr.Votes {
		verb := c.T("approuvé", "approved")
		if !v.Approve {
			verb = c.T("refusé", "rejected")
		}
		fmt.Fprintf(&b, "\n%s %s %s", v.At.Format("02/01 15:04"), v.Name, verb)
	}
	if cr.Outcome != "" {
		fmt.Fprintf(&b, c.T("\nRésultat : %s", "\nOutcome: %s"), cr.Outcome)
	}
	if cr.State == bot.Pending {
		fmt.Fprintf(&b, c.T("\nExpire le %s.", "\nExpires %s."), cr.ExpiresAt.Format("02/01/2006 15:04"))
	}
	return bot.Reply{Text: b.String()}, nil
}

func (k coreCommands) cancel(ctx context.Context, c bot.Call) (bot.Reply, error) {
	cr, err := k.engine.Cancel(ctx, requestID(c), c.Caller)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("Demande n°%d annulée.", "Request #%d cancelled."), cr.ID)}, nil
}

// auditKindsFR names the audit log's record kinds in French (the English
// answer shows the kind as stored).
var auditKindsFR = map[string]string{
	"read": "lecture", "act": "action", "request": "demande", "vote": "vote", "unvote": "vote retiré",
	"cancelled": "annulée", "rejected": "refusée", "expired": "expirée", "outcome": "résultat",
	"denied": "refusé", "self": "libre-service", "unknown": "inconnu", "alert-ack": "alerte vue",
	"incident": "incident", "rights-review": "revue des droits",
}
