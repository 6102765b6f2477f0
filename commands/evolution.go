package commands

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/anopex/opsbot/bot"
)

// Contractor is what the evolution commands use: the SMTP sender, the store
// of evolutions, and the contractor's and the association's particulars.
type Contractor struct {
	Mail        bot.MailSender
	Store       bot.Evolutions
	To          string           // the contractor's address (CF2D)
	Cc          []string         // copies (the treasurer's mailbox, the association's archive)
	From        string           // the association's sending address (for Message-IDs)
	Reference   string           // the association's reference number with the contractor
	Association string           // the association's name, signing the letter
	Now         func() time.Time // required
}

// argEvolution is an evolution or incident number: "EVO-3", "INC-4", "#3"
// or "3".
var argEvolution = bot.ArgType{Name: "evolution", Example: "EVO-3", Check: func(s string) (string, error) {
	t := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "#")
	if p, n, ok := strings.Cut(t, "-"); ok && (p == "evo" || p == "inc") {
		t = n
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 1 || strings.HasPrefix(t, "+") {
		return "", bot.Userf("numéro d'évolution invalide « %s » : écrivez par exemple EVO-3", "invalid evolution number %q: write e.g. EVO-3", s)
	}
	return strconv.FormatInt(n, 10), nil
}}

// budgetLine is a last description line giving the budget: "budget : 1 500 €".
var budgetLine = regexp.MustCompile(`(?i)\n\s*budget[ \t\x{a0}\x{2009}\x{202f}]*:?[ \t\x{a0}\x{2009}\x{202f}]*([0-9][0-9 \x{a0}\x{2009}\x{202f}.,]*(€|eur)?)\s*$`)

// evolutionCommands are the contractor family; the engine gives the
// requests still waiting for approval.
type evolutionCommands struct {
	Contractor
	engine Approvals
	alarms *AlertTickets // nil without alerts.tickets
}

func (k evolutionCommands) specs() []bot.Spec {
	if k.Mail == nil || k.Store == nil {
		return nil
	}
	id := bot.Arg{Name: "numero", Type: argEvolution}
	return []bot.Spec{{
		Path: "evolution request", Help: "Demande une évolution au prestataire CF2D : /evolution request Titre [1 500 €] -- description.",
		HelpEN: "Asks the contractor CF2D for a change: /evolution request Title [1500 €] -- description.",
		Roles:  readers,
		Args: []bot.Arg{{Name: "titre", Type: argSubject, Rest: true}, {Name: "budget", Type: argAmount, Optional: true},
			{Name: "description", Type: argBody, After: true}},
		Preview: k.preview, Apply: k.send,
		Verify:    "evolution list",
		Financial: true, Approvers: payers,
	}, {
		Path: "evolution incident", Help: "Signale un dysfonctionnement à CF2D (contrat de support, sans budget) : /evolution incident \"Titre\" [alerte] -- description.",
		HelpEN: "Reports a malfunction to CF2D (support contract, no budget): /evolution incident \"Title\" [alert] -- description.",
		Roles:  readers,
		Args: []bot.Arg{{Name: "titre", Type: argSubject}, {Name: "alerte", Type: bot.ArgWord, Optional: true},
			{Name: "description", Type: argBody, After: true}},
		Preview: k.previewIncident, Apply: k.sendIncident,
		Verify:    "evolution list",
		Approvers: readers,
	}, {
		Path: "evolution list", Help: "Liste les demandes d'évolution (envoyées, en attente d'approbation, closes).",
		HelpEN: "Lists the change requests to the contractor (sent, waiting for approval, closed).",
		Roles:  staff, Read: k.list,
	}, {
		Path: "evolution show", Help: "Affiche une demande d'évolution.", HelpEN: "Shows a change request to the contractor.",
		Roles: staff, Args: []bot.Arg{id}, Read: k.show,
	}, {
		Path: "evolution close", Help: "Clôt une demande d'évolution (réalisée ou abandonnée).",
		HelpEN: "Closes a change request to the contractor (done or dropped).",
		Roles:  readers, Args: []bot.Arg{id}, Act: k.close,
	}}
}

// evolutionArgs returns the description and the budget, taken from the
// budget argument or from a last "budget : …" line of the description.
func evolutionArgs(c bot.Call) (string, bot.Money, error) {
	desc, raw := c.Args.Get("description"), c.Args.Get("budget")
	if m := budgetLine.FindStringSubmatchIndex(desc); m != nil && !c.Args.Has("budget") {
		raw, desc = desc[m[2]:m[3]], strings.TrimSpace(desc[:m[0]])
	}
	budget := bot.Money{Currency: "EUR"}
	if raw == "" {
		return desc, budget, nil
	}
	n, err := parseAmount(raw)
	budget.Cents = n
	return desc, budget, err
}

// costText is an evolution's budget, or what an incident costs: nothing.
func costText(c bot.Call, ev bot.Evolution) string {
	if ev.Kind == "incident" {
		return c.T("contrat de support, sans budget", "support contract, no budget")
	}
	return budgetText(c, ev.Budget)
}

func budgetText(c bot.Call, m bot.Money) string {
	if m.Zero() {
		return c.T("à chiffrer (devis demandé)", "to be quoted (estimate asked)")
	}
	return m.Format(c.Locale)
}

func (k evolutionCommands) preview(_ context.Context, c bot.Call) (string, error) {
	desc, budget, err := evolutionArgs(c)
	if err != nil {
		return "", err
	}
	text := fmt.Sprintf(c.T("Demande d'évolution à CF2D (%s), référence association %s\nIntitulé : %s\nBudget : %s\nDescription :\n%s\nÀ l'approbation, un e-mail formel part à CF2D",
		"Change request to CF2D (%s), association reference %s\nTitle: %s\nBudget: %s\nDescription:\n%s\nOnce approved, a formal e-mail goes to CF2D"),
		k.To, k.Reference, c.Args.Get("titre"), budgetText(c, budget), desc)
	return text + k.copies(c), nil
}

// copies names everyone else the letter goes to: the preview names them all.
func (k evolutionCommands) copies(c bot.Call) string {
	if len(k.Cc) == 0 {
		return "."
	}
	return fmt.Sprintf(c.T(", en copie à %s.", ", copied to %s."), strings.Join(k.Cc, ", "))
}

func (k evolutionCommands) previewIncident(ctx context.Context, c bot.Call) (string, error) {
	text := fmt.Sprintf(c.T("Incident signalé à CF2D (%s) au titre du contrat de support, référence association %s : sans budget\nIntitulé : %s\nDescription :\n%s",
		"Incident reported to CF2D (%s) under the support contract, association reference %s: no budget\nTitle: %s\nDescription:\n%s"),
		k.To, k.Reference, c.Args.Get("titre"), c.Args.Get("description"))
	if key := c.Args.Get("alerte"); key != "" {
		if k.alarms == nil {
			return "", bot.Userf("Les alertes ne sont pas configurées : pas d'alerte « %s ».", "Alerts are not configured: no alert %q.", key)
		}
		if _, err := k.alarms.unticketed(ctx, key); err != nil {
			return "", err
		}
		text += fmt.Sprintf(c.T("\nLié à l'alerte `%s` : son rétablissement sera signalé ici.", "\nLinked to alert `%s`: its recovery will be posted here."), key)
	}
	return text + c.T("\nÀ l'approbation, un e-mail formel part à CF2D", "\nOnce approved, a formal e-mail goes to CF2D") + k.copies(c), nil
}

func (k evolutionCommands) sendIncident(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	ev, err := k.record(ctx, c, bot.Evolution{Kind: "incident", Title: c.Args.Get("titre"), Description: c.Args.Get("description"), Alert: c.Args.Get("alerte")})
	if err != nil {
		return bot.Outcome{}, err
	}
	text := fmt.Sprintf(c.T("Incident %s signalé à CF2D (%s)", "Incident %s reported to CF2D (%s)"), ev.Code(), k.To)
	if ev.Alert != "" {
		text += k.alarms.link(ctx, c, ev.Alert, ev.Code())
	}
	return bot.Outcome{Text: text}, nil
}

func (k evolutionCommands) send(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	desc, budget, err := evolutionArgs(c)
	if err != nil {
		return bot.Outcome{}, err
	}
	ev, err := k.record(ctx, c, bot.Evolution{Title: c.Args.Get("titre"), Description: desc, Budget: budget})
	if err != nil {
		return bot.Outcome{}, err
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T("Demande %s envoyée à CF2D (%s), budget %s", "Request %s sent to CF2D (%s), budget %s"),
		ev.Code(), k.To, budgetText(c, budget))}, nil
}

// record records ev, approved by the request c, then sends its letter: a
// letter that could not be sent stays recorded as "failed", never lost.
func (k evolutionCommands) record(ctx context.Context, c bot.Call, ev bot.Evolution) (bot.Evolution, error) {
	now := k.Now()
	ev.RequesterID, ev.RequesterName, ev.ApprovedAt, ev.Reference, ev.To = c.Caller.ID, c.Caller.Name, now, k.Reference, k.To
	ev.MessageID, ev.State, ev.Created, ev.Updated = bot.NewMessageID(k.From, now), "sending", now, now
	if c.Request != nil {
		ev.RequestID, ev.Approvers = c.Request.ID, c.Request.ApproverNames()
	}
	if err := k.Store.CreateEvolution(ctx, &ev); err != nil {
		return ev, fmt.Errorf("record evolution: %w", err)
	}
	_, sendErr := k.Mail.Send(ctx, ev.Letter(k.Association, k.Cc))
	state := "sent"
	if sendErr != nil {
		state = "failed"
	}
	if _, err := k.Store.UpdateEvolution(context.WithoutCancel(ctx), ev.ID, func(e *bot.Evolution) error {
		e.State, e.Updated = state, k.Now()
		return nil
	}); err != nil && sendErr == nil {
		return ev, fmt.Errorf("evolution %s sent, but: %w", ev.Code(), err)
	}
	if sendErr != nil {
		return ev, fmt.Errorf("send evolution %s: %w", ev.Code(), sendErr)
	}
	return ev, nil
}

var evolutionStates = map[string][2]string{"sending": {"en cours d'envoi", "sending"}, "sent": {"envoyée", "sent"},
	"failed": {"envoi échoué", "sending failed"}, "closed": {"close", "closed"}}

func stateText(c bot.Call, s string) string {
	if t, ok := evolutionStates[s]; ok {
		return c.T(t[0], t[1])
	}
	return s
}

func (k evolutionCommands) list(ctx context.Context, c bot.Call) (bot.Reply, error) {
	list, err := k.Store.ListEvolutions(ctx)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list evolutions: %w", err)
	}
	var lines []string
	if k.engine != nil {
		pending, err := k.engine.Pending(ctx)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("list pending requests: %w", err)
		}
		for _, cr := range pending {
			if cr.Path == "evolution request" || cr.Path == "evolution incident" {
				lines = append(lines, fmt.Sprintf(c.T("demande n°%d — %s — en attente d'approbation", "request #%d — %s — waiting for approval"), cr.ID, cr.Args.Get("titre")))
			}
		}
	}
	for _, ev := range list {
		lines = append(lines, fmt.Sprintf("%s — %s — %s — %s — %s", ev.Code(), ev.Created.Format("02/01/2006"), ev.Title, costText(c, ev), stateText(c, ev.State)))
	}
	if len(lines) == 0 {
		return bot.Reply{Text: c.T("Aucune demande d'évolution.", "No change request to the contractor.")}, nil
	}
	return bot.Reply{Text: strings.Join(lines, "\n")}, nil
}

func (k evolutionCommands) evolution(ctx context.Context, c bot.Call) (bot.Evolution, error) {
	id, _ := strconv.ParseInt(c.Args.Get("numero"), 10, 64)
	ev, err := k.Store.Evolution(ctx, id)
	return found(ev, err, "read evolution", bot.Userf("Il n'y a pas de demande EVO-%d (voir /evolution list).", "There is no request EVO-%d (see /evolution list).", id))
}

func (k evolutionCommands) show(ctx context.Context, c bot.Call) (bot.Reply, error) {
	ev, err := k.evolution(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	text := fmt.Sprintf(c.T("%s — %s\nÉtat : %s\nBudget : %s\nDemandée par %s, approuvée par %s le %s (demande n°%d)\nEnvoyée à %s (Message-ID %s)\nDescription :\n%s",
		"%s — %s\nState: %s\nBudget: %s\nRequested by %s, approved by %s on %s (request #%d)\nSent to %s (Message-ID %s)\nDescription:\n%s"),
		ev.Code(), ev.Title, stateText(c, ev.State), costText(c, ev), ev.RequesterName, strings.Join(ev.Approvers, ", "),
		ev.ApprovedAt.Format("02/01/2006"), ev.RequestID, ev.To, ev.MessageID, ev.Description)
	if ev.ClosedBy != "" {
		text += fmt.Sprintf(c.T("\nClose par %s le %s", "\nClosed by %s on %s"), ev.ClosedBy, ev.Updated.Format("02/01/2006"))
	}
	if ev.Alert != "" && k.alarms != nil {
		text += alertLine(ctx, c, k.alarms.Links, ev.Code())
	}
	return bot.Reply{Text: text}, nil
}

// close closes an evolution at once: it is bookkeeping in opsbot's
// own store, nothing is sent and nothing is spent.
func (k evolutionCommands) close(ctx context.Context, c bot.Call) (bot.Reply, error) {
	ev, err := k.evolution(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	_, err = k.Store.UpdateEvolution(ctx, ev.ID, func(e *bot.Evolution) error {
		if e.State == "closed" {
			return bot.Userf("%s est déjà close.", "%s is already closed.", e.Code())
		}
		e.State, e.ClosedBy, e.Updated = "closed", c.Caller.Name, k.Now()
		return nil
	})
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("%s close.", "%s closed."), ev.Code())}, nil
}
