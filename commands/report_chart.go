package commands

import (
	"bytes"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/anopex/opsbot/bot"
)

// costChart draws the evolution budgets approved in each of the twelve
// months ending with the one starting at start, as a PNG.
func costChart(l bot.Locale, start time.Time, evs []bot.Evolution) (bot.Attachment, error) {
	first := start.AddDate(0, -11, 0)
	costs := make([]float64, 12)
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
	return drawBars(l.Pick("Évolutions approuvées (€) par mois", "Change requests approved (€) by month"), labels, costs,
		"bilan-"+start.Format("2006-01")+".png")
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

// drawBars draws a titled bar chart of values under their labels, with the
// largest value written at the top of the scale, as a PNG (gonum's vg
// canvas, 6 × 3 inches at its default resolution).
func drawBars(title string, labels []string, values []float64, name string) (bot.Attachment, error) {
	const w, h, margin = 6 * vg.Inch, 3 * vg.Inch, 0.35 * vg.Inch
	c := vgimg.New(w, h)
	face := chartFonts().Lookup(font.Font{Typeface: "Go"}, 10)
	c.SetColor(color.Black)
	c.FillString(face, vg.Point{X: margin, Y: h - margin/1.5}, title)
	top := slices.Max(values)
	c.FillString(face, vg.Point{X: 4, Y: h - margin - 10}, strconv.FormatFloat(top, 'f', 0, 64))
	slot := (w - 2*margin) / vg.Length(len(values))
	for i, v := range values {
		x := margin + vg.Length(i)*slot
		c.SetColor(color.Black)
		c.FillString(face, vg.Point{X: x + slot/2 - face.Width(labels[i])/2, Y: margin / 3}, labels[i])
		if top <= 0 || v <= 0 {
			continue
		}
		bar := vg.Length(v/top) * (h - 2*margin - 10)
		var path vg.Path
		path.Move(vg.Point{X: x + slot/5, Y: margin})
		path.Line(vg.Point{X: x + slot*4/5, Y: margin})
		path.Line(vg.Point{X: x + slot*4/5, Y: margin + bar})
		path.Line(vg.Point{X: x + slot/5, Y: margin + bar})
		path.Close()
		c.SetColor(color.RGBA{R: 0x35, G: 0x5f, B: 0x9e, A: 0xff})
		c.Fill(path)
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return bot.Attachment{}, fmt.Errorf("chart: %w", err)
	}
	return bot.Attachment{Name: name, ContentType: "image/png", Data: buf.Bytes()}, nil
}
