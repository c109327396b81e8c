package html

import (
	"strconv"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
)

// What a line chart shades. Every chart of a quantity with a threshold
// shades the meeting-wide incidents, as a series of their own that the
// legend names; a session drawn as its own line carries its degradation
// windows, which page.js shades only while that line is hovered or shown
// alone, so that a chart is not shaded end to end by the union of every
// session's windows.

// sessionWindows are the windows of a session drawn as its own line: the
// id of its series and its windows on the chart's stream.
type sessionWindows struct {
	Series  string       `json:"series"`
	Windows []windowSpan `json:"windows"`
}

// windowSpan is a shaded span, [from,to] in minutes from the timeline's
// start.
type windowSpan [2]float64

// minuteSpan is the span of minutes from..to of the timeline, as its
// points are drawn (at the start of each minute); a span shorter than a
// minute is widened to one, so that it shows.
func (b *builder) minuteSpan(from, to time.Time) (float64, float64) {
	start := b.Timeline.Start.Unix() / 60
	f, t := float64(from.Unix()/60-start), float64(to.Unix()/60-start)
	if t-f < 1 {
		f, t = f-0.5, t+0.5
	}
	return f, t
}

// incidentSeriesName is the legend's name for the incidents' series.
func (b *builder) incidentSeriesName() string { return strings.ToLower(b.Kind) + "-wide incidents" }

// incidentAreas are the meeting-wide incidents that overlap minutes
// first to last as ECharts mark areas, each named for its tooltip:
// "incident 14:02–14:09, 7 sessions degraded (peak 58.3%)".
func (b *builder) incidentAreas(first, last float64) []any {
	var out []any
	for _, in := range b.R.Incidents {
		from, to := b.minuteSpan(in.Start, in.End)
		if to <= first || from > last {
			continue
		}
		clock := report.Clock.Within(b.Location, b.Timeline.Start, b.timelineEnd())
		name := "incident " + clock.FormatIn(in.Start, b.Location) + "–" + clock.FormatIn(in.End, b.Location) + ", " +
			strconv.Itoa(in.Sessions) + " sessions degraded (peak " + report.Pct(in.PeakShare) + ")"
		out = append(out, [2]opts.MarkAreaData{{Name: name, XAxis: from}, {XAxis: to}})
	}
	return out
}

// addIncidents adds the series that shades the meeting-wide incidents
// within the chart's minutes, first to last: it draws no line, only the
// bands, and its legend entry says what they are (and hides them when
// clicked). A chart that no incident overlaps has no such series.
func (b *builder) addIncidents(line *charts.Line, first, last float64) {
	areas := b.incidentAreas(first, last)
	if len(areas) == 0 {
		return
	}
	line.AddSeries(b.incidentSeriesName(), nil,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colIncident}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) {
			s.Id = incidentSeriesID
			s.Data = points{}
			s.MarkAreas = &opts.MarkAreas{Data: areas, MarkAreaStyle: opts.MarkAreaStyle{
				ItemStyle: &opts.ItemStyle{Color: colWindow}, Label: &opts.Label{Show: opts.Bool(false)}}}
		}),
	)
}

// incidentSeriesID is the id of the incidents' series, which page.js
// knows it by.
const incidentSeriesID = "incidents"

// sessionSeriesID is the id of the series of timeline session i.
func sessionSeriesID(i int) string { return "s" + strconv.Itoa(i) }

// windowsOf are timeline session i's windows on a line's stream that the
// line's quantity covers (see analyze.Quantity.Breaches), nil when none.
func (b *builder) windowsOf(i int, l analyze.Line) []windowSpan {
	ts := &b.Timeline.Sessions[i]
	var out []windowSpan
	for _, k := range b.windows[ts.Participant+"\x00"+analyze.SessionName(ts.JoinTime)] {
		w := &b.R.Windows[k]
		if w.Stream != l.Stream || !l.Quantity.Breaches(w.Breached) {
			continue
		}
		from, to := b.minuteSpan(w.Start, w.End)
		out = append(out, windowSpan{from, to})
	}
	return out
}

// windowsBySession indexes a meeting's windows by participant and session.
func windowsBySession(r *analyze.MeetingResult) map[string][]int {
	out := map[string][]int{}
	for k := range r.Windows {
		w := &r.Windows[k]
		key := w.Participant + "\x00" + w.Session
		out[key] = append(out[key], k)
	}
	return out
}
