package commands

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// ticketCommands are the ticket family over the providers configured
// ("ovh", "planethoster" → their bot.Tickets).
type ticketCommands struct {
	providers map[string]bot.Tickets
	alarms    *AlertTickets // nil without alerts.tickets
}

func (t ticketCommands) specs() []bot.Spec {
	if len(t.providers) == 0 {
		return nil
	}
	names := slices.Sorted(maps.Keys(t.providers))
	id := bot.Arg{Name: "ticket", Type: argTicketID}
	return append(t.alertTicketSpec(), []bot.Spec{{
		Path: "ticket open", Help: "Ouvre un ticket chez un hébergeur : /ticket open ovh Objet du ticket -- texte.",
		HelpEN: "Opens a ticket with a host: /ticket open ovh Subject -- text.",
		Roles:  admins,
		Args: []bot.Arg{{Name: "fournisseur", Choices: names}, {Name: "objet", Type: argSubject, Rest: true},
			{Name: "texte", Type: argBody, After: true}},
		Preview: t.previewOpen, Apply: t.applyOpen,
		Verify: "ticket list",
	}, {
		Path: "ticket list", Help: "Liste les tickets ouverts chez les hébergeurs.",
		HelpEN: "Lists the open tickets with the hosts.",
		Roles:  staff, Args: []bot.Arg{{Name: "fournisseur", Choices: names, Optional: true}},
		Read: t.list,
	}, {
		Path: "ticket show", Help: "Affiche un ticket et ses messages (ovh-8123456, ph-3).",
		HelpEN: "Shows a ticket and its messages (ovh-8123456, ph-3).",
		Roles:  staff, Args: []bot.Arg{id}, Read: t.show,
	}, {
		Path: "ticket resend", Help: "Renvoie un ticket dont l'e-mail n'est pas parti (« envoi échoué » dans /ticket list).",
		HelpEN: "Sends again a ticket whose e-mail did not go (\"sending failed\" in /ticket list).",
		Roles:  admins, Args: []bot.Arg{id},
		Preview: ticketChange{t, true}.preview, Apply: ticketChange{t, true}.apply,
		Verify: "ticket list",
	}, {
		Path: "ticket reply", Help: "Répond à un ticket : /ticket reply ovh-8123456 -- texte.",
		HelpEN: "Replies to a ticket: /ticket reply ovh-8123456 -- text.",
		Roles:  admins, Args: []bot.Arg{id, {Name: "texte", Type: argBody, After: true}},
		Preview: ticketChange{t, false}.preview, Apply: ticketChange{t, false}.apply,
		Verify: "ticket show {ticket}",
	}}...)
}

// of resolves a ticket reference to its provider's Tickets.
func (t ticketCommands) of(ref string) (tk bot.Tickets, id string, err error) {
	p, id, err := parseTicketID(ref)
	if err == nil && t.providers[p] == nil {
		err = bot.Userf("Aucun compte %s n'est configuré.", "No %s account is configured.", bot.ProviderName(p))
	}
	return t.providers[p], id, err
}

// read reads one ticket, NotFound becoming a sentence.
func (t ticketCommands) read(ctx context.Context, ref string) (bot.Ticket, error) {
	tk, id, err := t.of(ref)
	if err != nil {
		return bot.Ticket{}, err
	}
	got, err := tk.Show(ctx, id)
	return found(got, err, "show ticket", bot.Userf("Il n'y a pas de ticket %s (voir /ticket list).", "There is no ticket %s (see /ticket list).", ref))
}

func (t ticketCommands) previewOpen(_ context.Context, c bot.Call) (string, error) {
	p := c.Args.Get("fournisseur")
	how := ""
	if p == "planethoster" {
		how = c.T(" (par e-mail au support)", " (by e-mail to the support)")
	}
	return fmt.Sprintf(c.T("Nouveau ticket chez %s%s\nObjet : %s\nTexte :\n%s", "New ticket with %s%s\nSubject: %s\nText:\n%s"),
		bot.ProviderName(p), how, c.Args.Get("objet"), c.Args.Get("texte")), nil
}

func (t ticketCommands) applyOpen(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	p := c.Args.Get("fournisseur")
	tk, err := t.providers[p].Open(ctx, c.Args.Get("objet"), c.Args.Get("texte"))
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("open ticket: %w", err)
	}
	text := fmt.Sprintf(c.T("Ticket %s ouvert chez %s", "Ticket %s opened with %s"), ticketRef(p, tk.ID), bot.ProviderName(p))
	if tk.Number != "" {
		text += fmt.Sprintf(c.T(" (n° %s)", " (no. %s)"), tk.Number)
	}
	if tk.Link != "" {
		text += fmt.Sprintf(c.T(" ; suivi : %s", "; follow it at %s"), tk.Link)
	}
	return bot.Outcome{Text: text}, nil
}

func (t ticketCommands) list(ctx context.Context, c bot.Call) (bot.Reply, error) {
	which := slices.Sorted(maps.Keys(t.providers))
	if p := c.Args.Get("fournisseur"); p != "" {
		which = []string{p}
	}
	var b strings.Builder
	failed := 0
	for _, p := range which {
		list, err := t.providers[p].List(ctx)
		if err != nil { // one provider down does not hide the others
			failed++
			fmt.Fprintf(&b, "\n%s : %s", bot.ProviderName(p), bot.ErrorText(c.Locale, err, c.Invocation))
			continue
		}
		open := len(slices.DeleteFunc(slices.Clone(list), func(tk bot.Ticket) bool { return tk.State == "failed" }))
		fmt.Fprintf(&b, c.T("\n%s : %d ticket(s) ouvert(s)", "\n%s: %d open ticket(s)"), bot.ProviderName(p), open)
		for _, tk := range list {
			from := ""
			switch {
			case tk.State == "failed":
				from = fmt.Sprintf(c.T(" — envoi échoué : /ticket resend %s", " — sending failed: /ticket resend %s"), ticketRef(p, tk.ID))
			case tk.LastFrom == "support":
				from = c.T(" — réponse du support", " — support answered")
			}
			fmt.Fprintf(&b, "\n  %s — %s — %s%s", ticketRef(p, tk.ID), tk.Created.Format("02/01/2006"), tk.Subject, from)
		}
	}
	if failed == len(which) {
		return bot.Reply{}, bot.Userf("Aucun hébergeur n'a répondu :%s", "No host answered:%s", b.String())
	}
	return bot.Reply{Text: strings.TrimPrefix(b.String(), "\n")}, nil
}

func (t ticketCommands) show(ctx context.Context, c bot.Call) (bot.Reply, error) {
	ref := c.Args.Get("ticket")
	tk, err := t.read(ctx, ref)
	if err != nil {
		return bot.Reply{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, c.T("Ticket %s — %s\nÉtat : %s", "Ticket %s — %s\nState: %s"), ref, tk.Subject, tk.State)
	if t.alarms != nil {
		b.WriteString(alertLine(ctx, c, t.alarms.Links, ref))
	}
	if tk.Link != "" {
		fmt.Fprintf(&b, c.T("\nSuivi et réponses du support : %s", "\nFollow-up and support answers: %s"), tk.Link)
	}
	for _, m := range tk.Messages {
		who := c.T("nous", "us")
		if m.From == "support" {
			who = c.T("support", "support")
		}
		fmt.Fprintf(&b, "\n— %s, %s :\n%s", who, m.At.Format("02/01/2006 15:04"), m.Body)
	}
	return bot.Reply{Text: b.String()}, nil
}

// resender is a ticket provider whose sending may fail and be retried
// (the e-mail ones: mailer.Tickets).
type resender interface {
	Resend(ctx context.Context, id string) error
}

// ticketChange is ticket resend (resend) or ticket reply. Sending again is a
// change (an e-mail to the provider), approved as the opening was.
type ticketChange struct {
	t      ticketCommands
	resend bool
}

func (k ticketChange) preview(ctx context.Context, c bot.Call) (string, error) {
	ref := c.Args.Get("ticket")
	tk, err := k.t.read(ctx, ref)
	_, resends := k.t.providers[tk.Provider].(resender)
	switch {
	case err != nil:
		return "", err
	case !k.resend && tk.State != "open":
		return "", bot.Userf("Le ticket %s est %s : il n'accepte plus de réponse.", "Ticket %s is %s: it takes no more replies.", ref, tk.State)
	case !k.resend:
		return fmt.Sprintf(c.T("Réponse au ticket %s (%s) :\n%s", "Reply to ticket %s (%s):\n%s"), ref, tk.Subject, c.Args.Get("texte")), nil
	case !resends:
		return "", bot.Userf("Les tickets %s ne se renvoient pas.", "%s tickets cannot be sent again.", bot.ProviderName(tk.Provider))
	case tk.State != "failed":
		return "", bot.Unchanged("Le ticket %s est %s : rien à renvoyer.", "Ticket %s is %s: nothing to send again.", ref, tk.State)
	}
	return fmt.Sprintf(c.T("Renvoi du ticket %s à %s (par e-mail au support)\nObjet : %s", "Ticket %s sent again to %s (by e-mail to the support)\nSubject: %s"),
		ref, bot.ProviderName(tk.Provider), tk.Subject), nil
}

func (k ticketChange) apply(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	ref := c.Args.Get("ticket")
	tk, id, err := k.t.of(ref)
	switch {
	case err != nil:
		return bot.Outcome{}, err
	case k.resend: // the preview checked that tk is a resender
		return applied(c, tk.(resender).Resend(ctx, id), "resend ticket", "Ticket %s envoyé", "Ticket %s sent", ref)
	}
	return applied(c, tk.Reply(ctx, id, c.Args.Get("texte")), "reply to ticket", "Réponse envoyée au ticket %s", "Reply sent to ticket %s", ref)
}
