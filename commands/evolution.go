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

// argEvolution is an evolution number: "EVO-3", "#3" or "3".
var argEvolution = bot.ArgType{Name: "evolution", Example: "EVO-3", Check: func(s string) (string, error) {
	t := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "#"), "evo-")
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 1 || strings.HasPrefix(t, "+") {
		return "", bot.Userf("numéro d'évolution invalide « %s » : écrivez par exemple EVO-3", "invalid evolution number %q: write e.g. EVO-3", s)
	}
	return strconv.FormatInt(n, 10), nil
}}

// budgetLine is a last description line giving the budget: "budget : 1 500 €".
var budgetLine = regexp.MustCompile(`(?i)\n\s*budget\s*:?\s*([0-9][0-9  .,]*\s*(€|eur)?)\s*$`)

// evolutionCommands are the contractor family; the engine gives the
// requests still waiting for approval.
type evolutionCommands struct {
	Contractor
	engine Approvals
}

func (k evolutionCommands) specs() []bot.Spec {
	if k.Mail == nil || k.Store == nil {
		return nil
	}
	id := bot.Arg{Name: "numero", Type: argEvolution}
	return []bot.Spec{{
		Path: "evolution request", Help: "Demande une évolution au prestataire CF2D : /evolution request \"Titre\" [budget] -- description.",
		HelpEN: "Asks the contractor CF2D for a change: /evolution request \"Title\" [budget] -- description.",
		Roles:  readers,
		Args: []bot.Arg{{Name: "titre", Type: argSubject}, {Name: "budget", Type: argAmount, Optional: true},
			{Name: "description", Type: argBody, After: true}},
		Preview: k.preview, Apply: k.send,
		Verify:    "evolution list",
		Financial: true, Approvers: payers,
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
	if len(k.Cc) > 0 { // the preview names everyone the letter goes to
		text += fmt.Sprintf(c.T(", en copie à %s", ", copied to %s"), strings.Join(k.Cc, ", "))
	}
	return text + ".", nil
}

// send records the evolution, then sends the letter: a letter that
// could not be sent stays recorded as "failed", never lost.
func (k evolutionCommands) send(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	desc, budget, err := evolutionArgs(c)
	if err != nil {
		return bot.Outcome{}, err
	}
	now := k.Now()
	ev := bot.Evolution{Title: c.Args.Get("titre"), Description: desc, Budget: budget, RequesterID: c.Caller.ID, RequesterName: c.Caller.Name,
		ApprovedAt: now, Reference: k.Reference, To: k.To, MessageID: bot.NewMessageID(k.From, now), State: "sending", Created: now, Updated: now}
	if c.Request != nil {
		ev.RequestID = c.Request.ID
		for _, v := range c.Request.Votes {
			if v.Approve {
				ev.Approvers = append(ev.Approvers, v.Name)
			}
		}
	}
	if err := k.Store.CreateEvolution(ctx, &ev); err != nil {
		return bot.Outcome{}, fmt.Errorf("record evolution: %w", err)
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
		return bot.Outcome{}, fmt.Errorf("evolution %s sent, but: %w", ev.Code(), err)
	}
	if sendErr != nil {
		return bot.Outcome{}, fmt.Errorf("send evolution %s: %w", ev.Code(), sendErr)
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T("Demande %s envoyée à CF2D (%s), budget %s", "Request %s sent to CF2D (%s), budget %s"),
		ev.Code(), k.To, budgetText(c, budget))}, nil
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
			if cr.Path == "evolution request" {
				lines = append(lines, fmt.Sprintf(c.T("demande n°%d — %s — en attente d'approbation", "request #%d — %s — waiting for approval"), cr.ID, cr.Args.Get("titre")))
			}
		}
	}
	for _, ev := range list {
		lines = append(lines, fmt.Sprintf("%s — %s — %s — %s — %s", ev.Code(), ev.Created.Format("02/01/2006"), ev.Title, budgetText(c, ev.Budget), stateText(c, ev.State)))
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
		ev.Code(), ev.Title, stateText(c, ev.State), budgetText(c, ev.Budget), ev.RequesterName, strings.Join(ev.Approvers, ", "),
		ev.ApprovedAt.Format("02/01/2006"), ev.RequestID, ev.To, ev.MessageID, ev.Description)
	if ev.ClosedBy != "" {
		text += fmt.Sprintf(c.T("\nClose par %s le %s", "\nClosed by %s on %s"), ev.ClosedBy, ev.Updated.Format("02/01/2006"))
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
