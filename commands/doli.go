package commands

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
)

// doliCommands are the Dolibarr commands: members (read) and staff
// accounts (read, create, disable, change of function). Nil providers
// leave their commands out.
type doliCommands Members

func (d doliCommands) specs() []bot.Spec {
	login := bot.Arg{Name: "identifiant", Type: argLogin}
	function := bot.Arg{Name: "fonction", Type: argFunction(d.Functions), Rest: true}
	var specs []bot.Spec
	if d.Adherents != nil {
		specs = append(specs, bot.Spec{
			Path: "doli member", Help: "Affiche la fiche d'adhérent (nom, adresse ou numéro) : statut, cotisation, type.",
			HelpEN: "Shows a member record (name, address or number): status, subscription, type.",
			Roles:  readers, Args: []bot.Arg{{Name: "adherent", Type: argMemberQuery, Rest: true}},
			Self: &bot.SelfService{Roles: []bot.Role{bot.Delegate}, Arg: "adherent"},
			Read: d.member,
		})
	}
	if d.Staff != nil {
		specs = append(specs, bot.Spec{
			Path: "doli users", Help: "Liste les comptes Dolibarr du personnel avec leurs groupes.",
			HelpEN: "Lists the Dolibarr staff accounts with their groups.",
			Roles:  readers, Read: d.users,
		})
	}
	if d.Staff != nil && d.StaffAdmin != nil && len(d.Functions) > 0 {
		specs = append(specs, bot.Spec{
			Path: "doli user create", Help: "Crée un compte Dolibarr et lui donne les groupes de sa fonction (délégué, trésorier…).",
			HelpEN: "Creates a Dolibarr account with the groups of its function (delegate, treasurer…).",
			Roles:  admins, Args: []bot.Arg{login, {Name: "adresse", Type: bot.ArgEmail}, function},
			Preview: d.previewCreate, Apply: d.applyCreate,
			Verify: "doli users",
		}, bot.Spec{
			Path: "doli user function", Help: "Change la fonction d'un compte Dolibarr : ajoute les groupes de la nouvelle fonction.",
			HelpEN: "Changes the function of a Dolibarr account: adds the groups of the new function.",
			Roles:  admins, Args: []bot.Arg{login, function}, Idempotent: true,
			Preview: d.previewFunction, Apply: d.applyFunction,
			Verify: "doli users",
		})
	}
	if d.Staff != nil && d.StaffAdmin != nil {
		specs = append(specs, bot.Spec{
			Path: "doli user disable", Help: "Désactive un compte Dolibarr (il n'est pas supprimé).",
			HelpEN: "Disables a Dolibarr account (it is not deleted).",
			Roles:  admins, Args: []bot.Arg{login}, Idempotent: true,
			Preview: accountChange{d, false}.preview, Apply: accountChange{d, false}.apply,
			Verify: "doli users",
		}, bot.Spec{
			Path: "doli user enable", Help: "Réactive un compte Dolibarr désactivé.",
			HelpEN: "Enables a disabled Dolibarr account.",
			Roles:  admins, Args: []bot.Arg{login}, Idempotent: true,
			Preview: accountChange{d, true}.preview, Apply: accountChange{d, true}.apply,
			Verify: "doli users",
		}, bot.Spec{
			Path: "doli user passwd", Help: "Donne un nouveau mot de passe à un compte Dolibarr ; il arrive en message privé au demandeur.",
			HelpEN: "Gives a Dolibarr account a new password; it arrives by private message to the requester.",
			Roles:  admins, Args: []bot.Arg{login},
			Preview: d.previewPasswd, Apply: d.applyPasswd,
			Verify: "doli users", Recipient: "identifiant",
		})
	}
	return specs
}

// Argument types of the Dolibarr commands.
var (
	// argLogin is a Dolibarr login: 1 to 50 letters, digits, dots, hyphens,
	// underscores or @ (Dolibarr's user.login is a varchar(50)).
	argLogin = bot.ArgType{Name: "login", Example: "j.dupont", Check: checkLogin}
	// argMemberRef is a member's address or register number.
	argMemberRef = bot.ArgType{Name: "adherent", Example: "jeanne.martin@anopex.test", Check: checkMemberRef, Personal: true}
	// argMemberQuery is a member's register number, address or name.
	argMemberQuery = bot.ArgType{Name: "adherent", Example: "Jeanne Dupont", Check: checkMemberQuery, Personal: true}
)

// checkMemberQuery accepts what checkMemberRef does, or a name ("Jeanne Dupont").
func checkMemberQuery(s string) (string, error) {
	ref, err := checkMemberRef(s)
	if err == nil || strings.Contains(s, "@") {
		return ref, err
	}
	if name := strings.Join(strings.Fields(s), " "); coherence.NameKey(name) != "" && utf8.RuneCountInString(name) <= 100 {
		return name, nil
	}
	return "", bot.Userf("« %s » n'est ni un nom, ni une adresse e-mail ni un numéro d'adhérent ; écrivez par exemple Jeanne Dupont, jeanne.martin@anopex.test ou 42",
		"%q is neither a name, an e-mail address nor a member number; write e.g. Jeanne Dupont, jeanne.martin@anopex.test or 42", clip(s))
}

// memberRef returns the call's checked member query ("adherent") as an
// address or a number. A name is looked up: the one member whose name holds
// every word of it (case, accents and punctuation aside) gives their
// number; several make a reply listing them, to pick one with cmd.
func memberRef(ctx context.Context, a bot.Adherents, c bot.Call, cmd string) (string, *bot.Reply, error) {
	name := c.Args.Get("adherent")
	if strings.Contains(name, "@") || strings.Trim(name, "0123456789") == "" {
		return name, nil, nil
	}
	list, err := a.AdherentsByName(ctx, name)
	if err != nil {
		return "", nil, fmt.Errorf("find member by name: %w", err)
	}
	words := strings.Fields(coherence.NameKey(name))
	list = slices.DeleteFunc(list, func(m bot.Adherent) bool {
		key := coherence.NameKey(m.FirstName + " " + m.LastName)
		return slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(key, w) })
	})
	switch {
	case len(list) == 0:
		return "", nil, bot.Userf("Aucun adhérent ne s'appelle « %s » dans Dolibarr.", "No member is called %q in Dolibarr.", name)
	case len(list) == 1:
		return list[0].ID, nil, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, c.T("%d adhérents correspondent à « %s » ; choisissez avec /%s NUMÉRO :", "%d members match %q; pick one with /%s NUMBER:"), len(list), name, cmd)
	for _, m := range list[:min(len(list), maxChoices)] {
		fmt.Fprintf(&b, c.T("\nn°%s — %s <%s> — %s", "\n#%s — %s <%s> — %s"), m.ID, m.Name(), m.Email, statusText(c, m))
	}
	if len(list) > maxChoices {
		fmt.Fprintf(&b, c.T("\n… et %d autres : précisez le nom.", "\n… and %d more: give more of the name."), len(list)-maxChoices)
	}
	return "", &bot.Reply{Text: b.String()}, nil
}

// maxChoices is how many members a name's list shows.
const maxChoices = 20

func checkLogin(s string) (string, error) {
	bad := func(why, whyEN string) (string, error) {
		return "", bot.Userf("identifiant invalide « %[1]s » : %[2]s ; écrivez-le comme j.dupont", "invalid login %[1]q: %[3]s; write it like j.dupont", clip(s), why, whyEN)
	}
	if s == "" || utf8.RuneCountInString(s) > 50 {
		return bad("vide ou plus de 50 caractères", "empty or longer than 50 characters")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)) {
			return bad(fmt.Sprintf("caractère %q interdit (lettres sans accent, chiffres, . _ - @)", r), fmt.Sprintf("character %q not allowed (plain letters, digits, . _ - @)", r))
		}
	}
	return s, nil
}

// checkMemberRef accepts a register number ("42" or "#42") or an address.
func checkMemberRef(s string) (string, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if t != "" && len(t) <= 18 && strings.Trim(t, "0123456789") == "" && t[0] != '0' {
		return t, nil
	}
	if strings.Contains(s, "@") {
		return bot.NormalizeEmail(s)
	}
	return "", bot.Userf("« %s » n'est ni une adresse e-mail ni un numéro d'adhérent ; écrivez par exemple jeanne.martin@anopex.test ou 42",
		"%q is neither an e-mail address nor a member number; write e.g. jeanne.martin@anopex.test or 42", clip(s))
}

// clip shortens what a person typed before it is quoted back.
func clip(s string) string { return bot.Clip(s, 60) }

// argFunction accepts one of the configured functions, written with or
// without accents, in any case, in the feminine ("déléguée", "tresoriere",
// "Membre du CA"), and returns it as configured.
func argFunction(functions map[string][]string) bot.ArgType {
	names := slices.Sorted(maps.Keys(functions))
	example := "délégué"
	if len(names) > 0 {
		example = names[0]
	}
	return bot.ArgType{Name: "function", Example: example, Known: true, Check: func(s string) (string, error) {
		key := functionKey(s)
		if i := slices.IndexFunc(names, func(n string) bool { return key != "" && functionKey(n) == key }); i >= 0 {
			return names[i], nil
		}
		return "", bot.Userf("fonction inconnue « %s » ; choisissez parmi : %s", "unknown function %q; choose one of: %s", clip(s), strings.Join(names, ", "))
	}}
}

// functionKey folds a function's name: no case, no accents, and the
// feminine endings as the masculine ones ("présidente" as "président").
func functionKey(s string) string {
	words := strings.Fields(coherence.NameKey(s))
	for i, w := range words {
		for _, f := range [][2]string{{"iere", "ier"}, {"euse", "eur"}, {"trice", "teur"}, {"ee", "e"}, {"te", "t"}, {"ale", "al"}} {
			if t, ok := strings.CutSuffix(w, f[0]); ok {
				words[i] = t + f[1]
				break
			}
		}
	}
	return strings.Join(words, " ")
}

func (d doliCommands) member(ctx context.Context, c bot.Call) (bot.Reply, error) {
	ref, choice, err := memberRef(ctx, d.Adherents, c, "doli member")
	if err != nil || choice != nil {
		return *cmp.Or(choice, &bot.Reply{}), err
	}
	var list []bot.Adherent
	if strings.Contains(ref, "@") {
		if list, err = d.Adherents.AdherentsByEmail(ctx, ref); err != nil {
			return bot.Reply{}, fmt.Errorf("find member: %w", err)
		}
	} else {
		m, err := d.Adherents.Adherent(ctx, ref)
		if m, err = found(m, err, "get member", bot.Userf("Il n'y a pas d'adhérent n°%s dans Dolibarr.", "There is no member #%s in Dolibarr.", ref)); err != nil {
			return bot.Reply{}, err
		}
		list = []bot.Adherent{m}
	}
	if len(list) == 0 {
		return bot.Reply{}, bot.Userf("Aucun adhérent n'a l'adresse %s dans Dolibarr.", "No member has the address %s in Dolibarr.", ref)
	}
	head := ""
	if len(list) > 1 {
		head = fmt.Sprintf(c.T("⚠️ %d adhérents partagent cette adresse :\n", "⚠️ %d members share this address:\n"), len(list))
	}
	var texts []string
	for _, m := range list {
		text := fmt.Sprintf(c.T("Adhérent n°%s — %s <%s>\nStatut : %s", "Member #%s — %s <%s>\nStatus: %s"),
			m.ID, cmp.Or(m.Name(), c.T("(sans nom)", "(no name)")), m.Email, statusText(c, m))
		if m.Type != "" {
			text += fmt.Sprintf(c.T(" ; type : %s", "; type: %s"), m.Type)
		}
		texts = append(texts, text)
	}
	return bot.Reply{Text: head + strings.Join(texts, "\n")}, nil
}

// statusText renders a member's status and subscription.
func statusText(c bot.Call, m bot.Adherent) string {
	switch m.Status {
	case bot.AdherentDraft:
		return c.T("brouillon (jamais validé)", "draft (never validated)")
	case bot.AdherentResigned:
		return c.T("résilié", "resigned")
	case bot.AdherentExcluded:
		return c.T("exclu", "excluded")
	}
	switch {
	case !m.NeedSubscription:
		return c.T("actif (sans cotisation)", "active (no subscription needed)")
	case m.SubscriptionEnd.IsZero():
		return c.T("validé, cotisation jamais payée", "validated, subscription never paid")
	case m.Active:
		return fmt.Sprintf(c.T("actif, cotisation jusqu'au %s", "active, subscription until %s"), m.SubscriptionEnd.Format("02/01/2006"))
	}
	return fmt.Sprintf(c.T("cotisation expirée le %s", "subscription expired on %s"), m.SubscriptionEnd.Format("02/01/2006"))
}

func (d doliCommands) users(ctx context.Context, c bot.Call) (bot.Reply, error) {
	users, err := d.Staff.Users(ctx)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list users: %w", err)
	}
	if len(users) == 0 {
		return bot.Reply{Text: c.T("Aucun compte Dolibarr.", "No Dolibarr account.")}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, c.T("%d compte(s) Dolibarr :", "%d Dolibarr account(s):"), len(users))
	for _, u := range users {
		fmt.Fprintf(&b, "\n%s — %s", u.Login, u.Name())
		if !u.Active {
			b.WriteString(c.T(" — désactivé", " — disabled"))
		}
		if u.Admin {
			b.WriteString(c.T(" — administrateur", " — administrator"))
		}
		if len(u.Groups) > 0 {
			fmt.Fprintf(&b, " — %s", strings.Join(u.Groups, ", "))
		}
	}
	return bot.Reply{Text: b.String()}, nil
}

// staffUser reads one account and turns NotFound into a sentence.
func staffUser(ctx context.Context, s bot.StaffUsers, login string) (bot.StaffUser, error) {
	u, err := s.User(ctx, login)
	return found(u, err, "get user", bot.Userf("Il n'y a pas de compte Dolibarr « %s ». Vérifiez avec /doli users.", "There is no Dolibarr account %q. Check with /doli users.", login))
}

// checkGroups verifies that the groups of a function exist in Dolibarr, so
// that a typo in the configuration shows in the preview, not half-way
// through the execution.
func checkGroups(ctx context.Context, s bot.StaffUsers, function string, groups []string) error {
	all, err := s.Groups(ctx)
	if err != nil {
		return fmt.Errorf("list groups: %w", err)
	}
	for _, g := range groups {
		if !slices.ContainsFunc(all, func(x bot.StaffGroup) bool { return strings.EqualFold(x.Name, g) || x.ID == g }) {
			return bot.Userf("La fonction « %s » donne le groupe « %s », qui n'existe pas dans Dolibarr : corrigez la configuration (doli.functions).",
				"Function %q grants group %q, which does not exist in Dolibarr: fix the configuration (doli.functions).", function, g)
		}
	}
	return nil
}

func (d doliCommands) previewCreate(ctx context.Context, c bot.Call) (string, error) {
	login, addr, fn := c.Args.Get("identifiant"), c.Args.Get("adresse"), c.Args.Get("fonction")
	_, err := d.Staff.User(ctx, login)
	switch {
	case err == nil:
		return "", bot.Userf("Le compte Dolibarr « %s » existe déjà.", "Dolibarr account %q already exists.", login)
	case bot.KindOf(err) != bot.NotFound:
		return "", fmt.Errorf("get user: %w", err)
	}
	groups := d.Functions[fn]
	if err := checkGroups(ctx, d.Staff, fn, groups); err != nil {
		return "", err
	}
	text := fmt.Sprintf(c.T("Création du compte Dolibarr %s (%s), fonction %s → groupes : %s.", "Create Dolibarr account %s (%s), function %s → groups: %s."),
		login, addr, fn, strings.Join(groups, ", "))
	switch m := d.names(ctx, c); {
	case m.ID != "":
		text += fmt.Sprintf(c.T("\nNom repris de l'adhérent n°%s : %s.", "\nName taken from member #%s: %s."), m.ID, m.Name())
	case m.Name() != "":
		text += fmt.Sprintf(c.T("\nNom : %s.", "\nName: %s."), m.Name())
	}
	return text, nil
}

// names returns the member at the address if there is exactly one (the new
// account takes its names), else the name /delegate onboard passes as
// "nom" ("Prénom Nom"), else the zero Adherent.
func (d doliCommands) names(ctx context.Context, c bot.Call) bot.Adherent {
	if d.Adherents != nil {
		if list, err := d.Adherents.AdherentsByEmail(ctx, c.Args.Get("adresse")); err == nil && len(list) == 1 {
			return list[0]
		}
	}
	first, last, _ := strings.Cut(c.Args.Get("nom"), " ")
	return bot.Adherent{FirstName: first, LastName: last}
}

func (d doliCommands) applyCreate(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	login, addr, fn := c.Args.Get("identifiant"), c.Args.Get("adresse"), c.Args.Get("fonction")
	m := d.names(ctx, c)
	if _, err := d.StaffAdmin.CreateUser(ctx, login, addr, m.FirstName, m.LastName); err != nil {
		return bot.Outcome{}, fmt.Errorf("create user: %w", err)
	}
	var done []string
	for _, g := range d.Functions[fn] {
		if err := d.StaffAdmin.AddToGroup(ctx, login, g); err != nil {
			return bot.Outcome{}, partial(c, err,
				"Compte %s créé, mais l'ajout au groupe %s a échoué (groupes déjà donnés : %s) ; terminez avec /doli user function.",
				"Account %s created, but adding it to group %s failed (groups given: %s); finish with /doli user function.",
				login, g, strings.Join(done, ", "))
		}
		done = append(done, g)
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T("Compte Dolibarr %s créé, groupes : %s", "Dolibarr account %s created, groups: %s"), login, strings.Join(done, ", "))}, nil
}

// functionChange computes what a change of function does: the groups to
// add, and the groups of other functions the account keeps (Dolibarr's API
// cannot remove a user from a group).
func (d doliCommands) functionChange(u bot.StaffUser, fn string) (add, keep []string) {
	target := d.Functions[fn]
	for _, g := range target {
		if !slices.ContainsFunc(u.Groups, func(x string) bool { return strings.EqualFold(x, g) }) {
			add = append(add, g)
		}
	}
	for _, g := range u.Groups {
		if slices.ContainsFunc(target, func(x string) bool { return strings.EqualFold(x, g) }) {
			continue
		}
		for _, gs := range d.Functions {
			if slices.ContainsFunc(gs, func(x string) bool { return strings.EqualFold(x, g) }) {
				keep = append(keep, g)
				break
			}
		}
	}
	return add, keep
}

func (d doliCommands) previewFunction(ctx context.Context, c bot.Call) (string, error) {
	login, fn := c.Args.Get("identifiant"), c.Args.Get("fonction")
	u, err := staffUser(ctx, d.Staff, login)
	if err != nil {
		return "", err
	}
	add, keep := d.functionChange(u, fn)
	if len(add) == 0 {
		return "", bot.Unchanged("%s a déjà tous les groupes de la fonction %s (%s).", "%s already has every group of function %s (%s).", login, fn, strings.Join(d.Functions[fn], ", "))
	}
	if err := checkGroups(ctx, d.Staff, fn, add); err != nil {
		return "", err
	}
	after := append(slices.Clone(u.Groups), add...)
	text := fmt.Sprintf(c.T("Fonction de %s → %s ; groupes : [%s] → [%s]", "Function of %s → %s; groups: [%s] → [%s]"),
		login, fn, strings.Join(u.Groups, ", "), strings.Join(after, ", "))
	if len(keep) > 0 {
		text += fmt.Sprintf(c.T("\nÀ retirer à la main dans Dolibarr (l'API ne sait pas retirer un groupe) : %s", "\nTo remove by hand in Dolibarr (the API cannot remove a group): %s"), strings.Join(keep, ", "))
	}
	return text, nil
}

func (d doliCommands) applyFunction(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	login, fn := c.Args.Get("identifiant"), c.Args.Get("fonction")
	u, err := staffUser(ctx, d.Staff, login)
	if err != nil {
		return bot.Outcome{}, err
	}
	add, keep := d.functionChange(u, fn)
	var done []string
	for _, g := range add {
		if err := d.StaffAdmin.AddToGroup(ctx, login, g); err != nil {
			return bot.Outcome{}, partial(c, err, "%s : l'ajout au groupe %s a échoué (groupes ajoutés : %s).",
				"%s: adding group %s failed (groups added: %s).", login, g, strings.Join(done, ", "))
		}
		done = append(done, g)
	}
	text := fmt.Sprintf(c.T("%s a maintenant la fonction %s (groupes ajoutés : %s)", "%s now has function %s (groups added: %s)"), login, fn, strings.Join(done, ", "))
	if len(keep) > 0 {
		text += fmt.Sprintf(c.T(" ; à retirer à la main : %s", "; to remove by hand: %s"), strings.Join(keep, ", "))
	}
	return bot.Outcome{Text: text}, nil
}

// accountChange is doli user enable (enable) or doli user disable.
type accountChange struct {
	d      doliCommands
	enable bool
}

func (a accountChange) preview(ctx context.Context, c bot.Call) (string, error) {
	u, err := staffUser(ctx, a.d.Staff, c.Args.Get("identifiant"))
	switch {
	case err != nil:
		return "", err
	case u.Active && a.enable:
		return "", bot.Unchanged("Le compte Dolibarr %s est déjà actif.", "Dolibarr account %s is already enabled.", u.Login)
	case !u.Active && !a.enable:
		return "", bot.Unchanged("Le compte Dolibarr %s est déjà désactivé.", "Dolibarr account %s is already disabled.", u.Login)
	case a.enable:
		return fmt.Sprintf(c.T("Compte Dolibarr %s (%s) : désactivé → actif ; groupes : %s.", "Dolibarr account %s (%s): disabled → enabled; groups: %s."),
			u.Login, u.Name(), strings.Join(u.Groups, ", ")), nil
	}
	return fmt.Sprintf(c.T("Compte Dolibarr %s (%s) : actif → désactivé ; ses groupes (%s) sont conservés.", "Dolibarr account %s (%s): active → disabled; its groups (%s) are kept."),
		u.Login, u.Name(), strings.Join(u.Groups, ", ")), nil
}

func (a accountChange) apply(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	login := c.Args.Get("identifiant")
	if a.enable {
		return applied(c, a.d.StaffAdmin.EnableUser(ctx, login), "enable user", "Compte Dolibarr %s réactivé", "Dolibarr account %s enabled", login)
	}
	return applied(c, a.d.StaffAdmin.DisableUser(ctx, login), "disable user", "Compte Dolibarr %s désactivé", "Dolibarr account %s disabled", login)
}

func (d doliCommands) previewPasswd(ctx context.Context, c bot.Call) (string, error) {
	u, err := staffUser(ctx, d.Staff, c.Args.Get("identifiant"))
	if err != nil {
		return "", err
	}
	text := fmt.Sprintf(c.T("Nouveau mot de passe pour le compte Dolibarr %s (%s), envoyé en message privé au demandeur.",
		"New password for Dolibarr account %s (%s), sent by private message to the requester."), u.Login, u.Name())
	if !u.Active {
		text += c.T(" Le compte est désactivé : le mot de passe ne servira qu'après /doli user enable.", " The account is disabled: the password is of use only after /doli user enable.")
	}
	return text, nil
}

func (d doliCommands) applyPasswd(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	login := c.Args.Get("identifiant")
	return withPassword(func(pw bot.Secret) error { return d.StaffAdmin.SetUserPassword(ctx, login, pw) }, "set user password", "",
		fmt.Sprintf(c.T("Mot de passe du compte Dolibarr %s changé", "Password of Dolibarr account %s changed"), login),
		fmt.Sprintf(c.T("Nouveau mot de passe du compte Dolibarr %s :", "New password of Dolibarr account %s:"), login))
}

// partialError is a change that stopped half-way: people read what was done
// (the UserError), the log gets the provider's error and its kind.
type partialError struct {
	done *bot.UserError
	err  error
}

func (e *partialError) Error() string   { return e.done.EN + ": " + e.err.Error() }
func (e *partialError) Unwrap() []error { return []error{e.done, e.err} }

// partial builds a partialError; fr and en share args. A refusal's text
// (which may suggest trying again) is added; when the outcome is unknown the
// engine says so and names the provider itself.
func partial(c bot.Call, err error, fr, en string, args ...any) error {
	ue := bot.Userf(fr, en, args...)
	if bot.Refused(err) {
		ue.FR += " (" + bot.ErrorText(bot.FR, err, c.Invocation) + ")"
		ue.EN += " (" + bot.ErrorText(bot.EN, err, c.Invocation) + ")"
	}
	return &partialError{done: ue, err: err}
}
