package analyze

import (
	"fmt"
	"sort"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// GroupBy is the session property a fleet roll-up groups by.
type GroupBy string

// The properties a fleet can be grouped by.
const (
	ByDevice     GroupBy = "device"
	ByLocation   GroupBy = "location"
	ByNetwork    GroupBy = "network"
	ByVersion    GroupBy = "version"
	ByDataCenter GroupBy = "datacenter"
)

// GroupBys lists them.
var GroupBys = []GroupBy{ByDevice, ByLocation, ByNetwork, ByVersion, ByDataCenter}

// ParseGroupBy checks a --by value.
func ParseGroupBy(s string) (GroupBy, error) {
	for _, g := range GroupBys {
		if string(g) == s {
			return g, nil
		}
	}
	return "", fmt.Errorf("cannot group by %q: use device, location, network, version or datacenter", s)
}

// Unknown is the group of sessions without the property.
const Unknown = "(unknown)"

func (g GroupBy) key(s *store.Session) string {
	var k string
	switch g {
	case ByDevice:
		k = s.Device
	case ByLocation:
		k = s.Location
	case ByNetwork:
		k = s.NetworkType
	case ByVersion:
		k = s.Version
	case ByDataCenter:
		k = s.DataCenter
	}
	if k == "" {
		return Unknown
	}
	return k
}

// GroupResult is one group of a fleet roll-up.
type GroupResult struct {
	Group         string                         `json:"group"`
	Meetings      int                            `json:"meetings"`
	Sessions      int                            `json:"sessions"`
	Samples       int                            `json:"samples"`
	Streams       StreamStats                    `json:"streams"`
	MOS           *Stats                         `json:"mos"`
	MOSQuality    map[string]map[Quality]float64 `json:"mos_quality"`
	Degraded      map[string]Share               `json:"degraded"`
	DegradedShare float64                        `json:"degraded_share"`
}

// FleetResult is a fleet roll-up: its groups, most sessions first.
type FleetResult struct {
	From       time.Time     `json:"from"`
	To         time.Time     `json:"to"`
	By         GroupBy       `json:"by"`
	Meetings   int           `json:"meetings"`
	Sessions   int           `json:"sessions"`
	Samples    int           `json:"samples"`
	Thresholds Thresholds    `json:"thresholds"`
	Groups     []GroupResult `json:"groups"`
}

// Fleet rolls many meetings up by a session property. Per group it keeps
// counts and the distinct values only, so that a year of meetings fits in
// memory. Sessions come from several goroutines at once (as
// store.DB.ForEachSession gives them), each worker pooling apart until
// Result joins them.
type Fleet struct {
	opts  Options
	by    GroupBy
	parts []*fleetPart
}

type fleetPart struct {
	acc    *sessionAcc
	groups map[string]*fleetGroup
}

type fleetGroup struct {
	pool
	dists    [store.NumStreams][store.NumMetrics]Dist
	mos      Dist
	meetings map[string]bool
}

func (g *fleetGroup) merge(o *fleetGroup) {
	g.pool.merge(&o.pool)
	for st := range g.dists {
		for m := range g.dists[st] {
			g.dists[st][m].Merge(&o.dists[st][m])
		}
	}
	g.mos.Merge(&o.mos)
	for k := range o.meetings {
		g.meetings[k] = true
	}
}

// NewFleet starts a roll-up for the given number of workers.
func NewFleet(by GroupBy, opts Options, workers int) *Fleet {
	f := &Fleet{opts: opts, by: by}
	f.opts.thresholds()
	f.parts = make([]*fleetPart, max(1, workers))
	for w := range f.parts {
		f.parts[w] = &fleetPart{acc: newSessionAcc(&f.opts.Thresholds, f.opts.Streams), groups: map[string]*fleetGroup{}}
	}
	return f
}

// AddSession rolls one session of a meeting in, with its samples in time
// order. Each worker (0 ≤ worker < workers) may call it at the same time as
// the others, never twice at once.
func (f *Fleet) AddSession(worker int, meetingID string, s *store.Session, samples []store.Sample) {
	if !f.opts.wants(s) {
		return
	}
	p := f.parts[worker]
	key := f.by.key(s)
	g := p.groups[key]
	if g == nil {
		g = &fleetGroup{meetings: map[string]bool{}}
		p.groups[key] = g
	}
	g.meetings[meetingID] = true
	p.acc.start(s, values{dists: &g.dists, mosD: &g.mos})
	for j := range samples {
		p.acc.add(&samples[j])
	}
	p.acc.flush()
	g.add(p.acc, p.acc.quality())
}

// Result finishes the roll-up over [from, to].
func (f *Fleet) Result(from, to time.Time) *FleetResult {
	groups := map[string]*fleetGroup{}
	meetings := map[string]bool{}
	for _, p := range f.parts {
		for key, g := range p.groups {
			for m := range g.meetings {
				meetings[m] = true
			}
			if groups[key] == nil {
				groups[key] = g
				continue
			}
			groups[key].merge(g)
		}
	}
	r := &FleetResult{From: from.UTC(), To: to.UTC(), By: f.by, Meetings: len(meetings), Thresholds: f.opts.Thresholds,
		Groups: []GroupResult{}}
	for key, g := range groups {
		gr := GroupResult{Group: key, Meetings: len(g.meetings), Sessions: g.sessions, Samples: g.samples,
			Streams: distStats(&g.dists), MOS: statsPtr(&g.mos), MOSQuality: g.qualityShares(),
			Degraded: shares(&g.present, &g.degraded)}
		if g.samples > 0 {
			gr.DegradedShare = float64(g.degradedAny) / float64(g.samples)
		}
		r.Sessions += g.sessions
		r.Samples += g.samples
		r.Groups = append(r.Groups, gr)
	}
	sort.Slice(r.Groups, func(i, j int) bool {
		a, b := r.Groups[i], r.Groups[j]
		if a.Sessions != b.Sessions {
			return a.Sessions > b.Sessions
		}
		return a.Group < b.Group
	})
	return r
}
