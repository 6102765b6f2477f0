package commands

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
)

// Members are the capabilities of the members' systems: the register and
// staff accounts (Dolibarr), the newsletter (Brevo), the website accounts
// (WordPress), and how the coherence checks read them. A nil provider
// leaves out the commands that need it.
type Members struct {
	Adherents    bot.Adherents    // Dolibarr members
	Staff        bot.StaffUsers   // Dolibarr staff accounts
	StaffAdmin   bot.StaffAdmin   // Dolibarr staff changes
	Contacts     bot.Contacts     // Brevo contacts
	ContactAdmin bot.ContactAdmin // Brevo changes (coherence fix)
	WPUsers      bot.WPUsers      // WordPress accounts and their roles
	WPAdmin      bot.WPUserAdmin  // WordPress account creation
	WPLogin      string           // the bot's own WordPress login
	// Coherence says which Brevo list is the newsletter and which WordPress
	// roles are for members only.
	Coherence coherence.Config
	// Functions maps a function ("délégué", "trésorier", "membre du CA"…)
	// to the Dolibarr groups it grants.
	Functions map[string][]string
	// Now is the clock of the reports (default time.Now).
	Now func() time.Time
	// Sweeps records the summary of every complete sweep (counts only), for
	// /report month; nil records none.
	Sweeps SweepLog
}

// coherenceCommands are the coherence commands; they need Dolibarr and
// Brevo (WordPress is optional: without it its checks are skipped), and
// Brevo's changes for the fix.
type coherenceCommands struct {
	chk     *coherence.Checker
	admin   bot.ContactAdmin
	members bot.Adherents // a name's members
}

// newCoherenceCommands builds the checker over the members' systems; nil
// when Dolibarr or Brevo is missing.
func newCoherenceCommands(m Members) coherenceCommands {
	if m.Adherents == nil || m.Contacts == nil {
		return coherenceCommands{}
	}
	src := coherence.Sources{Members: m.Adherents, Contacts: m.Contacts, WordPress: m.WPUsers, Log: m.Sweeps}
	return coherenceCommands{chk: coherence.New(src, m.Coherence, m.Now), admin: m.ContactAdmin, members: m.Adherents}
}

func (k coherenceCommands) specs() []bot.Spec {
	if k.chk == nil {
		return nil
	}
	specs := []bot.Spec{{
		Path: "coherence member", Help: "Compare une personne (nom, adresse ou numéro d'adhérent) dans Dolibarr, Brevo et WordPress.",
		HelpEN: "Compares one person (name, address or member number) across Dolibarr, Brevo and WordPress.",
		Roles:  readers, Args: []bot.Arg{{Name: "adherent", Type: argMemberQuery, Rest: true}},
		Self: &bot.SelfService{Roles: []bot.Role{bot.Delegate}, Arg: "adherent"},
		Read: k.member,
	}, {
		Path: "coherence sweep", Help: "Compare tous les adhérents dans Dolibarr, Brevo et WordPress ; rapport complet en CSV.",
		HelpEN: "Compares every member across Dolibarr, Brevo and WordPress; full report as CSV.",
		Roles:  readers, Read: k.sweep,
	}}
	if k.admin != nil {
		specs = append(specs, bot.Spec{
			Path: "coherence fix", Help: "Met la lettre d'information en accord avec Dolibarr : ajoute les adhérents actifs manquants, retire les non-adhérents.",
			HelpEN: "Brings the newsletter in line with Dolibarr: adds missing active members, removes non-members.",
			Roles:  readers, Idempotent: true,
			Preview: k.previewFix, Apply: k.applyFix,
			Verify: "coherence sweep",
		})
	}
	return specs
}

func (k coherenceCommands) member(ctx context.Context, c bot.Call) (bot.Reply, error) {
	ref, choice, err := memberRef(ctx, k.members, c, "coherence member")
	if err != nil || choice != nil {
		return *cmp.Or(choice, &bot.Reply{}), err
	}
	p, err := k.chk.Member(ctx, ref)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("coherence member: %w", err)
	}
	if p.NotFound {
		if p.ByID {
			return bot.Reply{}, bot.Userf("Il n'y a pas d'adhérent n°%s dans Dolibarr.", "There is no member #%s in Dolibarr.", ref)
		}
		return bot.Reply{Text: fmt.Sprintf(c.T("%s n'est connue ni de Dolibarr, ni de Brevo, ni de WordPress.", "%s is known to none of Dolibarr, Brevo and WordPress."), ref)}, nil
	}
	return bot.Reply{Text: personText(c, k.chk.Config(), p)}, nil
}

// personText renders one person across the three systems.
func personText(c bot.Call, cfg coherence.Config, p coherence.Person) string {
	var b strings.Builder
	if p.Email != "" {
		b.WriteString(p.Email)
	} else {
		b.WriteString(c.T("(adhérent sans adresse : Brevo et WordPress ne peuvent pas être comparés)", "(member without an address: Brevo and WordPress cannot be compared)"))
	}
	read := true // every source could be read
	for _, s := range p.Report.Sources {
		var text string
		switch {
		case !s.Configured:
			continue
		case s.Err != nil:
			read = false
			text = c.T("lecture impossible — ", "could not be read — ") + bot.ErrorText(c.Locale, s.Err, c.Invocation)
		case s.Source == coherence.Dolibarr:
			var dol []string
			for _, m := range p.Members {
				dol = append(dol, fmt.Sprintf(c.T("n°%s %s, %s", "#%s %s, %s"), m.ID, m.Name(), statusText(c, m)))
			}
			text = cmp.Or(strings.Join(dol, " ; "), c.T("aucun adhérent", "no member"))
		case s.Source == coherence.Brevo:
			text = contactText(c, cfg, p.Contact)
		default:
			text = c.T("aucun compte", "no account")
			if u := p.WPUser; u != nil {
				text = fmt.Sprintf(c.T("compte %s, rôle(s) %s", "account %s, role(s) %s"), u.Username, u.RoleList())
			}
		}
		fmt.Fprintf(&b, "\n%s : %s", s.Source.Label(), text)
	}
	if len(p.Report.Findings) == 0 {
		if read {
			b.WriteString(c.T("\n✅ Aucune incohérence.", "\n✅ No inconsistency."))
		}
		return b.String()
	}
	b.WriteString(c.T("\nConstats :", "\nFindings:"))
	for _, f := range p.Report.Findings {
		fmt.Fprintf(&b, "\n⚠️ %s — %s : %s", f.Code, f.Code.Label(c.Locale), f.Detail(c.Locale))
	}
	return b.String()
}

func contactText(c bot.Call, cfg coherence.Config, ct *bot.Contact) string {
	switch {
	case ct == nil:
		return c.T("aucun contact", "no contact")
	case ct.Blacklisted:
		return c.T("contact bloqué (désinscrit de tous les envois)", "contact blocked (unsubscribed from all e-mail)")
	case ct.InList(cfg.NewsletterList):
		return fmt.Sprintf(c.T("dans la lettre d'information (liste %d)", "in the newsletter (list %d)"), cfg.NewsletterList)
	}
	return fmt.Sprintf(c.T("contact hors de la lettre d'information (liste %d)", "contact outside the newsletter (list %d)"), cfg.NewsletterList)
}

func (k coherenceCommands) sweep(ctx context.Context, c bot.Call) (bot.Reply, error) {
	r, err := k.chk.Sweep(ctx)
	if err != nil && !errors.Is(err, coherence.ErrIncomplete) {
		return bot.Reply{}, fmt.Errorf("coherence sweep: %w", err)
	}
	var csv bytes.Buffer
	if err := coherence.WriteCSV(&csv, &r, c.Locale); err != nil {
		return bot.Reply{}, fmt.Errorf("coherence sweep: write csv: %w", err)
	}
	name := "coherence-" + r.At.Format("20060102-1504") + ".csv"
	text := SweepSummary(c.Locale, c.Invocation, &r)
	text += fmt.Sprintf(c.T("\nRapport complet en pièce jointe : %s", "\nFull report attached: %s"), name)
	// The CSV holds members' personal data: the reply goes to the asker
	// only (Discord ephemeral, Mattermost private message, console @user).
	return bot.Reply{Text: text,
		Attachments: []bot.Attachment{{Name: name, ContentType: "text/csv; charset=utf-8", Data: csv.Bytes()}}}, nil
}

// SweepSummary renders a sweep for a channel: what was read, the count of
// every code, and, when a source failed, which one and how far it got. The
// nightly coherence alert uses it too.
func SweepSummary(l bot.Locale, ref string, r *coherence.Report) string {
	var b strings.Builder
	s := r.Stats
	fmt.Fprintf(&b, l.Pick("Relevé de cohérence du %s : %d adhérents (%d actifs), %d contacts Brevo (%d dans la lettre), %d comptes WordPress.",
		"Coherence sweep of %s: %d members (%d active), %d Brevo contacts (%d in the newsletter), %d WordPress accounts."),
		r.At.Format("02/01/2006 15:04"), s.Members, s.Active, s.Contacts, s.InList, s.WPUsers)
	for _, f := range r.Failed() {
		fmt.Fprintf(&b, l.Pick("\n⚠️ %s : échec après %d page(s), %d enregistrement(s) lus — %s", "\n⚠️ %s: failed after %d page(s), %d record(s) read — %s"),
			f.Source.Label(), f.Pages, f.Records, bot.ErrorText(l, f.Err, ref))
	}
	counts := r.Counts()
	for _, code := range coherence.Codes {
		if slices.Contains(r.Skipped, code) {
			fmt.Fprintf(&b, l.Pick("\n%s : non vérifié (source incomplète)", "\n%s: not checked (source incomplete)"), code)
			continue
		}
		fmt.Fprintf(&b, "\n%s : %d — %s", code, counts[code], code.Label(l))
	}
	if s.NoEmail > 0 {
		fmt.Fprintf(&b, l.Pick("\n%d adhérent(s) sans adresse utilisable (non comparés).", "\n%d member(s) without a usable address (not compared)."), s.NoEmail)
	}
	if !r.Complete() {
		b.WriteString(l.Pick("\nRelevé incomplet : /coherence fix est refusé tant qu'un relevé complet n'a pas réussi.",
			"\nIncomplete sweep: /coherence fix is refused until a complete sweep succeeds."))
	}
	return b.String()
}

// previewFix plans the fix from a fresh sweep. The preview, posted in the
// approvals channel, gives counts and names nobody; the exact plan (the
// addresses) is kept with the request (bot.Call.Keep), and the engine runs
// it only if the plan computed at execution is the same.
func (k coherenceCommands) previewFix(ctx context.Context, c bot.Call) (string, error) {
	r, err := k.chk.Sweep(ctx)
	if err != nil && !errors.Is(err, coherence.ErrIncomplete) {
		return "", fmt.Errorf("coherence fix: %w", err)
	}
	f, err := coherence.PlanFix(&r, k.chk.Config()) // refuses an incomplete sweep, naming the sources that failed
	if err != nil {
		return "", err
	}
	if f.Empty() {
		return "", bot.Unchanged("La lettre d'information est déjà en accord avec Dolibarr : rien à corriger.", "The newsletter already matches Dolibarr: nothing to fix.")
	}
	if err := c.Keep(f); err != nil {
		return "", fmt.Errorf("coherence fix: %w", err)
	}
	return f.Preview(c.Locale, 0) + c.T("\nDétail par personne : /coherence sweep (rapport CSV).", "\nPer person: /coherence sweep (CSV report)."), nil
}

// applyFix runs the approved plan, never a recomputed one. Removals go
// first: a non-member must not stay in the list because an addition failed.
func (k coherenceCommands) applyFix(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	var f coherence.Fix
	if err := c.Kept(&f); err != nil {
		return bot.Outcome{}, fmt.Errorf("coherence fix: %w", err)
	}
	note := c.T("identique à l'aperçu", "same as the preview")
	var removed, added, failed []string
	var created int
	// What was done, and what is not known to be; the engine adds whether
	// to try again (refused) or to check first (unknown).
	stop := func(err error, what, whatEN string) error {
		return partial(c, err, "Correction interrompue pendant %[1]s : %[2]d retrait(s), %[3]d ajout(s), %[4]d création(s) faits ; non confirmés : %[6]d retrait(s), %[7]d ajout(s), %[8]d création(s).",
			"Fix interrupted while %[5]s: %[2]d removal(s), %[3]d addition(s), %[4]d creation(s) done; not confirmed: %[6]d removal(s), %[7]d addition(s), %[8]d creation(s).",
			what, len(removed), len(added), created, whatEN, len(f.Remove)-len(removed), len(f.Add)-len(added), len(f.Create)-created)
	}
	if len(f.Remove) > 0 {
		ch, err := k.admin.RemoveFromList(ctx, f.List, f.Remove)
		removed, failed = append(removed, ch.Done...), append(failed, ch.Failed...)
		if err != nil {
			return bot.Outcome{}, stop(err, "les retraits", "removing")
		}
	}
	if len(f.Add) > 0 {
		ch, err := k.admin.AddToList(ctx, f.List, f.Add)
		added, failed = append(added, ch.Done...), append(failed, ch.Failed...)
		if err != nil {
			return bot.Outcome{}, stop(err, "les ajouts", "adding")
		}
	}
	for _, ct := range f.Create {
		if err := k.admin.SaveContact(ctx, ct); err != nil {
			return bot.Outcome{}, stop(err, "les créations", "creating")
		}
		created++
	}
	text := fmt.Sprintf(c.T("Lettre d'information corrigée (%s) : %d retrait(s), %d ajout(s), %d contact(s) créé(s)", "Newsletter fixed (%s): %d removal(s), %d addition(s), %d contact(s) created"),
		note, len(removed), len(added), created)
	if len(failed) > 0 { // the outcome is posted in a channel: a count, not the addresses
		text += fmt.Sprintf(c.T(" ; %d adresse(s) refusée(s) par Brevo (voir /coherence sweep)", "; %d address(es) refused by Brevo (see /coherence sweep)"), len(failed))
	}
	return bot.Outcome{Text: text}, nil
}
