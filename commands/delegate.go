package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
)

// DelegateFunction is what a function gives a delegate besides its
// Dolibarr groups (Members.Functions): the configuration's delegates.
type DelegateFunction struct {
	WPRole    string   // WordPress role slug; "" for no WordPress step
	MailLists []string // distribution lists the mailbox joins
	BrevoList int      // Brevo list the mailbox joins; 0 for none
	Forward   bool     // the mailbox also forwards to the personal address
}

// delegateCommands are /delegate onboard and offboard: one change request
// whose steps are other commands of the catalogue (mail create, doli user
// create, wp role…), run with their own Preview and Apply. The preview
// lists every step, those already done included; the plan kept with the
// request holds the steps left, which Apply runs in order, stopping at the
// first failure. Asking again resumes: what is done previews as done.
type delegateCommands struct {
	steps     map[string]bot.Spec // the commands a step may run, by path
	mail      bot.Mail
	domain    string
	m         Members
	functions map[string]DelegateFunction
}

// step is one command of a plan, with its arguments.
type step struct {
	Path string     `json:"path"`
	Args bot.Values `json:"args"`
}

// newDelegateCommands builds the family over the catalogue's specs; it is
// empty without mail or Dolibarr's staff accounts and functions.
func newDelegateCommands(d Deps, specs []bot.Spec) delegateCommands {
	if d.Mail == nil || d.Members.Staff == nil || d.Members.StaffAdmin == nil || len(d.Members.Functions) == 0 {
		return delegateCommands{}
	}
	dc := delegateCommands{steps: map[string]bot.Spec{}, mail: d.Mail, domain: d.MailDomain, m: d.Members, functions: d.Delegates}
	for _, s := range specs {
		dc.steps[s.Path] = s
	}
	if d.Members.Contacts != nil && d.Members.ContactAdmin != nil {
		for _, add := range []bool{true, false} {
			b := brevoMembership{d.Members.Contacts, d.Members.ContactAdmin, add}
			dc.steps[b.path()] = bot.Spec{Path: b.path(), Args: []bot.Arg{{Name: "liste"}, {Name: "adresse"}}, Preview: b.preview, Apply: b.apply}
		}
	}
	return dc
}

func (d delegateCommands) specs() []bot.Spec {
	if d.steps == nil {
		return nil
	}
	return []bot.Spec{{
		Path: "delegate onboard", Help: "Accueille un délégué en une demande : boîte, compte Dolibarr et groupes, rôle WordPress, listes de sa fonction.",
		HelpEN: "Onboards a delegate in one request: mailbox, Dolibarr account and groups, WordPress role, the lists of their function.",
		Roles:  admins,
		Args: []bot.Arg{{Name: "nom", Type: argPersonName}, {Name: "adresse", Type: bot.ArgEmail},
			{Name: "fonction", Type: argFunction(d.m.Functions), Rest: true}, {Name: "boite", Type: argMailbox(d.domain), Optional: true}},
		Preview: d.preview(d.onboard), Apply: d.apply,
		Verify: "doli users", Recipient: "nom", Secret: d.secret,
	}, {
		Path: "delegate offboard", Help: "Départ d'un délégué en une demande : boîte suspendue (ou redirigée vers le successeur), Dolibarr désactivé, WordPress abonné, hors des listes.",
		HelpEN:  "Offboards a delegate in one request: mailbox suspended (or forwarded to the successor), Dolibarr disabled, WordPress subscriber, out of the lists.",
		Roles:   admins,
		Args:    []bot.Arg{{Name: "compte", Type: argMailbox(d.domain)}, {Name: "successeur", Type: argAddress(d.domain), Optional: true}},
		Preview: d.preview(d.offboard), Apply: d.apply,
		Verify: "mail show {compte}",
	}}
}

// plan lists a request's steps in order.
type plan func(ctx context.Context, c bot.Call) (*planner, error)

// planner collects the steps of a plan, leaving out the commands the
// configuration lacks (no WordPress, no Brevo); done are the lines of what
// needs no step (a mailbox that exists).
type planner struct {
	specs map[string]bot.Spec
	steps []step
	done  []string
}

func (p *planner) add(path string, args bot.Values) {
	if _, ok := p.specs[path]; ok {
		p.steps = append(p.steps, step{path, args})
	}
}

// preview runs each step's own preview: one that would change nothing is
// done, the others are kept as the plan Apply runs.
func (d delegateCommands) preview(p plan) func(ctx context.Context, c bot.Call) (string, error) {
	return func(ctx context.Context, c bot.Call) (string, error) {
		pl, err := p(ctx, c)
		if err != nil {
			return "", err
		}
		var lines []string
		for _, t := range pl.done {
			lines = append(lines, c.T("déjà fait : ", "already done: ")+t)
		}
		var todo []step
		for _, s := range pl.steps {
			text, err := d.steps[s.Path].Preview(ctx, subCall(c, s))
			var nc *bot.NoChange
			switch {
			case errors.As(err, &nc):
				lines = append(lines, c.T("déjà fait : ", "already done: ")+nc.Text(c.Locale))
				continue
			case err != nil:
				return "", fmt.Errorf("step %s: %w", s.Path, err)
			}
			todo = append(todo, s)
			lines = append(lines, fmt.Sprintf("%d. %s", len(todo), text))
		}
		if len(todo) == 0 {
			return "", bot.Unchanged("Rien à faire, tout est déjà fait :\n%s", "Nothing to do, everything is done:\n%s", strings.Join(lines, "\n"))
		}
		if err := c.Keep(todo); err != nil {
			return "", err
		}
		return fmt.Sprintf(c.T("%d étape(s), dans l'ordre, chacune décrite sur l'état d'aujourd'hui ; la première qui échoue arrête les suivantes :\n%s",
			"%d step(s), in order, each described on today's state; the first that fails stops the others:\n%s"), len(todo), strings.Join(lines, "\n")), nil
	}
}

// secret reports whether a step of the kept plan sends a password, so that
// the engine announces one only then.
func (d delegateCommands) secret(c bot.Call) bool {
	var todo []step
	if c.Kept(&todo) != nil {
		return true // the request holds no plan: Apply will say so
	}
	return slices.ContainsFunc(todo, func(s step) bool {
		spec := d.steps[s.Path]
		return spec.SendsSecret(subCall(c, s))
	})
}

// stepError is the failure of a step: when its outcome is unknown, the
// engine names the step's own read command, not the request's.
type stepError struct {
	error
	verify string
}

func (e stepError) Unwrap() error      { return e.error }
func (e stepError) VerifyLine() string { return e.verify }

// apply runs the kept steps in order. A failing step ends the request with
// what was done and what remains; the passwords of the steps done still go
// privately (Outcome.Private with the error).
func (d delegateCommands) apply(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	var todo []step
	if err := c.Kept(&todo); err != nil {
		return bot.Outcome{}, err
	}
	var out bot.Outcome
	var done []string
	for i, s := range todo {
		spec := d.steps[s.Path]
		o, err := spec.Apply(ctx, subCall(c, s))
		if err != nil {
			var left []string
			for _, r := range todo[i+1:] {
				left = append(left, d.line(r))
			}
			return out, stepError{partial(c, err, "étape %d (%s) échouée. Faites : %s. Restantes : %s. Refaites la demande pour reprendre : les étapes faites seront sautées.",
				"step %d (%s) failed. Done: %s. Left: %s. Ask again to resume: the steps done will be skipped.",
				i+1, d.line(s), orNone(done), orNone(left)), spec.VerifyLine(s.Args)}
		}
		done = append(done, o.Text)
		out.Private = append(out.Private, requester(o.Private)...)
	}
	out.Text = fmt.Sprintf(c.T("%d étape(s) faite(s) :\n", "%d step(s) done:\n"), len(done)) + strings.Join(done, "\n")
	return out, nil
}

// requester sends a step's passwords to the requester, who hands them to
// the delegate: the engine's notice and check went to them (Recipient "nom"
// names no mailbox), the arriving delegate is in no configuration yet, and a
// reassigned mailbox's configured owner is the holder who leaves.
func requester(ps []bot.Private) []bot.Private {
	for i := range ps {
		ps[i].Mailbox = ""
	}
	return ps
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, " ; ")
}

// line renders a step as the command it runs.
func (d delegateCommands) line(s step) string {
	spec := d.steps[s.Path]
	return spec.Line(s.Args)
}

// subCall is the call a step's command receives: the request's, with the
// step's arguments. A step's command must keep no plan of its own (Keep):
// the request's plan is the delegate command's.
func subCall(c bot.Call, s step) bot.Call {
	sub := c
	sub.Args = s.Args
	return sub
}

// onboard plans a new delegate: mailbox, forwarder, Dolibarr account and
// groups, WordPress role, mail lists, Brevo list.
func (d delegateCommands) onboard(ctx context.Context, c bot.Call) (*planner, error) {
	name, perso, fn := c.Args.Get("nom"), c.Args.Get("adresse"), c.Args.Get("fonction")
	first, last, _ := strings.Cut(name, " ")
	login, err := checkLogin(slug(first)[:1] + "." + slug(last))
	if err != nil {
		return nil, bot.Userf("Je ne peux pas tirer un identifiant de « %s » : créez les comptes un par un.", "I cannot make a login out of %q: create the accounts one by one.", name)
	}
	box := c.Args.Get("boite")
	if box == "" {
		if box, err = bot.NormalizeEmail(slug(first) + "." + slug(last) + "@" + d.domain); err != nil {
			return nil, bot.Userf("Je ne peux pas tirer une adresse de « %s » : donnez la boîte.", "I cannot make an address out of %q: give the mailbox.", name)
		}
	}
	cfg := d.functions[fn]
	p := &planner{specs: d.steps}
	switch mb, err := d.mail.Mailbox(ctx, box); {
	case mb.SuspendedLogin: // a departure's: whoever held it must not get back in
		p.add("mail passwd", bot.Values{"boite": box})
		p.add("mail unsuspend", bot.Values{"boite": box})
	case err == nil:
		p.done = append(p.done, fmt.Sprintf(c.T("la boîte %s existe (son mot de passe ne change pas ; /mail passwd si elle change de titulaire)", "mailbox %s exists (its password stays; /mail passwd if it changes hands)"), box))
	case bot.KindOf(err) == bot.NotFound:
		p.add("mail create", bot.Values{"boite": box})
	default:
		return nil, fmt.Errorf("read mailbox: %w", err)
	}
	if cfg.Forward {
		p.add("mail forward add", bot.Values{"adresse": box, "destination": perso})
	}
	switch u, err := d.m.Staff.User(ctx, login); {
	case bot.KindOf(err) == bot.NotFound:
		p.add("doli user create", bot.Values{"identifiant": login, "adresse": box, "fonction": fn, "nom": name})
	case err != nil:
		return nil, fmt.Errorf("get user: %w", err)
	case !bot.SameEmail(u.Email, box):
		return nil, homonym("Dolibarr", login, u.Email)
	default:
		if !u.Active {
			p.add("doli user enable", bot.Values{"identifiant": login})
		}
		p.add("doli user function", bot.Values{"identifiant": login, "fonction": fn})
	}
	if cfg.WPRole != "" && d.m.WPUsers != nil {
		if err := d.planWordPress(ctx, p, bot.Values{"identifiant": login, "adresse": box, "role": cfg.WPRole, "nom": name}); err != nil {
			return nil, err
		}
	}
	for _, l := range cfg.MailLists {
		p.add("mail list-add", bot.Values{"liste": l, "destination": box})
	}
	if cfg.BrevoList > 0 {
		p.add(brevoMembership{add: true}.path(), bot.Values{"liste": strconv.Itoa(cfg.BrevoList), "adresse": box, "nom": name})
	}
	return p, nil
}

// planWordPress gives the role to the account at the mailbox's address, or
// creates one (args are wp user create's).
func (d delegateCommands) planWordPress(ctx context.Context, p *planner, args bot.Values) error {
	login := args.Get("identifiant")
	u, err := d.m.WPUsers.WPUserByEmail(ctx, args.Get("adresse"))
	if bot.KindOf(err) == bot.NotFound {
		if u, err = d.m.WPUsers.WPUser(ctx, login); err == nil {
			return homonym("WordPress", login, u.Email)
		}
	}
	switch {
	case bot.KindOf(err) == bot.NotFound:
		p.add("wp user create", args)
	case err != nil:
		return fmt.Errorf("get wordpress user: %w", err)
	default:
		p.add("wp role", bot.Values{"compte": u.Username, "role": args.Get("role")})
	}
	return nil
}

// homonym refuses an account whose login is the new delegate's but whose
// address is another's: it may be someone else's.
func homonym(system, login, email string) error {
	return bot.Userf("Le compte %s %s existe déjà, avec l'adresse %s : c'est peut-être quelqu'un d'autre ; créez les comptes un par un.",
		"%s account %s already exists, with the address %s: it may be someone else's; create the accounts one by one.", system, login, email)
}

// offboard plans a delegate's departure: the mailbox's forwarders to
// anyone but the successor removed (a personal address), forwarder to the
// successor, suspended login, Dolibarr account disabled, WordPress
// subscriber, out of every distribution list and of the functions' Brevo
// lists.
func (d delegateCommands) offboard(ctx context.Context, c bot.Call) (*planner, error) {
	box, succ := c.Args.Get("compte"), c.Args.Get("successeur")
	if _, err := mailbox(ctx, d.mail, box); err != nil {
		return nil, err
	}
	p := &planner{specs: d.steps}
	fw, err := d.mail.Forwarders(ctx, domainOf(box))
	if err != nil {
		return nil, fmt.Errorf("list forwarders: %w", err)
	}
	var lists []string
	for _, f := range fw {
		switch {
		case strings.EqualFold(f.Address, box) && !strings.EqualFold(f.Dest, succ):
			p.add("mail forward remove", bot.Values{"adresse": box, "destination": f.Dest}) // mail no longer follows the person
		case strings.EqualFold(f.Dest, box):
			lists = append(lists, f.Address)
		}
	}
	if succ != "" {
		p.add("mail forward add", bot.Values{"adresse": box, "destination": succ})
	}
	p.add("mail suspend", bot.Values{"boite": box})
	users, err := d.m.Staff.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	if i := slices.IndexFunc(users, func(u bot.StaffUser) bool { return bot.SameEmail(u.Email, box) }); i >= 0 {
		p.add("doli user disable", bot.Values{"identifiant": users[i].Login})
	} else {
		p.done = append(p.done, fmt.Sprintf(c.T("aucun compte Dolibarr n'a l'adresse %s", "no Dolibarr account has the address %s"), box))
	}
	if d.m.WPUsers != nil {
		switch u, err := d.m.WPUsers.WPUserByEmail(ctx, box); {
		case bot.KindOf(err) == bot.NotFound:
			p.done = append(p.done, fmt.Sprintf(c.T("aucun compte WordPress n'a l'adresse %s", "no WordPress account has the address %s"), box))
		case err != nil:
			return nil, fmt.Errorf("get wordpress user: %w", err)
		default:
			p.add("wp role", bot.Values{"compte": u.Username, "role": "subscriber"})
		}
	}
	slices.Sort(lists)
	for _, l := range slices.Compact(lists) {
		p.add("mail list-remove", bot.Values{"liste": l, "destination": box})
	}
	var brevo []int
	for _, f := range d.functions {
		if f.BrevoList > 0 {
			brevo = append(brevo, f.BrevoList)
		}
	}
	slices.Sort(brevo)
	for _, id := range slices.Compact(brevo) {
		p.add(brevoMembership{add: false}.path(), bot.Values{"liste": strconv.Itoa(id), "adresse": box})
	}
	return p, nil
}

// brevoMembership adds (add) an address to a Brevo list, creating the
// contact if need be, or removes it: a step of the delegate commands only.
type brevoMembership struct {
	contacts bot.Contacts
	admin    bot.ContactAdmin
	add      bool
}

func (b brevoMembership) path() string {
	if b.add {
		return "brevo list-add"
	}
	return "brevo list-remove"
}

// preview names the list, so that a wrong ID in the configuration shows
// before anything runs.
func (b brevoMembership) preview(ctx context.Context, c bot.Call) (string, error) {
	id, addr := c.Args.Int("liste"), c.Args.Get("adresse")
	lists, err := b.contacts.Lists(ctx)
	if err != nil {
		return "", fmt.Errorf("list brevo lists: %w", err)
	}
	i := slices.IndexFunc(lists, func(l bot.ContactList) bool { return l.ID == id })
	if i < 0 {
		return "", bot.Userf("La liste Brevo %d n'existe pas : corrigez la configuration (delegates).", "Brevo list %d does not exist: fix the configuration (delegates).", id)
	}
	ct, err := b.contacts.Contact(ctx, addr)
	if err != nil && bot.KindOf(err) != bot.NotFound {
		return "", fmt.Errorf("get contact: %w", err)
	}
	switch in := err == nil && ct.InList(id); {
	case in && b.add:
		return "", bot.Unchanged("%s est déjà dans la liste Brevo %d.", "%s is already in Brevo list %d.", addr, id)
	case !in && !b.add:
		return "", bot.Unchanged("%s n'est pas dans la liste Brevo %d.", "%s is not in Brevo list %d.", addr, id)
	case b.add:
		return fmt.Sprintf(c.T("Liste Brevo « %s » (%d) : ajout de %s", "Brevo list %q (%d): add %s"), lists[i].Name, id, addr), nil
	}
	return fmt.Sprintf(c.T("Liste Brevo « %s » (%d) : retrait de %s", "Brevo list %q (%d): remove %s"), lists[i].Name, id, addr), nil
}

func (b brevoMembership) apply(ctx context.Context, c bot.Call) (bot.Outcome, error) {
	id, addr := c.Args.Int("liste"), c.Args.Get("adresse")
	if b.add {
		first, last, _ := strings.Cut(c.Args.Get("nom"), " ")
		if err := b.admin.SaveContact(ctx, bot.Contact{Email: addr, FirstName: first, LastName: last, ListIDs: []int{id}}); err != nil {
			return bot.Outcome{}, fmt.Errorf("save contact: %w", err)
		}
		return bot.Outcome{Text: fmt.Sprintf(c.T("%s ajoutée à la liste Brevo %d", "%s added to Brevo list %d"), addr, id)}, nil
	}
	ch, err := b.admin.RemoveFromList(ctx, id, []string{addr})
	if err == nil && len(ch.Done) == 0 {
		err = bot.Errorf(bot.Conflict, "brevo", "remove from list", "the address was not removed")
	}
	if err != nil {
		return bot.Outcome{}, fmt.Errorf("remove from list: %w", err)
	}
	return bot.Outcome{Text: fmt.Sprintf(c.T("%s retirée de la liste Brevo %d", "%s removed from Brevo list %d"), addr, id)}, nil
}

// slug folds a name into the words of a login or an address: "Lefèvre
// Utile" is "lefevre-utile".
func slug(s string) string { return strings.ReplaceAll(coherence.NameKey(s), " ", "-") }

// argPersonName is a first name and a last name, quoted: "Jeanne Martin".
var argPersonName = bot.ArgType{Name: "name", Example: `"Jeanne Martin"`, Check: checkPersonName}

func checkPersonName(s string) (string, error) {
	n := strings.Join(strings.Fields(s), " ")
	first, last, _ := strings.Cut(n, " ")
	if utf8.RuneCountInString(n) > 100 || strings.ContainsFunc(n, unicode.IsControl) || slug(first) == "" || slug(last) == "" {
		return "", bot.Userf("« %s » n'est pas un prénom suivi d'un nom ; écrivez-les entre guillemets : \"Jeanne Martin\"",
			"%q is not a first name followed by a last name; quote them: \"Jeanne Martin\"", clip(s))
	}
	return n, nil
}
