package commands

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
	"github.com/anopex/opsbot/bot/coherence"
)

// reportCommands are the board's monthly picture: the requests' outcomes
// from the audit log, the alerts' episodes, the OVH bills due, the
// evolutions approved and the coherence sweeps' trend.
type reportCommands struct {
	log       bot.AuditLog
	alarms    AlertDesk
	evos      bot.Evolutions
	bills     bot.Invoices
	elsewhere string // PlanetHoster's client area, where its bills are
	sweeps    SweepLog
	now       func() time.Time
}

// SweepLog keeps the coherence sweeps' summaries, counts only (storage.DB):
// the checker records every complete sweep, the report reads them.
type SweepLog interface {
	coherence.Recorder
	// Sweeps returns the summaries, oldest first, one per day at most; an
	// error is of kind bot.Internal.
	Sweeps(ctx context.Context) ([]coherence.Summary, error)
}

// argMonth is a month, AAAA-MM.
var argMonth = bot.ArgType{Name: "month", Example: "2026-11", Check: func(s string) (string, error) {
	if _, err := time.Parse("2006-01", s); err != nil {
		return "", bot.Userf("mois invalide « %s » : écrivez AAAA-MM, par exemple 2026-11", "invalid month %q: write YYYY-MM, for example 2026-11", s)
	}
	return s, nil
}}

// reportStates are the final states counted, in the report's order.
var reportStates = []struct {
	state  bot.State
	fr, en string
}{{bot.Done, "exécutée(s)", "done"}, {bot.Failed, "échouée(s)", "failed"}, {bot.Rejected, "refusée(s)", "rejected"},
	{bot.Stale, "périmée(s)", "stale"}, {bot.Expired, "expirée(s)", "expired"}, {bot.Cancelled, "annulée(s)", "cancelled"},
	{bot.Unknown, "au résultat inconnu", "unknown"}}

func (r reportCommands) specs() []bot.Spec {
	if r.log == nil {
		return nil
	}
	return []bot.Spec{{
		Path: "report month", Help: "Le bilan d'un mois pour le bureau (le mois dernier par défaut) : demandes, alertes, tickets, argent, cohérence.",
		HelpEN: "A month's summary for the board (last month by default): requests, alerts, tickets, money, coherence.",
		Roles:  staff, Args: []bot.Arg{{Name: "mois", Type: argMonth, Optional: true}},
		Read: r.month,
	}}
}

func (r reportCommands) month(ctx context.Context, c bot.Call) (bot.Reply, error) {
	start := time.Date(r.now().Year(), r.now().Month()-1, 1, 0, 0, 0, 0, time.Local)
	if c.Args.Has("mois") {
		start, _ = time.ParseInLocation("2006-01", c.Args.Get("mois"), time.Local)
	}
	return r.reply(ctx, c.Locale, start)
}

// MonthReport returns the summary and chart of the month starting at start
// (the scheduled post on the 1st).
func MonthReport(ctx context.Context, d Deps, l bot.Locale, start time.Time) (bot.Reply, error) {
	return d.report().reply(ctx, l, start)
}

func (r reportCommands) reply(ctx context.Context, l bot.Locale, start time.Time) (bot.Reply, error) {
	var evs []bot.Evolution
	var sums []coherence.Summary
	var err error
	if r.evos != nil {
		if evs, err = r.evos.ListEvolutions(ctx); err != nil {
			return bot.Reply{}, fmt.Errorf("report: evolutions: %w", err)
		}
	}
	if r.sweeps != nil {
		if sums, err = r.sweeps.Sweeps(ctx); err != nil {
			return bot.Reply{}, fmt.Errorf("report: sweeps: %w", err)
		}
	}
	text, err := r.text(ctx, l, start, evs, sums)
	if err != nil || r.evos == nil && r.sweeps == nil {
		return bot.Reply{Text: text}, err
	}
	chart, err := r.chart(l, start, sums, evs)
	return bot.Reply{Text: text, Attachments: []bot.Attachment{chart}}, err
}

// text returns the summary of the month starting at start.
func (r reportCommands) text(ctx context.Context, l bot.Locale, start time.Time, evs []bot.Evolution, sums []coherence.Summary) (string, error) {
	end := start.AddDate(0, 1, 0)
	in := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	recs, err := r.log.Audit(ctx, math.MaxInt)
	if err != nil {
		return "", fmt.Errorf("report: audit: %w", err)
	}
	byFamily := map[string]map[string]int{}
	var opened, paid int
	for _, rec := range recs {
		if !in(rec.At) || rec.Command == "" {
			continue
		}
		state := rec.Kind
		switch rec.Kind {
		case "outcome":
			state, _, _ = strings.Cut(rec.Detail, ":")
		case "rejected", "expired", "cancelled", "unknown":
		default:
			continue
		}
		family, _, _ := strings.Cut(rec.Command, " ")
		if byFamily[family] == nil {
			byFamily[family] = map[string]int{}
		}
		byFamily[family][state]++
		if state == string(bot.Done) {
			switch rec.Command {
			case "ticket open", "ticket alert", "evolution incident":
				opened++
			case "invoice pay":
				paid++
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, l.Pick("📊 Bilan du mois %s", "📊 Summary of %s"), start.Format("2006-01"))
	if len(byFamily) == 0 {
		b.WriteString(l.Pick("\nDemandes : aucune.", "\nRequests: none."))
	}
	for _, f := range slices.Sorted(maps.Keys(byFamily)) {
		var parts []string
		for _, s := range reportStates {
			if n := byFamily[f][string(s.state)]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, l.Pick(s.fr, s.en)))
			}
		}
		fmt.Fprintf(&b, l.Pick("\n/%s : %s", "\n/%s: %s"), f, strings.Join(parts, ", "))
	}
	if err := r.alerts(ctx, l, &b, in); err != nil {
		return "", err
	}
	fmt.Fprintf(&b, l.Pick("\nTickets et incidents ouverts : %d", "\nTickets and incidents opened: %d"), opened)
	fmt.Fprintf(&b, l.Pick("\nFactures payées : %d", "\nInvoices paid: %d"), paid)
	r.due(ctx, l, &b, "report-"+start.Format("2006-01"))
	if r.evos != nil {
		approved, closed, budget := 0, 0, bot.Money{Currency: "EUR"}
		for _, ev := range evs {
			if ev.Kind != "incident" && in(ev.ApprovedAt) {
				approved++
				budget.Cents += ev.Budget.Cents
			}
			if ev.State == "closed" && in(ev.Updated) {
				closed++
			}
		}
		fmt.Fprintf(&b, l.Pick("\nÉvolutions approuvées : %d (budget %s) ; évolutions et incidents clos : %d",
			"\nChange requests approved: %d (budget %s); change requests and incidents closed: %d"), approved, budget.Format(l), closed)
	}
	if r.sweeps != nil {
		findings(l, &b, start, sums)
	}
	return b.String(), nil
}

// alerts writes the alert episodes that started in the month, with how
// long they lasted (the store keeps each alert's last episode).
func (r reportCommands) alerts(ctx context.Context, l bot.Locale, b *strings.Builder, in func(time.Time) bool) error {
	if r.alarms == nil {
		return nil
	}
	all, err := r.alarms.List(ctx)
	if err != nil {
		return fmt.Errorf("report: alerts: %w", err)
	}
	var lines []string
	for _, s := range all {
		if !in(s.Since) {
			continue
		}
		if s.Open {
			lines = append(lines, fmt.Sprintf(l.Pick("%s `%s` — en cours depuis %s", "%s `%s` — open for %s"), s.Severity.Emoji(), s.Key, alerts.Age(l, r.now().Sub(s.Since))))
		} else {
			lines = append(lines, fmt.Sprintf(l.Pick("%s `%s` — a duré %s", "%s `%s` — lasted %s"), s.Severity.Emoji(), s.Key, alerts.Age(l, s.Ended.Sub(s.Since))))
		}
	}
	fmt.Fprintf(b, l.Pick("\nAlertes déclenchées : %d", "\nAlerts raised: %d"), len(lines))
	for _, line := range lines {
		b.WriteString("\n  " + line)
	}
	return nil
}

// due writes the OVH bills unpaid today, from the list /invoice list reads,
// and where PlanetHoster's are, as its API has none. OVH out of reach is a
// line of the report, not its failure, as in /ticket list; ref names the
// log line.
func (r reportCommands) due(ctx context.Context, l bot.Locale, b *strings.Builder, ref string) {
	if r.bills != nil {
		switch list, err := r.bills.List(ctx, true); {
		case err != nil:
			zerolog.Ctx(ctx).Warn().Err(err).Str("ref", ref).Msg("report: unpaid bills not read")
			fmt.Fprintf(b, l.Pick("\nFactures OVH impayées : non lues. %s", "\nOVH bills unpaid: not read. %s"), bot.ErrorText(l, err, ref))
		default:
			due := bot.Money{Currency: "EUR"}
			for _, i := range list {
				due.Cents += i.Due.Cents
			}
			fmt.Fprintf(b, l.Pick("\nFactures OVH impayées à ce jour : %d (total dû %s)", "\nOVH bills unpaid today: %d (total due %s)"), len(list), due.Format(l))
		}
	}
	b.WriteString(planetHosterBills(l, r.elsewhere))
}

// findings writes the coherence findings of the month's last sweep, code by
// code, with the change since the previous month's last sweep.
func findings(l bot.Locale, b *strings.Builder, start time.Time, sums []coherence.Summary) {
	last := lastSweeps(sums, start.AddDate(0, -1, 0), 2)
	prev, cur := last[0], last[1]
	if cur == nil {
		b.WriteString(l.Pick("\nCohérence : aucun relevé complet ce mois-ci.", "\nCoherence: no complete sweep this month."))
		return
	}
	fmt.Fprintf(b, l.Pick("\nCohérence : %d constat(s) au relevé du %s (%d adhérents)", "\nCoherence: %d finding(s) in the sweep of %s (%d members)"),
		cur.Total(), cur.At.Format("02/01/2006"), cur.Members)
	before := start.AddDate(0, -1, 0).Format("2006-01")
	if prev == nil {
		fmt.Fprintf(b, l.Pick(", aucun relevé en %s", ", no sweep in %s"), before)
	} else {
		fmt.Fprintf(b, l.Pick(", %+d depuis %s", ", %+d since %s"), cur.Total()-prev.Total(), before)
	}
	for _, code := range coherence.Codes {
		switch n := cur.Counts[code]; {
		case prev == nil && n > 0:
			fmt.Fprintf(b, l.Pick("\n  %s : %d", "\n  %s: %d"), code.Label(l), n)
		case prev != nil && (n > 0 || prev.Counts[code] > 0):
			fmt.Fprintf(b, l.Pick("\n  %s : %d (%+d)", "\n  %s: %d (%+d)"), code.Label(l), n, n-prev.Counts[code])
		}
	}
}
