package html

import (
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
)

// The fleet report's trends: the whole fleet's degraded share and MOS per
// bucket (day or week) in one chart, and a chart per property of its
// groups' degraded shares. A bucket without sessions has no point (null); the line joins the
// points either side of it, marked, so that a group seen every other day
// is a line, not scattered dots.

// colMOS draws the MOS line, apart from the degraded bars.
const colMOS = "#2f5bb7"

// bucketLabels name the trend's buckets on the axis, in the zone the
// period's days begin in: a day as "Mon 2 Nov", a week by its Monday,
// "2 Nov"; with the year when the period spans two.
func bucketLabels(r *analyze.PeriodResult) []string {
	layout := "Mon 2 Jan"
	if r.Bucket == "week" {
		layout = "2 Jan"
	}
	if n := len(r.Trend); n > 0 && r.Trend[0].Start.Year() != r.Trend[n-1].Start.Year() {
		layout += " 2006"
	}
	labels := make([]string, len(r.Trend))
	for i, pt := range r.Trend {
		labels[i] = pt.Start.Format(layout)
	}
	return labels
}

// trendChart draws the fleet's degraded share per bucket as bars and its
// median MOS as a line on an axis of its own.
func trendChart(id, bucket string, labels []string, trend []analyze.TrendPoint) chartSpec {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id}),
		charts.WithTitleOpts(opts.Title{Title: "Session time degraded and median MOS, per " + bucket, Left: "0",
			TitleStyle: &opts.TextStyle{FontSize: 14}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "22", Left: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{Top: "74", Left: "48", Right: "48", Bottom: "32"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: labels}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "% degraded", Min: 0}),
		charts.WithAnimation(false),
	)
	deg, mos := make([]any, len(trend)), make([]any, len(trend))
	low := 4.0
	for i, pt := range trend {
		deg[i], mos[i] = share(pt.Degraded), rounded(pt.MOS, 2)
		if pt.MOS != nil {
			low = min(low, *pt.MOS)
		}
	}
	// MOS on a fixed scale up to the best a call can score (4.5), from half
	// a point under the lowest: a change of a hundredth does not fill the
	// chart, a fall to "poor" (3.6) stands out.
	bar.ExtendYAxis(opts.YAxis{Type: "value", Name: "MOS", Min: max(1, math.Floor(2*low)/2-0.5), Max: 4.5,
		MinInterval: 0.5, Position: "right", SplitLine: &opts.SplitLine{Show: opts.Bool(false)}})
	bar.AddSeries("degraded", nil,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colDegraded}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Data = deg }))
	line := charts.NewLine()
	line.AddSeries("median MOS", nil,
		charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: colMOS}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colMOS}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Data = mos }))
	bar.Overlap(line)
	return chartSpec{ID: id, Kind: "trend", Option: bar.JSON(), Height: 320}
}

// splitChart draws the degraded share per bucket of each group of a
// property: a line each, broken where a group had no sessions.
func splitChart(id, bucket string, labels []string, s analyze.TrendSplit) chartSpec {
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id}),
		charts.WithTitleOpts(opts.Title{Title: "Degraded per " + bucket + " by " + lowerTitle(s.By), Left: "0",
			TitleStyle: &opts.TextStyle{FontSize: 14}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Top: "22", Left: "0", Right: "10"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{Top: "74", Left: "48", Right: "20", Bottom: "32"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: labels}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "% degraded", Min: 0}),
		charts.WithAnimation(false),
	)
	for _, g := range s.Groups {
		name := "other groups"
		if g.Group != analyze.Other {
			// Drawn on the canvas: isolated by marks, as the meeting's labels.
			name = report.Isolate(report.DisplayText(g.Group, report.DisplayLimit))
		}
		data := make([]any, len(g.Points))
		for i, pt := range g.Points {
			data[i] = share(pt.Degraded)
		}
		line.AddSeries(name, nil,
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), SymbolSize: 4, ConnectNulls: opts.Bool(true)}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 2}),
			charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Data = data }))
	}
	return chartSpec{ID: id, Kind: "split", Option: line.JSON(), Height: 300}
}

func lowerTitle(by analyze.GroupBy) string {
	t := report.GroupByName(by)
	if t == "" {
		return t
	}
	return string(t[0]|0x20) + t[1:]
}

// share is a share as a percentage with two decimals, nil (a gap) for
// none.
func share(v *float64) any {
	if v == nil {
		return nil
	}
	return math.Round(*v*1e4) / 100
}

// rounded is v to prec decimals, nil for none.
func rounded(v *float64, prec int) any {
	if v == nil || math.IsNaN(*v) {
		return nil
	}
	p := math.Pow10(prec)
	return math.Round(*v*p) / p
}
