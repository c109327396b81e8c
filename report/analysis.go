package report

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/store"
)

// The terminal tables of `zoomqos analyze`, and its CSV.

// tableMetrics are the metrics a terminal table shows per stream.
var tableMetrics = []store.Metric{store.Latency, store.Jitter, store.AvgLoss, store.Bitrate, store.FrameRate,
	store.SystemMaxCPU, store.RSSIAvg}

// Num writes a figure as zoomqos's tables, pages and e-mails do: short,
// no trailing zeros ("41.5", "250", "0.07").
func Num(v float64) string {
	prec := 2
	switch {
	case v >= 100 || v <= -100:
		prec = 0
	case v >= 10 || v <= -10:
		prec = 1
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// Pct writes a share as a percentage with one decimal: 0.125 is "12.5%".
func Pct(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }

// deref is what p points to, the zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// ThresholdLine says in words which thresholds were used, as the
// meeting's page, the fleet's and the e-mails state them.
func ThresholdLine(t analyze.Thresholds) string {
	return fmt.Sprintf("latency > %s ms, jitter > %s ms, loss > %s %%, frame rate < %s fps (video, while sending), system CPU ≥ %s %%; windows of ≥ %d degraded samples",
		Num(t.LatencyMS), Num(t.JitterMS), Num(t.AvgLossPct), Num(t.FrameRateFPS), Num(t.SystemCPUPct), t.MinSamples)
}

// WriteMeetingTable writes a meeting's analysis for a person at a
// terminal: the pooled figures, the sessions worst first, the windows and
// the incidents; its times in loc (nil: UTC), named under the title
// unless UTC, which every stamp says.
func WriteMeetingTable(w io.Writer, r *analyze.MeetingResult, loc *time.Location) error {
	tw := NewTableWriter(w, 2)
	title := MeetingName(r)
	if r.Topic != "" {
		title += " (" + DisplayText(r.Topic, DisplayLimit) + ")"
	}
	fmt.Fprintf(tw, "%s\n%s to %s · %s · %s · %s\n", title, Stamp.FormatIn(deref(r.Start), loc), Stamp.FormatIn(deref(r.End), loc),
		count(r.Participants, "participant"), count(r.Sessions, "session"), count(r.Samples, "sample"))
	if !IsUTC(loc) {
		fmt.Fprintf(tw, "Times in %s\n", ZoneName(loc, deref(r.Start), deref(r.End)))
	}
	fmt.Fprintf(tw, "Thresholds: %s\n\n", ThresholdLine(r.Thresholds))

	fmt.Fprintf(tw, "Degraded: %s of samples on some stream", Pct(r.DegradedShare))
	if r.MOS != nil {
		fmt.Fprintf(tw, " · MOS p50 %s", Num(r.MOS.P50))
	}
	fmt.Fprintln(tw)
	for _, st := range []store.Stream{store.AudioInput, store.AudioOutput} {
		q := r.MOSQuality[st]
		fmt.Fprintf(tw, "  %s MOS: good %s, fair %s, poor %s, unclassified %s of sessions\n", st,
			Pct(q[analyze.Good]), Pct(q[analyze.Fair]), Pct(q[analyze.Poor]), Pct(q[analyze.Unclassified]))
	}
	fmt.Fprintln(tw)

	fmt.Fprintln(tw, "STREAM\tMETRIC\tCOUNT\tMIN\tMEAN\tP50\tP90\tP95\tP99\tMAX\tDEGRADED")
	for _, st := range store.Streams() {
		ms := r.Streams[st]
		if ms == nil {
			continue
		}
		first := true
		for _, m := range tableMetrics {
			s, ok := ms[m]
			if !ok {
				continue
			}
			deg := ""
			if first {
				if d, ok := r.Degraded[st]; ok {
					deg = Pct(d.Share)
				}
			}
			name := ""
			if first {
				name = st.String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, m, s.Count, Num(s.Min), Num(s.Mean),
				Num(s.P50), Num(s.P90), Num(s.P95), Num(s.P99), Num(s.Max), deg)
			first = false
		}
	}

	fmt.Fprintln(tw, "\nSessions, worst first")
	fmt.Fprintln(tw, "PARTICIPANT\tNAME\tJOINED\tSAMPLES\tDEGRADED\tMOS P50\tAUDIO IN\tAUDIO OUT\tLATENCY P95\tJITTER P95\tLOSS P95\tDEVICE\tNETWORK\tLOCATION")
	sessions := slices.Clone(r.SessionResults)
	sort.SliceStable(sessions, func(i, j int) bool { return worse(&sessions[i], &sessions[j]) })
	for _, s := range sessions {
		mos := "-"
		if s.MOS != nil {
			mos = Num(s.MOS.P50)
		}
		in := s.Streams[store.AudioInput]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(s.Participant), cell(s.UserName),
			shortTime(s.Session, loc), s.Samples, Pct(s.DegradedShare), mos, s.MOSQuality[store.AudioInput], s.MOSQuality[store.AudioOutput],
			statOr(in, store.Latency), statOr(in, store.Jitter), statOr(in, store.AvgLoss), cell(s.Device), cell(s.NetworkType), cell(s.Location))
	}

	seconds, clock := ClockSeconds, Clock
	if r.Start != nil && r.End != nil {
		seconds, clock = seconds.Within(loc, *r.Start, *r.End), clock.Within(loc, *r.Start, *r.End)
	}
	fmt.Fprintf(tw, "\nDegradation windows: %d\n", len(r.Windows))
	if len(r.Windows) > 0 {
		fmt.Fprintln(tw, "START\tEND\tDURATION\tPARTICIPANT\tNAME\tSTREAM\tSAMPLES\tWORST\tCOMMON FACTOR")
		for _, w := range r.Windows {
			var worst []string
			for _, m := range w.Breached {
				worst = append(worst, m.String()+" "+Num(w.Worst[m]))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", seconds.FormatIn(w.Start, loc), seconds.FormatIn(w.End, loc),
				time.Duration(w.DurationS*float64(time.Second)), cell(w.Participant), cell(w.UserName), w.Stream, w.Samples, strings.Join(worst, ", "),
				WhyCell(w.Why))
		}
	}
	fmt.Fprintf(tw, "\n%s-wide incidents (at least half of the sessions, and 3, degraded at once): %d\n", meetingKind(r), len(r.Incidents))
	if len(r.Incidents) > 0 {
		fmt.Fprintln(tw, "START\tEND\tMINUTES\tSESSIONS\tPEAK")
		for _, in := range r.Incidents {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", clock.FormatIn(in.Start, loc), clock.FormatIn(in.End, loc), in.Minutes, in.Sessions, Pct(in.PeakShare))
		}
		for _, in := range r.Incidents {
			fmt.Fprintf(tw, "Why %s-%s: %s\n  %s\n", clock.FormatIn(in.Start, loc), clock.FormatIn(in.End, loc), cmp.Or(WhyBreaches(in.Why), "too few degraded samples in a row for a window"), WhyCommon(in.Why))
		}
	}
	if alerts := AlertRows(r, loc); len(alerts) > 0 {
		fmt.Fprintf(tw, "\nZoom's alerts: %d\n", len(alerts))
		fmt.Fprintln(tw, "TIME\tZOOM SAYS\tZOOMQOS SAW")
		for _, a := range alerts {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", a.When, DisplayText(strings.Join(a.Said, ", "), 60), a.Seen)
		}
	}
	fmt.Fprintln(tw)
	writeAgreementTable(tw, &r.Agreement, false, loc)
	return tw.Flush()
}

func mosOf(s analyze.SessionResult) float64 {
	if s.MOS == nil {
		return 5
	}
	return s.MOS.P50
}

// WhyCell is a window's common factors for a table cell: the first,
// and how many more; "-" for none.
func WhyCell(w *analyze.Why) string {
	if w == nil || len(w.Common) == 0 {
		return "-"
	}
	f := w.Common[0]
	s := fmt.Sprintf("%s %s (%d/%d)", factorWords[f.Kind], DisplayText(f.Value, 40), f.Affected, w.Affected)
	if n := len(w.Common) - 1; n > 0 {
		s += fmt.Sprintf(" +%d", n)
	}
	return s
}

func statOr(ms map[store.Metric]analyze.Stats, m store.Metric) string {
	if s, ok := ms[m]; ok {
		return Num(s.P95)
	}
	return "-"
}

// shortTime writes a session's name (its join time) as a time of day in loc.
func shortTime(s string, loc *time.Location) string {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return ClockSeconds.FormatIn(t, loc)
	}
	return "-"
}

// cell makes a string from Zoom safe for a table cell (see DisplayText):
// no tabs, line breaks, escapes or bidi controls, at most 28 characters,
// "-" when empty.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return DisplayText(s, 28)
}

// statsHeader is the CSV header of statistics rows.
var statsHeader = []string{"count", "min", "mean", "p50", "p90", "p95", "p99", "max"}

func statsRow(s analyze.Stats) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return []string{strconv.Itoa(s.Count), f(s.Min), f(s.Mean), f(s.P50), f(s.P90), f(s.P95), f(s.P99), f(s.Max)}
}

// WriteMeetingCSV writes a meeting's percentile tables as CSV rows: the
// pooled rows (scope "meeting") and each session's (scope "session"), one
// row per stream and metric, MOS as the metric "mos" of the stream "audio".
// When sessions have Zoom's own ratings, rows of scope "zoom_rating" follow
// with the agreement table: the stream kind as the stream, the cell as the
// metric ("zoom_poor_degraded", "agree", "compared") and the sessions in
// count. Text from Zoom is guarded against spreadsheet formulas (CSVText).
func WriteMeetingCSV(w io.Writer, r *analyze.MeetingResult) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"meeting", "scope", "participant", "session", "user_name", "stream", "metric"}, statsHeader...))
	rows := func(scope, participant, session, name string, ss analyze.StreamStats, mos *analyze.Stats) {
		for _, st := range store.Streams() {
			for _, m := range store.Metrics() {
				if s, ok := ss[st][m]; ok {
					cw.Write(append([]string{CSVText(r.Meeting), scope, CSVText(participant), session, CSVText(name), st.String(), m.String()}, statsRow(s)...))
				}
			}
		}
		if mos != nil {
			cw.Write(append([]string{CSVText(r.Meeting), scope, CSVText(participant), session, CSVText(name), "audio", "mos"}, statsRow(*mos)...))
		}
	}
	rows("meeting", "", "", "", r.Streams, r.MOS)
	for _, s := range r.SessionResults {
		rows("session", s.Participant, s.Session, s.UserName, s.Streams, s.MOS)
	}
	for _, a := range agreementRows(&r.Agreement) {
		cw.Write(append([]string{CSVText(r.Meeting), "zoom_rating", "", "", "", a[0], a[1], a[2]}, make([]string, len(statsHeader)-1)...))
	}
	cw.Flush()
	return cw.Error()
}

// WriteFleetTable writes a fleet roll-up for a person at a terminal; the
// times it lists (when disagreeing sessions joined) in loc (nil: UTC).
// Its days are UTC days, as the roll-up counts them.
func WriteFleetTable(w io.Writer, r *analyze.FleetResult, loc *time.Location) error {
	tw := NewTableWriter(w, 2)
	fmt.Fprintf(tw, "Fleet by %s, %s to %s: %s, %s, %s\n", r.By, r.From.Format(time.DateOnly), r.To.Format(time.DateOnly),
		count(r.Meetings, "meeting"), count(r.Sessions, "session"), count(r.Samples, "sample"))
	fmt.Fprintf(tw, "Thresholds: %s\n\n", ThresholdLine(r.Thresholds))
	if r.By == analyze.ByUser {
		writeUserRows(tw, r)
		fmt.Fprintln(tw)
		writeAgreementTable(tw, &r.Agreement, true, loc)
		return tw.Flush()
	}
	fmt.Fprintln(tw, strings.ToUpper(string(r.By))+"\tSESSIONS\tMEETINGS\tSAMPLES\tDEGRADED\tMOS P50\tPOOR MOS\tLATENCY P50\tLATENCY P95\tJITTER P95\tLOSS P95\tVIDEO FPS P50")
	for _, g := range r.Groups {
		mos := "-"
		if g.MOS != nil {
			mos = Num(g.MOS.P50)
		}
		in := g.Streams[store.AudioInput]
		p50 := "-"
		if s, ok := in[store.Latency]; ok {
			p50 = Num(s.P50)
		}
		fps := "-"
		if s, ok := g.Streams[store.VideoInput][store.FrameRate]; ok {
			fps = Num(s.P50)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(g.Group), g.Sessions, g.Meetings, g.Samples,
			Pct(g.DegradedShare), mos, Pct(g.MOSQuality[store.AudioInput][analyze.Poor]), p50,
			statOr(in, store.Latency), statOr(in, store.Jitter), statOr(in, store.AvgLoss), fps)
	}
	fmt.Fprintln(tw)
	writeAgreementTable(tw, &r.Agreement, true, loc)
	return tw.Flush()
}

// writeUserRows writes a roll-up by person: a row each, worst first.
func writeUserRows(tw io.Writer, r *analyze.FleetResult) {
	fmt.Fprintln(tw, "NAME\tUSER\tMEETINGS\tSESSIONS\tSAMPLES\tDEGRADED\tWORST STREAM\tMOS P50\tLATENCY P95\tLOSS P95")
	groups := slices.Clone(r.Groups)
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].DegradedShare > groups[j].DegradedShare })
	for _, g := range groups {
		mos := "-"
		if g.MOS != nil {
			mos = Num(g.MOS.P50)
		}
		worst := "-"
		if g.WorstStream != "" {
			worst = g.WorstStream + " " + Pct(g.WorstShare)
		}
		in := g.Streams[store.AudioInput]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", cell(g.Name), cell(g.Group), g.Meetings, g.Sessions, g.Samples,
			Pct(g.DegradedShare), worst, mos, statOr(in, store.Latency), statOr(in, store.AvgLoss))
	}
}

// WriteFleetCSV writes a fleet roll-up's percentile tables as CSV rows, one
// per group, stream and metric; the groups guarded as CSVText says. By
// user, a last column holds each person's display name. When sessions have
// Zoom's own ratings, rows with an empty group follow with the agreement
// table, as WriteMeetingCSV writes it.
func WriteFleetCSV(w io.Writer, r *analyze.FleetResult) error {
	cw := csv.NewWriter(w)
	user := r.By == analyze.ByUser
	header := append([]string{"by", "group", "sessions", "meetings", "stream", "metric"}, statsHeader...)
	if user {
		header = append(header, "name")
	}
	cw.Write(header)
	write := func(g *analyze.GroupResult, row []string) {
		if user {
			row = append(row, CSVText(g.Name))
		}
		cw.Write(row)
	}
	for i := range r.Groups {
		g := &r.Groups[i]
		for _, st := range store.Streams() {
			for _, m := range store.Metrics() {
				if s, ok := g.Streams[st][m]; ok {
					write(g, append([]string{string(r.By), CSVText(g.Group), strconv.Itoa(g.Sessions), strconv.Itoa(g.Meetings), st.String(), m.String()}, statsRow(s)...))
				}
			}
		}
		if g.MOS != nil {
			write(g, append([]string{string(r.By), CSVText(g.Group), strconv.Itoa(g.Sessions), strconv.Itoa(g.Meetings), "audio", "mos"}, statsRow(*g.MOS)...))
		}
	}
	for _, a := range agreementRows(&r.Agreement) {
		write(&analyze.GroupResult{}, append([]string{string(r.By), "", "", "", a[0], a[1], a[2]}, make([]string, len(statsHeader)-1)...))
	}
	cw.Flush()
	return cw.Error()
}

// count writes n things, "1 session" or "3 sessions".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
