package html

import (
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/zoomqos/zoomqos/report"
)

// Zoom's alerts on the line charts: a thin dotted line at each alert's
// time, as a series of its own that the legend names ("Zoom's alerts")
// and hides when clicked; its tooltip, and the axis tooltip at that
// minute, name it ("Zoom alert: Unstable audio quality at 14:07:32").
// The list of alerts with what zoomqos saw then is the page's own
// section (page.tmpl), from report.View.Alerts.

// alertSeriesID is the id of the alerts' series, which page.js knows it by.
const alertSeriesID = "alerts"

// colAlert is the alerts' lines: orange, apart from the red of breaches.
const colAlert = "#e8890c"

// alertLines are the alerts within minutes first to last of the timeline
// as ECharts mark lines on the time axis, each named for its tooltip.
func (b *builder) alertLines(first, last float64) []opts.MarkLineNameXAxisItem {
	var out []opts.MarkLineNameXAxisItem
	for _, a := range b.Alerts {
		x := float64(a.Time.Sub(b.Timeline.Start)) / float64(time.Minute)
		if x < first || x > last {
			continue
		}
		out = append(out, opts.MarkLineNameXAxisItem{Name: report.AlertName(a), XAxis: x})
	}
	return out
}

// addAlerts adds the series that marks Zoom's alerts within the chart's
// minutes, first to last: no line of its own, only the marks. A chart
// that no alert falls on has no such series.
func (b *builder) addAlerts(line *charts.Line, first, last float64) {
	lines := b.alertLines(first, last)
	if len(lines) == 0 {
		return
	}
	line.AddSeries(b.alertSeriesName(), nil,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colAlert}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: colAlert}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) {
			s.Id = alertSeriesID
			s.Data = points{}
			s.MarkLines = &opts.MarkLines{MarkLineStyle: opts.MarkLineStyle{Symbol: []string{"none", "none"},
				LineStyle: &opts.LineStyle{Color: colAlert, Type: "dotted", Width: 2},
				Label:     &opts.Label{Show: opts.Bool(false)}}}
			for _, l := range lines {
				s.MarkLines.Data = append(s.MarkLines.Data, l)
			}
		}),
	)
}

// alertSeriesName is the legend's name for the alerts' series.
func (b *builder) alertSeriesName() string { return "Zoom's alerts" }
