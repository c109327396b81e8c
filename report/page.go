package report

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/internal/parallel"
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

//go:embed assets/page.css
var pageCSS string

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"num":   num,
	"pct":   pct,
	"count": count,
	"clock": Stamp.Format,
	"hhmm":  Clock.Format,
	"bar": func(v float64) template.CSS {
		return template.CSS("width:" + strconv.FormatFloat(100*v, 'f', 1, 64) + "%")
	},
	// text and or show a string from Zoom (see DisplayText); the page
	// puts each in a <bdi>, which isolates it from the text around it.
	"text":    func(s string) string { return DisplayText(s, DisplayLimit) },
	"or":      func(s string) string { return cmp.Or(DisplayText(s, DisplayLimit), "–") },
	"isolate": func(s string) string { return isolated(s, DisplayLimit) },
	"lower":   strings.ToLower,
	// ratingClass colours one of Zoom's ratings (a class of a fixed few).
	"ratingClass": ratingClass,
	// joined shows a session's name (its join time) as hh:mm.
	"joined": func(s string) string {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return Clock.Format(t)
		}
		return "–"
	},
}).Parse(pageTemplate))

// Meeting is what a meeting's HTML report is drawn from.
type Meeting struct {
	Result   *analyze.MeetingResult
	Timeline *analyze.Timeline
	// Sessions are the stored sessions, for the participant details;
	// redacted already when the report is.
	Sessions  []store.Session
	Generated time.Time
	Redacted  bool
	Version   string // zoomqos's
}

// HTMLOptions tune the drawing; the zero value is the default.
type HTMLOptions struct {
	// Lines is how many sessions each chart draws as their own line, the
	// worst on that chart's stream first (0: DefaultLines; AllLines, or
	// any negative number: every session).
	Lines int
	// MaxPoints is the most points a drawn line keeps (default 2000);
	// longer lines are downsampled keeping each stretch's lowest and
	// highest point. Percentiles and windows always use every sample.
	MaxPoints int
}

// DefaultLines is how many sessions a chart draws as their own line by
// default; AllLines draws every session.
const (
	DefaultLines = 10
	AllLines     = -1
)

// builder holds what the charts and tables share.
type builder struct {
	r         *analyze.MeetingResult
	tl        *analyze.Timeline
	results   []*analyze.SessionResult // by timeline session; nil when the analysis left it out
	sessions  []*store.Session         // by timeline session
	labels    []sessionLabel           // by timeline session: unique, for legends
	order     []int                    // timeline sessions, worst first
	lines     int
	maxPoints int
}

func newBuilder(m *Meeting, o HTMLOptions) *builder {
	b := &builder{r: m.Result, tl: m.Timeline, lines: o.Lines, maxPoints: o.MaxPoints}
	if b.lines == 0 {
		b.lines = DefaultLines
	}
	if b.maxPoints <= 0 {
		b.maxPoints = 2000
	}
	key := func(participant string, join time.Time) string {
		return participant + "\x00" + analyze.SessionName(join)
	}
	byKey := map[string]*analyze.SessionResult{}
	for i := range b.r.SessionResults {
		s := &b.r.SessionResults[i]
		byKey[s.Participant+"\x00"+s.Session] = s
	}
	stored := map[string]*store.Session{}
	for i := range m.Sessions {
		s := &m.Sessions[i]
		stored[key(s.Participant, s.JoinTime)] = s
	}
	n := len(b.tl.Sessions)
	b.results, b.sessions = make([]*analyze.SessionResult, n), make([]*store.Session, n)
	for i := range b.tl.Sessions {
		ts := &b.tl.Sessions[i]
		k := key(ts.Participant, ts.JoinTime)
		b.results[i], b.sessions[i] = byKey[k], stored[k]
	}
	b.labels = sessionLabels(b.tl, b.sessions)
	b.order = make([]int, n)
	for i := range b.order {
		b.order[i] = i
	}
	sort.SliceStable(b.order, func(x, y int) bool {
		return worse(b.results[b.order[x]], b.results[b.order[y]])
	})
	return b
}

// worse orders sessions worst first: the larger degraded share, then the
// lower median MOS. Sessions the analysis left out go last.
func worse(a, b *analyze.SessionResult) bool {
	switch {
	case a == nil || b == nil:
		return a != nil && b == nil
	case a.DegradedShare != b.DegradedShare:
		return a.DegradedShare > b.DegradedShare
	}
	return mosOf(*a) < mosOf(*b)
}

// sessionLabel names a session in legends, axes and tables.
type sessionLabel struct {
	Name   string // the user name, else the participant id, as DisplayText shows it
	Suffix string // what tells apart sessions of one name: " · 14:05", " #2"
}

func (l sessionLabel) String() string { return l.Name + l.Suffix }

// chart is the label as a chart draws it on its canvas: the name
// isolated, so that a right-to-left name keeps the suffix in its place.
func (l sessionLabel) chart() string { return fsi + l.Name + pdi + l.Suffix }

// sessionLabels names each session: the user name, with the join time
// when the name has several sessions, and a number when even that
// repeats. Names are cut to DisplayLimit first, so that two long names
// alike in their first characters are told apart too.
func sessionLabels(tl *analyze.Timeline, sessions []*store.Session) []sessionLabel {
	names := make([]string, len(tl.Sessions))
	seen := map[string]int{}
	shown := func(s string) string { return strings.TrimSpace(DisplayText(s, DisplayLimit)) }
	for i := range tl.Sessions {
		name := ""
		if s := sessions[i]; s != nil {
			name = shown(s.UserName)
		}
		names[i] = cmp.Or(name, shown(tl.Sessions[i].Participant), "(unnamed)")
		seen[names[i]]++
	}
	out := make([]sessionLabel, len(names))
	used := map[string]int{}
	for i, name := range names {
		label := sessionLabel{Name: name}
		if seen[name] > 1 && !tl.Sessions[i].JoinTime.IsZero() {
			label.Suffix = " · " + Clock.Format(tl.Sessions[i].JoinTime)
		}
		n := label.String()
		if used[n]++; used[n] > 1 {
			label.Suffix += " #" + strconv.Itoa(used[n])
		}
		out[i] = label
	}
	return out
}

// WriteMeetingHTML writes a meeting's report: one HTML file that needs no
// network, with ECharts inlined and every string from Zoom escaped.
func WriteMeetingHTML(w io.Writer, m *Meeting, o HTMLOptions) error {
	b := newBuilder(m, o)
	p := b.page(m)
	data, err := chartData(b.tl.Start, p.charts)
	if err != nil {
		return fmt.Errorf("encoding the charts: %w", err)
	}
	p.Data = template.JS(data)
	p.Runtime = template.JS(echartsJS)
	p.Script = template.JS(pageJS)
	p.Style = template.CSS(pageCSS)
	return pageTmpl.Execute(w, p)
}

// chartData is the JSON the page's script reads: the timeline's start (ms)
// and every chart's option. Each <, > and & is escaped: a name from Zoom
// holding "</script>" stays text in the data block, whatever go-echarts'
// own types marshal unescaped.
func chartData(start time.Time, cs []chartSpec) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(struct {
		Start  int64       `json:"start"`
		Charts []chartSpec `json:"charts"`
	}{start.UnixMilli(), cs}); err != nil {
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

// page is the template's data.
type page struct {
	R         *analyze.MeetingResult
	Kind      string // "Meeting" or "Webinar"
	Number    string // the meeting number, else the id it is stored under
	Instance  string // the instance UUID, when Number is the meeting number
	Generated time.Time
	Redacted  bool
	Version   string
	ECharts   string
	Threshold string

	StreamShares []streamShare
	MOS          []mosRow
	Worst        []sessionRow
	Tables       []streamTable // the media streams and CPU
	MoreTables   []streamTable // device legs, Wi-Fi, CPU pressure
	Heatmap      chartSpec
	Metrics      []metricSection
	Windows      []windowRow
	Sessions     []sessionRow
	Agreement    agreementView
	Lines        int

	charts  []chartSpec
	Data    template.JS
	Runtime template.JS
	Script  template.JS
	Style   template.CSS
}

type streamShare struct {
	Stream string
	analyze.Share
	Bar float64 // the share relative to the largest, for the bar's length
}

// mainStream says whether a stream is one the headline and the first
// tables show: the media legs and CPU, not the device legs.
func mainStream(st store.Stream) bool { return st <= store.ASOutput || st == store.CPUUsage }

type mosRow struct {
	Stream string
	Shares []mosShare
}

type mosShare struct {
	Quality analyze.Quality
	Share   float64
}

type sessionRow struct {
	Label   sessionLabel
	R       *analyze.SessionResult
	S       *store.Session
	Join    time.Time
	Leave   time.Time
	MOS     string
	AudioIn string
	Ratings []zoomRating // Zoom's own, where it gave them
	Facts   []zoomFact   // Zoom's other fields, where it gave them
}

type windowRow struct {
	analyze.Window
	Label         sessionLabel
	Length, Worst string
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
var htmlTableMetrics = []store.Metric{store.Latency, store.Jitter, store.AvgLoss, store.MaxLoss, store.Bitrate,
	store.FrameRate, store.ZoomAvgCPU, store.SystemMaxCPU, store.RSSIAvg}

func (b *builder) page(m *Meeting) *page {
	r := b.r
	p := &page{R: r, Kind: meetingKind(r), Number: meetingNumber(r), Instance: instance(r),
		Generated: m.Generated.UTC(), Redacted: m.Redacted, Version: m.Version, ECharts: EChartsVersion,
		Threshold: thresholdLine(r.Thresholds), Lines: b.lines, Agreement: newAgreementView(&r.Agreement)}
	top := 0.0
	for _, st := range store.Streams() {
		if sh, ok := r.Degraded[st.String()]; ok && mainStream(st) {
			p.StreamShares = append(p.StreamShares, streamShare{Stream: st.String(), Share: sh})
			top = max(top, sh.Share)
		}
	}
	for i := range p.StreamShares {
		if top > 0 {
			p.StreamShares[i].Bar = p.StreamShares[i].Share.Share / top
		}
	}
	for _, st := range []string{"audio_input", "audio_output"} {
		row := mosRow{Stream: st}
		for _, q := range analyze.Qualities {
			row.Shares = append(row.Shares, mosShare{q, r.MOSQuality[st][q]})
		}
		p.MOS = append(p.MOS, row)
	}
	labels := map[string]sessionLabel{}
	for _, i := range b.order {
		row := b.sessionRow(i)
		p.Sessions = append(p.Sessions, row)
		if row.R != nil {
			labels[row.R.Participant+"\x00"+row.R.Session] = row.Label
		}
	}
	for i := range p.Agreement.Disagreements {
		d := &p.Agreement.Disagreements[i]
		label, ok := labels[d.Participant+"\x00"+d.Session]
		if !ok {
			label = sessionLabel{Name: DisplayText(cmp.Or(d.UserName, d.Participant), DisplayLimit)}
		}
		d.Label = label
	}
	for _, row := range p.Sessions[:min(5, len(p.Sessions))] {
		if row.R != nil && row.R.DegradedShare > 0 {
			p.Worst = append(p.Worst, row)
		}
	}
	for _, st := range store.Streams() {
		ms := r.Streams[st.String()]
		if ms == nil {
			continue
		}
		t := streamTable{Stream: st.String()}
		for _, mt := range htmlTableMetrics {
			if s, ok := ms[mt.String()]; ok {
				t.Rows = append(t.Rows, statRow{mt.String(), s})
			}
		}
		switch {
		case len(t.Rows) == 0:
		case mainStream(st):
			p.Tables = append(p.Tables, t)
		default:
			p.MoreTables = append(p.MoreTables, t)
		}
	}
	if len(b.tl.Sessions) > 0 {
		p.Heatmap = b.heatmap("heatmap")
		p.charts = append(p.charts, p.Heatmap)
	}
	// The line charts are independent: built on every core.
	lines := b.tl.Lines()
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
	for _, w := range r.Windows {
		var worst []string
		for _, m := range w.Breached {
			worst = append(worst, m+" "+num(w.Worst[m]))
		}
		label, ok := labels[w.Participant+"\x00"+w.Session]
		if !ok {
			label = sessionLabel{Name: DisplayText(cmp.Or(w.UserName, w.Participant), DisplayLimit)}
		}
		p.Windows = append(p.Windows, windowRow{Window: w, Label: label,
			Length: (time.Duration(w.DurationS) * time.Second).String(), Worst: strings.Join(worst, ", ")})
	}
	return p
}

func (b *builder) sessionRow(i int) sessionRow {
	row := sessionRow{Label: b.labels[i], R: b.results[i], S: b.sessions[i], MOS: "–", AudioIn: "–"}
	if row.S == nil {
		row.S = &store.Session{Participant: b.tl.Sessions[i].Participant}
	}
	row.Join, row.Leave = row.S.JoinTime, row.S.LeaveTime
	row.Ratings, row.Facts = zoomRatings(row.S), zoomFacts(row.S)
	if row.R != nil {
		if row.R.MOS != nil {
			row.MOS = num(row.R.MOS.P50)
		}
		row.AudioIn = string(row.R.MOSQuality["audio_input"])
	}
	return row
}
