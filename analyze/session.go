package analyze

import (
	"slices"
	"strconv"
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

// sessionAcc accumulates one session's samples, which arrive in time
// order. It is reused from one session to the next.
type sessionAcc struct {
	th      *Thresholds
	streams [store.NumStreams]bool // the streams analysed

	sess        store.Session
	samples     int
	dists       [store.NumStreams][store.NumMetrics]Dist
	mos         [2]Dist // per audio stream
	mosAll      Dist
	present     [store.NumStreams]int
	degraded    [store.NumStreams]int
	degradedAny int
	times       []time.Time
	bad         [store.NumStreams][]degradedSample
	res         [store.NumStreams]map[string]int
	minutes     []minuteMark

	// scratch
	br [store.NumStreams]breach
	pr [store.NumStreams]bool
}

// minuteMark says whether a session was degraded in a minute it was in.
type minuteMark struct {
	minute   int64 // Unix minutes
	degraded bool
}

func newSessionAcc(th *Thresholds, streams []store.Stream) *sessionAcc {
	a := &sessionAcc{th: th}
	for st := range store.NumStreams {
		a.streams[st] = len(streams) == 0 || slices.Contains(streams, st)
	}
	return a
}

// start begins a new session, forgetting the last one.
func (a *sessionAcc) start(s *store.Session) {
	a.sess = *s
	a.samples, a.degradedAny = 0, 0
	for st := range a.dists {
		for m := range a.dists[st] {
			if a.dists[st][m].n > 0 {
				a.dists[st][m].reset()
			}
		}
		a.bad[st] = a.bad[st][:0]
		clear(a.res[st])
	}
	for i := range a.mos {
		a.mos[i].reset()
	}
	a.mosAll.reset()
	a.present, a.degraded = [store.NumStreams]int{}, [store.NumStreams]int{}
	a.times, a.minutes = a.times[:0], a.minutes[:0]
}

// add takes the session's next sample.
func (a *sessionAcc) add(smp *store.Sample) {
	a.samples++
	a.times = append(a.times, smp.Time)
	a.th.streamBreaches(smp, &a.br, &a.pr)
	var lat, jit, loss [2]float64
	var have [2]uint8
	var w, h [store.NumStreams]float64
	var sized [store.NumStreams]bool
	for _, v := range smp.Values {
		if !a.streams[v.Stream] {
			continue
		}
		a.dists[v.Stream][v.Metric].Add(v.V)
		switch v.Metric {
		case store.Width:
			w[v.Stream], sized[v.Stream] = v.V, true
		case store.Height:
			h[v.Stream] = v.V
		}
		if v.Stream <= store.AudioOutput { // audio_input, audio_output
			switch v.Metric {
			case store.Latency:
				lat[v.Stream], have[v.Stream] = v.V, have[v.Stream]|1
			case store.Jitter:
				jit[v.Stream], have[v.Stream] = v.V, have[v.Stream]|2
			case store.AvgLoss:
				loss[v.Stream], have[v.Stream] = v.V, have[v.Stream]|4
			}
		}
	}
	for i := range audioStreams {
		if have[i] == 7 && a.streams[audioStreams[i]] {
			m := MOS(lat[i], jit[i], loss[i])
			a.mos[i].Add(m)
			a.mosAll.Add(m)
		}
	}
	any := false
	for st := range store.NumStreams {
		if !a.pr[st] || !a.streams[st] {
			continue
		}
		a.present[st]++
		if a.br[st].mask != 0 {
			a.degraded[st]++
			a.bad[st] = append(a.bad[st], degradedSample{smp.Time, a.br[st]})
			any = true
		}
		if sized[st] {
			if a.res[st] == nil {
				a.res[st] = map[string]int{}
			}
			a.res[st][strconv.Itoa(int(w[st]))+"x"+strconv.Itoa(int(h[st]))]++
		}
	}
	if any {
		a.degradedAny++
	}
	mark := minuteMark{minute: smp.Time.Unix() / 60, degraded: any}
	if n := len(a.minutes); n > 0 && a.minutes[n-1].minute == mark.minute {
		a.minutes[n-1].degraded = a.minutes[n-1].degraded || any
	} else {
		a.minutes = append(a.minutes, mark)
	}
}

// interval is Δ: the session's median gap between consecutive samples, or
// a minute when there are fewer than two.
func (a *sessionAcc) interval() time.Duration {
	if len(a.times) < 2 {
		return time.Minute
	}
	var gaps Dist
	for i := 1; i < len(a.times); i++ {
		gaps.Add(float64(a.times[i].Sub(a.times[i-1])))
	}
	return time.Duration(gaps.Quantiles(0.5)[0])
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
	w := Window{Participant: a.sess.Participant, Session: joinTime(a.sess.JoinTime), UserName: a.sess.UserName,
		Stream: st.String(), Start: start, End: end, DurationS: end.Sub(start).Seconds(), Samples: len(run),
		Worst: map[string]float64{}}
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
			w.Breached = append(w.Breached, m.String())
			w.Worst[m.String()] = worst[m]
		}
	}
	return w
}

// joinTime writes a session's join time, empty when unknown.
func joinTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
