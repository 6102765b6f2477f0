package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/anopex/opsbot/bot"
)

// mail returns the mailbox commands (cPanel). domain is the association's
// mail domain, used when a command lists forwarders without an address.
func mail(m bot.Mail, domain string) []bot.Spec {
	admin := []bot.Role{bot.Admin}
	readers := []bot.Role{bot.Admin, bot.Board}
	box := bot.Arg{Name: "boite", Type: bot.ArgEmail}
	return []bot.Spec{{
		Path: "mail list", Help: "Liste les boîtes aux lettres avec leur occupation (filtre facultatif).",
		HelpEN: "Lists mailboxes with their usage (optional filter).",
		Roles:  readers, Args: []bot.Arg{{Name: "filtre", Type: bot.ArgWord, Optional: true}},
		Read: mailList(m),
	}, {
		Path: "mail show", Help: "Affiche une boîte : quota, occupation, suspension, redirections.",
		HelpEN: "Shows a mailbox: quota, usage, suspension, forwarders.",
		Roles:  readers, Args: []bot.Arg{box},
		Self: &bot.SelfService{Roles: []bot.Role{bot.Delegate}, Arg: "boite"},
		Read: mailShow(m),
	}, {
		Path: "mail create", Help: "Crée une boîte ; son mot de passe arrive en message privé.",
		HelpEN: "Creates a mailbox; its password arrives by private message.",
		Roles:  admin, Args: []bot.Arg{box, {Name: "quota", Type: bot.ArgQuota, Optional: true}},
		Preview: previewCreate(m), Apply: applyCreate(m),
	}, {
		Path: "mail passwd", Help: "Réinitialise le mot de passe d'une boîte ; il arrive en message privé.",
		HelpEN: "Resets a mailbox password; it arrives by private message.",
		Roles:  admin, Args: []bot.Arg{box},
		Self:    &bot.SelfService{Roles: []bot.Role{bot.Delegate}, Arg: "boite", NoApproval: true},
		Preview: previewPasswd(m), Apply: applyPasswd(m),
	}, {
		Path: "mail delete", Help: "Supprime une boîte et son contenu.",
		HelpEN: "Deletes a mailbox and its content.",
		Roles:  admin, Args: []bot.Arg{box},
		Preview: previewDelete(m), Apply: simple(func(ctx context.Context, c bot.Call) error { return m.DeleteMailbox(ctx, c.Args.Get("boite")) },
			"Boîte %s supprimée.", "Mailbox %s deleted.", "boite"),
	}, {
		Path: "mail quota", Help: "Change le quota d'une boîte (500M, 2G, illimité).",
		HelpEN: "Changes a mailbox quota (500M, 2G, unlimited).",
		Roles:  admin, Args: []bot.Arg{box, {Name: "taille", Type: bot.ArgQuota}},
		Preview: previewQuota(m), Apply: applyQuota(m), Idempotent: true,
	}, {
		Path: "mail suspend", Help: "Suspend la connexion à une boîte (elle reçoit toujours le courrier).",
		HelpEN: "Suspends a mailbox login (it still receives mail).",
		Roles:  admin, Args: []bot.Arg{box}, Idempotent: true,
		Preview: previewSuspend(m, true), Apply: simple(func(ctx context.Context, c bot.Call) error { return m.SuspendLogin(ctx, c.Args.Get("boite")) },
			"Connexion à %s suspendue.", "Login to %s suspended.", "boite"),
	}, {
		Path: "mail unsuspend", Help: "Rétablit la connexion à une boîte.",
		HelpEN: "Restores a mailbox login.",
		Roles:  admin, Args: []bot.Arg{box}, Idempotent: true,
		Preview: previewSuspend(m, false), Apply: simple(func(ctx context.Context, c bot.Call) error { return m.UnsuspendLogin(ctx, c.Args.Get("boite")) },
			"Connexion à %s rétablie.", "Login to %s restored.", "boite"),
	}, {
		Path: "mail forward list", Help: "Liste les redirections (d'une adresse, ou de tout le domaine).",
		HelpEN: "Lists forwarders (of one address, or of the whole domain).",
		Roles:  readers, Args: []bot.Arg{{Name: "adresse", Type: bot.ArgEmail, Optional: true}},
		Read: forwardList(m, domain),
	}, {
		Path: "mail forward add", Help: "Ajoute une redirection d'une adresse vers une autre.",
		HelpEN: "Adds a forwarder from one address to another.",
		Roles:  admin, Args: []bot.Arg{{Name: "adresse", Type: bot.ArgEmail}, {Name: "destination", Type: bot.ArgEmail}},
		Preview: previewForward(m, true, "adresse"), Apply: forwardApply(m, true, "adresse"),
	}, {
		Path: "mail forward remove", Help: "Retire une redirection.",
		HelpEN: "Removes a forwarder.",
		Roles:  admin, Args: []bot.Arg{{Name: "adresse", Type: bot.ArgEmail}, {Name: "destination", Type: bot.ArgEmail}},
		Preview: previewForward(m, false, "adresse"), Apply: forwardApply(m, false, "adresse"),
	}, {
		Path: "mail list-members", Help: "Liste les membres d'une liste de diffusion.",
		HelpEN: "Lists the members of a distribution list.",
		Roles:  readers, Args: []bot.Arg{{Name: "liste", Type: bot.ArgEmail}},
		Read: listMembers(m),
	}, {
		Path: "mail list-add", Help: "Ajoute une adresse à une liste de diffusion.",
		HelpEN: "Adds an address to a distribution list.",
		Roles:  admin, Args: []bot.Arg{{Name: "liste", Type: bot.ArgEmail}, {Name: "destination", Type: bot.ArgEmail}},
		Preview: previewForward(m, true, "liste"), Apply: forwardApply(m, true, "liste"),
	}, {
		Path: "mail list-remove", Help: "Retire une adresse d'une liste de diffusion.",
		HelpEN: "Removes an address from a distribution list.",
		Roles:  admin, Args: []bot.Arg{{Name: "liste", Type: bot.ArgEmail}, {Name: "destination", Type: bot.ArgEmail}},
		Preview: previewForward(m, false, "liste"), Apply: forwardApply(m, false, "liste"),
	}}
}

// mailbox reads one mailbox and turns NotFound into a sentence for people.
func mailbox(ctx context.Context, m bot.Mailboxes, addr string) (bot.Mailbox, error) {
	mb, err := m.Mailbox(ctx, addr)
	if bot.KindOf(err) == bot.NotFound {
		return mb, bot.Userf("Il n'y a pas de boîte %s. Vérifiez l'adresse avec /mail list.", "There is no mailbox %s. Check the address with /mail list.", addr)
	}
	if err != nil {
		return mb, fmt.Errorf("read mailbox: %w", err)
	}
	return mb, nil
}

func usage(c bot.Call, mb bot.Mailbox) string {
	s := fmt.Sprintf("%s / %s", bot.FormatMB(c.Locale, mb.UsedMB), bot.FormatMB(c.Locale, float64(mb.QuotaMB)))
	if mb.QuotaMB > 0 {
		s += fmt.Sprintf(" (%.0f %%)", mb.UsedPercent())
	}
	return s
}

func mailList(m bot.Mail) func(context.Context, bot.Call) (bot.Reply, error) {
	return func(ctx context.Context, c bot.Call) (bot.Reply, error) {
		all, err := m.Mailboxes(ctx)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("list mailboxes: %w", err)
		}
		f := strings.ToLower(c.Args.Get("filtre"))
		var b strings.Builder
		n := 0
		for _, mb := range all {
			if f != "" && !strings.Contains(mb.Address, f) {
				continue
			}
			n++
			fmt.Fprintf(&b, "\n%s — %s", mb.Address, usage(c, mb))
			if mb.SuspendedLogin {
				b.WriteString(c.T(" — connexion suspendue", " — login suspended"))
			}
		}
		if n == 0 {
			return bot.Reply{Text: c.T("Aucune boîte ne correspond.", "No mailbox matches.")}, nil
		}
		return bot.Reply{Text: fmt.Sprintf(c.T("%d boîte(s) :", "%d mailbox(es):"), n) + b.String()}, nil
	}
}

func mailShow(m bot.Mail) func(context.Context, bot.Call) (bot.Reply, error) {
	return func(ctx context.Context, c bot.Call) (bot.Reply, error) {
		addr := c.Args.Get("boite")
		mb, err := mailbox(ctx, m, addr)
		if err != nil {
			return bot.Reply{}, err
		}
		state := c.T("active", "active")
		if mb.SuspendedLogin {
			state = c.T("connexion suspendue", "login suspended")
		}
		text := fmt.Sprintf(c.T("Boîte %s\nOccupation : %s\nÉtat : %s", "Mailbox %s\nUsage: %s\nState: %s"), mb.Address, usage(c, mb), state)
		fw, err := m.Forwarders(ctx, domainOf(addr))
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
}

func domainOf(addr string) string { return addr[strings.LastIndexByte(addr, '@')+1:] }

func previewCreate(m bot.Mail) func(context.Context, bot.Call) (string, error) {
	return func(ctx context.Context, c bot.Call) (string, error) {
		addr := c.Args.Get("boite")
		_, err := m.Mailbox(ctx, addr)
		switch {
		case err == nil:
			return "", bot.Userf("La boîte %s existe déjà.", "Mailbox %s already exists.", addr)
		case bot.KindOf(err) != bot.NotFound:
			return "", fmt.Errorf("read mailbox: %w", err)
		}
		return fmt.Sprintf(c.T("Création de la boîte %s (quota : %s) ; le mot de passe sera envoyé en message privé.",
			"Create mailbox %s (quota: %s); the password will be sent by private message."), addr, bot.FormatMB(c.Locale, float64(quotaArg(c)))), nil
	}
}

// quotaArg returns the quota argument, 1 GB when absent.
func quotaArg(c bot.Call) int {
	if c.Args.Has("quota") {
		return c.Args.Int("quota")
	}
	return 1024
}

func applyCreate(m bot.Mail) func(context.Context, bot.Call) (bot.Outcome, error) {
	return func(ctx context.Context, c bot.Call) (bot.Outcome, error) {
		addr := c.Args.Get("boite")
		pw, err := bot.NewPassword()
		if err != nil {
			return bot.Outcome{}, err
		}
		if err := m.CreateMailbox(ctx, addr, pw, quotaArg(c)); err != nil {
			return bot.Outcome{}, fmt.Errorf("create mailbox: %w", err)
		}
		return bot.Outcome{
			Text:    fmt.Sprintf(c.T("Boîte %s créée", "Mailbox %s created"), addr),
			Private: []bot.Private{{Mailbox: addr, Text: fmt.Sprintf(c.T("Mot de passe de la nouvelle boîte %s :", "Password of the new mailbox %s:"), addr), Secret: pw}},
		}, nil
	}
}

func previewPasswd(m bot.Mail) func(context.Context, bot.Call) (string, error) {
	return func(ctx context.Context, c bot.Call) (string, error) {
		mb, err := mailbox(ctx, m, c.Args.Get("boite"))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf(c.T("Nouveau mot de passe pour %s, envoyé en message privé à sa ou son titulaire (sinon au demandeur).",
			"New password for %s, sent by private message to its owner (else to the requester)."), mb.Address), nil
	}
}

func applyPasswd(m bot.Mail) func(context.Context, bot.Call) (bot.Outcome, error) {
	return func(ctx context.Context, c bot.Call) (bot.Outcome, error) {
		addr := c.Args.Get("boite")
		pw, err := bot.NewPassword()
		if err != nil {
			return bot.Outcome{}, err
		}
		if err := m.SetPassword(ctx, addr, pw); err != nil {
			return bot.Outcome{}, fmt.Errorf("set password: %w", err)
		}
		return bot.Outcome{
			Text:    fmt.Sprintf(c.T("Mot de passe de %s changé", "Password of %s changed"), addr),
			Private: []bot.Private{{Mailbox: addr, Text: fmt.Sprintf(c.T("Nouveau mot de passe de %s :", "New password of %s:"), addr), Secret: pw}},
		}, nil
	}
}

func previewDelete(m bot.Mail) func(context.Context, bot.Call) (string, error) {
	return func(ctx context.Context, c bot.Call) (string, error) {
		mb, err := mailbox(ctx, m, c.Args.Get("boite"))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf(c.T("Suppression de la boîte %s et de son contenu (%s).", "Delete mailbox %s and its content (%s)."),
			mb.Address, bot.FormatMB(c.Locale, mb.UsedMB)), nil
	}
}

func previewQuota(m bot.Mail) func(context.Context, bot.Call) (string, error) {
	return func(ctx context.Context, c bot.Call) (string, error) {
		mb, err := mailbox(ctx, m, c.Args.Get("boite"))
		if err != nil {
			return "", err
		}
		q := c.Args.Int("taille")
		if q != 0 && float64(q) < mb.UsedMB {
			return "", bot.Userf("La boîte %s occupe déjà %s : un quota de %s serait dépassé.", "Mailbox %s already uses %s: a %s quota would be exceeded.",
				mb.Address, bot.FormatMB(c.Locale, mb.UsedMB), bot.FormatMB(c.Locale, float64(q)))
		}
		return fmt.Sprintf(c.T("Quota de %s : %s → %s", "Quota of %s: %s → %s"), mb.Address,
			bot.FormatMB(c.Locale, float64(mb.QuotaMB)), bot.FormatMB(c.Locale, float64(q))), nil
	}
}

func applyQuota(m bot.Mail) func(context.Context, bot.Call) (bot.Outcome, error) {
	return func(ctx context.Context, c bot.Call) (bot.Outcome, error) {
		addr, q := c.Args.Get("boite"), c.Args.Int("taille")
		if err := m.SetQuota(ctx, addr, q); err != nil {
			return bot.Outcome{}, fmt.Errorf("set quota: %w", err)
		}
		return bot.Outcome{Text: fmt.Sprintf(c.T("Quota de %s fixé à %s", "Quota of %s set to %s"), addr, bot.FormatMB(c.Locale, float64(q)))}, nil
	}
}

func previewSuspend(m bot.Mail, suspend bool) func(context.Context, bot.Call) (string, error) {
	return func(ctx context.Context, c bot.Call) (string, error) {
		mb, err := mailbox(ctx, m, c.Args.Get("boite"))
		if err != nil {
			return "", err
		}
		if mb.SuspendedLogin == suspend {
			if suspend {
				return "", bot.Userf("La connexion à %s est déjà suspendue.", "Login to %s is already suspended.", mb.Address)
			}
			return "", bot.Userf("La connexion à %s n'est pas suspendue.", "Login to %s is not suspended.", mb.Address)
		}
		if suspend {
			return fmt.Sprintf(c.T("Connexion à %s : active → suspendue (le courrier continue d'arriver).", "Login to %s: active → suspended (mail still arrives)."), mb.Address), nil
		}
		return fmt.Sprintf(c.T("Connexion à %s : suspendue → active.", "Login to %s: suspended → active."), mb.Address), nil
	}
}

// simple wraps a write that needs no outcome data: its text names the
// argument arg.
func simple(do func(context.Context, bot.Call) error, fr, en, arg string) func(context.Context, bot.Call) (bot.Outcome, error) {
	return func(ctx context.Context, c bot.Call) (bot.Outcome, error) {
		if err := do(ctx, c); err != nil {
			return bot.Outcome{}, err
		}
		return bot.Outcome{Text: fmt.Sprintf(c.T(fr, en), c.Args.Get(arg))}, nil
	}
}

func forwardList(m bot.Mail, domain string) func(context.Context, bot.Call) (bot.Reply, error) {
	return func(ctx context.Context, c bot.Call) (bot.Reply, error) {
		addr := c.Args.Get("adresse")
		d := domain
		if addr != "" {
			d = domainOf(addr)
		}
		fw, err := m.Forwarders(ctx, d)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("list forwarders: %w", err)
		}
		var b strings.Builder
		n := 0
		for _, f := range fw {
			if addr != "" && !strings.EqualFold(f.Address, addr) {
				continue
			}
			n++
			fmt.Fprintf(&b, "\n%s → %s", f.Address, f.Dest)
		}
		if n == 0 {
			return bot.Reply{Text: c.T("Aucune redirection.", "No forwarder.")}, nil
		}
		return bot.Reply{Text: fmt.Sprintf(c.T("%d redirection(s) :", "%d forwarder(s):"), n) + b.String()}, nil
	}
}

func listMembers(m bot.Mail) func(context.Context, bot.Call) (bot.Reply, error) {
	return func(ctx context.Context, c bot.Call) (bot.Reply, error) {
		list := c.Args.Get("liste")
		dests, err := members(ctx, m, list)
		if err != nil {
			return bot.Reply{}, err
		}
		if len(dests) == 0 {
			return bot.Reply{}, bot.Userf("%s n'est pas une liste de diffusion (aucune redirection).", "%s is not a distribution list (no forwarder).", list)
		}
		return bot.Reply{Text: fmt.Sprintf(c.T("Liste %s, %d membre(s) :\n", "List %s, %d member(s):\n"), list, len(dests)) + strings.Join(dests, "\n")}, nil
	}
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

func previewForward(m bot.Mail, add bool, arg string) func(context.Context, bot.Call) (string, error) {
	return func(ctx context.Context, c bot.Call) (string, error) {
		addr, dest := c.Args.Get(arg), c.Args.Get("destination")
		if strings.EqualFold(addr, dest) {
			return "", bot.Userf("Une adresse ne peut pas être redirigée vers elle-même.", "An address cannot forward to itself.")
		}
		cur, err := members(ctx, m, addr)
		if err != nil {
			return "", err
		}
		has := slices.Contains(cur, dest)
		switch {
		case add && has:
			return "", bot.Userf("%s est déjà redirigée vers %s.", "%s already forwards to %s.", addr, dest)
		case !add && !has:
			return "", bot.Userf("%s n'est pas redirigée vers %s.", "%s does not forward to %s.", addr, dest)
		}
		after := slices.DeleteFunc(slices.Clone(cur), func(s string) bool { return s == dest })
		if add {
			after = append(after, dest)
			slices.Sort(after)
		}
		return fmt.Sprintf(c.T("Redirections de %s : [%s] → [%s]", "Forwarders of %s: [%s] → [%s]"), addr, strings.Join(cur, ", "), strings.Join(after, ", ")), nil
	}
}

func forwardApply(m bot.Mail, add bool, arg string) func(context.Context, bot.Call) (bot.Outcome, error) {
	return func(ctx context.Context, c bot.Call) (bot.Outcome, error) {
		addr, dest := c.Args.Get(arg), c.Args.Get("destination")
		if add {
			if err := m.AddForwarder(ctx, addr, dest); err != nil {
				return bot.Outcome{}, fmt.Errorf("add forwarder: %w", err)
			}
			return bot.Outcome{Text: fmt.Sprintf(c.T("%s est maintenant redirigée vers %s", "%s now forwards to %s"), addr, dest)}, nil
		}
		if err := m.DeleteForwarder(ctx, addr, dest); err != nil {
			return bot.Outcome{}, fmt.Errorf("delete forwarder: %w", err)
		}
		return bot.Outcome{Text: fmt.Sprintf(c.T("%s n'est plus redirigée vers %s", "%s no longer forwards to %s"), addr, dest)}, nil
	}
}
