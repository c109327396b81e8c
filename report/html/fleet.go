package html

import (
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
)

// The fleet report: a period's meetings on one page, by the meeting
// report's rules (one file, ECharts inlined, every string from Zoom
// escaped, the same bytes for the same input, printable). Its charts are
// built in fleetcharts.go; the headline's comparisons are report.HeadlineCards.

//go:embed assets/fleet.tmpl
var fleetTemplate string

//go:embed assets/fleet.js
var fleetJS string

//go:embed assets/fleet.css
var fleetCSS string

var fleetTmpl = template.Must(template.New("fleet").Funcs(sharedFuncs).Parse(fleetTemplate))

// whereRows is how many groups a roll-up table shows; the rest are
// counted under it.
const whereRows = 10

// WriteFleet writes a fleet report: one HTML file that needs no network,
// with ECharts inlined and every string from Zoom escaped. A period
// without meetings gives a short page that says so.
func WriteFleet(w io.Writer, f *report.Fleet) error {
	if f == nil || f.Result == nil {
		return errors.New("writing the fleet report: no period analysed")
	}
	p := newFleetPage(f)
	data, err := chartData(f.Result.From, newChartZone(f.Zone, f.Result.From, f.Result.To), p.charts)
	if err != nil {
		return fmt.Errorf("encoding the fleet report's charts: %w", err)
	}
	p.Data = template.JS(data)
	if len(p.charts) > 0 {
		p.Runtime = template.JS(echartsJS)
	}
	p.Script = template.JS(drawJS + fleetJS)
	p.Style = template.CSS(pageCSS + fleetCSS)
	if err := fleetTmpl.Execute(w, p); err != nil {
		return fmt.Errorf("writing the fleet report: %w", err)
	}
	return nil
}

// fleetPage is the fleet template's data.
type fleetPage struct {
	Period        string // "2026-11-01 – 2026-11-30", in the zone
	Days          int
	Previous      string // the period before, as Period
	Zone          string // the zone's name
	Generated     string
	Version       string
	ECharts       string
	Redacted      bool
	Threshold     string
	Empty         bool // no meeting in the period
	Headline      analyze.Headline
	Cards         []report.Card
	Bucket        string // "day" or "week"
	Trend         chartSpec
	Splits        []chartSpec
	Where         []whereTable
	Worst         []worstRow
	People        []personRow
	Incidents     []incidentRow
	MoreIncidents int // the period's incidents not listed

	charts  []chartSpec
	Data    template.JS
	Runtime template.JS
	Script  template.JS
	Style   template.CSS
}

// whereTable is a roll-up: its first groups, and what the rest add up to.
type whereTable struct {
	Title        string
	Rows         []whereRow
	More         int    // groups not shown
	MoreExplains string // their part of the fleet's degraded time
}

type whereRow struct {
	Group      string // as DisplayText shows it
	Sessions   int
	Hours      string
	Degraded   string
	Difference report.Change // against the fleet, in points
	Explains   float64
	MOS        string
}

// worstRow is a meeting of the worst: its name, and its link when it
// has a report of its own.
type worstRow struct {
	analyze.MeetingRow
	meetingName
	Start string
	MOS   string
}

// meetingName is how a row names a meeting: its topic (or its kind and
// number when it has none), with its number in small print under a topic,
// and the relative link to its own report ("" when none).
type meetingName struct {
	Title string
	Sub   string
	Href  string
}

type personRow struct {
	analyze.Person
	Name string // the name, else the key they are known by
	Key  string // the key, when it says more than the name
	Last string
}

type incidentRow struct {
	analyze.PeriodIncident
	meetingName
	When string // "2026-11-04 12:06–12:10"
}

func newFleetPage(f *report.Fleet) *fleetPage {
	r := f.Result
	loc := cmp.Or(f.Zone, time.UTC)
	c := fleetClock{loc}
	length := r.To.Sub(r.From)
	p := &fleetPage{Period: c.span(r.From, r.To), Days: int((length + 12*time.Hour) / (24 * time.Hour)),
		Previous: c.span(r.From.Add(-length), r.From), Zone: report.ZoneName(loc, r.From, r.To),
		Generated: c.stamp(f.Generated), Version: f.Version, ECharts: EChartsVersion, Redacted: f.Redacted,
		Threshold: report.ThresholdLine(r.Thresholds), Empty: r.Headline.Meetings == 0, Headline: r.Headline,
		Bucket: cmp.Or(r.Bucket, "day"), charts: []chartSpec{}}
	if p.Empty {
		return p
	}
	p.Cards = report.HeadlineCards(r.Headline, r.Previous)

	labels := bucketLabels(r)
	p.Trend = trendChart("trend", p.Bucket, labels, r.Trend)
	p.charts = append(p.charts, p.Trend)
	for i, s := range r.Splits {
		if len(s.Groups) == 0 {
			continue
		}
		ch := splitChart("split-"+strconv.Itoa(i), p.Bucket, labels, s)
		p.Splits = append(p.Splits, ch)
		p.charts = append(p.charts, ch)
	}

	for _, ru := range r.Where {
		t := whereTable{Title: report.GroupByName(ru.By)}
		var more float64
		for i, g := range ru.Groups {
			if i >= whereRows {
				t.More++
				more += g.Explains
				continue
			}
			t.Rows = append(t.Rows, whereRow{Group: cmp.Or(report.DisplayText(g.Group, report.DisplayLimit), "–"),
				Sessions: g.Sessions, Hours: hours(g.Samples), Degraded: report.Pct(g.Degraded),
				Difference: report.PointsChange(g.Difference, true), Explains: g.Explains, MOS: report.MOSText(g.MOS)})
		}
		if t.More > 0 {
			t.MoreExplains = report.Pct(more)
		}
		p.Where = append(p.Where, t)
	}

	for _, m := range r.Worst {
		p.Worst = append(p.Worst, worstRow{MeetingRow: m, meetingName: nameMeeting(f, m.Meeting, m.Number, m.Topic, m.Webinar),
			Start: c.stamp(m.Start), MOS: report.MOSText(m.MOS)})
	}
	for _, pe := range r.People {
		row := personRow{Person: pe, Name: report.DisplayText(cmp.Or(pe.Name, pe.Key), report.DisplayLimit), Last: c.day(pe.Last)}
		if pe.Name != "" && pe.Key != pe.Name {
			row.Key = report.DisplayText(pe.Key, report.DisplayLimit)
		}
		p.People = append(p.People, row)
	}
	for _, in := range r.Incidents {
		p.Incidents = append(p.Incidents, incidentRow{PeriodIncident: in,
			meetingName: nameMeeting(f, in.Meeting, in.Number, in.Topic, false), When: c.between(in.Start, in.End)})
	}
	p.MoreIncidents = max(0, r.Headline.Incidents-len(r.Incidents))
	return p
}

// nameMeeting names a meeting in a row, with its link when it has a report
// of its own.
func nameMeeting(f *report.Fleet, id, number, topic string, webinar bool) meetingName {
	n := meetingName{Href: relativeHref(f.Links[id])}
	kind := "Meeting "
	if webinar {
		kind = "Webinar "
	}
	num := report.DisplayText(cmp.Or(number, id), report.DisplayLimit)
	if t := report.DisplayText(topic, report.DisplayLimit); strings.TrimSpace(t) != "" {
		n.Title, n.Sub = t, kind+num
	} else {
		n.Title = kind + num
	}
	return n
}

// relativeHref is href when it names a file relative to the fleet report
// (a meeting's report beside it, or in a directory under it), else "": a
// link with a scheme (javascript:, https:), one from the root or another
// host (/, //, a backslash, which browsers read as a slash), or one that
// a browser would trim into another (spaces or controls at its ends).
func relativeHref(href string) string {
	if href == "" || strings.TrimSpace(href) != href || strings.HasPrefix(href, "/") || strings.ContainsAny(href, `:\`) {
		return ""
	}
	for _, r := range href {
		if r < 0x20 || r == 0x7f {
			return ""
		}
	}
	return href
}

// hours is session time in hours: samples are minutes.
func hours(samples int) string { return report.Num(float64(samples) / 60) }

// fleetClock writes times in the report's zone.
type fleetClock struct{ loc *time.Location }

func (c fleetClock) day(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(c.loc).Format("2006-01-02")
}

// stamp is a time with the zone's abbreviation ("2026-11-13 10:16 EST"):
// a period can cross a change to or from summer time.
func (c fleetClock) stamp(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return report.Stamp.FormatIn(t, c.loc)
}

// between is a span of time: its end as a time of day when it ends on the
// day it starts.
func (c fleetClock) between(from, to time.Time) string {
	if c.day(from) == c.day(to) {
		return c.stamp(from) + " – " + report.ClockZone.FormatIn(to, c.loc)
	}
	return c.stamp(from) + " – " + c.stamp(to)
}

// span is a period [from, to) as its first and last day: to is the first
// instant after it.
func (c fleetClock) span(from, to time.Time) string {
	last := to
	if to.After(from) {
		last = to.Add(-time.Nanosecond)
	}
	if c.day(from) == c.day(last) {
		return c.day(from)
	}
	return c.day(from) + " – " + c.day(last)
}
