package html

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
)

// The report's charts are built with go-echarts, whose option JSON the
// page embeds as data (see page.go); page.js turns minute offsets into
// times and starts ECharts on each.

// chartSpec is one chart of the page: the element it is drawn in and its
// ECharts option.
type chartSpec struct {
	ID     string         `json:"id"`
	Kind   string         `json:"kind"` // "time" or "heatmap"
	Option map[string]any `json:"option"`
	Group  int            `json:"group,omitempty"` // the heatmap's minutes per column
	Height int            `json:"-"`
	// Sessions are the windows of the sessions drawn as their own lines,
	// which the page shades when such a line is hovered or shown alone.
	Sessions []sessionWindows `json:"sessions,omitempty"`
}

// Colours: the median near-black, the other percentile grey, thresholds,
// windows and degraded cells red.
const (
	colMedian   = "#1d2330"
	colSpread   = "#9a9a9a"
	colBreach   = "#d62728"
	colWindow   = "rgba(214,39,40,0.12)"
	colIncident = "rgba(214,39,40,0.35)" // the incidents' legend mark
	colGood     = "#3ba272"
	colFair     = "#fac858"
	colDegraded = "#d62728"
)

// lineChart draws one quantity of one stream over the meeting: the
// median and the 95th (or, where low is bad, 5th) percentile of all
// sessions minute by minute, the worst sessions as their own lines (each
// with its windows, for the page to shade on demand) and, where the
// quantity has a threshold, the threshold as a mark line and the
// meeting-wide incidents shaded; and Zoom's alerts marked.
func (b *builder) lineChart(id string, l analyze.Line) chartSpec {
	q := l.Quantity
	tl := b.Timeline
	prec := precision(q)
	worstQ, worstName := 0.95, "p95 of sessions"
	if q.LowerIsWorse() {
		worstQ, worstName = 0.05, "p5 of sessions"
	}
	spread := tl.Spread(l, 0.5, worstQ)

	line := charts.NewLine()
	title := q.String() + " · " + l.Stream.String()
	yName := q.Unit()
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id}),
		charts.WithTitleOpts(opts.Title{Title: title, Left: "0", TitleStyle: &opts.TextStyle{FontSize: 14}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Top: "22", Left: "0", Right: "10"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{Top: "62", Left: "52", Right: "24", Bottom: "62"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "time"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName, Scale: opts.Bool(q == analyze.QMOS)}),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside", XAxisIndex: []int{0}},
			opts.DataZoom{Type: "slider", XAxisIndex: []int{0}, Start: 0, End: 100}),
		charts.WithAnimation(false),
	)

	median := seriesPoints(spread[0])
	ths := q.Threshold(b.R.Thresholds, l.Stream)
	line.AddSeries("median of sessions", nil,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: colMedian}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colMedian}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) {
			s.Data = points{downsample(median, b.maxPoints), prec}
			if len(ths) > 0 {
				s.MarkLines = &opts.MarkLines{MarkLineStyle: opts.MarkLineStyle{Symbol: []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: colBreach, Type: "dashed", Width: 1},
					Label:     &opts.Label{Show: opts.Bool(true), Position: "insideEndTop"}}}
				for _, th := range ths {
					s.MarkLines.Data = append(s.MarkLines.Data, opts.MarkLineNameYAxisItem{Name: "threshold", YAxis: th})
				}
			}
		}),
	)
	line.AddSeries(worstName, nil,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 1, Color: colSpread, Type: "dashed"}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colSpread}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) {
			s.Data = points{downsample(seriesPoints(spread[1]), b.maxPoints), prec}
		}),
	)
	if len(ths) > 0 && len(median) > 0 {
		b.addIncidents(line, median[0].x, median[len(median)-1].x)
	}
	if len(median) > 0 {
		b.addAlerts(line, median[0].x, median[len(median)-1].x)
	}
	var sessions []sessionWindows
	for _, i := range b.worstOn(l) {
		ts := &tl.Sessions[i]
		vals := ts.Values(l)
		ps := make([]point, 0, len(vals))
		for k, v := range vals {
			ps = append(ps, point{float64(ts.First + k), float64(v)})
		}
		line.AddSeries(chartLabel(b.Labels[i]), nil,
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 1}),
			charts.WithSeriesOpts(func(s *charts.SingleSeries) {
				s.Id = sessionSeriesID(i)
				s.Data = points{downsample(trimGaps(ps), b.maxPoints), prec}
			}),
		)
		if len(ths) > 0 {
			if ws := b.windowsOf(i, l); len(ws) > 0 {
				sessions = append(sessions, sessionWindows{sessionSeriesID(i), ws})
			}
		}
	}
	if n := len(line.MultiSeries); n > 25 {
		// An axis tooltip listing hundreds of lines helps no one.
		line.Tooltip.Trigger = "item"
	}
	return chartSpec{ID: id, Kind: "time", Option: line.JSON(), Height: 340, Sessions: sessions}
}

// precision is how many decimals a quantity's drawn values keep.
func precision(q analyze.Quantity) int {
	switch q {
	case analyze.QLoss, analyze.QMOS:
		return 2
	}
	return 1
}

// seriesPoints makes a per-minute series of the timeline into points.
func seriesPoints(ys []float64) []point {
	ps := make([]point, len(ys))
	for m, y := range ys {
		ps[m] = point{float64(m), y}
	}
	return trimGaps(ps)
}

// trimGaps drops the NaN points at either end and all but the first of a
// run of them, which is all a line needs to break.
func trimGaps(ps []point) []point {
	out := ps[:0:0]
	gap := true
	for _, p := range ps {
		if math.IsNaN(p.y) {
			if !gap {
				out = append(out, p)
			}
			gap = true
			continue
		}
		out, gap = append(out, p), false
	}
	if n := len(out); n > 0 && math.IsNaN(out[n-1].y) {
		out = out[:n-1]
	}
	return out
}

// worstOn picks the sessions a chart draws as their own lines: those
// with the most degraded samples on the line's stream, then the worst
// extreme of the quantity; at most b.lines of them.
func (b *builder) worstOn(l analyze.Line) []int {
	type cand struct {
		i        int
		degraded int
		extreme  float64 // larger is worse
	}
	var cs []cand
	for i := range b.Timeline.Sessions {
		vals := b.Timeline.Sessions[i].Values(l)
		if vals == nil {
			continue
		}
		ext := math.Inf(-1)
		for _, v := range vals {
			x := float64(v)
			if math.IsNaN(x) {
				continue
			}
			if l.Quantity.LowerIsWorse() {
				x = -x
			}
			ext = max(ext, x)
		}
		deg := 0
		if r := b.Results[i]; r != nil {
			deg = r.Degraded[l.Stream].Degraded
		}
		cs = append(cs, cand{i, deg, ext})
	}
	slices.SortStableFunc(cs, func(a, c cand) int {
		return cmp.Or(cmp.Compare(c.degraded, a.degraded), cmp.Compare(c.extreme, a.extreme))
	})
	if b.lines >= 0 && len(cs) > b.lines {
		cs = cs[:b.lines]
	}
	out := make([]int, len(cs))
	for k, c := range cs {
		out[k] = c.i
	}
	return out
}

// maxHeatmapCells bounds the heatmap: beyond it, minutes are grouped.
const maxHeatmapCells = 40000

// heatmap draws every session (worst first, top down) against the
// meeting's minutes, each cell coloured by the session's quality in it:
// who suffered when, at a glance. A long, crowded meeting groups minutes
// so that the page stays light; a group shows its worst minute.
func (b *builder) heatmap(id string) chartSpec {
	tl := b.Timeline
	cells := 0
	for _, s := range tl.Sessions {
		cells += len(s.Levels)
	}
	group := max(1, (cells+maxHeatmapCells-1)/maxHeatmapCells)
	cols := (tl.Minutes + group - 1) / group
	xs := make([]string, cols)
	for c := range xs {
		xs[c] = report.Clock.FormatIn(tl.Start.Add(time.Duration(c*group)*time.Minute), b.Location)
	}
	ys := make([]string, len(b.Order))
	data := make([]heatCells, 0, len(b.Order))
	for row, i := range b.Order {
		ys[row] = chartLabel(b.Labels[i])
		s := &tl.Sessions[i]
		var hc heatCells
		hc.row = row
		for k, lv := range s.Levels {
			if lv == analyze.LevelAbsent {
				continue
			}
			c := (s.First + k) / group
			if n := len(hc.cells); n > 0 && hc.cells[n-1][0] == c {
				hc.cells[n-1][1] = max(hc.cells[n-1][1], int(lv))
				continue
			}
			hc.cells = append(hc.cells, [2]int{c, int(lv)})
		}
		data = append(data, hc)
	}

	hm := charts.NewHeatMap()
	visible := min(len(ys), 40)
	height := 110 + 16*visible
	zooms := []opts.DataZoom{{Type: "inside", XAxisIndex: []int{0}}, {Type: "slider", XAxisIndex: []int{0}}}
	if len(ys) > visible {
		end := float32(100 * float64(visible) / float64(len(ys)))
		zooms = append(zooms, opts.DataZoom{Type: "slider", YAxisIndex: []int{0}, Start: 0, End: end, Orient: "vertical"},
			opts.DataZoom{Type: "inside", YAxisIndex: []int{0}, Start: 0, End: end})
	}
	title := "Who suffered when"
	if group > 1 {
		title += " (each cell " + strconv.Itoa(group) + " minutes, its worst)"
	}
	hm.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id}),
		charts.WithTitleOpts(opts.Title{Title: title, Left: "0", TitleStyle: &opts.TextStyle{FontSize: 14}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithGridOpts(opts.Grid{Top: "40", Left: "160", Right: "48", Bottom: "56"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: xs, SplitArea: &opts.SplitArea{Show: opts.Bool(false)}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: ys, Inverse: opts.Bool(true)}),
		charts.WithDataZoomOpts(zooms...),
		charts.WithAnimation(false),
	)
	hm.AddSeries("quality", nil, charts.WithSeriesOpts(func(s *charts.SingleSeries) {
		s.Data = heatData(data)
	}))
	o := hm.JSON()
	// What go-echarts' option types lack: long names cut short on the
	// axis, and pieces that are one value each, with labels.
	o["yAxis"] = []any{map[string]any{"type": "category", "data": ys, "inverse": true,
		"axisLabel": map[string]any{"width": 150, "overflow": "truncate", "interval": 0}}}
	o["visualMap"] = []any{map[string]any{"type": "piecewise", "orient": "horizontal", "right": 10, "top": 0,
		"dimension": 2, "pieces": []any{
			map[string]any{"value": analyze.LevelGood, "label": "good", "color": colGood},
			map[string]any{"value": analyze.LevelFair, "label": "fair (MOS < 4)", "color": colFair},
			map[string]any{"value": analyze.LevelDegraded, "label": "degraded", "color": colDegraded},
		}}}
	return chartSpec{ID: id, Kind: "heatmap", Option: o, Group: group, Height: height}
}

// heatCells are one heatmap row's cells: column and level.
type heatCells struct {
	row   int
	cells [][2]int
}

// heatData is the heatmap's data, [[column,row,level],...], written
// compactly: it has one entry per drawn cell.
type heatData []heatCells

func (h heatData) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	first := true
	for _, r := range h {
		for _, c := range r.cells {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(c[0]), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(r.row), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(c[1]), 10)
			b = append(b, ']')
		}
	}
	return append(b, ']'), nil
}
