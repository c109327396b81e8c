package analyze

import (
	"slices"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// audioStreams are the streams MOS is computed for.
var audioStreams = [2]store.Stream{store.AudioInput, store.AudioOutput}

// degradedSample is a degraded sample of one stream, kept for windows.
type degradedSample struct {
	t time.Time
	b breach
}

// resolution is a width and height.
type resolution [2]uint32

// resCount counts the samples at a resolution; a stream has a handful.
type resCount struct {
	res resolution
	n   int
}

// values is where a session's values are pooled when it ends: in
// distributions, with each session's countable values (whole numbers,
// tenths, hundredths in a narrow range: most of Zoom's) going in as counts,
// one insert per distinct value. A meeting keeps its other values in raw
// lists (selection over a list beats counting many distinct decimals in a
// table); a fleet group, whose values may not fit in memory, counts those
// too.
type values struct {
	dists *[store.NumStreams][store.NumMetrics]Dist
	raw   *[store.NumStreams][store.NumMetrics][]float64 // nil for a fleet group
	mos   *[]float64                                     // a meeting's every MOS...
	mosD  *Dist                                          // ...or a fleet group's counted
	hint  int                                            // room a raw list starts with: its part's samples
}

// sessionAcc accumulates one session's samples, which arrive in time
// order. It is reused from one session to the next.
type sessionAcc struct {
	th       *Thresholds
	streams  [store.NumStreams]bool // the streams analysed
	filtered bool                   // not all of them

	sess        store.Session
	to          values
	direct      bool                                          // values go straight into to.dists (a fleet); else a meeting's session keeps them
	noStats     bool                                          // a meeting's session keeps none (Options.noStats)
	vals        [store.NumStreams][store.NumMetrics][]float64 // this session's values, for a meeting
	mosOff      int
	samples     int
	mos         [2][]float64 // per audio stream, for its quality bucket
	present     [store.NumStreams]int
	degraded    [store.NumStreams]int
	degradedAny int
	times       []time.Time
	bad         [store.NumStreams][]degradedSample
	res         [store.NumStreams][]resCount
	minutes     []minuteMark

	// A fleet's decimals, counted per session first (tally.go); tallied
	// lists the streams and metrics with some, as stream<<8 | metric.
	tallies  [store.NumStreams][store.NumMetrics]tally
	tallied  []uint16
	mosTally tally

	sums   []metricSum // per stream and metric, from pool
	mosSum float64     // of the MOS values, from pool

	// scratch
	counts []uint32
	br     [store.NumStreams]breach
	pr     [store.NumStreams]bool
}

// minuteMark says whether a session was degraded in a minute it was in.
type minuteMark struct {
	minute   int64 // Unix minutes
	degraded bool
}

func newSessionAcc(th *Thresholds, streams []store.Stream) *sessionAcc {
	a := &sessionAcc{th: th, filtered: len(streams) > 0}
	for st := range store.NumStreams {
		a.streams[st] = len(streams) == 0 || slices.Contains(streams, st)
	}
	return a
}

// start begins a new session whose values go to `to`.
func (a *sessionAcc) start(s *store.Session, to values) {
	a.sess, a.to, a.direct = *s, to, to.raw == nil
	a.samples, a.degradedAny = 0, 0
	if to.mos != nil {
		a.mosOff = len(*to.mos)
	}
	for st := range a.vals {
		for m := range a.vals[st] {
			a.vals[st][m] = a.vals[st][m][:0]
		}
	}
	for st := range a.bad {
		a.bad[st] = a.bad[st][:0]
		a.res[st] = a.res[st][:0]
	}
	for i := range a.mos {
		a.mos[i] = a.mos[i][:0]
	}
	a.present, a.degraded = [store.NumStreams]int{}, [store.NumStreams]int{}
	a.sums = a.sums[:0]
	a.times, a.minutes = a.times[:0], a.minutes[:0]
}

// add takes the session's next sample.
func (a *sessionAcc) add(smp *store.Sample) {
	a.samples++
	// Times and degraded samples make windows: a meeting's, and a fleet's
	// for comparing with Zoom's ratings (a fleet has no incidents).
	a.times = append(a.times, smp.Time)
	for st := range a.br {
		a.br[st].mask = 0
	}
	a.pr = [store.NumStreams]bool{}
	video := newVideoCheck()
	var lat, jit, loss [2]float64
	var have [2]uint8
	var w, h [store.NumStreams]float64
	var sized [store.NumStreams]bool
	th := a.th
	for _, v := range smp.Values {
		st, m, x := v.Stream, v.Metric, v.V
		if a.filtered && !a.streams[st] {
			continue
		}
		if a.direct {
			if !a.to.dists[st][m].addCounted(x, 1) {
				t := &a.tallies[st][m]
				if len(t.used) == 0 {
					a.tallied = append(a.tallied, uint16(st)<<8|uint16(m))
				}
				t.add(x)
			}
		} else if !a.noStats {
			a.vals[st][m] = append(a.vals[st][m], x)
		}
		a.pr[st] = true
		// One switch for the thresholds (see Thresholds.check, which the
		// tests use), MOS's inputs and the resolution.
		switch m {
		case store.Latency:
			if x > th.LatencyMS {
				a.br[st].set(store.Latency, x)
			}
			if st <= store.AudioOutput {
				lat[st], have[st] = x, have[st]|1
			}
		case store.Jitter:
			if x > th.JitterMS {
				a.br[st].set(store.Jitter, x)
			}
			if st <= store.AudioOutput {
				jit[st], have[st] = x, have[st]|2
			}
		case store.AvgLoss:
			if x > th.AvgLossPct {
				a.br[st].set(store.AvgLoss, x)
			}
			if st <= store.AudioOutput {
				loss[st], have[st] = x, have[st]|4
			}
		case store.Bitrate, store.FrameRate, store.SystemMaxCPU:
			th.check(st, m, x, &a.br[st], &video)
		case store.Width:
			w[st], sized[st] = x, true
		case store.Height:
			h[st] = x
		}
	}
	a.th.finishVideo(&video, &a.br)
	for i := range audioStreams {
		if have[i] == 7 {
			m := MOS(lat[i], jit[i], loss[i])
			a.mos[i] = append(a.mos[i], m)
			if a.to.mos != nil {
				*a.to.mos = append(*a.to.mos, m)
			} else if !a.to.mosD.addCounted(m, 1) {
				a.mosTally.add(m)
			}
		}
	}
	any := false
	for st := range store.NumStreams {
		if !a.pr[st] {
			continue
		}
		a.present[st]++
		if a.br[st].mask != 0 {
			a.degraded[st]++
			a.bad[st] = append(a.bad[st], degradedSample{smp.Time, a.br[st]})
			any = true
		}
		if sized[st] {
			a.countResolution(store.Stream(st), resolution{uint32(w[st]), uint32(h[st])})
		}
	}
	if any {
		a.degradedAny++
	}
	if a.direct {
		return
	}
	mark := minuteMark{minute: smp.Time.Unix() / 60, degraded: any}
	if n := len(a.minutes); n > 0 && a.minutes[n-1].minute == mark.minute {
		a.minutes[n-1].degraded = a.minutes[n-1].degraded || any
	} else {
		a.minutes = append(a.minutes, mark)
	}
}

func (a *sessionAcc) countResolution(st store.Stream, r resolution) {
	for i := range a.res[st] {
		if a.res[st][i].res == r {
			a.res[st][i].n++
			return
		}
	}
	a.res[st] = append(a.res[st], resCount{r, 1})
}

// resolutionShares gives the session's share of samples at each
// resolution, per stream.
func (a *sessionAcc) resolutionShares() map[store.Stream]map[string]float64 {
	var m [store.NumStreams]map[resolution]int
	for st, rcs := range a.res {
		for _, rc := range rcs {
			if m[st] == nil {
				m[st] = map[resolution]int{}
			}
			m[st][rc.res] += rc.n
		}
	}
	return resolutionShares(&m)
}

// quality gives the session's MOS bucket per audio stream, by the median.
func (a *sessionAcc) quality() (q [2]Quality) {
	for i := range a.mos {
		if len(a.mos[i]) == 0 {
			q[i] = Unclassified
			continue
		}
		q[i] = bucket(selectQuantiles(a.mos[i], [4]float64{0.5})[0], true)
	}
	return q
}

// flush ends a fleet session: its tallied decimals go into the group's
// distributions.
func (a *sessionAcc) flush() {
	for _, sm := range a.tallied {
		st, m := sm>>8, sm&0xff
		a.tallies[st][m].flush(&a.to.dists[st][m])
	}
	a.tallied = a.tallied[:0]
	a.mosTally.flush(a.to.mosD)
}

// pool ends a meeting's session: its values go to the meeting's pool, and
// its own figures are worked out on them while they are in cache.
func (a *sessionAcc) pool() (StreamStats, *Stats) {
	out := StreamStats{}
	for st := range a.vals {
		for m, xs := range a.vals[st] {
			if len(xs) == 0 {
				continue
			}
			s, sum := addStats(xs, &a.counts, &a.to.dists[st][m], &a.to.raw[st][m], a.to.hint)
			a.sums = append(a.sums, metricSum{store.Stream(st), store.Metric(m), sum})
			if out[store.Stream(st)] == nil {
				out[store.Stream(st)] = map[store.Metric]Stats{}
			}
			out[store.Stream(st)][store.Metric(m)] = s
		}
	}
	var mos *Stats
	a.mosSum = 0
	if seg := (*a.to.mos)[a.mosOff:]; len(seg) > 0 {
		for _, x := range seg {
			a.mosSum += x
		}
		s := selectStatsBuf(seg, &a.counts)
		mos = &s
	}
	return out, mos
}

// metricSum is the sum of a session's values of one stream and metric, in
// time order. A meeting's means add these up in join order, so that they
// come out the same to the last digit whichever core took which session.
type metricSum struct {
	st  store.Stream
	m   store.Metric
	sum float64
}

// interval is Δ: the session's median gap between consecutive samples, or
// a minute when there are fewer than two.
func (a *sessionAcc) interval() time.Duration {
	if len(a.times) < 2 {
		return time.Minute
	}
	gaps := make([]float64, len(a.times)-1)
	same := true
	for i := 1; i < len(a.times); i++ {
		gaps[i-1] = float64(a.times[i].Sub(a.times[i-1]))
		same = same && gaps[i-1] == gaps[0]
	}
	if same { // the usual case: one sample a minute
		return time.Duration(gaps[0])
	}
	return time.Duration(selectQuantiles(gaps, [4]float64{0.5})[0])
}

// windows groups each stream's degraded samples into degradation windows.
func (a *sessionAcc) windows() []Window {
	delta := a.interval()
	var out []Window
	for st := range store.NumStreams {
		bad := a.bad[st]
		for i := 0; i < len(bad); {
			j := i + 1
			for j < len(bad) && bad[j].t.Sub(bad[j-1].t) <= 2*delta {
				j++
			}
			if j-i >= a.th.MinSamples {
				out = append(out, a.window(store.Stream(st), bad[i:j], delta))
			}
			i = j
		}
	}
	return out
}

func (a *sessionAcc) window(st store.Stream, run []degradedSample, delta time.Duration) Window {
	start, end := run[0].t.UTC(), run[len(run)-1].t.Add(delta).UTC()
	w := Window{Participant: a.sess.Participant, Session: SessionName(a.sess.JoinTime), UserName: a.sess.UserName,
		Stream: st, Start: start, End: end, DurationS: end.Sub(start).Seconds(), Samples: len(run),
		Worst: map[store.Metric]float64{}}
	var mask uint32
	var worst [store.NumMetrics]float64
	for _, d := range run {
		for m := range store.NumMetrics {
			if d.b.mask&(1<<m) == 0 {
				continue
			}
			if mask&(1<<m) == 0 || worse(m, d.b.vals[m], worst[m]) {
				worst[m] = d.b.vals[m]
			}
			mask |= 1 << m
		}
	}
	for m := range store.NumMetrics {
		if mask&(1<<m) != 0 {
			w.Breached = append(w.Breached, m)
			w.Worst[m] = worst[m]
		}
	}
	return w
}

// SessionName is how results name a session within its participant: its
// join time (RFC 3339, UTC), empty when unknown.
func SessionName(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
