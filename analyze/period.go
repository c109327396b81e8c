package analyze

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// A period is what the fleet report shows: every meeting that started in
// it, analysed one by one as `analyze --meeting` would, then folded into
// headline figures, trends, roll-ups, the worst meetings, the people
// degraded most often and the meeting-wide incidents. A sample is a
// minute of a session (Zoom's QoS interval), so samples count session
// time: "degraded time" is the degraded samples.

// PeriodOptions say what a period's analysis keeps.
type PeriodOptions struct {
	Options
	// Zone is where days and weeks begin for the trends; nil: UTC.
	Zone *time.Location
	// Worst, People and Incidents cap the lists kept (0: 20, 50, 100).
	Worst, People, Incidents int
	// SplitGroups caps the groups a trend split draws; the rest are
	// pooled as "(other)" (0: 6).
	SplitGroups int
}

func (o *PeriodOptions) defaults() {
	o.thresholds()
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	o.Worst = cmp.Or(o.Worst, 20)
	o.People = cmp.Or(o.People, 50)
	o.Incidents = cmp.Or(o.Incidents, 100)
	o.SplitGroups = cmp.Or(o.SplitGroups, 6)
}

// WeeklyAfter is the longest period whose trends are drawn per day; a
// longer one is drawn per week (from Monday).
const WeeklyAfter = 60 * 24 * time.Hour

// Other is the group a trend split pools its smaller groups in.
const Other = "(other)"

// Splits are the session properties trends and roll-ups are split by.
var Splits = []GroupBy{ByNetwork, ByDataCenter, ByLocation, ByDevice, ByVersion, ByConnection}

// PeriodResult is a period's analysis: what `zoomqos report --from --to`
// shows.
type PeriodResult struct {
	From       time.Time  `json:"from"` // the first instant in it
	To         time.Time  `json:"to"`   // the first instant after it
	Zone       string     `json:"zone"` // where its days begin
	Thresholds Thresholds `json:"thresholds"`
	Headline   Headline   `json:"headline"`
	// Previous is the period of the same length just before; nil when
	// the database holds no meeting of it.
	Previous *Headline `json:"previous"`
	// Bucket is "day" or "week": what each trend point covers.
	Bucket string `json:"bucket"`
	// Trend is the whole fleet's, a point per bucket from From to To.
	Trend []TrendPoint `json:"trend"`
	// Splits are the trends split by a session property, its largest
	// groups apart, each with a point per bucket as Trend.
	Splits []TrendSplit `json:"splits"`
	// Where are the roll-ups by each property, each group's sessions and
	// degraded share against the fleet's, the groups that explain most of
	// the fleet's degraded time first.
	Where []Rollup `json:"where"`
	// Worst are the meetings with the largest degraded share, worst first.
	Worst []MeetingRow `json:"worst_meetings"`
	// People are those degraded in the most meetings, most first.
	People []Person `json:"people"`
	// Incidents are the period's meeting-wide incidents, the most
	// sessions first; Headline.Incidents counts all of them.
	Incidents []PeriodIncident `json:"incidents"`
}

// Headline are a period's figures.
type Headline struct {
	Meetings     int `json:"meetings"`
	Participants int `json:"participants"` // distinct people, as --by user counts them
	Sessions     int `json:"sessions"`
	// DegradedSessions are those with a degradation window: sustained
	// trouble, not a bad minute.
	DegradedSessions int     `json:"degraded_sessions"`
	Samples          int     `json:"samples"`
	SessionHours     float64 `json:"session_hours"` // samples / 60
	DegradedSamples  int     `json:"degraded_samples"`
	Degraded         float64 `json:"degraded"` // DegradedSamples / Samples
	// MOS is the median over sessions of each session's median MOS (both
	// audio streams pooled); nil without any MOS.
	MOS       *float64 `json:"mos"`
	Incidents int      `json:"incidents"`
	// WorstMeeting is the largest degraded share of one meeting.
	WorstMeeting float64 `json:"worst_meeting"`
}

// TrendPoint is a bucket of a trend: the sessions of meetings that
// started in it.
type TrendPoint struct {
	Start           time.Time `json:"start"`
	Sessions        int       `json:"sessions"`
	Samples         int       `json:"samples"`
	DegradedSamples int       `json:"degraded_samples"`
	Degraded        *float64  `json:"degraded"` // nil without samples
	MOS             *float64  `json:"mos"`      // median of session medians; nil without MOS
}

// TrendSplit is a trend split by a property.
type TrendSplit struct {
	By     GroupBy      `json:"by"`
	Groups []TrendGroup `json:"groups"` // the most session time first; Other last
}

// TrendGroup is one group's trend, a point per bucket.
type TrendGroup struct {
	Group  string       `json:"group"`
	Points []TrendPoint `json:"points"`
}

// Rollup is the fleet grouped by a property.
type Rollup struct {
	By     GroupBy      `json:"by"`
	Groups []WhereGroup `json:"groups"`
}

// WhereGroup is a group of a roll-up.
type WhereGroup struct {
	Group           string  `json:"group"`
	Sessions        int     `json:"sessions"`
	Samples         int     `json:"samples"`
	DegradedSamples int     `json:"degraded_samples"`
	Degraded        float64 `json:"degraded"` // DegradedSamples / Samples
	// Difference is Degraded less the fleet's (in shares: 0.05 is five
	// points worse than the fleet).
	Difference float64 `json:"difference"`
	// Explains is the group's part of the fleet's degraded time.
	Explains float64 `json:"explains"`
	// Excess is the degraded time (samples) the group has beyond what the
	// fleet's share would give it: DegradedSamples less Samples × the
	// fleet's Degraded. The group with the largest is where the fleet's
	// trouble concentrates, not merely where most of its time is.
	Excess float64  `json:"excess"`
	MOS    *float64 `json:"mos"`
}

// MeetingRow is a meeting of the period.
type MeetingRow struct {
	Meeting          string    `json:"meeting"`
	Number           string    `json:"number,omitempty"`
	Topic            string    `json:"topic,omitempty"`
	Webinar          bool      `json:"webinar,omitempty"`
	Start            time.Time `json:"start"`
	Participants     int       `json:"participants"`
	Sessions         int       `json:"sessions"`
	DegradedSessions int       `json:"degraded_sessions"`
	Samples          int       `json:"samples"`
	Degraded         float64   `json:"degraded"`
	MOS              *float64  `json:"mos"` // the meeting's pooled median
	Incidents        int       `json:"incidents"`
	WorstStream      string    `json:"worst_stream,omitempty"` // of the media streams and CPU
}

// Person is someone who took part in the period's meetings.
type Person struct {
	Key              string  `json:"key"`  // as --by user keys people: id, e-mail or name
	Name             string  `json:"name"` // the latest name seen
	Meetings         int     `json:"meetings"`
	DegradedMeetings int     `json:"degraded_meetings"` // meetings with a degradation window of theirs
	Sessions         int     `json:"sessions"`
	Samples          int     `json:"samples"`
	Degraded         float64 `json:"degraded"` // share of their session time
	// Their usual device, network type and location: the most frequent
	// over their sessions ("" when Zoom never said).
	Device   string    `json:"device,omitempty"`
	Network  string    `json:"network,omitempty"`
	Location string    `json:"location,omitempty"`
	Last     time.Time `json:"last"` // their latest meeting's start
}

// PeriodIncident is a meeting-wide incident with its meeting.
type PeriodIncident struct {
	Meeting string `json:"meeting"`
	Number  string `json:"number,omitempty"`
	Topic   string `json:"topic,omitempty"`
	Incident
}

// Period analyses the meetings of a period. AddMeeting may be called from
// several goroutines at once.
type Period struct {
	opts     PeriodOptions
	from, to time.Time
	weekly   bool
	starts   []time.Time // the buckets' starts

	mu        sync.Mutex
	head      Headline
	sessMOS   Dist // sessions' median MOS
	trend     []trendAcc
	splits    [numSplits]map[string][]trendAcc
	groups    [numSplits]map[string]*whereAcc
	meetings  []MeetingRow
	people    map[string]*personAcc
	incidents []PeriodIncident
}

const numSplits = 6

type trendAcc struct {
	sessions, samples, degraded int
	mos                         Dist
}

type whereAcc struct {
	sessions, samples, degraded int
	mos                         Dist
}

type personAcc struct {
	name                   string
	nameAt                 time.Time
	meetings, degradedMtgs int
	sessions, samples, deg int
	device, network, loc   map[string]int
	last                   time.Time
}

// NewPeriod starts the analysis of [from, to).
func NewPeriod(from, to time.Time, opts PeriodOptions) *Period {
	opts.defaults()
	p := &Period{opts: opts, from: from, to: to, weekly: to.Sub(from) > WeeklyAfter, people: map[string]*personAcc{}}
	for t := p.bucketStart(from); t.Before(to); t = p.next(t) {
		p.starts = append(p.starts, t)
	}
	if len(p.starts) == 0 {
		p.starts = []time.Time{p.bucketStart(from)}
	}
	p.trend = make([]trendAcc, len(p.starts))
	for i := range p.splits {
		p.splits[i] = map[string][]trendAcc{}
		p.groups[i] = map[string]*whereAcc{}
	}
	return p
}

// bucketStart is the start of the day (or week, from Monday) t falls in,
// in the period's zone.
func (p *Period) bucketStart(t time.Time) time.Time {
	t = t.In(p.opts.Zone)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, p.opts.Zone)
	if p.weekly {
		d = d.AddDate(0, 0, -(int(d.Weekday())+6)%7)
	}
	return d
}

func (p *Period) next(t time.Time) time.Time {
	if p.weekly {
		return t.AddDate(0, 0, 7)
	}
	return t.AddDate(0, 0, 1)
}

// bucketOf is the index of the bucket t falls in, clamped to the period.
func (p *Period) bucketOf(t time.Time) int {
	i, found := slices.BinarySearchFunc(p.starts, t, func(s, t time.Time) int { return s.Compare(t) })
	if !found {
		i--
	}
	return max(0, min(i, len(p.starts)-1))
}

// AddMeeting analyses one meeting, its sessions with their samples in
// join order (as store.DB.Load gives them), and folds it in. The analysis
// runs on the calling goroutine.
func (p *Period) AddMeeting(m store.Meeting, sessions []store.SessionSamples) {
	opts := p.opts.Options
	opts.noStats = true
	a := NewMeetingAnalysis(m, opts, 1)
	total := 0
	for i := range sessions {
		total += len(sessions[i].Samples)
	}
	a.Expect(total)
	for i := range sessions {
		a.AddSession(0, i, &sessions[i].Session, sessions[i].Samples)
	}
	r := a.Result()
	if r.Samples == 0 {
		return
	}
	// The sessions' properties the result does not carry.
	props := make(map[[2]string]*store.Session, len(sessions))
	for i := range sessions {
		s := &sessions[i].Session
		props[[2]string{s.Participant, SessionName(s.JoinTime)}] = s
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fold(r, props)
}

func (p *Period) fold(r *MeetingResult, props map[[2]string]*store.Session) {
	start := *r.Start
	bi := p.bucketOf(start)
	row := MeetingRow{Meeting: r.Meeting, Number: r.Number, Topic: r.Topic, Webinar: r.Webinar, Start: start,
		Participants: r.Participants, Sessions: r.Sessions, Samples: r.Samples, Degraded: r.DegradedShare,
		Incidents: len(r.Incidents)}
	if r.MOS != nil {
		row.MOS = &r.MOS.P50
	}
	worst := 0.0
	for st, sh := range r.Degraded {
		if st > store.ASOutput && st != store.CPUUsage {
			// The device-to-server legs echo the media streams; the
			// meeting's report folds them away too.
			continue
		}
		if sh.Share > worst || (sh.Share == worst && sh.Share > 0 && st.String() < row.WorstStream) {
			worst, row.WorstStream = sh.Share, st.String()
		}
	}
	// A session is degraded when it has a degradation window: sustained
	// trouble, not a bad minute (as the meeting's e-mail counts them).
	withWindow := map[[2]string]bool{}
	for i := range r.Windows {
		withWindow[[2]string{r.Windows[i].Participant, r.Windows[i].Session}] = true
	}
	type seen struct{ degraded bool }
	mine := map[string]*seen{} // people of this meeting
	h := &p.head
	h.Meetings++
	h.Incidents += len(r.Incidents)
	h.WorstMeeting = max(h.WorstMeeting, r.DegradedShare)
	for i := range r.SessionResults {
		sr := &r.SessionResults[i]
		s := props[[2]string{sr.Participant, sr.Session}]
		if s == nil {
			s = &store.Session{Participant: sr.Participant, UserName: sr.UserName}
		}
		deg := degradedSamples(sr)
		degraded := withWindow[[2]string{sr.Participant, sr.Session}]
		h.Sessions++
		h.Samples += sr.Samples
		h.DegradedSamples += deg
		if degraded {
			h.DegradedSessions++
			row.DegradedSessions++
		}
		var med float64
		hasMOS := sr.MOS != nil && sr.MOS.Count > 0
		if hasMOS {
			med = sr.MOS.P50
			p.sessMOS.Add(med)
		}
		addBucket := func(b *trendAcc) {
			b.sessions++
			b.samples += sr.Samples
			b.degraded += deg
			if hasMOS {
				b.mos.Add(med)
			}
		}
		addBucket(&p.trend[bi])
		for k, by := range Splits {
			_, label := by.key(s)
			bs := p.splits[k][label]
			if bs == nil {
				bs = make([]trendAcc, len(p.starts))
				p.splits[k][label] = bs
			}
			addBucket(&bs[bi])
			w := p.groups[k][label]
			if w == nil {
				w = &whereAcc{}
				p.groups[k][label] = w
			}
			w.sessions++
			w.samples += sr.Samples
			w.degraded += deg
			if hasMOS {
				w.mos.Add(med)
			}
		}
		key, _ := ByUser.key(s)
		pa := p.people[key]
		if pa == nil {
			pa = &personAcc{device: map[string]int{}, network: map[string]int{}, loc: map[string]int{}}
			p.people[key] = pa
		}
		if sr.UserName != "" && (pa.name == "" || !s.JoinTime.Before(pa.nameAt)) {
			pa.name, pa.nameAt = sr.UserName, s.JoinTime
		}
		pa.sessions++
		pa.samples += sr.Samples
		pa.deg += deg
		pa.device[s.Device]++
		pa.network[s.NetworkType]++
		pa.loc[s.Location]++
		if start.After(pa.last) {
			pa.last = start
		}
		sn := mine[key]
		if sn == nil {
			sn = &seen{}
			mine[key] = sn
			pa.meetings++
		}
		if degraded && !sn.degraded {
			sn.degraded = true
			pa.degradedMtgs++
		}
	}
	p.meetings = append(p.meetings, row)
	for _, in := range r.Incidents {
		p.incidents = append(p.incidents, PeriodIncident{Meeting: r.Meeting, Number: r.Number, Topic: r.Topic, Incident: in})
	}
}

// degradedSamples is how many of a session's samples were degraded on
// some stream.
func degradedSamples(sr *SessionResult) int {
	return int(sr.DegradedShare*float64(sr.Samples) + 0.5)
}

// Result finishes the analysis. previous is the period before's, or nil.
func (p *Period) Result(previous *Headline) *PeriodResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := &PeriodResult{From: p.from.UTC(), To: p.to.UTC(), Zone: p.opts.Zone.String(), Thresholds: p.opts.Thresholds,
		Headline: p.headline(), Previous: previous, Bucket: "day", Splits: []TrendSplit{}, Where: []Rollup{},
		Worst: []MeetingRow{}, People: []Person{}, Incidents: []PeriodIncident{}}
	if p.weekly {
		r.Bucket = "week"
	}
	r.Trend = p.points(p.trend)
	fleet := r.Headline.Degraded
	for k, by := range Splits {
		r.Splits = append(r.Splits, TrendSplit{By: by, Groups: p.split(k)})
		ru := Rollup{By: by, Groups: []WhereGroup{}}
		for label, w := range p.groups[k] {
			g := WhereGroup{Group: label, Sessions: w.sessions, Samples: w.samples, DegradedSamples: w.degraded, MOS: median(&w.mos)}
			if w.samples > 0 {
				g.Degraded = float64(w.degraded) / float64(w.samples)
				g.Difference = g.Degraded - fleet
				g.Excess = float64(w.degraded) - float64(w.samples)*fleet
			}
			if h := r.Headline.DegradedSamples; h > 0 {
				g.Explains = float64(w.degraded) / float64(h)
			}
			ru.Groups = append(ru.Groups, g)
		}
		slices.SortFunc(ru.Groups, func(a, b WhereGroup) int {
			return cmp.Or(cmp.Compare(b.DegradedSamples, a.DegradedSamples), cmp.Compare(b.Difference, a.Difference),
				cmp.Compare(b.Sessions, a.Sessions), cmp.Compare(a.Group, b.Group))
		})
		r.Where = append(r.Where, ru)
	}

	r.Worst = slices.Clone(p.meetings)
	slices.SortFunc(r.Worst, func(a, b MeetingRow) int {
		return cmp.Or(cmp.Compare(b.Degraded, a.Degraded), cmp.Compare(b.Sessions, a.Sessions),
			a.Start.Compare(b.Start), cmp.Compare(a.Meeting, b.Meeting))
	})
	r.Worst = r.Worst[:min(len(r.Worst), p.opts.Worst)]

	for key, pa := range p.people {
		if pa.degradedMtgs == 0 || key == Unknown {
			continue
		}
		r.People = append(r.People, Person{Key: personLabel(key), Name: pa.name, Meetings: pa.meetings,
			DegradedMeetings: pa.degradedMtgs, Sessions: pa.sessions, Samples: pa.samples,
			Degraded: float64(pa.deg) / float64(max(1, pa.samples)),
			Device:   usual(pa.device), Network: usual(pa.network), Location: usual(pa.loc), Last: pa.last})
	}
	slices.SortFunc(r.People, func(a, b Person) int {
		return cmp.Or(cmp.Compare(b.DegradedMeetings, a.DegradedMeetings), cmp.Compare(b.Degraded, a.Degraded),
			cmp.Compare(b.Meetings, a.Meetings), cmp.Compare(a.Key, b.Key))
	})
	r.People = r.People[:min(len(r.People), p.opts.People)]

	r.Incidents = slices.Clone(p.incidents)
	slices.SortFunc(r.Incidents, func(a, b PeriodIncident) int {
		return cmp.Or(cmp.Compare(b.Sessions, a.Sessions), cmp.Compare(b.Minutes, a.Minutes), a.Start.Compare(b.Start),
			cmp.Compare(a.Meeting, b.Meeting))
	})
	r.Incidents = r.Incidents[:min(len(r.Incidents), p.opts.Incidents)]
	return r
}

// Headline gives the period's headline figures so far.
func (p *Period) Headline() Headline {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.headline()
}

func (p *Period) headline() Headline {
	h := p.head
	h.Participants = len(p.people)
	if p.people[Unknown] != nil {
		h.Participants-- // sessions with neither id, e-mail nor name: no one to count
	}
	h.SessionHours = float64(h.Samples) / 60
	if h.Samples > 0 {
		h.Degraded = float64(h.DegradedSamples) / float64(h.Samples)
	}
	h.MOS = median(&p.sessMOS)
	return h
}

// personLabel is what a person's key shows: the key without its kind.
func personLabel(key string) string {
	for _, p := range []string{"id:", "email:", "name:"} {
		if len(key) > len(p) && key[:len(p)] == p {
			return key[len(p):]
		}
	}
	return key
}

// usual is the most frequent non-empty value (the first in order on a
// tie); "" when none.
func usual(counts map[string]int) string {
	best, n := "", 0
	for v, c := range counts {
		if v == "" {
			continue
		}
		if c > n || (c == n && v < best) {
			best, n = v, c
		}
	}
	return best
}

func median(d *Dist) *float64 {
	if d.Count() == 0 {
		return nil
	}
	m := d.Quantiles(0.5)[0]
	return &m
}

// points makes buckets into trend points.
func (p *Period) points(bs []trendAcc) []TrendPoint {
	out := make([]TrendPoint, len(bs))
	for i := range bs {
		b := &bs[i]
		out[i] = TrendPoint{Start: p.starts[i], Sessions: b.sessions, Samples: b.samples, DegradedSamples: b.degraded,
			MOS: median(&b.mos)}
		if b.samples > 0 {
			d := float64(b.degraded) / float64(b.samples)
			out[i].Degraded = &d
		}
	}
	return out
}

// split gives a property's largest groups by session time, the rest
// pooled as Other.
func (p *Period) split(k int) []TrendGroup {
	type g struct {
		label   string
		samples int
		bs      []trendAcc
	}
	var gs []g
	for label, bs := range p.splits[k] {
		n := 0
		for i := range bs {
			n += bs[i].samples
		}
		gs = append(gs, g{label, n, bs})
	}
	slices.SortFunc(gs, func(a, b g) int { return cmp.Or(cmp.Compare(b.samples, a.samples), cmp.Compare(a.label, b.label)) })
	out := []TrendGroup{}
	var other []trendAcc
	for i, x := range gs {
		if i < p.opts.SplitGroups || len(gs) == p.opts.SplitGroups+1 {
			out = append(out, TrendGroup{Group: x.label, Points: p.points(x.bs)})
			continue
		}
		if other == nil {
			other = make([]trendAcc, len(p.starts))
		}
		for j := range x.bs {
			o, b := &other[j], &x.bs[j]
			o.sessions += b.sessions
			o.samples += b.samples
			o.degraded += b.degraded
			o.mos.Merge(&b.mos)
		}
	}
	if other != nil {
		out = append(out, TrendGroup{Group: Other, Points: p.points(other)})
	}
	return out
}
