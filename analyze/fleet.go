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

// Fleet rolls many meetings up by a session property, from samples fed
// meeting by meeting, session by session, in time order. It keeps one
// session's details at a time and, per group, the distinct values only.
type Fleet struct {
	opts     Options
	by       GroupBy
	acc      *sessionAcc
	open     bool
	meeting  string
	groups   map[string]*fleetGroup
	meetings map[string]bool
}

type fleetGroup struct {
	pool
	dists    [store.NumStreams][store.NumMetrics]Dist
	mos      Dist
	meetings map[string]bool
}

// NewFleet starts a roll-up.
func NewFleet(by GroupBy, opts Options) *Fleet {
	f := &Fleet{opts: opts, by: by, groups: map[string]*fleetGroup{}, meetings: map[string]bool{}}
	f.acc = newSessionAcc(f.opts.thresholds(), opts.Streams)
	return f
}

// Add takes the next sample of a meeting's session.
func (f *Fleet) Add(meetingID string, s *store.Session, smp *store.Sample) {
	if !f.open || f.meeting != meetingID || f.acc.sess.Key() != s.Key() {
		f.finishSession()
		g := f.group(f.by.key(s))
		f.acc.start(s, values{dists: &g.dists, mosD: &g.mos})
		f.open, f.meeting = true, meetingID
	}
	f.acc.add(smp)
}

func (f *Fleet) finishSession() {
	if !f.open {
		return
	}
	f.open = false
	g := f.group(f.by.key(&f.acc.sess))
	f.acc.pool(false)
	g.add(f.acc, f.acc.quality())
	g.meetings[f.meeting] = true
	f.meetings[f.meeting] = true
}

func (f *Fleet) group(key string) *fleetGroup {
	g := f.groups[key]
	if g == nil {
		g = &fleetGroup{meetings: map[string]bool{}}
		f.groups[key] = g
	}
	return g
}

// Result finishes the roll-up over [from, to].
func (f *Fleet) Result(from, to time.Time) *FleetResult {
	f.finishSession()
	r := &FleetResult{From: from.UTC(), To: to.UTC(), By: f.by, Meetings: len(f.meetings), Thresholds: f.opts.Thresholds,
		Groups: []GroupResult{}}
	for key, g := range f.groups {
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
