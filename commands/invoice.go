package commands

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// payers approve payments: the treasurer or the president, never anyone else.
var payers = []bot.Role{bot.Treasurer, bot.President}

// invoiceCommands are the bills family (OVH). elsewhere, when set, is
// where PlanetHoster's invoices are read and paid: its API has none.
type invoiceCommands struct {
	bills     bot.Invoices
	elsewhere string
}

func (iv invoiceCommands) specs() []bot.Spec {
	if iv.bills == nil {
		return nil
	}
	return []bot.Spec{{
		Path: "invoice list", Help: "Liste les factures OVH des douze derniers mois (ou seulement les impayées) et le total dû.",
		HelpEN: "Lists the OVH bills of the last twelve months (or the unpaid ones only) and the total due.",
		Roles:  staff,
		Args:   []bot.Arg{{Name: "filtre", Choices: []string{"unpaid", "impayées", "impayees"}, Optional: true}},
		Read:   iv.list,
	}, {
		Path: "invoice pay", Help: "Paie ce qui reste dû sur une facture OVH (approbation du trésorier ou du président).",
		HelpEN:  "Pays what is due on an OVH bill (approved by the treasurer or the president).",
		Roles:   []bot.Role{bot.Admin, bot.Treasurer, bot.President},
		Args:    []bot.Arg{{Name: "facture", Type: argBillID}},
		Preview: iv.previewPay, Apply: iv.applyPay,
		Verify:    "invoice list unpaid",
		Financial: true, Approvers: payers,
	}}
}

func (iv invoiceCommands) list(ctx context.Context, c bot.Call) (bot.Reply, error) {
	list, err := iv.bills.List(ctx, c.Args.Has("filtre"))
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list bills: %w", err)
	}
	ph := planetHosterBills(c.Locale, iv.elsewhere)
	if len(list) == 0 {
		return bot.Reply{Text: c.T("Aucune facture OVH.", "No OVH bill.") + ph}, nil
	}
	var lines []string
	due := bot.Money{Currency: "EUR"}
	for _, i := range list {
		state := c.T(" — payée", " — paid")
		if i.Unpaid() {
			state = fmt.Sprintf(c.T(" — reste dû %s", " — %s due"), i.Due.Format(c.Locale))
		}
		lines = append(lines, fmt.Sprintf("%s — %s — %s — %s%s", i.ID, i.Date.Format("02/01/2006"), i.Category, i.Total.Format(c.Locale), state))
		due.Cents += i.Due.Cents
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("%d facture(s) OVH, total dû %s :\n%s", "%d OVH bill(s), total due %s:\n%s"),
		len(list), due.Format(c.Locale), strings.Join(lines, "\n")) + ph}, nil
}

// planetHosterBills says where PlanetHoster's invoices are, its client
// area (url): its API has none. "" without PlanetHoster (url empty).
func planetHosterBills(l bot.Locale, url string) string {
	if url == "" {
		return ""
	}
	return fmt.Sprintf(l.Pick("\nFactures PlanetHoster : son API n'en donne pas ; elles se lisent et se paient dans son espace client, %s » Facturation et paiements » Historique.",
		"\nPlanetHoster invoices: its API has none; read and pay them in its client area, %s » Billing & Payments » History."), url)
}

// payPlan is what an approved payment runs with: the means of payment
// and the amount the preview named.
type payPlan struct {
	Method bot.PaymentMethod `json:"method"`
	Amount bot.Money         `json:"amount"`
}

// methodNames are the payment types approvers read.
var methodNames = map[string][2]string{"CREDIT_CARD": {"carte", "card"}, "SEPA_DIRECT_DEBIT": {"prélèvement SEPA", "SEPA direct debit"},
	"PAYPAL": {"PayPal", "PayPal"}, "BANK_ACCOUNT": {"compte bancaire", "bank account"}}

// methodText names a means of payment: "carte 4970…1234".
func methodText(c bot.Call, m bot.PaymentMethod) string {
	return cmp.Or(c.T(methodNames[m.Type][0], methodNames[m.Type][1]), m.Type) + " " + m.Label
}

// previewPay is the text approvers read; the engine runs the payment only
// if it is still exactly what they approved (bill, amount and means of
// payment, kept as the plan). Without a valid means of payment there is
// nothing to approve: the requester gets the bill's payment link privately.
func (iv invoiceCommands) previewPay(ctx context.Context, c bot.Call) (string, error) {
	id := c.Args.Get("facture")
	list, err := iv.bills.List(ctx, true)
	if err != nil {
		return "", fmt.Errorf("list unpaid bills: %w", err)
	}
	i := slices.IndexFunc(list, func(b bot.Invoice) bool { return strings.EqualFold(b.ID, id) })
	if i < 0 {
		return "", bot.Unchanged("Rien n'est dû sur la facture %s (déjà payée ou inconnue ; voir /invoice list unpaid).",
			"Nothing is due on bill %s (already paid or unknown; see /invoice list unpaid).", id)
	}
	b := list[i]
	m, err := iv.bills.Method(ctx)
	if bot.KindOf(err) == bot.NotFound {
		link, err := iv.bills.Link(ctx, b.ID)
		if err != nil {
			return "", fmt.Errorf("read payment link: %w", err)
		}
		nc := bot.Unchanged("Aucun moyen de paiement valide chez OVH (ovh.payment_method ou celui par défaut) : rien à approuver. Payez en ligne les %s de la facture %s.",
			"No valid means of payment at OVH (ovh.payment_method or the default one): nothing to approve. Pay the %s of bill %s online.", b.Due.Format(c.Locale), b.ID)
		nc.Private = link
		return "", nc
	}
	if err != nil {
		return "", fmt.Errorf("choose payment method: %w", err)
	}
	if err := c.Keep(payPlan{Method: m, Amount: b.Due}); err != nil {
		return "", err
	}
	return fmt.Sprintf(c.T("Paiement de la facture OVH %s du %s (%s) : %s à payer par %s.", "Payment of OVH bill %s of %s (%s): %s to pay by %s."),
		b.ID, b.Date.Format("02/01/2006"), b.Category, b.Due.Format(c.Locale), methodText(c, m)), nil
}

func (iv invoiceCommands) applyPay(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	id := c.Args.Get("facture")
	var plan payPlan
	if err := c.Kept(&plan); err != nil {
		return bot.Outcome{}, err
	}
	p, err := iv.bills.Pay(ctx, id, plan.Method, plan.Amount)
	link := []bot.Private{{Text: fmt.Sprintf(c.T("Lien de paiement de la commande OVH %s (facture %s, %s) :", "Payment link of OVH order %s (bill %s, %s):"),
		p.Order, id, p.Amount.Format(c.Locale)), Secret: p.Link}}
	switch {
	case err != nil && bot.Refused(err) && !p.Link.Empty():
		return bot.Outcome{Text: fmt.Sprintf(c.T("⚠️ Commande de paiement %s créée chez OVH, mais le paiement automatique a échoué (%s) : le lien de paiement est envoyé en privé.",
			"⚠️ Payment order %s created at OVH, but the automatic payment failed (%s): the payment link is sent privately."),
			p.Order, bot.ErrorText(c.Locale, err, c.Invocation)), Private: link}, nil
	case err != nil:
		return bot.Outcome{}, fmt.Errorf("pay bill: %w", err)
	case !p.Paid:
		return bot.Outcome{Text: fmt.Sprintf(c.T("⚠️ Paiement de %s demandé pour la commande OVH %s, mais OVH la dit encore impayée (%s) : le lien de paiement est envoyé en privé.",
			"⚠️ Payment of %s asked for OVH order %s, but OVH still says it is unpaid (%s): the payment link is sent privately."), p.Amount.Format(c.Locale), p.Order, p.Status), Private: link}, nil
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T("Facture %s payée : %s par %s (commande OVH %s, état : %s)", "Bill %s paid: %s by %s (OVH order %s, state: %s)"),
		id, p.Amount.Format(c.Locale), methodText(c, plan.Method), p.Order, cmp.Or(p.Status, c.T("non relu", "not read")))}, nil
}
