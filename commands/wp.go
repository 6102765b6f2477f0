package commands

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
)

// wpCommands are the WordPress commands: the accounts with their roles, a
// change of role, and (with admin) the creation of an account. roles are
// the slugs a role argument accepts; self is the bot's own login, whose
// role it never changes.
type wpCommands struct {
	accounts bot.WPUsers
	admin    bot.WPUserAdmin
	roles    []string
	self     string
}

func (w wpCommands) specs() []bot.Spec {
	if w.accounts == nil {
		return nil
	}
	compte := bot.Arg{Name: "compte", Type: argWPUser}
	specs := []bot.Spec{{
		Path: "wp users", Help: "Liste les comptes du site WordPress avec leurs rôles (filtre facultatif par rôle).",
		HelpEN: "Lists the WordPress site's accounts with their roles (optional role filter).",
		Roles:  readers, Args: []bot.Arg{{Name: "role", Type: argRole(w.roles), Optional: true}},
		Read: w.users,
	}, {
		Path: "wp role", Help: "Change le rôle d'un compte WordPress (rédacteur, auteur, abonné…).",
		HelpEN: "Changes the role of a WordPress account (editor, author, subscriber…).",
		Roles:  admins, Idempotent: true,
		Args:    []bot.Arg{compte, {Name: "role", Type: argRole(w.roles)}},
		Preview: w.previewRole, Apply: w.applyRole,
		Verify: "wp users",
	}, {
		Path: "wp user disable", Help: "Retire tout rôle à un compte WordPress (il n'est pas supprimé mais ne peut plus rien faire sur le site).",
		HelpEN: "Removes every role of a WordPress account (it is not deleted but can no longer do anything on the site).",
		Roles:  admins, Idempotent: true, Args: []bot.Arg{compte},
		Preview: w.previewDisable, Apply: w.applyDisable,
		Verify: "wp users",
	}}
	if w.admin != nil {
		specs = append(specs, bot.Spec{
			Path: "wp user create", Help: "Crée un compte WordPress avec un rôle ; son mot de passe arrive en message privé, ou, avec « mail », WordPress envoie lui-même à l'adresse le lien pour le choisir.",
			HelpEN: "Creates a WordPress account with a role; its password arrives by private message, or, with \"mail\", WordPress itself mails the address the link to choose it.",
			Roles:  admins,
			Args: []bot.Arg{{Name: "identifiant", Type: argLogin}, {Name: "adresse", Type: bot.ArgEmail}, {Name: "role", Type: argRole(w.roles)},
				{Name: "mail", Choices: []string{"mail"}, Optional: true}},
			Preview: w.previewCreate, Apply: w.applyCreate,
			Verify: "wp users", Recipient: "adresse", Secret: func(c bot.Call) bool { return !c.Args.Has("mail") },
		})
	}
	return specs
}

// frenchRoles are the names a French WordPress shows for its core roles.
var frenchRoles = map[string]string{
	"administrateur": "administrator", "administratrice": "administrator",
	"editeur": "editor", "editrice": "editor", "redacteur": "editor", "redactrice": "editor",
	"auteur": "author", "autrice": "author",
	"contributeur": "contributor", "contributrice": "contributor",
	"abonne": "subscriber", "abonnee": "subscriber",
}

// wpRoleNames are WordPress's core roles and the configured members-only ones.
func wpRoleNames(m Members) []string {
	roles := slices.Clone(bot.WPCoreRoles)
	for _, r := range m.Coherence.MembersOnlyRoles {
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	return roles
}

// argRole accepts a role slug among roles, or the French name of a core
// role ("rédacteur" is editor), in any case and with or without accents.
func argRole(roles []string) bot.ArgType {
	return bot.ArgType{Name: "role", Example: "editor", Check: func(s string) (string, error) { return checkRole(roles, s) }}
}

func checkRole(roles []string, s string) (string, error) {
	if t := strings.ToLower(strings.TrimSpace(s)); slices.Contains(roles, t) {
		return t, nil
	}
	if slug, ok := frenchRoles[coherence.NameKey(s)]; ok && slices.Contains(roles, slug) {
		return slug, nil
	}
	return "", bot.Userf("rôle inconnu « %s » ; choisissez parmi : %s (ou rédacteur, auteur, contributeur, abonné)",
		"unknown role %q; choose one of: %s", clip(s), strings.Join(roles, ", "))
}

func (w wpCommands) users(ctx context.Context, c bot.Call) (bot.Reply, error) {
	role := c.Args.Get("role")
	users, err := w.accounts.WPUsers(ctx, role)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list wordpress users: %w", err)
	}
	if len(users) == 0 {
		if role != "" {
			return bot.Reply{Text: fmt.Sprintf(c.T("Aucun compte WordPress n'a le rôle %s.", "No WordPress account has role %s."), role)}, nil
		}
		return bot.Reply{Text: c.T("Aucun compte WordPress.", "No WordPress account.")}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, c.T("%d compte(s) WordPress :", "%d WordPress account(s):"), len(users))
	for _, u := range users {
		fmt.Fprintf(&b, "\n%s — %s <%s> — %s", u.Username, u.Name, u.Email, u.RoleList())
	}
	return bot.Reply{Text: b.String()}, nil
}

// wpAccount reads one account by ID or login, or by address when who holds
// an "@" that is no login.
func wpAccount(ctx context.Context, w bot.WPUsers, who string) (bot.WPUser, error) {
	u, err := w.WPUser(ctx, who)
	if bot.KindOf(err) == bot.NotFound && strings.Contains(who, "@") {
		u, err = w.WPUserByEmail(ctx, who)
	}
	return found(u, err, "get wordpress user", bot.Userf("Il n'y a pas de compte WordPress « %s ». Vérifiez avec /wp users.", "There is no WordPress account %q. Check with /wp users.", who))
}

func (w wpCommands) previewRole(ctx context.Context, c bot.Call) (string, error) {
	u, err := wpAccount(ctx, w.accounts, c.Args.Get("compte"))
	if err != nil {
		return "", err
	}
	role := c.Args.Get("role")
	if len(u.Roles) == 1 && u.Roles[0] == role {
		return "", bot.Unchanged("%s a déjà le rôle %s.", "%s already has role %s.", u.Username, role)
	}
	if strings.EqualFold(u.Username, w.self) { // WordPress refuses an administrator lowering itself
		return "", bot.Userf("%s est le compte WordPress d'opsbot : il ne change pas son propre rôle (il perdrait le droit de gérer les comptes). Faites-le dans l'administration de WordPress avec un autre compte administrateur.",
			"%s is opsbot's own WordPress account: it does not change its own role (it would lose the right to manage accounts). Do it in WordPress's administration with another administrator.", u.Username)
	}
	if u.HasRole("administrator") && role != "administrator" {
		admins, err := w.accounts.WPUsers(ctx, "administrator")
		if err != nil {
			return "", fmt.Errorf("list wordpress administrators: %w", err)
		}
		if len(admins) <= 1 {
			return "", bot.Userf("%s est le dernier administrateur du site WordPress : le site n'en aurait plus. Nommez d'abord un autre administrateur.",
				"%s is the WordPress site's last administrator: the site would have none. Appoint another administrator first.", u.Username)
		}
	}
	return fmt.Sprintf(c.T("rôle de %s : %s → %s", "role of %s: %s → %s"), u.Username, u.RoleList(), role), nil
}

func (w wpCommands) applyRole(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	u, err := wpAccount(ctx, w.accounts, c.Args.Get("compte"))
	if err != nil {
		return bot.Outcome{}, err
	}
	role := c.Args.Get("role")
	if err := w.accounts.SetWPRole(ctx, u.ID, role); err != nil {
		return bot.Outcome{}, fmt.Errorf("set wordpress role: %w", err)
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T("rôle de %s : %s → %s", "role of %s: %s → %s"), u.Username, u.RoleList(), role)}, nil
}

func (w wpCommands) previewDisable(ctx context.Context, c bot.Call) (string, error) {
	u, err := wpAccount(ctx, w.accounts, c.Args.Get("compte"))
	if err != nil {
		return "", err
	}
	if len(u.Roles) == 0 {
		return "", bot.Unchanged("%s n'a déjà aucun rôle.", "%s already has no role.", u.Username)
	}
	return fmt.Sprintf(c.T("rôle de %s : %s → aucun (le compte reste, sans droit sur le site)", "role of %s: %s → none (the account stays, without rights on the site)"), u.Username, u.RoleList()), nil
}

func (w wpCommands) applyDisable(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	u, err := wpAccount(ctx, w.accounts, c.Args.Get("compte"))
	if err != nil {
		return bot.Outcome{}, err
	}
	if err := w.accounts.SetWPRole(ctx, u.ID, ""); err != nil {
		return bot.Outcome{}, fmt.Errorf("remove wordpress roles: %w", err)
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T("rôle de %s : %s → aucun", "role of %s: %s → none"), u.Username, u.RoleList())}, nil
}

// previewCreate refuses a login or an address WordPress already holds (it
// would answer existing_user_login or existing_user_email).
func (w wpCommands) previewCreate(ctx context.Context, c bot.Call) (string, error) {
	login, addr, role := c.Args.Get("identifiant"), c.Args.Get("adresse"), c.Args.Get("role")
	for _, find := range []func() (bot.WPUser, error){
		func() (bot.WPUser, error) { return w.accounts.WPUser(ctx, login) },
		func() (bot.WPUser, error) { return w.accounts.WPUserByEmail(ctx, addr) },
	} {
		u, err := find()
		switch {
		case err == nil:
			return "", bot.Userf("Le compte WordPress %s <%s> existe déjà : changez son rôle avec /wp role.", "WordPress account %s <%s> already exists: change its role with /wp role.", u.Username, u.Email)
		case bot.KindOf(err) != bot.NotFound:
			return "", fmt.Errorf("get wordpress user: %w", err)
		}
	}
	who := login + " <" + addr + ">"
	if n := c.Args.Get("nom"); n != "" { // given by /delegate onboard
		who += " (" + n + ")"
	}
	if c.Args.Has("mail") {
		return fmt.Sprintf(c.T("Création du compte WordPress %s, rôle %s ; WordPress enverra lui-même à %s le lien pour choisir son mot de passe (son formulaire « Mot de passe oublié »).",
			"Create WordPress account %s, role %s; WordPress itself will mail %s the link to choose its password (its \"Lost your password\" form)."), who, role, addr), nil
	}
	return fmt.Sprintf(c.T("Création du compte WordPress %s, rôle %s ; le mot de passe sera envoyé en message privé.",
		"Create WordPress account %s, role %s; the password will be sent by private message."), who, role), nil
}

// applyCreate creates the account with a new password, sent privately; with
// mail, nobody sees that password, and WordPress mails the link that
// replaces it (its lost-password form). A mail WordPress refused leaves
// the account created, which the outcome says.
func (w wpCommands) applyCreate(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	login, addr, role := c.Args.Get("identifiant"), c.Args.Get("adresse"), c.Args.Get("role")
	pw, err := bot.NewPassword()
	if err != nil {
		return bot.Outcome{}, err
	}
	if _, err := w.admin.CreateWPUser(ctx, login, addr, cmp.Or(c.Args.Get("nom"), login), role, pw); err != nil {
		return bot.Outcome{}, fmt.Errorf("create wordpress user: %w", err)
	}
	text := fmt.Sprintf(c.T("Compte WordPress %s créé, rôle %s", "WordPress account %s created, role %s"), login, role)
	if !c.Args.Has("mail") {
		return bot.Outcome{Text: text, Private: []bot.Private{{Mailbox: addr,
			Text: fmt.Sprintf(c.T("Mot de passe du nouveau compte WordPress %s :", "Password of the new WordPress account %s:"), login), Secret: pw}}}, nil
	}
	switch err := w.admin.SendWPPasswordReset(ctx, login); {
	case err == nil:
		return bot.Outcome{Text: text + fmt.Sprintf(c.T(" ; WordPress a envoyé à %s le lien pour choisir son mot de passe", "; WordPress mailed %s the link to choose its password"), addr)}, nil
	case bot.Refused(err):
		// The account exists as approved: the request is done, with what
		// the administrator must do for the password.
		why := c.T("son site n'envoie sans doute pas de courrier", "the site probably cannot send mail")
		if bot.KindOf(err) == bot.NotFound {
			why = c.T("la page de connexion n'est pas à /wp-login.php", "the login page is not at /wp-login.php")
		}
		return bot.Outcome{Text: text + fmt.Sprintf(c.T(
			"\n⚠️ WordPress n'a pas envoyé le mail pour choisir son mot de passe (%s) : personne ne connaît ce mot de passe. Une fois l'envoi réparé, « Mot de passe oublié » sur la page de connexion du site enverra le lien.",
			"\n⚠️ WordPress did not send the mail to choose its password (%s): nobody knows that password. Once sending works, \"Lost your password\" on the site's login page will send the link."), why)}, nil
	default:
		return bot.Outcome{}, partial(c, err, "Compte WordPress %s créé, rôle %s ; le mail pour choisir son mot de passe est peut-être parti.",
			"WordPress account %s created, role %s; the mail to choose its password may have gone.", login, role)
	}
}
