package analyze

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// StreamStats maps streams to metrics to Stats, written in JSON with
// Zoom's stream keys and the metrics' column names: {"audio_input":
// {"latency_ms": {...}}}. Streams and metrics without any value are left
// out.
type StreamStats map[store.Stream]map[store.Metric]Stats

// Share is how many of a stream's samples were degraded.
type Share struct {
	Samples  int     `json:"samples"`  // samples with a value of the stream
	Degraded int     `json:"degraded"` // of which degraded
	Share    float64 `json:"share"`    // Degraded / Samples
}

// SessionResult is the analysis of one session.
type SessionResult struct {
	Participant string `json:"participant"`
	Session     string `json:"session"` // join time, RFC 3339 UTC; empty when unknown
	UserName    string `json:"user_name"`
	Device      string `json:"device,omitempty"`
	Location    string `json:"location,omitempty"`
	NetworkType string `json:"network_type,omitempty"`
	DataCenter  string `json:"data_center,omitempty"`
	Version     string `json:"version,omitempty"`

	Samples       int                                 `json:"samples"`
	Streams       StreamStats                         `json:"streams"`
	MOS           *Stats                              `json:"mos"`         // both audio streams pooled; null without any MOS
	MOSQuality    map[store.Stream]Quality            `json:"mos_quality"` // audio_input, audio_output: by the median MOS
	Degraded      map[store.Stream]Share              `json:"degraded"`    // per stream
	DegradedShare float64                             `json:"degraded_share"`
	Resolutions   map[store.Stream]map[string]float64 `json:"resolutions,omitempty"` // per stream: share of samples at each WxH
	// ZoomSummary is Zoom's own minimum, average and maximum of each
	// stream and metric of the session (the participant_qos_summary
	// event), to set beside Streams; nil when Zoom sent none.
	ZoomSummary *store.ZoomSummary `json:"zoom_summary,omitempty"`
}

// Window is a degradation window.
type Window struct {
	Participant string                   `json:"participant"`
	Session     string                   `json:"session"`
	UserName    string                   `json:"user_name"`
	Stream      store.Stream             `json:"stream"`
	Start       time.Time                `json:"start"`
	End         time.Time                `json:"end"`
	DurationS   float64                  `json:"duration_s"`
	Samples     int                      `json:"samples"`  // degraded samples in it
	Breached    []store.Metric           `json:"breached"` // in column order
	Worst       map[store.Metric]float64 `json:"worst"`    // the worst value of each breached metric
	// Why: what breached by how much, and what the sessions degraded at
	// the same time have in common.
	Why *Why `json:"why"`

	session int // the index of its session in the meeting, for the why
}

// Incident is a meeting-wide incident.
type Incident struct {
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Sessions  int       `json:"sessions"`   // distinct sessions degraded during it
	Minutes   int       `json:"minutes"`    // its length
	PeakShare float64   `json:"peak_share"` // the highest share of active sessions degraded in one minute
	// Why: what breached by how much, and what the affected sessions have
	// in common that the unaffected ones lack.
	Why *Why `json:"why"`
}

// pool adds up sessions' counts: a meeting's, or a fleet group's. Their
// values are pooled by the owner: in lists for a meeting, in Dists for a
// fleet group.
type pool struct {
	sessions    int
	samples     int
	degradedAny int
	present     [store.NumStreams]int
	degraded    [store.NumStreams]int
	quality     [2]map[Quality]int
	res         [store.NumStreams]map[resolution]int
}

// add counts a finished session with its quality buckets.
func (p *pool) add(a *sessionAcc, q [2]Quality) {
	p.sessions++
	p.samples += a.samples
	p.degradedAny += a.degradedAny
	for st := range a.present {
		p.present[st] += a.present[st]
		p.degraded[st] += a.degraded[st]
		for _, rc := range a.res[st] {
			addTo(&p.res[st], rc.res, rc.n)
		}
	}
	for i := range q {
		addTo(&p.quality[i], q[i], 1)
	}
}

// addTo adds n to m[k], making the map first if need be.
func addTo[K comparable](m *map[K]int, k K, n int) {
	if *m == nil {
		*m = map[K]int{}
	}
	(*m)[k] += n
}

// merge adds another pool's counts.
func (p *pool) merge(o *pool) {
	p.sessions += o.sessions
	p.samples += o.samples
	p.degradedAny += o.degradedAny
	for st := range p.present {
		p.present[st] += o.present[st]
		p.degraded[st] += o.degraded[st]
		for k, n := range o.res[st] {
			addTo(&p.res[st], k, n)
		}
	}
	for i := range p.quality {
		for q, n := range o.quality[i] {
			addTo(&p.quality[i], q, n)
		}
	}
}

// qualityShares gives, per audio stream, the share of sessions in each
// bucket.
func (p *pool) qualityShares() map[store.Stream]map[Quality]float64 {
	out := map[store.Stream]map[Quality]float64{}
	for i, st := range audioStreams {
		m := map[Quality]float64{}
		for _, q := range Qualities {
			if p.sessions > 0 {
				m[q] = float64(p.quality[i][q]) / float64(p.sessions)
			}
		}
		out[st] = m
	}
	return out
}

func shares(present, degraded *[store.NumStreams]int) map[store.Stream]Share {
	out := map[store.Stream]Share{}
	for st := range present {
		if present[st] > 0 {
			out[store.Stream(st)] = Share{Samples: present[st], Degraded: degraded[st],
				Share: float64(degraded[st]) / float64(present[st])}
		}
	}
	return out
}

func resolutionShares(res *[store.NumStreams]map[resolution]int) map[store.Stream]map[string]float64 {
	out := map[store.Stream]map[string]float64{}
	for st, m := range res {
		total := 0
		for _, n := range m {
			total += n
		}
		if total == 0 {
			continue
		}
		r := map[string]float64{}
		for k, n := range m {
			r[strconv.FormatUint(uint64(k[0]), 10)+"x"+strconv.FormatUint(uint64(k[1]), 10)] = float64(n) / float64(total)
		}
		out[store.Stream(st)] = r
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// cloneSummary copies a session's Zoom summary, which the result keeps
// after the session it came with is gone.
func cloneSummary(z *store.ZoomSummary) *store.ZoomSummary {
	if z == nil {
		return nil
	}
	c := *z
	c.Stats = slices.Clone(z.Stats)
	return &c
}

func statsPtr(d *Dist) *Stats {
	if d.n == 0 {
		return nil
	}
	s := d.Stats()
	return &s
}

// sortWindows orders windows by start, then participant and stream.
func sortWindows(ws []Window) {
	slices.SortStableFunc(ws, func(a, b Window) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Participant, b.Participant), cmp.Compare(a.Stream.String(), b.Stream.String()))
	})
}
