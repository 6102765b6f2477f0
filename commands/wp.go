package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
)

// wpCommands are the WordPress commands: the accounts with their roles,
// and a change of role. roles are the slugs a role argument accepts.
type wpCommands struct {
	accounts bot.WPUsers
	roles    []string
}

func (w wpCommands) specs() []bot.Spec {
	if w.accounts == nil {
		return nil
	}
	return []bot.Spec{{
		Path: "wp users", Help: "Liste les comptes du site WordPress avec leurs rôles (filtre facultatif par rôle).",
		HelpEN: "Lists the WordPress site's accounts with their roles (optional role filter).",
		Roles:  readers, Args: []bot.Arg{{Name: "role", Type: argRole(w.roles), Optional: true}},
		Read: w.users,
	}, {
		Path: "wp role", Help: "Change le rôle d'un compte WordPress (rédacteur, auteur, abonné…).",
		HelpEN: "Changes the role of a WordPress account (editor, author, subscriber…).",
		Roles:  admins, Idempotent: true,
		Args:    []bot.Arg{{Name: "compte", Type: argWPUser}, {Name: "role", Type: argRole(w.roles)}},
		Preview: w.previewRole, Apply: w.applyRole,
		Verify: "wp users",
	}}
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
