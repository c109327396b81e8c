package html

import (
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
)

// chartZone is what page.js needs to label the charts' time axes in the
// report's zone, which need not be the browser's. ECharts draws in UTC
// (useUTC), and every time is drawn Shift later than it is: the zone's
// offset at the meeting's start, so that the ticks ECharts chooses fall on
// the zone's round times (on the hour in Asia/Kolkata too, at +05:30).
// Each label is the time undone by Shift, in the offset of the span it
// falls in: a meeting across a change to or from summer time is labelled
// in the offset of each side, with no gap or fold in its lines.
type chartZone struct {
	Shift int64      `json:"shift"` // ms
	Spans []zoneSpan `json:"spans"` // at least one
}

// zoneSpan is an offset from UTC from a moment on (ms since the epoch).
type zoneSpan struct {
	From   int64  `json:"from"`
	Offset int64  `json:"offset"` // ms east of UTC
	Abbr   string `json:"abbr"`   // "EST", "EDT": written in the tooltips
}

// timelineZone is loc's offsets over a meeting's timeline.
func timelineZone(loc *time.Location, tl *analyze.Timeline) chartZone {
	return newChartZone(loc, tl.Start, tl.Start.Add(time.Duration(tl.Minutes+1)*time.Minute))
}

// newChartZone is loc's offsets from from to to.
func newChartZone(loc *time.Location, from, to time.Time) chartZone {
	var z chartZone
	for _, s := range report.ZoneSpans(loc, from, to) {
		z.Spans = append(z.Spans, zoneSpan{From: s.Start.UnixMilli(), Offset: int64(s.Offset) * 1000, Abbr: s.Abbr})
	}
	z.Shift = z.Spans[0].Offset
	return z
}
