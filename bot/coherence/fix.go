package coherence

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// Fix is the newsletter part of a report turned into changes: what makes
// the newsletter list hold exactly the active members who have not
// unsubscribed. Blacklisted members are left alone (only they can
// resubscribe), and so are duplicates, WordPress roles and names, which need
// a person's judgement.
type Fix struct {
	List int
	// Add are existing Brevo contacts (as Brevo writes their address) to add
	// to the list.
	Add []string
	// Create are active members without a Brevo contact: created in the list.
	Create []bot.Contact
	// Remove are the Brevo addresses of list contacts who are not active members.
	Remove []string
	// names maps an address of the fix to the person's name, for previews.
	names map[string]string
}

// PlanFix builds the fix of a report. It refuses (a *bot.UserError) a report
// that is not complete — a source that failed or was skipped would turn
// every member into a "missing" one — and a report with no active member at
// all, which means a misconfigured Dolibarr key rather than an empty
// association, and would empty the list.
func PlanFix(r *Report, cfg Config) (Fix, error) {
	if !r.Complete() || slices.Contains(r.Skipped, MissingInNewsletter) {
		return Fix{}, incompleteRefusal(r)
	}
	if r.Stats.Active == 0 {
		return Fix{}, bot.Userf("Dolibarr n'a renvoyé aucun adhérent actif : je ne corrige rien (la liste serait vidée). Vérifiez les droits de la clé d'API Dolibarr.",
			"Dolibarr returned no active member: nothing is fixed (the list would be emptied). Check the rights of the Dolibarr API key.")
	}
	f := Fix{List: cfg.NewsletterList, names: map[string]string{}}
	for i := range r.Findings {
		x := &r.Findings[i]
		switch {
		case x.Code == MissingInNewsletter && x.HasContact:
			f.Add = append(f.Add, x.ContactEmail)
			f.names[x.ContactEmail] = x.MemberName
		case x.Code == MissingInNewsletter:
			f.Create = append(f.Create, bot.Contact{Email: x.Email, FirstName: x.FirstName, LastName: x.LastName, ListIDs: []int{cfg.NewsletterList}})
			f.names[x.Email] = x.MemberName
		case x.Code == NotMemberInNewsletter:
			f.Remove = append(f.Remove, x.ContactEmail)
			f.names[x.ContactEmail] = cmp.Or(x.ContactName, x.MemberName)
		}
	}
	// Sorted, the same plan always encodes the same way: the engine compares
	// the approved plan with the one computed at execution.
	slices.Sort(f.Add)
	slices.Sort(f.Remove)
	slices.SortFunc(f.Create, func(a, b bot.Contact) int { return strings.Compare(a.Email, b.Email) })
	return f, nil
}

// incompleteRefusal says which sources failed and how far they got.
func incompleteRefusal(r *Report) error {
	var fr, en []string
	for _, s := range r.Failed() {
		fr = append(fr, fmt.Sprintf("%s (échec après %d page(s), %d enregistrement(s) lus)", s.Source.Label(), s.Pages, s.Records))
		en = append(en, fmt.Sprintf("%s (failed after %d page(s), %d record(s) read)", s.Source.Label(), s.Pages, s.Records))
	}
	for _, s := range r.Sources {
		if !s.Configured && (s.Source == Dolibarr || s.Source == Brevo) {
			fr = append(fr, s.Source.Label()+" (non configuré)")
			en = append(en, s.Source.Label()+" (not configured)")
		}
	}
	return bot.Userf("Le relevé est incomplet : %[1]s. Aucune correction n'est proposée à partir de données partielles ; relancez plus tard.",
		"The sweep is incomplete: %[2]s. No fix is offered from partial data; try again later.", strings.Join(fr, ", "), strings.Join(en, ", "))
}

// Empty reports whether the fix changes nothing.
func (f *Fix) Empty() bool { return len(f.Add) == 0 && len(f.Create) == 0 && len(f.Remove) == 0 }

// Fingerprint identifies the exact changes (sorted addresses), so that the
// execution can tell whether it does what the preview showed.
func (f *Fix) Fingerprint() string {
	h := sha256.New()
	part := func(tag string, list []string) {
		s := slices.Sorted(slices.Values(list))
		fmt.Fprintf(h, "%s %d\n%s\n", tag, len(s), strings.Join(s, "\n"))
	}
	fmt.Fprintf(h, "list %d\n", f.List)
	part("add", f.Add)
	part("create", f.createEmails())
	part("remove", f.Remove)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func (f *Fix) createEmails() []string {
	out := make([]string, len(f.Create))
	for i, c := range f.Create {
		out[i] = c.Email
	}
	return out
}

// Counts returns "12 ajout(s) …" in the locale.
func (f *Fix) Counts(l bot.Locale) string {
	return fmt.Sprintf(l.Pick("%d ajout(s) de contacts existants, %d contact(s) créé(s), %d retrait(s)", "%d existing contact(s) added, %d contact(s) created, %d removal(s)"),
		len(f.Add), len(f.Create), len(f.Remove))
}

// Preview describes the fix: the counts, the first n people of each part
// (none when n is 0: a preview posted in a channel names nobody), and the
// fingerprint.
func (f *Fix) Preview(l bot.Locale, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, l.Pick("Lettre d'information (liste Brevo %d) : %s.", "Newsletter (Brevo list %d): %s."), f.List, f.Counts(l))
	first := func(title string, emails []string) {
		if len(emails) == 0 || n <= 0 {
			return
		}
		shown := make([]string, 0, n)
		for _, e := range emails[:min(n, len(emails))] {
			if name := f.names[e]; name != "" {
				e = name + " <" + e + ">"
			}
			shown = append(shown, e)
		}
		more := ""
		if len(emails) > n {
			more = fmt.Sprintf(l.Pick(" et %d autre(s)", " and %d more"), len(emails)-n)
		}
		fmt.Fprintf(&b, "\n%s : %s%s", title, strings.Join(shown, ", "), more)
	}
	first(l.Pick("Retraits (non adhérents)", "Removals (not members)"), f.Remove)
	first(l.Pick("Ajouts à la liste", "Added to the list"), f.Add)
	first(l.Pick("Contacts créés", "Contacts created"), f.createEmails())
	fmt.Fprintf(&b, l.Pick("\nLes retraits passent en premier, puis les ajouts, par lots. Empreinte : %s", "\nRemovals go first, then additions, in batches. Fingerprint: %s"), f.Fingerprint())
	return b.String()
}
