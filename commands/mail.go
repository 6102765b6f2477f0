package commands

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/anopex/opsbot/bot"
)

// mailCommands are the mailbox commands (cPanel): mailboxes, forwarders
// and distribution lists. domain is the association's mail domain, used
// when a command lists forwarders without an address.
type mailCommands struct {
	boxes  bot.Mail
	domain string
}

func (m mailCommands) specs() []bot.Spec {
	if m.boxes == nil {
		return nil
	}
	box := bot.Arg{Name: "boite", Type: argMailbox(m.domain)}
	dest := bot.Arg{Name: "destination", Type: argAddress(m.domain)}
	dests := bot.Arg{Name: "destination", Type: argEmails(m.domain), Rest: true}
	return []bot.Spec{{
		Path: "mail list", Help: "Liste les boîtes aux lettres avec leur occupation (filtre facultatif).",
		HelpEN: "Lists mailboxes with their usage (optional filter).",
		Roles:  readers, Args: []bot.Arg{{Name: "filtre", Type: bot.ArgWord, Optional: true}},
		Read: m.list,
	}, {
		Path: "mail show", Help: "Affiche une boîte : quota, occupation, suspension, redirections.",
		HelpEN: "Shows a mailbox: quota, usage, suspension, forwarders.",
		Roles:  readers, Args: []bot.Arg{box},
		Self: &bot.SelfService{Roles: []bot.Role{bot.Delegate}, Arg: "boite"},
		Read: m.show,
	}, {
		Path: "mail create", Help: "Crée une boîte ; son mot de passe arrive en message privé.",
		HelpEN: "Creates a mailbox; its password arrives by private message.",
		Roles:  admins, Args: []bot.Arg{box, {Name: "quota", Type: argQuota, Optional: true, Rest: true}},
		Preview: m.previewCreate, Apply: m.applyCreate,
		Verify: "mail show {boite}", Recipient: "boite",
	}, {
		Path: "mail passwd", Help: "Réinitialise le mot de passe d'une boîte ; il arrive en message privé.",
		HelpEN: "Resets a mailbox password; it arrives by private message.",
		Roles:  admins, Args: []bot.Arg{box},
		Self:    &bot.SelfService{Roles: []bot.Role{bot.Delegate}, Arg: "boite", NoApproval: true},
		Preview: m.previewPasswd, Apply: m.applyPasswd,
		Verify: "mail show {boite}", Recipient: "boite",
	}, {
		Path: "mail delete", Help: "Supprime une boîte et son contenu.",
		HelpEN: "Deletes a mailbox and its content.",
		Roles:  admins, Args: []bot.Arg{box},
		Preview: m.previewDelete, Apply: m.applyDelete,
		Verify: "mail show {boite}",
	}, {
		Path: "mail quota", Help: "Change le quota d'une boîte (500 Mo, 2 Go, 1,5 Go, illimité).",
		HelpEN: "Changes a mailbox quota (500 MB, 2 GB, 1.5 GB, unlimited).",
		Roles:  admins, Args: []bot.Arg{box, {Name: "taille", Type: argQuota, Rest: true}},
		Preview: m.previewQuota, Apply: m.applyQuota, Idempotent: true,
		Verify: "mail show {boite}",
	}, {
		Path: "mail suspend", Help: "Suspend la connexion à une boîte (elle reçoit toujours le courrier).",
		HelpEN: "Suspends a mailbox login (it still receives mail).",
		Roles:  admins, Args: []bot.Arg{box}, Idempotent: true,
		Preview: loginChange{m, true}.preview, Apply: loginChange{m, true}.apply,
		Verify: "mail show {boite}",
	}, {
		Path: "mail unsuspend", Help: "Rétablit la connexion à une boîte.",
		HelpEN: "Restores a mailbox login.",
		Roles:  admins, Args: []bot.Arg{box}, Idempotent: true,
		Preview: loginChange{m, false}.preview, Apply: loginChange{m, false}.apply,
		Verify: "mail show {boite}",
	}, {
		Path: "mail forward list", Help: "Liste les redirections (d'une adresse, ou de tout le domaine).",
		HelpEN: "Lists forwarders (of one address, or of the whole domain).",
		Roles:  readers, Args: []bot.Arg{{Name: "adresse", Type: box.Type, Optional: true}},
		Read: m.listForwards,
	}, {
		Path: "mail forward add", Help: "Ajoute une redirection d'une adresse vers une autre.",
		HelpEN: "Adds a forwarder from one address to another.",
		Roles:  admins, Args: []bot.Arg{{Name: "adresse", Type: box.Type}, dest},
		Preview: forwardChange{m, true}.preview, Apply: forwardChange{m, true}.apply,
		Verify: "mail forward list {adresse}",
	}, {
		Path: "mail forward remove", Help: "Retire une redirection.",
		HelpEN: "Removes a forwarder.",
		Roles:  admins, Args: []bot.Arg{{Name: "adresse", Type: box.Type}, dest},
		Preview: forwardChange{m, false}.preview, Apply: forwardChange{m, false}.apply,
		Verify: "mail forward list {adresse}",
	}, {
		Path: "mail lists", Help: "Liste les listes de diffusion (adresses sans boîte redirigées) avec leur nombre de membres.",
		HelpEN: "Lists the distribution lists (forwarded addresses without a mailbox) with their number of members.",
		Roles:  readers, Read: m.lists,
	}, {
		Path: "mail list-members", Help: "Liste les membres d'une liste de diffusion.",
		HelpEN: "Lists the members of a distribution list.",
		Roles:  readers, Args: []bot.Arg{{Name: "liste", Type: box.Type}},
		Read: m.listMembers,
	}, {
		// A distribution list is a set of forwarders from one address: the
		// list commands are the forwarder commands on the argument "liste".
		Path: "mail list-add", Help: "Ajoute une ou plusieurs adresses à une liste de diffusion.",
		HelpEN: "Adds one or more addresses to a distribution list.",
		Roles:  admins, Args: []bot.Arg{{Name: "liste", Type: box.Type}, dests},
		Preview: forwardChange{m, true}.preview, Apply: forwardChange{m, true}.apply,
		Verify: "mail list-members {liste}",
	}, {
		Path: "mail list-remove", Help: "Retire une ou plusieurs adresses d'une liste de diffusion.",
		HelpEN: "Removes one or more addresses from a distribution list.",
		Roles:  admins, Args: []bot.Arg{{Name: "liste", Type: box.Type}, dests},
		Preview: forwardChange{m, false}.preview, Apply: forwardChange{m, false}.apply,
		Verify: "mail list-members {liste}",
	}}
}

// mailbox reads one mailbox and turns NotFound into a sentence for people.
func mailbox(ctx context.Context, m bot.Mailboxes, addr string) (bot.Mailbox, error) {
	mb, err := m.Mailbox(ctx, addr)
	return found(mb, err, "read mailbox", bot.Userf("Il n'y a pas de boîte %s. Vérifiez l'adresse avec /mail list.", "There is no mailbox %s. Check the address with /mail list.", addr))
}

func usage(c bot.Call, mb bot.Mailbox) string {
	s := fmt.Sprintf("%s / %s", bot.FormatMB(c.Locale, mb.UsedMB), bot.FormatQuota(c.Locale, mb.QuotaMB))
	if mb.QuotaMB > 0 {
		s += fmt.Sprintf(" (%.0f %%)", mb.UsedPercent())
	}
	return s
}

func (m mailCommands) list(ctx context.Context, c bot.Call) (bot.Reply, error) {
	all, err := m.boxes.Mailboxes(ctx)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list mailboxes: %w", err)
	}
	f := strings.ToLower(c.Args.Get("filtre"))
	var lines []string
	for _, mb := range all {
		if !strings.Contains(mb.Address, f) {
			continue
		}
		line := mb.Address + " — " + usage(c, mb)
		if mb.SuspendedLogin {
			line += c.T(" — connexion suspendue", " — login suspended")
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return bot.Reply{Text: c.T("Aucune boîte ne correspond.", "No mailbox matches.")}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("%d boîte(s) :\n", "%d mailbox(es):\n"), len(lines)) + strings.Join(lines, "\n")}, nil
}

func (m mailCommands) show(ctx context.Context, c bot.Call) (bot.Reply, error) {
	addr := c.Args.Get("boite")
	mb, err := mailbox(ctx, m.boxes, addr)
	if err != nil {
		return bot.Reply{}, err
	}
	state := c.T("active", "active")
	if mb.SuspendedLogin {
		state = c.T("connexion suspendue", "login suspended")
	}
	text := fmt.Sprintf(c.T("Boîte %s\nOccupation : %s\nÉtat : %s", "Mailbox %s\nUsage: %s\nState: %s"), mb.Address, usage(c, mb), state)
	fw, err := m.boxes.Forwarders(ctx, domainOf(addr))
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list forwarders: %w", err)
	}
	for _, f := range fw {
		switch {
		case strings.EqualFold(f.Address, addr):
			text += fmt.Sprintf(c.T("\nRedirigée aussi vers %s", "\nAlso forwarded to %s"), f.Dest)
		case strings.EqualFold(f.Dest, addr):
			text += fmt.Sprintf(c.T("\nReçoit le courrier de %s", "\nReceives mail sent to %s"), f.Address)
		}
	}
	return bot.Reply{Text: text}, nil
}

func domainOf(addr string) string { return addr[strings.LastIndexByte(addr, '@')+1:] }

func (m mailCommands) previewCreate(ctx context.Context, c bot.Call) (string, error) {
	addr := c.Args.Get("boite")
	_, err := m.boxes.Mailbox(ctx, addr)
	switch {
	case err == nil:
		return "", bot.Userf("La boîte %s existe déjà.", "Mailbox %s already exists.", addr)
	case bot.KindOf(err) != bot.NotFound:
		return "", fmt.Errorf("read mailbox: %w", err)
	}
	return fmt.Sprintf(c.T("Création de la boîte %s (quota : %s) ; le mot de passe sera envoyé en message privé.",
		"Create mailbox %s (quota: %s); the password will be sent by private message."), addr, bot.FormatQuota(c.Locale, quotaArg(c))), nil
}

// quotaArg returns the quota argument, 1 GB when absent.
func quotaArg(c bot.Call) int {
	if c.Args.Has("quota") {
		return c.Args.Int("quota")
	}
	return 1024
}

func (m mailCommands) applyCreate(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	addr := c.Args.Get("boite")
	return withPassword(func(pw bot.Secret) error { return m.boxes.CreateMailbox(ctx, addr, pw, quotaArg(c)) }, "create mailbox", addr,
		fmt.Sprintf(c.T("Boîte %s créée", "Mailbox %s created"), addr),
		fmt.Sprintf(c.T("Mot de passe de la nouvelle boîte %s :", "Password of the new mailbox %s:"), addr))
}

func (m mailCommands) previewPasswd(ctx context.Context, c bot.Call) (string, error) {
	mb, err := mailbox(ctx, m.boxes, c.Args.Get("boite"))
	if err != nil {
		return "", err
	}
	text := fmt.Sprintf(c.T("Nouveau mot de passe pour %s, envoyé en message privé à sa ou son titulaire (sinon au demandeur).",
		"New password for %s, sent by private message to its owner (else to the requester)."), mb.Address)
	if mb.SuspendedLogin { // part of the preview, so that a suspension in between makes the request stale
		text += fmt.Sprintf(c.T(" La connexion à %s est suspendue : le mot de passe ne servira qu'après /mail unsuspend.",
			" Login to %s is suspended: the password is of use only after /mail unsuspend."), mb.Address)
	}
	return text, nil
}

func (m mailCommands) applyPasswd(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	addr := c.Args.Get("boite")
	return withPassword(func(pw bot.Secret) error { return m.boxes.SetPassword(ctx, addr, pw) }, "set password", addr,
		fmt.Sprintf(c.T("Mot de passe de %s changé", "Password of %s changed"), addr),
		fmt.Sprintf(c.T("Nouveau mot de passe de %s :", "New password of %s:"), addr))
}

func (m mailCommands) previewDelete(ctx context.Context, c bot.Call) (string, error) {
	addr := c.Args.Get("boite")
	mb, err := m.boxes.Mailbox(ctx, addr)
	if mb, err = found(mb, err, "read mailbox", bot.Unchanged("Il n'y a pas de boîte %s : rien à supprimer (voir /mail list).", "There is no mailbox %s: nothing to delete (see /mail list).", addr)); err != nil {
		return "", err
	}
	// No usage here: mail arriving before the approval would move the
	// preview and make every delete stale; /mail show tells the size.
	return fmt.Sprintf(c.T("Suppression de la boîte %s et de tout son contenu.", "Delete mailbox %s and all its content."), mb.Address), nil
}

func (m mailCommands) previewQuota(ctx context.Context, c bot.Call) (string, error) {
	mb, err := mailbox(ctx, m.boxes, c.Args.Get("boite"))
	if err != nil {
		return "", err
	}
	q := c.Args.Int("taille")
	if q == mb.QuotaMB {
		return "", bot.Unchanged("Le quota de %s est déjà de %s.", "The quota of %s is already %s.", mb.Address, bot.FormatQuota(bot.FR, q))
	}
	if q != 0 && float64(q) < mb.UsedMB {
		return "", bot.Userf("La boîte %s occupe déjà %s : un quota de %s serait dépassé.", "Mailbox %s already uses %s: a %s quota would be exceeded.",
			mb.Address, bot.FormatMB(c.Locale, mb.UsedMB), bot.FormatQuota(c.Locale, q))
	}
	return fmt.Sprintf(c.T("Quota de %s : %s → %s", "Quota of %s: %s → %s"), mb.Address,
		bot.FormatQuota(c.Locale, mb.QuotaMB), bot.FormatQuota(c.Locale, q)), nil
}

func (m mailCommands) applyQuota(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	addr, q := c.Args.Get("boite"), c.Args.Int("taille")
	return applied(c, m.boxes.SetQuota(ctx, addr, q), "set quota", "Quota de %s fixé à %s", "Quota of %s set to %s", addr, bot.FormatQuota(c.Locale, q))
}

// loginChange is mail suspend (suspend) or mail unsuspend.
type loginChange struct {
	m       mailCommands
	suspend bool
}

func (l loginChange) preview(ctx context.Context, c bot.Call) (string, error) {
	mb, err := mailbox(ctx, l.m.boxes, c.Args.Get("boite"))
	switch {
	case err != nil:
		return "", err
	case mb.SuspendedLogin == l.suspend && l.suspend:
		return "", bot.Unchanged("La connexion à %s est déjà suspendue.", "Login to %s is already suspended.", mb.Address)
	case mb.SuspendedLogin == l.suspend:
		return "", bot.Unchanged("La connexion à %s n'est pas suspendue.", "Login to %s is not suspended.", mb.Address)
	case l.suspend:
		return fmt.Sprintf(c.T("Connexion à %s : active → suspendue (le courrier continue d'arriver).", "Login to %s: active → suspended (mail still arrives)."), mb.Address), nil
	}
	return fmt.Sprintf(c.T("Connexion à %s : suspendue → active.", "Login to %s: suspended → active."), mb.Address), nil
}

func (l loginChange) apply(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	addr := c.Args.Get("boite")
	if l.suspend {
		return applied(c, l.m.boxes.SuspendLogin(ctx, addr), "suspend login", "Connexion à %s suspendue.", "Login to %s suspended.", addr)
	}
	return applied(c, l.m.boxes.UnsuspendLogin(ctx, addr), "unsuspend login", "Connexion à %s rétablie.", "Login to %s restored.", addr)
}

func (m mailCommands) applyDelete(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	addr := c.Args.Get("boite")
	return applied(c, m.boxes.DeleteMailbox(ctx, addr), "delete mailbox", "Boîte %s supprimée.", "Mailbox %s deleted.", addr)
}

func (m mailCommands) listForwards(ctx context.Context, c bot.Call) (bot.Reply, error) {
	addr := c.Args.Get("adresse")
	d := m.domain
	if addr != "" {
		d = domainOf(addr)
	}
	fw, err := m.boxes.Forwarders(ctx, d)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list forwarders: %w", err)
	}
	var lines []string
	for _, f := range fw {
		if addr == "" || strings.EqualFold(f.Address, addr) {
			lines = append(lines, f.Address+" → "+f.Dest)
		}
	}
	if len(lines) == 0 {
		return bot.Reply{Text: c.T("Aucune redirection.", "No forwarder.")}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("%d redirection(s) :\n", "%d forwarder(s):\n"), len(lines)) + strings.Join(lines, "\n")}, nil
}

// lists counts the destinations of every forwarded address of the domain
// that is not a mailbox (a mailbox's forwarder is a redirect, not a list).
func (m mailCommands) lists(ctx context.Context, c bot.Call) (bot.Reply, error) {
	fw, err := m.boxes.Forwarders(ctx, m.domain)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list forwarders: %w", err)
	}
	boxes, err := m.boxes.Mailboxes(ctx)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list mailboxes: %w", err)
	}
	size := map[string]int{}
	for _, f := range fw {
		size[strings.ToLower(f.Address)]++
	}
	for _, mb := range boxes {
		delete(size, strings.ToLower(mb.Address))
	}
	if len(size) == 0 {
		return bot.Reply{Text: c.T("Aucune liste de diffusion.", "No distribution list.")}, nil
	}
	var lines []string
	for _, l := range slices.Sorted(maps.Keys(size)) {
		lines = append(lines, fmt.Sprintf(c.T("%s — %d membre(s)", "%s — %d member(s)"), l, size[l]))
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("%d liste(s) de diffusion :\n", "%d distribution list(s):\n"), len(lines)) + strings.Join(lines, "\n")}, nil
}

func (m mailCommands) listMembers(ctx context.Context, c bot.Call) (bot.Reply, error) {
	list := c.Args.Get("liste")
	dests, err := members(ctx, m.boxes, list)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(dests) == 0 {
		return bot.Reply{}, bot.Userf("%s n'est pas une liste de diffusion (aucune redirection).", "%s is not a distribution list (no forwarder).", list)
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("Liste %s, %d membre(s) :\n", "List %s, %d member(s):\n"), list, len(dests)) + strings.Join(dests, "\n")}, nil
}

func members(ctx context.Context, m bot.Mail, addr string) ([]string, error) {
	fw, err := m.Forwarders(ctx, domainOf(addr))
	if err != nil {
		return nil, fmt.Errorf("list forwarders: %w", err)
	}
	var dests []string
	for _, f := range fw {
		if strings.EqualFold(f.Address, addr) {
			dests = append(dests, f.Dest)
		}
	}
	slices.Sort(dests)
	return dests, nil
}

// forwardChange adds (add) or removes forwarders: mail forward add or
// remove (one destination), mail list-add or list-remove (one or more,
// separated by spaces).
type forwardChange struct {
	m   mailCommands
	add bool
}

// change returns the address, the destinations asked, the current ones and
// those that would change (in the order asked).
func (f forwardChange) change(ctx context.Context, c bot.Call) (addr string, cur, todo []string, err error) {
	addr = cmp.Or(c.Args.Get("adresse"), c.Args.Get("liste")) // a forwarder's or a list's
	asked := strings.Fields(c.Args.Get("destination"))
	if slices.ContainsFunc(asked, func(d string) bool { return strings.EqualFold(addr, d) }) {
		return "", nil, nil, bot.Userf("Une adresse ne peut pas être redirigée vers elle-même.", "An address cannot forward to itself.")
	}
	if cur, err = members(ctx, f.m.boxes, addr); err != nil {
		return "", nil, nil, err
	}
	for _, d := range asked {
		if slices.Contains(cur, d) != f.add {
			todo = append(todo, d)
		}
	}
	switch {
	case len(todo) > 0:
	case f.add:
		return "", nil, nil, bot.Unchanged("%s est déjà redirigée vers %s.", "%s already forwards to %s.", addr, strings.Join(asked, ", "))
	default:
		return "", nil, nil, bot.Unchanged("%s n'est pas redirigée vers %s.", "%s does not forward to %s.", addr, strings.Join(asked, ", "))
	}
	return addr, cur, todo, nil
}

// preview shows the destinations of the address before and after.
func (f forwardChange) preview(ctx context.Context, c bot.Call) (string, error) {
	addr, cur, todo, err := f.change(ctx, c)
	if err != nil {
		return "", err
	}
	after := slices.DeleteFunc(slices.Clone(cur), func(s string) bool { return slices.Contains(todo, s) })
	if f.add {
		after = append(after, todo...)
		slices.Sort(after)
	}
	return fmt.Sprintf(c.T("Redirections de %s : [%s] → [%s]", "Forwarders of %s: [%s] → [%s]"), addr, strings.Join(cur, ", "), strings.Join(after, ", ")), nil
}

func (f forwardChange) apply(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	addr, _, todo, err := f.change(ctx, c)
	if err != nil {
		return bot.Outcome{}, err
	}
	for i, dest := range todo {
		op, fail, failEN := f.m.boxes.DeleteForwarder, "retirer %s a échoué", "removing %s failed"
		if f.add {
			op, fail, failEN = f.m.boxes.AddForwarder, "ajouter %s a échoué", "adding %s failed"
		}
		if err := op(ctx, addr, dest); err != nil {
			if i == 0 {
				return bot.Outcome{}, fmt.Errorf("change forwarder: %w", err)
			}
			return bot.Outcome{}, partial(c, err, "%s : "+fail+" (déjà faits : %s ; restants : %s).", "%s: "+failEN+" (done: %s; left: %s).",
				addr, dest, strings.Join(todo[:i], ", "), strings.Join(todo[i+1:], ", "))
		}
	}
	if f.add {
		return bot.Outcome{Text: fmt.Sprintf(c.T("%s est maintenant redirigée vers %s", "%s now forwards to %s"), addr, strings.Join(todo, ", "))}, nil
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T("%s n'est plus redirigée vers %s", "%s no longer forwards to %s"), addr, strings.Join(todo, ", "))}, nil
}

// argMailbox is an address of the mail domain ("delegue75" gets it); an
// address elsewhere is refused at once, naming the domain opsbot manages.
func argMailbox(domain string) bot.ArgType {
	return bot.ArgType{Name: bot.ArgEmail.Name, Example: "delegue75", Check: func(s string) (string, error) {
		addr, err := mailAddress(s, domain)
		if err == nil && domain != "" && !strings.HasSuffix(addr, "@"+strings.ToLower(domain)) {
			return "", bot.Userf("le domaine de %s n'est pas géré par opsbot (domaines gérés : %s) ; écrivez par exemple delegue75 ou delegue75@%[2]s",
				"the domain of %s is not managed by opsbot (managed domains: %s); write e.g. delegue75 or delegue75@%[2]s", addr, domain)
		}
		return addr, err
	}}
}

// argAddress is any address; a bare local part gets the mail domain.
func argAddress(domain string) bot.ArgType {
	return bot.ArgType{Name: bot.ArgEmail.Name, Example: bot.ArgEmail.Example, Check: func(s string) (string, error) { return mailAddress(s, domain) }}
}

// mailAddress normalises an address, adding domain to a bare local part.
func mailAddress(s, domain string) (string, error) {
	if t := strings.TrimSpace(s); t != "" && domain != "" && !strings.Contains(t, "@") {
		s = t + "@" + domain
	}
	return bot.NormalizeEmail(s)
}

// argEmails is one or more addresses (bare local parts get the mail
// domain) separated by spaces or commas, normalised and without repeats,
// joined by single spaces.
func argEmails(domain string) bot.ArgType {
	return bot.ArgType{Name: "emails", Example: "jeanne.martin@anopex.test", Check: func(s string) (string, error) { return checkEmails(s, domain) }}
}

func checkEmails(s, domain string) (string, error) {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		e, err := mailAddress(w, domain)
		if err != nil {
			return "", err
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return "", bot.Userf("aucune adresse e-mail", "no e-mail address")
	}
	return strings.Join(out, " "), nil
}
