package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// AlertLinks are the alerts' states and their links to tickets.
// *alerts.Cycle provides it.
type AlertLinks interface {
	// Alert returns the state of key; ok is false if it never fired.
	Alert(ctx context.Context, key string) (s alerts.State, ok bool, err error)
	// Link ties ticket ref, opened by the request posted as post in
	// channel, to the open episode of key; NotFound if it is not open.
	Link(ctx context.Context, key, ref, channel, post string) error
	// Linked returns the alert tied to ticket ref; ok is false if none is.
	Linked(ctx context.Context, ref string) (s alerts.State, ok bool, err error)
}

// TicketRule sends the alerts it matches to a recipient (To): "ovh",
// "planethoster" or "cf2d" (an incident under the support contract). Every
// field set must match: Check the name of the check that raised the alert,
// Server its server, Key a prefix of its key.
type TicketRule struct {
	Check  string `yaml:"check"`
	Server string `yaml:"server"`
	Key    string `yaml:"key"`
	To     string `yaml:"to"`
}

// Recipients are the values a TicketRule's To may take.
var Recipients = []string{"ovh", "planethoster", "cf2d"}

// AlertTickets turn an alert into a ticket (alerts.tickets): the first rule
// that matches an alert names its recipient.
type AlertTickets struct {
	Links AlertLinks
	Rules []TicketRule
}

func (t *AlertTickets) recipient(s alerts.State) string {
	for _, r := range t.Rules {
		if (r.Check == "" || r.Check == s.Check) && (r.Server == "" || r.Server == s.Server) && strings.HasPrefix(s.Key, r.Key) {
			return r.To
		}
	}
	return ""
}

// Line returns the command a 🎫 on alert s asks for, prefilled: the ticket
// (or the CF2D incident) for an open alert, its closing reply once the
// alert recovered. The engine runs it as the person who reacted, so it is
// a change request like any other. A 🎫 that asks for nothing gets a
// *bot.UserError saying why.
func (t *AlertTickets) Line(s alerts.State) (string, error) {
	switch {
	case s.Ticket != "" && !s.Open && strings.HasPrefix(s.Ticket, "INC-"):
		return "evolution close " + s.Ticket, nil
	case s.Ticket != "" && !s.Open:
		return fmt.Sprintf("ticket reply %s -- %s", s.Ticket, closingReply(s)), nil
	case s.Ticket != "":
		return "", bot.Userf("L'alerte `%s` a déjà son ticket : %s.", "Alert `%s` already has its ticket: %s.", s.Key, s.Ticket)
	case !s.Open:
		return "", bot.Userf("L'alerte `%s` est rétablie : pas de ticket à ouvrir.", "Alert `%s` has recovered: no ticket to open.", s.Key)
	case t.recipient(s) == "":
		return "", bot.Userf("Aucune règle d'alerts.tickets ne donne de destinataire à l'alerte `%s`.", "No rule of alerts.tickets gives alert `%s` a recipient.", s.Key)
	case t.recipient(s) == "cf2d":
		return fmt.Sprintf("evolution incident %s %s -- %s", bot.Quote(alertSubject(s.Key)), s.Key, alertBody(s)), nil
	}
	return fmt.Sprintf("ticket alert %s -- %s", s.Key, alertBody(s)), nil
}

// Hook is the alert life cycle's ticket hook (alerts.CycleConfig.Ticket):
// it hands h the command Line asks for, as the person who reacted, whose
// answers go to them privately through chat.
func (t *AlertTickets) Hook(h bot.Handler, chat bot.Chat, l bot.Locale) func(context.Context, bot.Reaction, alerts.State) {
	return func(ctx context.Context, r bot.Reaction, s alerts.State) {
		answer := bot.ResponderFunc(func(ctx context.Context, rep bot.Reply) error {
			return chat.Direct(ctx, r.User.ID, bot.Message{Text: rep.Text, Attachments: rep.Attachments})
		})
		line, err := t.Line(s)
		if err == nil {
			h.Handle(ctx, bot.Invocation{Platform: r.Platform, Caller: r.User, Channel: r.Channel, Text: line, Respond: answer})
			return
		}
		if err := answer(ctx, bot.Reply{Text: bot.ErrorText(l, err, "")}); err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Str("alert", s.Key).Msg("ticket answer not delivered")
		}
	}
}

// alertSubject is the subject of an alert's ticket. The texts for the
// provider are in French, the providers' language.
func alertSubject(key string) string { return "Alerte " + key }

// alertBody is the prefilled text of an alert's ticket: its key, first
// failure, last detail and server.
func alertBody(s alerts.State) string {
	var b strings.Builder
	b.WriteString("Bonjour,\n\nNotre supervision signale le problème suivant.\n")
	fmt.Fprintf(&b, "Alerte : %s\n", s.Key)
	if s.Server != "" {
		fmt.Fprintf(&b, "Serveur : %s\n", s.Server)
	}
	fmt.Fprintf(&b, "Première détection : %s\n", s.Since.Format("02/01/2006 15:04"))
	fmt.Fprintf(&b, "Dernier constat : %s\n", s.Title)
	if s.Detail != "" {
		b.WriteString(s.Detail + "\n")
	}
	b.WriteString("\nMerci de nous en indiquer la cause et la correction.")
	return b.String()
}

// closingReply is the prefilled reply that closes a ticket once its alert
// recovered.
func closingReply(s alerts.State) string {
	return fmt.Sprintf("Bonjour,\n\nLe problème signalé (alerte %s) est résolu depuis le %s. Vous pouvez clore ce ticket.\n\nMerci.",
		s.Key, s.Ended.Format("02/01/2006 à 15:04"))
}

// noAlert says there is no alert key.
func noAlert(key string) error {
	return bot.Userf("Aucune alerte « %s ». /alerts list montre les clés des alertes.", "No alert %q. /alerts list shows the alert keys.", key)
}

// unticketed returns the open alert key, which has no ticket yet: the
// alert a ticket is asked for.
func (t *AlertTickets) unticketed(ctx context.Context, key string) (alerts.State, error) {
	s, ok, err := t.Links.Alert(ctx, key)
	switch {
	case err != nil:
		return s, fmt.Errorf("read alert %s: %w", key, err)
	case !ok:
		return s, noAlert(key)
	case !s.Open:
		return s, bot.Unchanged("L'alerte `%s` est rétablie : pas de ticket à ouvrir.", "Alert `%s` has recovered: no ticket to open.", key)
	case s.Ticket != "":
		return s, bot.Unchanged("L'alerte `%s` a déjà son ticket : %s.", "Alert `%s` already has its ticket: %s.", key, s.Ticket)
	}
	return s, nil
}

// link ties ref to the alert key once the approved request c opened it. The
// ticket exists whatever happens here: a link that fails is said in the
// outcome, not returned as an error.
func (t *AlertTickets) link(ctx context.Context, c bot.Call, key, ref string) string {
	var channel, post string
	if c.Request != nil {
		channel, post = c.Request.Channel, c.Request.MessageID
	}
	if err := t.Links.Link(ctx, key, ref, channel, post); err != nil {
		return fmt.Sprintf(c.T(" ; il n'a pas pu être lié à l'alerte `%s` (%s)", "; it could not be linked to alert `%s` (%s)"), key, bot.ErrorText(c.Locale, err, c.Invocation))
	}
	return fmt.Sprintf(c.T(", lié à l'alerte `%s` : son rétablissement sera signalé ici", ", linked to alert `%s`: its recovery will be posted here"), key)
}

// alertTicketSpec is /ticket alert: a host ticket for an alert, whose
// recipient the rules give.
func (t ticketCommands) alertTicketSpec() []bot.Spec {
	if t.alarms == nil {
		return nil
	}
	return []bot.Spec{{
		Path: "ticket alert", Help: "Ouvre chez l'hébergeur le ticket d'une alerte (réagir 🎫 à l'alerte le prépare) : /ticket alert CLE -- texte.",
		HelpEN:  "Opens with the host the ticket of an alert (reacting 🎫 to the alert prepares it): /ticket alert KEY -- text.",
		Roles:   admins,
		Args:    []bot.Arg{{Name: "cle", Type: bot.ArgWord}, {Name: "texte", Type: argBody, After: true}},
		Preview: t.previewAlert, Apply: t.applyAlert,
		Verify: "alerts list",
	}}
}

func (t ticketCommands) previewAlert(ctx context.Context, c bot.Call) (string, error) {
	key := c.Args.Get("cle")
	s, err := t.alarms.unticketed(ctx, key)
	if err != nil {
		return "", err
	}
	to := t.alarms.recipient(s)
	switch {
	case to == "":
		return "", bot.Userf("Aucune règle d'alerts.tickets ne donne de destinataire à l'alerte `%s`.", "No rule of alerts.tickets gives alert `%s` a recipient.", key)
	case to == "cf2d":
		return "", bot.Userf("L'alerte `%s` va à CF2D : /evolution incident.", "Alert `%s` goes to CF2D: /evolution incident.", key)
	case t.providers[to] == nil:
		return "", bot.Userf("Aucun compte d'hébergeur ne reçoit l'alerte `%s` (alerts.tickets : « %s »).", "No host account receives alert `%s` (alerts.tickets: %q).", key, to)
	}
	return fmt.Sprintf(c.T("Nouveau ticket chez %s pour l'alerte `%s`\nObjet : %s\nTexte :\n%s\nUne fois ouvert, il est lié à l'alerte : son rétablissement sera signalé ici.",
		"New ticket with %s for alert `%s`\nSubject: %s\nText:\n%s\nOnce opened, it is linked to the alert: its recovery will be posted here."),
		bot.ProviderName(to), key, alertSubject(key), c.Args.Get("texte")), nil
}

func (t ticketCommands) applyAlert(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	key := c.Args.Get("cle")
	s, _, err := t.alarms.Links.Alert(ctx, key)
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("read alert %s: %w", key, err)
	}
	p := t.alarms.recipient(s) // the preview, just recomputed, checked it
	tk, err := t.providers[p].Open(ctx, alertSubject(key), c.Args.Get("texte"))
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("open ticket: %w", err)
	}
	ref := ticketRef(p, tk.ID)
	return bot.Outcome{Text: fmt.Sprintf(c.T("Ticket %s ouvert chez %s", "Ticket %s opened with %s"), ref, bot.ProviderName(p)) + t.alarms.link(ctx, c, key, ref)}, nil
}

// alertLine names the alert tied to ticket ref, for /ticket show and
// /evolution show; "" when none is.
func alertLine(ctx context.Context, c bot.Call, links AlertLinks, ref string) string {
	s, ok, err := links.Linked(ctx, ref)
	switch {
	case err != nil:
		return c.T("\nAlerte : ", "\nAlert: ") + bot.ErrorText(c.Locale, err, c.Invocation)
	case !ok:
		return ""
	case s.Open:
		return fmt.Sprintf(c.T("\nAlerte : `%s` — en cours depuis le %s", "\nAlert: `%s` — open since %s"), s.Key, s.Since.Format("02/01/2006 15:04"))
	}
	return fmt.Sprintf(c.T("\nAlerte : `%s` — rétablie le %s", "\nAlert: `%s` — recovered on %s"), s.Key, s.Ended.Format("02/01/2006 15:04"))
}
