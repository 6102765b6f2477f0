package commands

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

// AlertDesk is what the alert commands need: the alerts open now, muting,
// and running every check at once. *alerts.Scheduler provides it.
type AlertDesk interface {
	// List returns the alerts open or muted now, by key.
	List(ctx context.Context) ([]alerts.State, error)
	// Mute silences key for d (d = 0 lifts the mute); NotFound for a key
	// that never fired.
	Mute(ctx context.Context, key string, d time.Duration, by bot.Person) (alerts.State, error)
	// CheckNow runs every check, posts what changed, and returns the results.
	CheckNow(ctx context.Context) []alerts.CheckResult
	// Now is the clock of the alerts.
	Now() time.Time
}

// MaxMute is the longest mute: an alert silenced longer should be fixed or
// taken out of the configuration.
const MaxMute = 30 * 24 * time.Hour

// argMuteDuration is a mute duration: 30m, 2h, 3j, 1sem, 1j12h; 0 lifts the mute.
var argMuteDuration = bot.ArgType{Name: "duration", Example: "2h", Check: normalized(ParseMuteDuration, time.Duration.String)}

// alertCommands are the alert commands over the scheduler's desk.
type alertCommands struct {
	desk AlertDesk
}

func (a alertCommands) specs() []bot.Spec {
	if a.desk == nil {
		return nil
	}
	return []bot.Spec{{
		Path: "alerts list", Help: "Liste les alertes en cours et celles rendues muettes.",
		HelpEN: "Lists the open alerts and the muted ones.",
		Roles:  readers, Read: a.list,
	}, {
		Path: "alerts mute", Help: "Rend une alerte muette pour une durée (30m, 2h, 3j, 1sem ; 0 la réactive).",
		HelpEN: "Mutes an alert for a while (30m, 2h, 3d, 1w; 0 unmutes it).",
		Roles:  admins,
		Args:   []bot.Arg{{Name: "cle", Type: bot.ArgWord}, {Name: "duree", Type: argMuteDuration}},
		Act:    a.mute,
	}, {
		Path: "alerts check", Help: "Lance toutes les vérifications maintenant ; le résultat vous est répondu en privé.",
		HelpEN: "Runs every check now; the result is answered to you privately.",
		Roles:  readers, Args: []bot.Arg{{Name: "quand", Optional: true, Choices: []string{"now", "maintenant"}}},
		Read: a.check,
	}}
}

func (a alertCommands) list(ctx context.Context, c bot.Call) (bot.Reply, error) {
	all, err := a.desk.List(ctx)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list alerts: %w", err)
	}
	if len(all) == 0 {
		return bot.Reply{Text: c.T("Aucune alerte en cours. ✅", "No open alert. ✅")}, nil
	}
	now := a.desk.Now()
	var b strings.Builder
	open := 0
	for _, s := range all {
		b.WriteString("\n")
		if !s.Open {
			fmt.Fprintf(&b, c.T("✅ `%s` — rétablie", "✅ `%s` — recovered"), s.Key)
		} else {
			open++
			fmt.Fprintf(&b, c.T("%s %s `%s` — %s — depuis %s", "%s %s `%s` — %s — for %s"),
				s.Severity.Emoji(), s.Severity.Label(c.Locale), s.Key, s.Title, alerts.Age(c.Locale, now.Sub(s.Since)))
			if s.AckedBy != "" {
				fmt.Fprintf(&b, c.T(" — prise en charge par %s", " — taken by %s"), s.AckedByName)
			}
		}
		if s.Ticket != "" {
			fmt.Fprintf(&b, " — ticket %s", s.Ticket)
		}
		if s.Muted(now) {
			fmt.Fprintf(&b, c.T(" — muette encore %s (%s)", " — muted for %s more (%s)"), alerts.Age(c.Locale, s.MutedUntil.Sub(now)), s.MutedBy)
		}
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("%d alerte(s) en cours :", "%d open alert(s):"), open) + b.String()}, nil
}

func (a alertCommands) mute(ctx context.Context, c bot.Call) (bot.Reply, error) {
	key := c.Args.Get("cle")
	// argMuteDuration wrote it with Duration.String; an error is never read
	// as 0, which would unmute.
	dur, err := time.ParseDuration(c.Args.Get("duree"))
	if err != nil {
		return bot.Reply{}, fmt.Errorf("mute %s: %w", key, err)
	}
	s, err := a.desk.Mute(ctx, key, dur, c.Caller)
	if _, err = found(s, err, "mute "+key, noAlert(key)); err != nil {
		return bot.Reply{}, err
	}
	if dur == 0 {
		return bot.Reply{Text: fmt.Sprintf(c.T("L'alerte `%s` n'est plus muette.", "Alert `%s` is no longer muted."), key)}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(c.T("L'alerte `%s` est muette pour %s : aucun message d'ici là, sauf son rétablissement.",
		"Alert `%s` is muted for %s: no post until then, except its recovery."), key, alerts.Age(c.Locale, dur))}, nil
}

func (a alertCommands) check(ctx context.Context, c bot.Call) (bot.Reply, error) {
	res := a.desk.CheckNow(ctx)
	if len(res) == 0 {
		return bot.Reply{Text: c.T("Aucune vérification n'est configurée.", "No check is configured.")}, nil
	}
	var b strings.Builder
	b.WriteString(c.T("Vérifications lancées maintenant :", "Checks run now:"))
	for _, r := range res {
		switch {
		case r.Err != nil:
			fmt.Fprintf(&b, c.T("\n❌ %s — échec : %s", "\n❌ %s — failed: %s"), r.Check, bot.ErrorText(c.Locale, r.Err, c.Invocation))
		case r.Digest != "":
			fmt.Fprintf(&b, c.T("\n📋 %s — résumé publié dans le canal des alertes", "\n📋 %s — summary posted in the alerts channel"), r.Check)
		case len(r.Alerts) == 0:
			fmt.Fprintf(&b, c.T("\n✅ %s — rien à signaler", "\n✅ %s — all good"), r.Check)
		default:
			fmt.Fprintf(&b, c.T("\n%s %s — %d alerte(s) :", "\n%s %s — %d alert(s):"), worst(r.Alerts).Emoji(), r.Check, len(r.Alerts))
			for _, a := range r.Alerts {
				fmt.Fprintf(&b, "\n  %s `%s` — %s", a.Severity.Emoji(), a.Key, a.Title)
			}
		}
	}
	b.WriteString(c.T("\nLes débuts et fins d'alerte sont publiés dans le canal des alertes.", "\nAlerts starting and ending are posted in the alerts channel."))
	return bot.Reply{Text: b.String()}, nil
}

func worst(as []alerts.Alert) alerts.Severity {
	return slices.MaxFunc(as, func(a, b alerts.Alert) int { return cmp.Compare(a.Severity.Rank(), b.Severity.Rank()) }).Severity
}

// muteTerm is one number-unit pair of a mute duration; "min" is tried
// before "m", "sem" before "s".
var muteTerm = regexp.MustCompile(`^([0-9]{1,5})(min|sem|m|h|j|d|w|s)`)

// muteUnits are the units of a mute duration; seconds read back the value
// argMuteDuration keeps (Duration.String: 2h0m0s), as the request's line
// shows it to be typed again.
var muteUnits = map[string]time.Duration{"min": time.Minute, "m": time.Minute, "h": time.Hour, "s": time.Second,
	"j": 24 * time.Hour, "d": 24 * time.Hour, "sem": 7 * 24 * time.Hour, "w": 7 * 24 * time.Hour}

// ParseMuteDuration reads a mute duration: one or more number-unit pairs
// (30m, 2h, 3j or 3d, 1sem or 1w, 1j12h), or 0 to lift a mute. It refuses
// anything over MaxMute.
func ParseMuteDuration(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	bad := bot.Userf("« %s » n'est pas une durée : écrivez par exemple 30m, 2h, 3j ou 1sem (0 pour réactiver l'alerte)",
		"%q is not a duration: write e.g. 30m, 2h, 3d or 1w (0 to unmute the alert)", s)
	switch s {
	case "0":
		return 0, nil
	case "":
		return 0, bad
	}
	var total time.Duration
	for rest := s; rest != ""; {
		m := muteTerm.FindStringSubmatch(rest)
		if m == nil {
			return 0, bad
		}
		n, _ := strconv.Atoi(m[1])
		total += time.Duration(n) * muteUnits[m[2]]
		if total > MaxMute {
			return 0, bot.Userf("durée trop longue : 30 jours au plus", "duration too long: 30 days at most")
		}
		rest = rest[len(m[0]):]
	}
	return total, nil
}
