package commands

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/coherence"
)

// panel is one chart of the report's picture: a value per month, NaN for a
// month without one (a gap, not a zero), drawn as bars or as a line.
type panel struct {
	title  string
	values []float64
	line   bool
}

// chart draws, for the twelve months ending with the one starting at
// start, the coherence findings of each month's last sweep (with the
// sweeps' log) above the evolution budgets approved (with the
// evolutions), as one PNG.
func (r reportCommands) chart(l bot.Locale, start time.Time, sums []coherence.Summary, evs []bot.Evolution) (bot.Attachment, error) {
	first := start.AddDate(0, -11, 0)
	labels := make([]string, 12)
	for i := range labels {
		labels[i] = first.AddDate(0, i, 0).Format("01/06")
	}
	var panels []panel
	if r.sweeps != nil {
		findings := make([]float64, 12)
		for i, s := range lastSweeps(sums, first, 12) {
			findings[i] = math.NaN()
			if s != nil {
				findings[i] = float64(s.Total())
			}
		}
		panels = append(panels, panel{l.Pick("Constats de cohérence (dernier relevé du mois)", "Coherence findings (the month's last sweep)"), findings, true})
	}
	if r.evos != nil {
		costs := make([]float64, 12)
		for _, ev := range evs {
			if i := monthIndex(first, ev.ApprovedAt); ev.Kind != "incident" && i >= 0 && i < 12 {
				costs[i] += float64(ev.Budget.Cents) / 100
			}
		}
		panels = append(panels, panel{l.Pick("Évolutions approuvées (€) par mois", "Change requests approved (€) by month"), costs, false})
	}
	return drawChart(labels, "bilan-"+start.Format("2006-01")+".png", panels)
}

// monthIndex returns how many months after the month starting at first t is.
func monthIndex(first, t time.Time) int {
	t = t.In(first.Location())
	return (t.Year()-first.Year())*12 + int(t.Month()-first.Month())
}

// lastSweeps returns the last summary of each of the n months from the one
// starting at first, nil for a month without a sweep; sums are oldest first.
func lastSweeps(sums []coherence.Summary, first time.Time, n int) []*coherence.Summary {
	out := make([]*coherence.Summary, n)
	for i := range sums {
		if m := monthIndex(first, sums[i].At); m >= 0 && m < n {
			out[m] = &sums[i]
		}
	}
	return out
}

// chartFonts holds the Go font alone, parsed on the first chart. Not
// gonum.org/v1/plot itself, whose init parses its twelve Liberation fonts,
// and whose fonts (4 MB) the binary would carry: 4.9 MB more idle memory
// for a chart drawn once a month.
var chartFonts = sync.OnceValue(func() *font.Cache {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err) // the embedded font is valid
	}
	return font.NewCache(font.Collection{{Font: font.Font{Typeface: "Go"}, Face: f}})
})

// drawChart draws the panels one above the other, each titled, its values
// under the months' labels above a zero axis, its largest value (if any)
// written at the top of its scale, as a PNG (gonum's vg canvas, 6 inches
// wide and 3 high per panel at its default resolution).
func drawChart(labels []string, name string, panels []panel) (bot.Attachment, error) {
	const w, h, margin = 6 * vg.Inch, 3 * vg.Inch, 0.35 * vg.Inch
	c := vgimg.New(w, h*vg.Length(len(panels)))
	face := chartFonts().Lookup(font.Font{Typeface: "Go"}, 10)
	blue := color.RGBA{R: 0x35, G: 0x5f, B: 0x9e, A: 0xff}
	slot := (w - 2*margin) / vg.Length(len(labels))
	for k, p := range panels {
		y0 := h * vg.Length(len(panels)-1-k)
		c.SetColor(color.Black)
		c.FillString(face, vg.Point{X: margin, Y: y0 + h - margin/1.5}, p.title)
		top := 0.0
		for _, v := range p.values {
			if v > top { // false for NaN
				top = v
			}
		}
		if top > 0 {
			c.FillString(face, vg.Point{X: 4, Y: y0 + h - margin - 10}, strconv.FormatFloat(top, 'f', 0, 64))
		}
		// The scale's zero: its label and a thin axis under the values.
		c.FillString(face, vg.Point{X: 4, Y: y0 + margin - 3}, "0")
		var axis vg.Path
		axis.Move(vg.Point{X: margin, Y: y0 + margin})
		axis.Line(vg.Point{X: w - margin, Y: y0 + margin})
		c.SetColor(color.Gray{Y: 0xb0})
		c.SetLineWidth(0.5)
		c.Stroke(axis)
		scale := max(top, 1) // all zeros: a line on the axis, no bar
		// at is where value i sits: the middle of its slot, at its height.
		at := func(i int) vg.Point {
			return vg.Point{X: margin + (vg.Length(i)+0.5)*slot, Y: y0 + margin + vg.Length(p.values[i]/scale)*(h-2*margin-10)}
		}
		for i, v := range p.values {
			c.SetColor(color.Black)
			c.FillString(face, vg.Point{X: margin + vg.Length(i)*slot + slot/2 - face.Width(labels[i])/2, Y: y0 + margin/3}, labels[i])
			if math.IsNaN(v) || !p.line && v <= 0 {
				continue
			}
			c.SetColor(blue)
			pt := at(i)
			if p.line {
				var dot vg.Path
				dot.Arc(pt, 3, 0, 2*math.Pi)
				c.Fill(dot)
				if i+1 < len(p.values) && !math.IsNaN(p.values[i+1]) {
					var seg vg.Path
					seg.Move(pt)
					seg.Line(at(i + 1))
					c.SetLineWidth(1.5)
					c.Stroke(seg)
				}
				continue
			}
			var path vg.Path
			path.Move(vg.Point{X: pt.X - slot*3/10, Y: y0 + margin})
			path.Line(vg.Point{X: pt.X + slot*3/10, Y: y0 + margin})
			path.Line(vg.Point{X: pt.X + slot*3/10, Y: pt.Y})
			path.Line(vg.Point{X: pt.X - slot*3/10, Y: pt.Y})
			path.Close()
			c.Fill(path)
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return bot.Attachment{}, fmt.Errorf("chart: %w", err)
	}
	return bot.Attachment{Name: name, ContentType: "image/png", Data: buf.Bytes()}, nil
}
