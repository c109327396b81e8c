package analyze

import (
	"fmt"
	"sort"
	"strings"
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
	ByConnection GroupBy = "connection" // Zoom's connection_type
	// ByUser makes a row per person across meetings: keyed by Zoom's
	// participant id (store.Session.ID) when known, else the e-mail
	// address (case-folded), else the user name. Name-only keys merge two
	// people of the same name; a phone caller without an id is keyed by
	// the (masked) number Zoom gives as the name.
	ByUser GroupBy = "user"
)

// GroupBys lists them.
var GroupBys = []GroupBy{ByDevice, ByLocation, ByNetwork, ByVersion, ByDataCenter, ByConnection, ByUser}

// ParseGroupBy checks a --by value.
func ParseGroupBy(s string) (GroupBy, error) {
	for _, g := range GroupBys {
		if string(g) == s {
			return g, nil
		}
	}
	return "", fmt.Errorf("cannot group by %q: use device, location, network, version, datacenter, connection or user", s)
}

// Unknown is the group of sessions without the property.
const Unknown = "(unknown)"

// key gives the group a session falls in: the key that tells groups apart
// and the label results show.
func (g GroupBy) key(s *store.Session) (key, label string) {
	if g == ByUser {
		switch {
		case s.ID != "":
			return "id:" + s.ID, s.ID
		case s.Email != "":
			e := strings.ToLower(strings.TrimSpace(s.Email))
			return "email:" + e, e
		case s.UserName != "":
			return "name:" + s.UserName, s.UserName
		}
		return Unknown, Unknown
	}
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
	case ByConnection:
		k = s.ConnectionType
	}
	if k == "" {
		return Unknown, Unknown
	}
	return k, k
}

// GroupResult is one group of a fleet roll-up.
type GroupResult struct {
	Group string `json:"group"`
	// Name is a person's display name, the latest seen (--by user only).
	Name          string                               `json:"name,omitempty"`
	Meetings      int                                  `json:"meetings"`
	Sessions      int                                  `json:"sessions"`
	Samples       int                                  `json:"samples"`
	Streams       StreamStats                          `json:"streams"`
	MOS           *Stats                               `json:"mos"`
	MOSQuality    map[store.Stream]map[Quality]float64 `json:"mos_quality"`
	Degraded      map[store.Stream]Share               `json:"degraded"`
	DegradedShare float64                              `json:"degraded_share"`
	// WorstStream is the stream with the largest share of degraded
	// samples, WorstShare that share; empty when no sample was degraded.
	WorstStream string  `json:"worst_stream,omitempty"`
	WorstShare  float64 `json:"worst_stream_share,omitempty"`
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
	// Agreement compares Zoom's own ratings with zoomqos's verdicts over
	// every session of the period (see AgreementRule).
	Agreement RatingAgreement `json:"zoom_rating_agreement"`
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
	agree  agreementTally
}

type fleetGroup struct {
	pool
	label    string
	name     string    // the latest user name (--by user)
	nameAt   time.Time // the join time it was seen at
	dists    [store.NumStreams][store.NumMetrics]Dist
	mos      Dist
	meetings map[string]bool
}

// seen notes a session's user name, keeping the latest.
func (g *fleetGroup) seen(name string, at time.Time) {
	if name == "" {
		return
	}
	if g.name == "" || at.After(g.nameAt) || (at.Equal(g.nameAt) && name > g.name) {
		g.name, g.nameAt = name, at
	}
}

func (g *fleetGroup) merge(o *fleetGroup) {
	g.pool.merge(&o.pool)
	g.seen(o.name, o.nameAt)
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
	key, label := f.by.key(s)
	g := p.groups[key]
	if g == nil {
		g = &fleetGroup{label: label, meetings: map[string]bool{}}
		p.groups[key] = g
	}
	g.meetings[meetingID] = true
	if f.by == ByUser {
		g.seen(s.UserName, s.JoinTime)
	}
	p.acc.start(s, values{dists: &g.dists, mosD: &g.mos})
	for j := range samples {
		p.acc.add(&samples[j])
	}
	p.acc.flush()
	g.add(p.acc, p.acc.quality())
	p.agree.add(meetingID, 0, &p.acc.sess, p.acc.windows(), &p.acc.present, &p.acc.degraded)
}

// Result finishes the roll-up over [from, to].
func (f *Fleet) Result(from, to time.Time) *FleetResult {
	groups := map[string]*fleetGroup{}
	meetings := map[string]bool{}
	var agree agreementTally
	for _, p := range f.parts {
		agree.merge(&p.agree)
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
	for _, g := range groups {
		gr := GroupResult{Group: g.label, Name: g.name, Meetings: len(g.meetings), Sessions: g.sessions, Samples: g.samples,
			Streams: distStats(&g.dists), MOS: statsPtr(&g.mos), MOSQuality: g.qualityShares(),
			Degraded: shares(&g.present, &g.degraded)}
		if g.samples > 0 {
			gr.DegradedShare = float64(g.degradedAny) / float64(g.samples)
		}
		gr.WorstStream, gr.WorstShare = worstStream(&g.present, &g.degraded)
		r.Sessions += g.sessions
		r.Samples += g.samples
		r.Groups = append(r.Groups, gr)
	}
	sort.Slice(r.Groups, func(i, j int) bool {
		a, b := r.Groups[i], r.Groups[j]
		if a.Sessions != b.Sessions {
			return a.Sessions > b.Sessions
		}
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Name < b.Name
	})
	r.Agreement = agree.result()
	return r
}

// worstStream finds the stream with the largest share of degraded samples
// (the first in canonical order on a tie); none when nothing was degraded.
func worstStream(present, degraded *[store.NumStreams]int) (string, float64) {
	best, share := -1, 0.0
	for st := range present {
		if present[st] == 0 || degraded[st] == 0 {
			continue
		}
		if sh := float64(degraded[st]) / float64(present[st]); sh > share {
			best, share = st, sh
		}
	}
	if best < 0 {
		return "", 0
	}
	return store.Stream(best).String(), share
}
