package email

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
)

// A fleet's summary by e-mail: the digest cron sends, and a fleet report's
// mail. The same MIME tree as a meeting's (email.go), the fleet report
// attached.

//go:embed assets/fleet.tmpl
var fleetHTML string

//go:embed assets/fleet.txt
var fleetText string

var (
	fleetFuncs = map[string]any{"person": report.PersonName, "degradedIn": report.DegradedIn, "row": report.RowName,
		"plural": func(n int, noun string) string {
			if n == 1 {
				return "1 " + noun
			}
			return strconv.Itoa(n) + " " + noun + "s"
		}}
	fleetHTMLTmpl = template.Must(template.New("fleet").Funcs(emailFuncs).Funcs(fleetFuncs).Parse(fleetHTML))
	fleetTextTmpl = texttemplate.Must(texttemplate.New("fleet").Funcs(texttemplate.FuncMap(emailFuncs)).Funcs(fleetFuncs).Parse(fleetText))
)

// Limits that keep the body short: the full lists are in the attached
// report.
const (
	fleetWorst     = 10
	fleetPeople    = 10
	fleetIncidents = 10
)

// fleetPage is the fleet e-mail templates' data.
type fleetPage struct {
	*report.Fleet
	R            *analyze.PeriodResult
	Subject      string
	Period       string
	Cards        []report.Card
	Explanations []string
	Worst        []analyze.MeetingRow
	People       []analyze.Person
	Incidents    []analyze.PeriodIncident
	MoreWorst    int
	MorePeople   int
	MoreIncid    int
	Charts       []pngChart
	ReportName   string
	Threshold    string
}

// Day writes a time of the period as the lists show it, in the fleet's
// zone with its abbreviation: "Mon 2 Nov 14:05 CET".
func (p *fleetPage) Day(t time.Time) string {
	return t.In(p.zone()).Format("Mon 2 Jan 15:04 MST")
}

// Span writes a stretch of time: its end as a time of day when it ends on
// the day it starts in the same offset ("Mon 30 Nov 17:00 – 17:03 EST").
func (p *fleetPage) Span(from, to time.Time) string {
	f, t := from.In(p.zone()), to.In(p.zone())
	if f.YearDay() == t.YearDay() && f.Year() == t.Year() && f.Format("MST") == t.Format("MST") {
		return f.Format("Mon 2 Jan 15:04") + " – " + t.Format("15:04 MST")
	}
	return p.Day(from) + " – " + p.Day(to)
}

// ZoneName names the zone the times are in, with its offsets over the
// period.
func (p *fleetPage) ZoneName() string {
	return report.ZoneName(p.zone(), p.R.From, p.R.To)
}

func (p *fleetPage) zone() *time.Location {
	if p.Zone == nil {
		return time.UTC
	}
	return p.Zone
}

// FleetSubject is a fleet summary's subject: "zoomqos digest, 23 – 30 Nov
// 2026: 12 meetings, 8.4% of session time degraded (+2.1 pts)".
func FleetSubject(f *report.Fleet) string {
	r := f.Result
	kind := "Fleet"
	if !f.Since.IsZero() {
		kind = "zoomqos digest,"
	}
	s := fmt.Sprintf("%s %s: %d meetings", kind, report.PeriodName(r, f.Zone), r.Headline.Meetings)
	if r.Headline.Meetings == 1 {
		s = strings.TrimSuffix(s, "s")
	}
	if r.Headline.Samples > 0 {
		s += ", " + report.Pct(r.Headline.Degraded) + " of session time degraded"
		if p := r.Previous; p != nil && p.Samples > 0 {
			s += " (" + report.PointsChange(r.Headline.Degraded-p.Degraded, true).Text + ")"
		}
	}
	return s
}

// WriteFleet writes a fleet's summary as a MIME message, the fleet
// report (o.Report) attached.
func WriteFleet(w io.Writer, f *report.Fleet, o Options) error {
	r := f.Result
	fp := &fleetPage{Fleet: f, R: r, Subject: FleetSubject(f), Period: report.PeriodName(r, f.Zone),
		Cards: report.HeadlineCards(r.Headline, r.Previous), ReportName: o.ReportName, Threshold: report.ThresholdLine(r.Thresholds)}
	for i := range r.Where {
		if e := report.Explanation(&r.Where[i]); e != "" {
			fp.Explanations = append(fp.Explanations, e)
		}
	}
	fp.Worst, fp.MoreWorst = firstN(r.Worst, fleetWorst)
	fp.People, fp.MorePeople = firstN(r.People, fleetPeople)
	fp.Incidents, fp.MoreIncid = firstN(r.Incidents, fleetIncidents)
	fp.MoreIncid += r.Headline.Incidents - len(r.Incidents)
	if p := trendPlot(r); p != nil {
		png, err := renderPNG(p)
		if err != nil {
			return fmt.Errorf("drawing the trend chart: %w", err)
		}
		fp.Charts = []pngChart{{Name: "trend", Alt: "Share of session time degraded per " + r.Bucket,
			Width: pngWidth, Height: pngHeight, PNG: png}}
	}
	var html, text bytes.Buffer
	if err := fleetHTMLTmpl.Execute(&html, fp); err != nil {
		return fmt.Errorf("writing the e-mail's HTML: %w", err)
	}
	if err := fleetTextTmpl.Execute(&text, fp); err != nil {
		return fmt.Errorf("writing the e-mail's text: %w", err)
	}
	return writeMIME(w, o, fp.Subject, html.Bytes(), text.Bytes(), fp.Charts)
}

// firstN is the first n of a list and how many more there are.
func firstN[T any](xs []T, n int) ([]T, int) {
	if len(xs) <= n {
		return xs, 0
	}
	return xs[:n], len(xs) - n
}

// trendPlot draws the degraded share of session time per day (or week)
// as bars; nil when there is but one bucket, or no samples.
func trendPlot(r *analyze.PeriodResult) *plot.Plot {
	if len(r.Trend) < 2 || r.Headline.Samples == 0 {
		return nil
	}
	vals := make(plotter.Values, len(r.Trend))
	names := make([]string, len(r.Trend))
	step := max(1, len(r.Trend)/8) // at most about eight labels
	for i, pt := range r.Trend {
		if pt.Degraded != nil {
			vals[i] = 100 * *pt.Degraded
		}
		if i%step == 0 {
			names[i] = pt.Start.Format("2 Jan")
		}
	}
	p := newPlot("Session time degraded per " + r.Bucket + " (%)")
	bars, err := plotter.NewBarChart(vals, vg.Points(max(2, 400/float64(len(vals)))))
	if err != nil {
		return nil
	}
	bars.Color = rgbBad
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(names...)
	p.Y.Min = 0
	p.Y.Label.Text = "%"
	return p
}
