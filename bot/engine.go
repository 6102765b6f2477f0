package bot

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// EngineConfig holds what the engine needs. Chat, Store and Policy are
// required; a zero duration takes its default (none is negative).
type EngineConfig struct {
	Chat             Chat
	Store            Store
	Policy           *Policy
	Log              zerolog.Logger
	Now              func() time.Time // default time.Now
	Platform         string           // the chat platform's name, for the policy
	ApprovalsChannel string           // where change requests are posted
	Locale           Locale
	Expiry           time.Duration  // pending requests expire after it (default 72 h)
	Timeout          time.Duration  // deadline of each read, preview and execution (default 60 s)
	SweepEvery       time.Duration  // how often Run expires requests (default 1 min)
	SelfService      bool           // self-service changes marked NoApproval run at once
	Approvals        map[string]int // approvals needed per financial command path, overriding the spec
	// Observe, when set, is told the outcome of every command: "ok", "denied",
	// "invalid", "requested", "unchanged" (nothing to change: no request),
	// "duplicate" (the same request is pending), "error" (failed), "stale",
	// "unknown".
	Observe func(path, outcome string)
}

// Engine turns invocations and reactions into reads, change requests,
// executions and audit records. It is safe for concurrent use once every
// spec and watcher is registered.
type Engine struct {
	cfg      EngineConfig
	log      zerolog.Logger
	specs    map[string]*Spec
	watchers []func(context.Context, Reaction) bool

	posting sync.RWMutex // read-held while a change request is posted and its message ID stored
}

// NewEngine checks cfg and returns an engine with no command.
func NewEngine(cfg EngineConfig) (*Engine, error) {
	if cfg.Chat == nil || cfg.Store == nil || cfg.Policy == nil || cfg.ApprovalsChannel == "" {
		return nil, errors.New("engine: chat, store, policy and the approvals channel are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Expiry = cmp.Or(cfg.Expiry, 72*time.Hour)
	cfg.Timeout = cmp.Or(cfg.Timeout, 60*time.Second)
	cfg.SweepEvery = cmp.Or(cfg.SweepEvery, time.Minute)
	cfg.Locale = cmp.Or(cfg.Locale, FR)
	return &Engine{cfg: cfg, log: cfg.Log.With().Str("component", "engine").Logger(), specs: map[string]*Spec{}}, nil
}

// Register adds commands. A duplicate path, a change without a preview, or a
// spec with both Read and Apply is an error.
func (e *Engine) Register(specs ...Spec) error {
	for i := range specs {
		s := specs[i]
		s.Path = strings.Join(strings.Fields(s.Path), " ")
		switch {
		case s.Path == "":
			return errors.New("engine: register: empty path")
		case e.specs[s.Path] != nil:
			return fmt.Errorf("engine: register %q: duplicate path", s.Path)
		case handlers(s) != 1:
			return fmt.Errorf("engine: register %q: exactly one of Read, Act and Apply", s.Path)
		case s.Apply != nil && s.Preview == nil:
			return fmt.Errorf("engine: register %q: a change needs a preview", s.Path)
		case len(s.Roles) == 0 && s.Self == nil:
			return fmt.Errorf("engine: register %q: no role may run it", s.Path)
		}
		if s.Financial {
			s.Approvals = max(s.Approvals, e.cfg.Approvals[s.Path])
		}
		s.Approvals = max(s.Approvals, 1)
		e.specs[s.Path] = &s
	}
	return nil
}

// handlers counts the handlers a spec sets among Read, Act and Apply.
func handlers(s Spec) int {
	n := 0
	for _, set := range []bool{s.Read != nil, s.Act != nil, s.Apply != nil} {
		if set {
			n++
		}
	}
	return n
}

// Watch registers fn for reactions on messages that are not change requests
// (alerts use it for 👀). fn returns true when it handled the reaction. Like
// Register, it is called before the engine handles anything.
func (e *Engine) Watch(fn func(ctx context.Context, r Reaction) bool) {
	e.watchers = append(e.watchers, fn)
}

// Specs returns every registered command, sorted by path.
func (e *Engine) Specs() []Spec {
	var out []Spec
	for _, p := range slices.Sorted(maps.Keys(e.specs)) {
		out = append(out, *e.specs[p])
	}
	return out
}

// Allowed returns the commands p may run or request, sorted by path.
func (e *Engine) Allowed(p Person) []Spec {
	return slices.DeleteFunc(e.Specs(), func(s Spec) bool {
		return !p.Has(s.Roles...) && (s.Self == nil || !p.Has(s.Self.Roles...))
	})
}

// Locale returns the configured locale.
func (e *Engine) Locale() Locale { return e.cfg.Locale }

// lookup finds the spec with the longest path that prefixes words.
func (e *Engine) lookup(words []string) (*Spec, int) {
	for n := min(len(words), 4); n > 0; n-- {
		if s := e.specs[strings.ToLower(strings.Join(words[:n], " "))]; s != nil {
			return s, n
		}
	}
	return nil, 0
}

func newID() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (e *Engine) observe(path, outcome string) {
	if e.cfg.Observe != nil {
		e.cfg.Observe(path, outcome)
	}
}

// Handle runs one invocation and answers the caller through inv.Respond. Bad
// input, unknown commands and refusals get a clear sentence, and nothing is
// stored or executed.
func (e *Engine) Handle(ctx context.Context, inv Invocation) {
	defer e.recoverInvocation(ctx, &inv)
	inv.ID = cmp.Or(inv.ID, newID())
	inv.Platform = cmp.Or(inv.Platform, e.cfg.Platform)
	l := e.log.With().Str("invocation", inv.ID).Str("platform", inv.Platform).Str("caller", inv.Caller.ID).Logger()
	ctx = l.WithContext(ctx)
	tr := e.cfg.Locale.Pick
	answer := func(r Reply) {
		if inv.Respond == nil {
			return
		}
		if err := inv.Respond.Respond(ctx, r); err != nil {
			l.Warn().Err(err).Msg("answer not delivered")
		}
	}
	say := func(fr, en string, args ...any) { answer(Reply{Text: fmt.Sprintf(tr(fr, en), args...)}) }

	if inv.Caller.Bot {
		return
	}
	if len(inv.Caller.Roles) == 0 {
		l.Info().Msg("unknown user refused")
		say("Bonjour ! Vous n'êtes pas (encore) enregistré·e auprès d'opsbot, je ne peux donc rien faire pour vous. Demandez à l'administrateur système de vous ajouter.",
			"Hello! You are not (yet) registered with opsbot, so I cannot do anything for you. Ask the system administrator to add you.")
		return
	}
	text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(inv.Text), "/"))
	words, after, hasAfter, err := Tokenize(text)
	if err != nil {
		answer(Reply{Text: ErrorText(e.cfg.Locale, err, inv.ID)})
		return
	}
	if len(words) == 0 {
		say("Commande vide. Tapez /help pour la liste des commandes.", "Empty command. Type /help for the list of commands.")
		return
	}
	spec, n := e.lookup(words)
	if spec == nil {
		e.unknown(words, inv.Caller, say)
		return
	}
	l = l.With().Str("command", spec.Path).Logger()
	ctx = l.WithContext(ctx)

	self := false
	if !inv.Caller.Has(spec.Roles...) {
		if spec.Self == nil || !inv.Caller.Has(spec.Self.Roles...) {
			e.deny(ctx, inv, spec, say)
			return
		}
		self = true
	}
	args, err := ParseArgs(spec, words[n:], after, hasAfter)
	if err != nil {
		e.observe(spec.Path, "invalid")
		answer(Reply{Text: ErrorText(e.cfg.Locale, err, inv.ID)})
		return
	}
	if self && !inv.Caller.Owns(args.Get(spec.Self.Arg)) {
		e.observe(spec.Path, "denied")
		e.audit(ctx, AuditRecord{Kind: "denied", Platform: inv.Platform, ActorID: inv.Caller.ID, ActorName: inv.Caller.Name,
			Command: spec.Path, Args: args, Detail: "not the caller's own mailbox"})
		say("Vous ne pouvez utiliser /%s que pour votre propre boîte (%s).", "You may use /%s only on your own mailbox (%s).",
			spec.Path, strings.Join(inv.Caller.Mailboxes, ", "))
		return
	}
	call := Call{Invocation: inv.ID, Platform: inv.Platform, Caller: inv.Caller, Args: args, Locale: e.cfg.Locale}
	rctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()

	switch {
	case spec.Read != nil || spec.Act != nil:
		run, kind := spec.Read, "read"
		if spec.Act != nil {
			run, kind = spec.Act, "act"
		}
		r, err := run(rctx, call)
		if err != nil {
			e.fail(ctx, spec.Path, err, inv.ID, answer)
			return
		}
		e.observe(spec.Path, "ok")
		e.audit(ctx, AuditRecord{Kind: kind, Platform: inv.Platform, ActorID: inv.Caller.ID, ActorName: inv.Caller.Name, Command: spec.Path, Args: args})
		answer(r)
	case self && spec.Self.NoApproval && e.cfg.SelfService:
		e.selfService(rctx, inv, spec, call, answer)
	default:
		e.request(rctx, inv, spec, call, answer)
	}
}

func (e *Engine) unknown(words []string, p Person, say func(string, string, ...any)) {
	var near []string
	for _, s := range e.Allowed(p) {
		if strings.EqualFold(s.Words()[0], words[0]) {
			near = append(near, "/"+s.Usage())
		}
	}
	if len(near) > 0 {
		say("Commande incomplète ou inconnue « %s ». Possibilités :\n%s", "Incomplete or unknown command %q. Possible:\n%s",
			strings.Join(words, " "), strings.Join(near, "\n"))
		return
	}
	say("Commande inconnue « %s ». Tapez /help pour la liste des commandes.", "Unknown command %q. Type /help for the list of commands.", words[0])
}

func (e *Engine) deny(ctx context.Context, inv Invocation, spec *Spec, say func(string, string, ...any)) {
	e.observe(spec.Path, "denied")
	zerolog.Ctx(ctx).Info().Msg("command denied")
	e.audit(ctx, AuditRecord{Kind: "denied", Platform: inv.Platform, ActorID: inv.Caller.ID, ActorName: inv.Caller.Name, Command: spec.Path})
	say("Désolé, /%s est réservé à : %s. Tapez /help pour voir ce que vous pouvez faire.",
		"Sorry, /%s is for: %s. Type /help to see what you may do.", spec.Path, strings.Join(roleLabels(e.cfg.Locale, spec.Roles), ", "))
}

// fail answers an error: the person reads a sentence built from its kind and
// provider; the operator's log gets the error itself.
func (e *Engine) fail(ctx context.Context, path string, err error, ref string, answer func(Reply)) {
	var ue *UserError
	if errors.As(err, &ue) && ProviderOf(err) == "" {
		e.observe(path, "invalid")
		answer(Reply{Text: ue.Text(e.cfg.Locale)})
		return
	}
	e.observe(path, "error")
	zerolog.Ctx(ctx).Error().Err(err).Str("kind", KindOf(err).String()).Msg("command failed")
	answer(Reply{Text: ErrorText(e.cfg.Locale, err, ref)})
}

func (e *Engine) audit(ctx context.Context, rec AuditRecord) {
	if rec.At.IsZero() {
		rec.At = e.cfg.Now()
	}
	if s := e.specs[rec.Command]; s != nil {
		rec.Args = s.auditArgs(rec.Args)
	}
	if err := e.cfg.Store.AppendAudit(context.WithoutCancel(ctx), rec); err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Str("audit_kind", rec.Kind).Msg("audit record lost")
	}
}

// Label returns the role's name for people.
func (r Role) Label(l Locale) string {
	fr := map[Role]string{Admin: "administrateur", Board: "membres du bureau/CA", Delegate: "délégués",
		Treasurer: "trésorier·e", President: "président·e"}
	return cmp.Or(map[Locale]map[Role]string{FR: fr}[l][r], string(r))
}

func roleLabels(l Locale, roles []Role) []string {
	s := make([]string, 0, len(roles))
	for _, r := range roles {
		s = append(s, r.Label(l))
	}
	return s
}

func roleList(l Locale, roles []Role) string {
	return strings.Join(roleLabels(l, roles), l.Pick(" ou ", " or "))
}

var providerNames = map[string]string{"cpanel": "cPanel", "dolibarr": "Dolibarr", "brevo": "Brevo",
	"wordpress": "WordPress", "ovh": "OVH", "planethoster": "PlanetHoster"}

// ProviderName returns the provider's name as people read it ("OVH" for
// "ovh"), or id itself when it has none: every message naming a provider
// takes the name from here.
func ProviderName(id string) string {
	return cmp.Or(providerNames[id], id)
}

// providerName names err's provider for people; the SMTP server and
// opsbot's storage are described, not named ("le service" if none).
func providerName(l Locale, err error) string {
	p := ProviderOf(err)
	described := map[string]string{"mailer": l.Pick("le serveur SMTP", "the SMTP server"),
		"storage": l.Pick("le stockage d'opsbot", "opsbot's storage")}
	return cmp.Or(described[p], ProviderName(p), l.Pick("le service", "the service"))
}

// ErrorText is the sentence a person reads for err: what failed, at which
// provider, and what to do. Provider bodies and stack traces never appear;
// ref (the invocation ID) lets the administrator find the log line. A
// provider's *Error whose cause is a *UserError (a disabled cPanel feature,
// a wrong SMTP password) reads that sentence instead of its kind's.
func ErrorText(l Locale, err error, ref string) string {
	var ue *UserError
	if errors.As(err, &ue) {
		if ProviderOf(err) == "" {
			return ue.Text(l)
		}
		return fmt.Sprintf(l.Pick("%s (réf. %s)", "%s (ref. %s)"), ue.Text(l), ref)
	}
	name := providerName(l, err)
	switch KindOf(err) {
	case NotFound:
		return fmt.Sprintf(l.Pick("%s ne trouve pas l'élément demandé ; vérifiez l'orthographe.", "%s cannot find what you asked for; check the spelling."), name)
	case Invalid:
		return fmt.Sprintf(l.Pick("%s a refusé la demande (valeur invalide). (réf. %s)", "%s refused the request (invalid value). (ref. %s)"), name, ref)
	case Denied:
		return fmt.Sprintf(l.Pick("%s a refusé l'accès à opsbot : l'administrateur doit vérifier le jeton d'API. (réf. %s)", "%s denied opsbot access: the administrator must check the API token. (ref. %s)"), name, ref)
	case Conflict:
		return fmt.Sprintf(l.Pick("%s signale un conflit : l'élément existe déjà ou a changé entre-temps. (réf. %s)", "%s reports a conflict: it already exists or changed meanwhile. (ref. %s)"), name, ref)
	case RateLimited:
		return fmt.Sprintf(l.Pick("%s demande de ralentir (trop de requêtes) ; réessayez dans une minute. (réf. %s)", "%s asks us to slow down (too many requests); try again in a minute. (ref. %s)"), name, ref)
	case Unavailable:
		return fmt.Sprintf(l.Pick("%s ne répond pas (délai dépassé ou erreur du serveur) ; réessayez plus tard. (réf. %s)", "%s does not answer (timeout or server error); try again later. (ref. %s)"), name, ref)
	}
	return fmt.Sprintf(l.Pick("Erreur interne d'opsbot ; l'administrateur trouvera le détail dans le journal (réf. %s).", "opsbot internal error; the administrator will find the details in the log (ref. %s)."), ref)
}
