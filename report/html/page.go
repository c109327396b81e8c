package html

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/internal/parallel"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

// The ECharts runtime the page inlines, from npm's echarts@5.4.3
// (dist/echarts.min.js, Apache-2.0; LICENSE, NOTICE and fetch.sh beside
// it). go-echarts' templates would load it from opts.Initialization's (or
// components.Page's) AssetsHost, a CDN by default, and a Theme would add
// themes/<name>.js from there too; a report must open with no network, so
// it uses go-echarts for the options alone, with no theme, and carries
// the runtime.
//
//go:embed assets/echarts/echarts.min.js
var echartsJS string

// EChartsVersion is the version of the inlined ECharts runtime.
const EChartsVersion = "5.4.3"

//go:embed assets/page.tmpl
var pageTemplate string

//go:embed assets/page.js
var pageJS string

// drawJS is how both pages draw their charts (zoomqosDraw): it comes
// before each page's own script.
//
//go:embed assets/draw.js
var drawJS string

//go:embed assets/page.css
var pageCSS string

// sharedFuncs are the template functions both pages use.
var sharedFuncs = template.FuncMap{
	"pct":         report.Pct,
	"whyBreaches": report.WhyBreaches,
	"whyCommon":   report.WhyCommon,
	// bar is a share as a bar's width, within its box.
	"bar": func(v float64) template.CSS {
		return template.CSS("width:" + strconv.FormatFloat(100*min(1, max(0, v)), 'f', 1, 64) + "%")
	},
	// or shows a string from Zoom (see report.DisplayText), "–" for none;
	// the pages put each in a <bdi>, or alone in a cell, which isolates it
	// from the text around it.
	"or": func(s string) string { return cmp.Or(report.DisplayText(s, report.DisplayLimit), "–") },
}

var pageTmpl = template.Must(template.New("page").Funcs(sharedFuncs).Funcs(template.FuncMap{
	"num":      report.Num,
	"clock":    report.Stamp.Format, // the times: in the report's zone (timeFuncs)
	"hhmm":     report.Clock.Format,
	"hhmmZone": report.ClockZone.Format,
	"whyCell":  report.WhyCell,
	"text":     func(s string) string { return report.DisplayText(s, report.DisplayLimit) },
	"isolate":  func(s string) string { return report.Isolate(report.DisplayText(s, report.DisplayLimit)) },
	"lower":    strings.ToLower,
	// ratingClass colours one of Zoom's ratings (a class of a fixed few).
	"ratingClass": ratingClass,
	"joined":      joined(nil, report.Clock),
}).Parse(pageTemplate))

// timeFuncs are the template's functions that show times, in loc; times
// of day carry the zone's abbreviation when it changes between from and
// to (report.TimeLayout.Within).
func timeFuncs(loc *time.Location, from, to time.Time) template.FuncMap {
	clock := report.Clock.Within(loc, from, to)
	return template.FuncMap{
		"clock":    report.Stamp.In(loc),
		"hhmm":     clock.In(loc),
		"hhmmZone": report.ClockZone.In(loc),
		"joined":   joined(loc, clock),
	}
}

// timelineEnd is the end of the meeting's last minute.
func (b *builder) timelineEnd() time.Time {
	return b.Timeline.Start.Add(time.Duration(b.Timeline.Minutes) * time.Minute)
}

// joined shows a session's name (its join time) as a time of day in loc.
func joined(loc *time.Location, clock report.TimeLayout) func(string) string {
	return func(s string) string {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return clock.FormatIn(t, loc)
		}
		return "–"
	}
}

// Options tune the drawing; the zero value is the default.
type Options struct {
	// Lines is how many sessions each chart draws as their own line, the
	// worst on that chart's stream first (0: DefaultLines; AllLines, or
	// any negative number: every session).
	Lines int
	// MaxPoints is the most points a drawn line keeps (default 2000);
	// longer lines are downsampled keeping each stretch's lowest and
	// highest point. Percentiles and windows always use every sample.
	MaxPoints int
	// Location is the zone the page shows times in, tables and charts
	// alike, and names at its top (nil: UTC).
	Location *time.Location
}

// DefaultLines is how many sessions a chart draws as their own line by
// default; AllLines draws every session.
const (
	DefaultLines = 10
	AllLines     = -1
)

// builder holds what the charts and tables share: the view the e-mail
// shares too, and how much to draw.
type builder struct {
	*report.View
	lines     int
	maxPoints int
	windows   map[string][]int // indexes of R.Windows by participant and session
}

func newBuilder(m *report.Meeting, o Options) *builder {
	b := &builder{View: report.NewView(m, o.Location), lines: o.Lines, maxPoints: o.MaxPoints, windows: windowsBySession(m.Result)}
	if b.lines == 0 {
		b.lines = DefaultLines
	}
	if b.maxPoints <= 0 {
		b.maxPoints = 2000
	}
	return b
}

// chartLabel is a session's label as a chart draws it on its canvas: the
// name isolated, so that a right-to-left name keeps the suffix in its
// place.
func chartLabel(l report.SessionLabel) string { return report.Isolate(l.Name) + l.Suffix }

// WriteMeeting writes a meeting's report: one HTML file that needs no
// network, with ECharts inlined and every string from Zoom escaped.
func WriteMeeting(w io.Writer, m *report.Meeting, o Options) error {
	b := newBuilder(m, o)
	p := b.page()
	data, err := chartData(b.Timeline.Start, timelineZone(b.Location, b.Timeline), p.charts)
	if err != nil {
		return fmt.Errorf("encoding the charts: %w", err)
	}
	p.Data = template.JS(data)
	p.Runtime = template.JS(echartsJS)
	p.Script = template.JS(drawJS + pageJS)
	p.Style = template.CSS(pageCSS)
	t, err := pageTmpl.Clone()
	if err != nil {
		return err
	}
	return t.Funcs(timeFuncs(b.Location, b.Timeline.Start, b.timelineEnd())).Execute(w, p)
}

// chartData is the JSON the page's script reads: the timeline's start
// (ms), the zone the axes are labelled in and every chart's option. Each
// <, > and & is escaped: a name from Zoom holding "</script>" stays text
// in the data block, whatever go-echarts' own types marshal unescaped.
func chartData(start time.Time, zone chartZone, cs []chartSpec) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(struct {
		Start  int64       `json:"start"`
		Zone   chartZone   `json:"zone"`
		Charts []chartSpec `json:"charts"`
	}{start.UnixMilli(), zone, cs}); err != nil {
		return nil, err
	}
	return escapeJSON(bytes.TrimSpace(buf.Bytes())), nil
}

// escapeJSON escapes <, >, &, U+2028 and U+2029 in JSON text. They can only
// occur inside strings, where \u escapes mean the same.
func escapeJSON(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); i++ {
		esc, width := "", 1
		switch c := b[i]; {
		case c == '<':
			esc = `\u003c`
		case c == '>':
			esc = `\u003e`
		case c == '&':
			esc = `\u0026`
		case c == 0xE2 && i+2 < len(b) && b[i+1] == 0x80 && b[i+2] == 0xA8:
			esc, width = `\u2028`, 3
		case c == 0xE2 && i+2 < len(b) && b[i+1] == 0x80 && b[i+2] == 0xA9:
			esc, width = `\u2029`, 3
		default:
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b)+64)
		}
		out = append(append(out, b[last:i]...), esc...)
		i += width - 1
		last = i + 1
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// page is the template's data: the view the e-mail shares, and what only
// the page shows.
type page struct {
	*report.View
	ECharts    string
	Worst      []report.SessionRow // the five worst, those degraded
	Sessions   []sessionRow        // every session, with what Zoom said of it
	Tables     []streamTable       // the media streams and CPU
	MoreTables []streamTable       // device legs, Wi-Fi, CPU pressure
	Heatmap    chartSpec
	Metrics    []metricSection
	Agreement  agreementView
	Summaries  []zoomSummary // the sessions Zoom summarised, worst first
	Lines      int

	charts  []chartSpec
	Data    template.JS
	Runtime template.JS
	Script  template.JS
	Style   template.CSS
}

// sessionRow is a session in the participants' details: as the view
// lists it, with Zoom's own view of it.
type sessionRow struct {
	report.SessionRow
	Ratings []zoomRating // Zoom's own, where it gave them
	Facts   []zoomFact   // Zoom's other fields, where it gave them
	Summary string       // the id of Zoom's summary of it, beside zoomqos's; empty when none
}

type streamTable struct {
	Stream string
	Rows   []statRow
}

type statRow struct {
	Metric string
	S      analyze.Stats
}

type metricSection struct {
	Title  string
	Charts []chartSpec
}

// tableMetrics are the metrics the percentile tables show per stream.
var tableMetrics = []store.Metric{store.Latency, store.Jitter, store.AvgLoss, store.MaxLoss, store.Bitrate,
	store.FrameRate, store.ZoomAvgCPU, store.SystemMaxCPU, store.RSSIAvg}

func (b *builder) page() *page {
	r := b.R
	p := &page{View: b.View, ECharts: EChartsVersion, Lines: b.lines, Agreement: newAgreementView(&r.Agreement)}
	for i, row := range b.View.Sessions {
		sr := sessionRow{SessionRow: row, Ratings: zoomRatings(row.S), Facts: zoomFacts(row.S)}
		if z := zoomSummaryOf("zoom-summary-"+strconv.Itoa(i), row); z != nil {
			sr.Summary = z.ID
			p.Summaries = append(p.Summaries, *z)
		}
		p.Sessions = append(p.Sessions, sr)
	}
	for i := range p.Agreement.Disagreements {
		d := &p.Agreement.Disagreements[i]
		d.Label = b.LabelOf(d.Participant, d.Session, d.UserName)
	}
	for _, row := range b.View.Sessions[:min(5, len(b.View.Sessions))] {
		if row.R != nil && row.R.DegradedShare > 0 {
			p.Worst = append(p.Worst, row)
		}
	}
	for _, st := range store.Streams() {
		ms := r.Streams[st]
		if ms == nil {
			continue
		}
		t := streamTable{Stream: st.String()}
		for _, mt := range tableMetrics {
			if s, ok := ms[mt]; ok {
				t.Rows = append(t.Rows, statRow{mt.String(), s})
			}
		}
		switch {
		case len(t.Rows) == 0:
		case report.MainStream(st):
			p.Tables = append(p.Tables, t)
		default:
			p.MoreTables = append(p.MoreTables, t)
		}
	}
	if len(b.Timeline.Sessions) > 0 {
		p.Heatmap = b.heatmap("heatmap")
		p.charts = append(p.charts, p.Heatmap)
	}
	// The line charts are independent: built on every core.
	lines := b.Timeline.Lines()
	built := make([]chartSpec, len(lines))
	parallel.Do(len(lines), 0, func(_, i int) {
		built[i] = b.lineChart("chart-"+strconv.Itoa(i), lines[i])
	})
	var sec *metricSection
	for i, l := range lines {
		if sec == nil || sec.Title != l.Quantity.String() {
			p.Metrics = append(p.Metrics, metricSection{Title: l.Quantity.String()})
			sec = &p.Metrics[len(p.Metrics)-1]
		}
		sec.Charts = append(sec.Charts, built[i])
		p.charts = append(p.charts, built[i])
	}
	return p
}
