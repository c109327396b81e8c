package analyze

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// Quantity is something a report draws over time for a stream: one of
// Zoom's metrics, or the MOS worked out from three of them.
type Quantity uint8

// The quantities in report order.
const (
	QLatency Quantity = iota
	QJitter
	QLoss
	QBitrate
	QFrameRate
	QMOS
	QCPU
	numQuantities
)

var quantityNames = [numQuantities]string{"Latency", "Jitter", "Average loss", "Bitrate", "Frame rate", "MOS", "System CPU"}
var quantityUnits = [numQuantities]string{"ms", "ms", "%", "kbps", "fps", "", "%"}

// String names the quantity for a person: "Latency".
func (q Quantity) String() string { return quantityNames[q] }

// Unit is the quantity's unit, "" for MOS.
func (q Quantity) Unit() string { return quantityUnits[q] }

// Metric is the stored metric the quantity reads; MOS reads three and
// reports false.
func (q Quantity) Metric() (store.Metric, bool) {
	switch q {
	case QLatency:
		return store.Latency, true
	case QJitter:
		return store.Jitter, true
	case QLoss:
		return store.AvgLoss, true
	case QBitrate:
		return store.Bitrate, true
	case QFrameRate:
		return store.FrameRate, true
	case QCPU:
		return store.SystemMaxCPU, true
	}
	return 0, false
}

// LowerIsWorse says whether a low value is the bad one (frame rate, MOS,
// bitrate), rather than a high one.
func (q Quantity) LowerIsWorse() bool { return q == QFrameRate || q == QMOS || q == QBitrate }

// Streams are the streams a report draws the quantity for.
func (q Quantity) Streams() []store.Stream {
	media := []store.Stream{store.AudioInput, store.AudioOutput, store.VideoInput, store.VideoOutput, store.ASInput, store.ASOutput}
	switch q {
	case QFrameRate:
		return media[2:]
	case QMOS:
		return media[:2]
	case QCPU:
		return []store.Stream{store.CPUUsage}
	}
	return media
}

// Threshold gives the lines a chart of the quantity marks: the value
// beyond which a sample is degraded, or for MOS the good and fair bounds.
// Frame rate has one only for video, whose rule it is.
func (q Quantity) Threshold(t Thresholds, st store.Stream) []float64 {
	switch q {
	case QLatency:
		return []float64{t.LatencyMS}
	case QJitter:
		return []float64{t.JitterMS}
	case QLoss:
		return []float64{t.AvgLossPct}
	case QFrameRate:
		if st == store.VideoInput || st == store.VideoOutput {
			return []float64{t.FrameRateFPS}
		}
	case QMOS:
		return []float64{4.0, 3.6}
	case QCPU:
		return []float64{t.SystemCPUPct}
	}
	return nil
}

// Breaches says whether a degradation window that breached these metrics
// shows on a chart of the quantity: MOS charts shade every window of their
// stream (latency, jitter and loss make the MOS), bitrate charts none
// (bitrate has no threshold: shading there said nothing of the line), the
// others the windows of their own metric.
func (q Quantity) Breaches(breached []store.Metric) bool {
	m, ok := q.Metric()
	switch {
	case q == QBitrate:
		return false
	case !ok:
		return true
	}
	return slices.Contains(breached, m)
}

// Line is a quantity of a stream, the key of a timeline's series.
type Line struct {
	Quantity Quantity
	Stream   store.Stream
}

func (l Line) index() int { return int(l.Quantity)*int(store.NumStreams) + int(l.Stream) }

const numLines = int(numQuantities) * int(store.NumStreams)

// Level is a session's quality in one minute.
type Level uint8

// The levels, worst last.
const (
	LevelAbsent   Level = iota // no sample that minute
	LevelGood                  // no threshold breached, MOS good (or none)
	LevelFair                  // no threshold breached, but a MOS below 4.0
	LevelDegraded              // some stream breached a threshold
)

// Timeline is a meeting minute by minute, what a report draws: per
// session its quality level and the values of every Line in each minute
// from the session's first to its last sample.
type Timeline struct {
	Start    time.Time // the minute of the first sample, UTC
	Minutes  int       // from Start to the last sample's minute, inclusive
	Sessions []TimelineSession
	present  [numLines]bool
}

// TimelineSession is one session's minutes. Index i of Levels and of a
// line's values is minute First+i of the timeline.
type TimelineSession struct {
	Participant string
	JoinTime    time.Time
	First       int
	Levels      []Level
	lines       [numLines][]float32 // NaN where the minute had no value; nil: none at all
}

// Values gives the session's values of a line, from minute First; nil
// when it has none. A minute without a value is NaN.
func (s *TimelineSession) Values(l Line) []float32 { return s.lines[l.index()] }

// Lines lists the lines some session has a value of, in report order:
// by quantity, then stream.
func (t *Timeline) Lines() []Line {
	var out []Line
	for q := range numQuantities {
		for _, st := range q.Streams() {
			if l := (Line{q, st}); t.present[l.index()] {
				out = append(out, l)
			}
		}
	}
	return out
}

// NewTimeline lays a meeting's sessions out by minute. Samples in the
// same minute of a session (Zoom sends one a minute) keep the last value
// and the worst level.
func NewTimeline(sessions []store.SessionSamples, th Thresholds) *Timeline {
	if th == (Thresholds{}) {
		th = DefaultThresholds()
	}
	t := &Timeline{}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range sessions {
		if s := sessions[i].Samples; len(s) > 0 {
			first = min(first, minuteOf(s[0].Time))
			last = max(last, minuteOf(s[len(s)-1].Time))
		}
	}
	if first > last {
		return t
	}
	t.Start, t.Minutes = time.Unix(first*60, 0).UTC(), int(last-first+1)
	t.Sessions = make([]TimelineSession, len(sessions))
	var br [store.NumStreams]breach
	var pr [store.NumStreams]bool
	for i := range sessions {
		ss := &sessions[i]
		ts := &t.Sessions[i]
		ts.Participant, ts.JoinTime = ss.Session.Participant, ss.Session.JoinTime
		if len(ss.Samples) == 0 {
			continue
		}
		lo, hi := minuteOf(ss.Samples[0].Time), minuteOf(ss.Samples[len(ss.Samples)-1].Time)
		ts.First = int(lo - first)
		n := int(hi-lo) + 1
		ts.Levels = make([]Level, n)
		for j := range ss.Samples {
			smp := &ss.Samples[j]
			k := int(minuteOf(smp.Time) - lo)
			if k < 0 || k >= n { // out of order: a damaged session; its minutes are only drawn
				continue
			}
			level := LevelGood
			th.streamBreaches(smp, &br, &pr)
			for st := range br {
				if br[st].mask != 0 {
					level = LevelDegraded
				}
			}
			for _, v := range smp.Values {
				if l := lineOf[v.Stream][v.Metric]; l >= 0 {
					t.set(ts, int(l), k, n, v.V)
				}
			}
			for _, st := range audioStreams {
				lat, ok1 := smp.Get(st, store.Latency)
				jit, ok2 := smp.Get(st, store.Jitter)
				loss, ok3 := smp.Get(st, store.AvgLoss)
				if ok1 && ok2 && ok3 {
					mos := MOS(lat, jit, loss)
					t.set(ts, Line{QMOS, st}.index(), k, n, mos)
					if mos < 4.0 && level == LevelGood {
						level = LevelFair
					}
				}
			}
			ts.Levels[k] = max(ts.Levels[k], level)
		}
	}
	return t
}

func minuteOf(t time.Time) int64 { return t.Unix() / 60 }

// lineOf is the line index of a stored value, or -1 when no line draws
// it.
var lineOf = func() (out [store.NumStreams][store.NumMetrics]int16) {
	for st := range out {
		for m := range out[st] {
			out[st][m] = -1
		}
	}
	for q := range numQuantities {
		if m, ok := q.Metric(); ok {
			for _, st := range q.Streams() {
				out[st][m] = int16(Line{q, st}.index())
			}
		}
	}
	return out
}()

func (t *Timeline) set(ts *TimelineSession, i, k, n int, v float64) {
	vals := ts.lines[i]
	if vals == nil {
		vals = make([]float32, n)
		for j := range vals {
			vals[j] = float32(math.NaN())
		}
		ts.lines[i] = vals
		t.present[i] = true
	}
	vals[k] = float32(v)
}

// Spread gives, per minute of the timeline, the given quantiles (0 to 1,
// at most 4, type 7 as elsewhere) of a line's values over the sessions
// that had one that minute; NaN in a minute without any.
func (t *Timeline) Spread(l Line, qs ...float64) [][]float64 {
	out := make([][]float64, len(qs))
	for i := range out {
		out[i] = make([]float64, t.Minutes)
	}
	// The values of each minute laid out one minute after another.
	start := make([]int, t.Minutes+1)
	for i := range t.Sessions {
		s := &t.Sessions[i]
		for k, v := range s.Values(l) {
			if v == v { // not NaN
				start[s.First+k+1]++
			}
		}
	}
	for m := range t.Minutes {
		start[m+1] += start[m]
	}
	vals := make([]float64, start[t.Minutes])
	fill := slices.Clone(start[:t.Minutes])
	for i := range t.Sessions {
		s := &t.Sessions[i]
		for k, v := range s.Values(l) {
			if v == v {
				m := s.First + k
				vals[fill[m]] = float64(v)
				fill[m]++
			}
		}
	}
	// selectQuantiles wants four ascending ranks: the asked ones in order,
	// padded with the maximum.
	order := make([]int, len(qs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(qs[a], qs[b]) })
	var ps [4]float64
	for i := range ps {
		ps[i] = 1
		if i < len(order) {
			ps[i] = qs[order[i]]
		}
	}
	for m := range t.Minutes {
		xs := vals[start[m]:start[m+1]]
		if len(xs) == 0 {
			for i := range out {
				out[i][m] = math.NaN()
			}
			continue
		}
		got := selectQuantiles(xs, ps)
		for i, o := range order {
			out[o][m] = got[i]
		}
	}
	return out
}
