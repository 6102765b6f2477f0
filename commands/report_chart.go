package commands

import (
	"bytes"
	"fmt"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/anopex/opsbot/bot"
)

// costChart draws the evolution budgets approved in each of the twelve
// months ending with the one starting at start, as a PNG.
func costChart(l bot.Locale, start time.Time, evs []bot.Evolution) (bot.Attachment, error) {
	first := start.AddDate(0, -11, 0)
	costs := make(plotter.Values, 12)
	labels := make([]string, 12)
	for i := range labels {
		labels[i] = first.AddDate(0, i, 0).Format("01/06")
	}
	for _, ev := range evs {
		if ev.Kind == "incident" || ev.ApprovedAt.Before(first) || !ev.ApprovedAt.Before(start.AddDate(0, 1, 0)) {
			continue
		}
		at := ev.ApprovedAt.In(first.Location())
		i := (at.Year()-first.Year())*12 + int(at.Month()-first.Month())
		costs[i] += float64(ev.Budget.Cents) / 100
	}
	p := plot.New()
	p.Title.Text = l.Pick("Évolutions approuvées (€) par mois", "Change requests approved (€) by month")
	bars, err := plotter.NewBarChart(costs, vg.Points(16))
	if err != nil {
		return bot.Attachment{}, fmt.Errorf("cost chart: %w", err)
	}
	p.Add(bars)
	p.NominalX(labels...)
	w, err := p.WriterTo(6*vg.Inch, 3*vg.Inch, "png")
	if err != nil {
		return bot.Attachment{}, fmt.Errorf("cost chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return bot.Attachment{}, fmt.Errorf("cost chart: %w", err)
	}
	return bot.Attachment{Name: "bilan-" + start.Format("2006-01") + ".png", ContentType: "image/png", Data: buf.Bytes()}, nil
}
