package email

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

// The e-mail's charts: PNG drawn in Go with gonum/plot, since mail clients
// run no script and many show no SVG. They are drawn at twice the size
// they are shown at (600 px wide in the mail), for sharp text on dense
// screens.

// pngChart is one picture of the e-mail.
type pngChart struct {
	Name          string // file name and Content-ID stem, such as "quality"
	Alt           string
	Width, Height int // as shown, in CSS pixels; the PNG has twice as many
	PNG           []byte
}

const (
	pngWidth  = 600
	pngHeight = 250
	pngScale  = 2
	pngDPI    = 96 * pngScale
)

var (
	rgbBad     = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	rgbFair    = color.RGBA{R: 250, G: 200, B: 88, A: 255}
	rgbGood    = color.RGBA{R: 59, G: 162, B: 114, A: 255}
	rgbMedian  = color.RGBA{R: 29, G: 35, B: 48, A: 255}
	rgbSpread  = color.RGBA{R: 140, G: 140, B: 140, A: 255}
	rgbWindow  = color.NRGBA{R: 214, G: 39, B: 40, A: 40} // not premultiplied: translucent red
	rgbIncid   = color.NRGBA{R: 90, G: 90, B: 90, A: 50}
	rgbBgWhite = color.RGBA{R: 255, G: 255, B: 255, A: 255}
)

// pictures draws the e-mail's charts from the view the page shares.
type pictures struct {
	*report.View
}

// emailCharts draws the e-mail's pictures: who was degraded minute by
// minute, the latency of the stream that suffered most, and how the
// sessions' MOS fell out. A meeting without samples has none.
func (b pictures) emailCharts() ([]pngChart, error) {
	if b.Timeline.Minutes == 0 {
		return nil, nil
	}
	var out []pngChart
	add := func(name, alt string, p *plot.Plot) error {
		png, err := renderPNG(p)
		if err != nil {
			return fmt.Errorf("drawing the %s chart: %w", name, err)
		}
		out = append(out, pngChart{Name: name, Alt: alt, Width: pngWidth, Height: pngHeight, PNG: png})
		return nil
	}
	if err := add("quality", "Share of sessions degraded, minute by minute", b.qualityPlot()); err != nil {
		return nil, err
	}
	if l, ok := b.worstLatency(); ok {
		if err := add("latency", "Latency of "+l.Stream.String()+" over the meeting", b.latencyPlot(l)); err != nil {
			return nil, err
		}
	}
	if p := b.mosPlot(); p != nil {
		if err := add("mos", "Sessions by median MOS", p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func newPlot(title string) *plot.Plot {
	p := plot.New()
	sans := func(f *font.Font, size vg.Length) {
		f.Variant = "Sans"
		f.Size = size
	}
	p.Title.Text = title
	sans(&p.Title.TextStyle.Font, 11)
	p.Title.Padding = 4
	p.BackgroundColor = rgbBgWhite
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		sans(&a.Label.TextStyle.Font, 9)
		sans(&a.Tick.Label.Font, 8)
	}
	p.Y.Tick.Marker = plainTicks{}
	sans(&p.Legend.TextStyle.Font, 8)
	p.Legend.Top = true
	p.Legend.XOffs = -6
	return p
}

// plainTicks are gonum's default ticks labelled as the tables write
// numbers: 250, not 250.00.
type plainTicks struct{}

func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = report.Num(ts[i].Value)
		}
	}
	return ts
}

// timeAxis labels x, in Unix seconds, as clock times in the e-mail's
// zone, which the axis names.
func (b pictures) timeAxis(p *plot.Plot) {
	loc := b.Location
	p.X.Tick.Marker = plot.TimeTicks{Format: string(report.Clock), // gonum takes the layout itself
		Time: func(x float64) time.Time { return time.Unix(int64(math.Round(x)), 0).In(loc) }}
	p.X.Min = float64(b.Timeline.Start.Unix())
	p.X.Max = float64(b.Timeline.Start.Add(time.Duration(max(b.Timeline.Minutes-1, 1)) * time.Minute).Unix())
	p.X.Label.Text = axisZone(loc, time.Unix(int64(p.X.Min), 0), time.Unix(int64(p.X.Max), 0))
}

// axisZone names the zone under a time axis: "UTC", "Europe/Berlin
// (CET)", "America/New_York (EST, then EDT)".
func axisZone(loc *time.Location, from, to time.Time) string {
	if report.IsUTC(loc) {
		return "UTC"
	}
	var abbrs []string
	for _, s := range report.ZoneSpans(loc, from, to) {
		abbrs = append(abbrs, s.Abbr)
	}
	return report.ZoneLabel(loc) + " (" + strings.Join(abbrs, ", then ") + ")"
}

// unix is minute m of the timeline in Unix seconds.
func (b pictures) unix(m float64) float64 { return float64(b.Timeline.Start.Unix()) + 60*m }

// bands shades spans of minutes across the whole height.
func bands(p *plot.Plot, spans [][2]float64, lo, hi float64, c color.Color) error {
	for _, s := range spans {
		poly, err := plotter.NewPolygon(plotter.XYs{{X: s[0], Y: lo}, {X: s[1], Y: lo}, {X: s[1], Y: hi}, {X: s[0], Y: hi}})
		if err != nil {
			return err
		}
		poly.Color = c
		poly.LineStyle.Width = 0
		p.Add(poly)
	}
	return nil
}

// qualityPlot shows, minute by minute, the share of the sessions present
// that were degraded (red) or fair (yellow), with the meeting-wide
// incidents shaded.
func (b pictures) qualityPlot() *plot.Plot {
	tl := b.Timeline
	present := make([]int, tl.Minutes)
	degraded := make([]int, tl.Minutes)
	fair := make([]int, tl.Minutes)
	for _, s := range tl.Sessions {
		for k, lv := range s.Levels {
			m := s.First + k
			switch lv {
			case analyze.LevelAbsent:
				continue
			case analyze.LevelDegraded:
				degraded[m]++
			case analyze.LevelFair:
				fair[m]++
			}
			present[m]++
		}
	}
	bad := make(plotter.XYs, 0, tl.Minutes+2)
	notGood := make(plotter.XYs, 0, tl.Minutes+2)
	for m := range tl.Minutes {
		if present[m] == 0 {
			continue
		}
		x := b.unix(float64(m))
		bad = append(bad, plotter.XY{X: x, Y: 100 * float64(degraded[m]) / float64(present[m])})
		notGood = append(notGood, plotter.XY{X: x, Y: 100 * float64(degraded[m]+fair[m]) / float64(present[m])})
	}
	p := newPlot("Sessions degraded, minute by minute")
	b.timeAxis(p)
	p.Y.Min, p.Y.Max = 0, 100
	p.Y.Label.Text = "% of sessions"
	var incidents [][2]float64
	for _, in := range b.R.Incidents {
		incidents = append(incidents, [2]float64{float64(in.Start.Unix()), float64(in.End.Unix())})
	}
	bands(p, incidents, 0, 100, rgbIncid)
	for _, l := range []struct {
		xys  plotter.XYs
		c    color.RGBA
		name string
	}{{notGood, rgbFair, "fair (MOS < 4)"}, {bad, rgbBad, "degraded"}} {
		if len(l.xys) == 0 {
			continue
		}
		line, err := plotter.NewLine(stepped(l.xys))
		if err != nil {
			continue
		}
		line.FillColor = l.c
		line.LineStyle.Width = 0
		p.Add(line)
		p.Legend.Add(l.name, line)
	}
	if len(incidents) > 0 {
		sw, _ := plotter.NewPolygon(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}})
		sw.Color = rgbIncid
		sw.LineStyle.Width = 0
		p.Legend.Add("meeting-wide incident", sw)
	}
	return p
}

// stepped draws a per-minute series as steps, each minute a flat stretch,
// closed at zero on both ends so that it fills.
func stepped(xys plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, 0, 2*len(xys)+2)
	out = append(out, plotter.XY{X: xys[0].X, Y: 0})
	for i, p := range xys {
		end := p.X + 60
		if i+1 < len(xys) && xys[i+1].X-p.X <= 60 {
			end = xys[i+1].X
		}
		out = append(out, plotter.XY{X: p.X, Y: p.Y}, plotter.XY{X: end, Y: p.Y})
		if end < p.X+60 || i+1 < len(xys) && xys[i+1].X-p.X > 60 {
			out = append(out, plotter.XY{X: end, Y: 0})
			if i+1 < len(xys) {
				out = append(out, plotter.XY{X: xys[i+1].X, Y: 0})
			}
		}
	}
	return append(out, plotter.XY{X: out[len(out)-1].X, Y: 0})
}

// worstLatency picks the media stream with the largest degraded share for
// the latency chart: audio_input when none was degraded.
func (b pictures) worstLatency() (analyze.Line, bool) {
	best, bestShare := analyze.Line{Quantity: analyze.QLatency, Stream: store.AudioInput}, -1.0
	have := map[analyze.Line]bool{}
	for _, l := range b.Timeline.Lines() {
		have[l] = true
	}
	for _, st := range analyze.QLatency.Streams() {
		l := analyze.Line{Quantity: analyze.QLatency, Stream: st}
		if !have[l] {
			continue
		}
		if sh := b.R.Degraded[st].Share; sh > bestShare {
			best, bestShare = l, sh
		}
	}
	return best, bestShare >= 0
}

// latencyPlot draws a latency line's median and 95th percentile of all
// sessions, its threshold and the meeting-wide incidents.
func (b pictures) latencyPlot(l analyze.Line) *plot.Plot {
	spread := b.Timeline.Spread(l, 0.5, 0.95)
	p := newPlot("Latency of " + l.Stream.String())
	b.timeAxis(p)
	p.Y.Label.Text = "ms"
	p.Y.Min = 0
	top := b.R.Thresholds.LatencyMS * 1.2
	for _, ys := range spread {
		for _, y := range ys {
			if !math.IsNaN(y) {
				top = max(top, y*1.05)
			}
		}
	}
	p.Y.Max = top
	// The meeting-wide incidents, as the page's charts shade them: the
	// union of every session's windows would shade most of a meeting.
	var spans [][2]float64
	for _, in := range b.R.Incidents {
		spans = append(spans, [2]float64{float64(in.Start.Unix()), float64(in.End.Unix())})
	}
	bands(p, spans, 0, top, rgbWindow)
	if len(spans) > 0 {
		sw, _ := plotter.NewPolygon(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}})
		sw.Color = rgbWindow
		sw.LineStyle.Width = 0
		p.Legend.Add("meeting-wide incidents", sw)
	}
	th := plotter.NewFunction(func(float64) float64 { return b.R.Thresholds.LatencyMS })
	th.Color = rgbBad
	th.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	th.Width = vg.Points(1)
	p.Add(th)
	p.Legend.Add(fmt.Sprintf("threshold %s ms", report.Num(b.R.Thresholds.LatencyMS)), th)
	for i, s := range []struct {
		name  string
		c     color.RGBA
		width float64
	}{{"median of sessions", rgbMedian, 1.5}, {"p95 of sessions", rgbSpread, 1}} {
		var xys plotter.XYs
		for m, y := range spread[i] {
			if !math.IsNaN(y) {
				xys = append(xys, plotter.XY{X: b.unix(float64(m)), Y: y})
			}
		}
		if len(xys) == 0 {
			continue
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			continue
		}
		line.Color = s.c
		line.Width = vg.Points(s.width)
		p.Add(line)
		p.Legend.Add(s.name, line)
	}
	return p
}

// mosPlot counts the sessions by their median MOS in tenths, coloured by
// bucket; nil when no session has a MOS.
func (b pictures) mosPlot() *plot.Plot {
	// MOS runs from 1 to about 4.4; the axis starts at 3, or lower in
	// half points when some session was that bad.
	const hi = 4.5
	lo := 3.0
	for _, r := range b.Results {
		if r != nil && r.MOS != nil {
			lo = min(lo, math.Floor(r.MOS.P50*2)/2)
		}
	}
	n := int(math.Round((hi - lo) * 10))
	counts := [3]plotter.Values{make(plotter.Values, n), make(plotter.Values, n), make(plotter.Values, n)}
	any := false
	for _, r := range b.Results {
		if r == nil || r.MOS == nil {
			continue
		}
		mos := r.MOS.P50
		i := min(max(int((mos-lo)*10), 0), n-1)
		bucket := 0 // good
		switch {
		case mos < 3.6:
			bucket = 2
		case mos < 4.0:
			bucket = 1
		}
		counts[bucket][i]++
		any = true
	}
	if !any {
		return nil
	}
	p := newPlot("Sessions by median MOS")
	p.Legend.Left, p.Legend.XOffs = true, 6 // good sessions stand on the right
	p.Y.Label.Text = "sessions"
	p.X.Label.Text = "MOS"
	w := vg.Length(pngWidth-80) * vg.Inch / 96 / vg.Length(n) * 0.8
	for i, c := range []color.RGBA{rgbGood, rgbFair, rgbBad} {
		bars, err := plotter.NewBarChart(counts[i], w)
		if err != nil {
			continue
		}
		bars.Color = c
		bars.LineStyle.Width = 0
		p.Add(bars)
		p.Legend.Add([]string{"good (≥ 4.0)", "fair (≥ 3.6)", "poor"}[i], bars)
	}
	labels := make([]string, n)
	for i := range labels {
		if i%5 == 0 {
			labels[i] = fmt.Sprintf("%.1f", lo+float64(i)/10)
		}
	}
	p.NominalX(labels...)
	p.X.Label.Text = "median MOS of the session"
	return p
}

// renderPNG draws a plot at twice its shown size.
func renderPNG(p *plot.Plot) ([]byte, error) {
	w := vg.Length(pngWidth) * vg.Inch / 96
	h := vg.Length(pngHeight) * vg.Inch / 96
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(rgbBgWhite))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
