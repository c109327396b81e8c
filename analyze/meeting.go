package analyze

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/zoomqos/zoomqos/internal/parallel"
	"github.com/zoomqos/zoomqos/store"
)

// Options say what to analyse and how.
type Options struct {
	Thresholds  Thresholds     // zero: DefaultThresholds
	Streams     []store.Stream // only these streams; empty: all
	Participant string         // only this participant (its id or user name); empty: all

	noWhy bool // leave the why out: the benchmark's baseline
	// noStats leaves out the percentiles of every stream and metric, of
	// each session and pooled: a period (the fleet report) needs each
	// meeting's degraded shares, MOS, windows, incidents and why, not them.
	noStats bool
}

func (o *Options) thresholds() *Thresholds {
	if o.Thresholds == (Thresholds{}) {
		o.Thresholds = DefaultThresholds()
	}
	return &o.Thresholds
}

func (o *Options) wants(s *store.Session) bool {
	return o.Participant == "" || s.Participant == o.Participant || s.UserName == o.Participant
}

// MeetingResult is the analysis of one meeting. Its JSON is what
// `zoomqos analyze --format json` prints.
type MeetingResult struct {
	Meeting      string     `json:"meeting"`
	Number       string     `json:"number,omitempty"` // the meeting number, when Meeting is an instance UUID
	Webinar      bool       `json:"webinar,omitempty"`
	Topic        string     `json:"topic,omitempty"`
	Type         string     `json:"type,omitempty"`
	Start        *time.Time `json:"start"` // first sample
	End          *time.Time `json:"end"`   // last sample
	Participants int        `json:"participants"`
	Sessions     int        `json:"session_count"`
	Samples      int        `json:"samples"`
	Thresholds   Thresholds `json:"thresholds"`

	// All sessions pooled.
	Streams       StreamStats                          `json:"streams"`
	MOS           *Stats                               `json:"mos"`
	MOSQuality    map[store.Stream]map[Quality]float64 `json:"mos_quality"` // per audio stream: the share of sessions in each bucket
	Degraded      map[store.Stream]Share               `json:"degraded"`
	DegradedShare float64                              `json:"degraded_share"` // samples degraded on any stream
	Resolutions   map[store.Stream]map[string]float64  `json:"resolutions,omitempty"`

	SessionResults []SessionResult `json:"sessions"` // in join order
	Windows        []Window        `json:"windows"`  // by start
	Incidents      []Incident      `json:"incidents"`
	// Alerts are Zoom's alerts on the meeting, in time order, each with
	// the incident and windows it came during (see AlertResult).
	Alerts []AlertResult `json:"alerts"`

	// Agreement compares Zoom's own rating of each session with zoomqos's
	// verdict (see AgreementRule).
	Agreement RatingAgreement `json:"zoom_rating_agreement"`
}

// AnalyzeMeeting analyses a meeting's sessions and samples held in memory
// (as store.DB.Load gives them), on every core.
func AnalyzeMeeting(m store.Meeting, sessions []store.SessionSamples, opts Options) *MeetingResult {
	workers := parallel.Workers(len(sessions), 0)
	a := NewMeetingAnalysis(m, opts, workers)
	total := 0
	for i := range sessions {
		total += len(sessions[i].Samples)
	}
	a.Expect(total)
	// Small chunks taken in turn, so that a slow core (or a heavy stretch
	// of sessions) does not hold the others up.
	chunks := max(1, min(4*workers, len(sessions)))
	parallel.Do(chunks, workers, func(w, c int) {
		for i := c * len(sessions) / chunks; i < (c+1)*len(sessions)/chunks; i++ {
			a.AddSession(w, i, &sessions[i].Session, sessions[i].Samples)
		}
	})
	return a.Result()
}

// MeetingAnalysis analyses a meeting from its sessions, handed to it by
// several goroutines at once (as store.DB.ForEachSession does): each
// worker pools its sessions apart, and Result joins them.
type MeetingAnalysis struct {
	meeting store.Meeting
	opts    Options
	parts   []*meetingPart
}

// NewMeetingAnalysis starts the analysis of a meeting for the given number
// of workers.
func NewMeetingAnalysis(m store.Meeting, opts Options, workers int) *MeetingAnalysis {
	a := &MeetingAnalysis{meeting: m, opts: opts}
	a.opts.thresholds()
	a.parts = make([]*meetingPart, max(1, workers))
	for w := range a.parts {
		p := &meetingPart{acc: newSessionAcc(&a.opts.Thresholds, a.opts.Streams), parts: map[string]bool{},
			minutes: map[int64]*minuteCount{}}
		p.acc.noStats = opts.noStats
		p.to = values{dists: &p.dists, raw: &p.raw, mos: &p.mos, hint: 4096}
		a.parts[w] = p
	}
	return a
}

// Expect tells the analysis how many samples the meeting has (as its
// store.MeetingSummary says), so that the lists pooling its decimals are
// made big enough once instead of growing.
func (a *MeetingAnalysis) Expect(samples int) {
	for _, p := range a.parts {
		p.to.hint = max(4096, samples/len(a.parts)+samples/(8*len(a.parts)))
	}
}

// AddSession analyses one session with its samples in time order; index
// is its place in join order. Each worker (0 ≤ worker < workers) may call
// it at the same time as the others, never twice at once.
func (a *MeetingAnalysis) AddSession(worker, index int, s *store.Session, samples []store.Sample) {
	if !a.opts.wants(s) {
		return
	}
	p := a.parts[worker]
	p.acc.start(s, p.to)
	for j := range samples {
		smp := &samples[j]
		p.acc.add(smp)
		if p.first.IsZero() || smp.Time.Before(p.first) {
			p.first = smp.Time
		}
		if smp.Time.After(p.last) {
			p.last = smp.Time
		}
	}
	p.finishSession(index)
}

// Result joins the workers' parts.
func (a *MeetingAnalysis) Result() *MeetingResult { return join(a.meeting, a.parts, &a.opts) }

// meetingPart is one worker's share of a meeting's analysis.
type meetingPart struct {
	acc         *sessionAcc
	to          values
	pool        pool
	dists       [store.NumStreams][store.NumMetrics]Dist
	raw         [store.NumStreams][store.NumMetrics][]float64
	mos         []float64
	sessions    []indexed
	windows     []Window
	parts       map[string]bool
	minutes     map[int64]*minuteCount
	agree       agreementTally
	first, last time.Time
}

// indexed is a session's result with its place in join order, and the
// sums its meeting's means are made of.
type indexed struct {
	index  int
	sums   []metricSum
	mosSum float64
	why    whySession
	SessionResult
}

type minuteCount struct {
	active, degraded int
	sessions         []int // indexes of the sessions degraded in it
}

// finishSession closes the current session: its figures, windows and
// minutes go into the part's.
func (p *meetingPart) finishSession(index int) {
	acc := p.acc
	q := acc.quality()
	streams, mos := acc.pool()
	sr := SessionResult{
		Participant: acc.sess.Participant, Session: SessionName(acc.sess.JoinTime), UserName: acc.sess.UserName,
		Device: acc.sess.Device, Location: acc.sess.Location, NetworkType: acc.sess.NetworkType,
		DataCenter: acc.sess.DataCenter, Version: acc.sess.Version,
		Samples: acc.samples, Streams: streams, MOS: mos,
		MOSQuality: map[store.Stream]Quality{}, Degraded: shares(&acc.present, &acc.degraded),
		Resolutions: acc.resolutionShares(),
		ZoomSummary: cloneSummary(acc.sess.ZoomSummary),
	}
	for i, st := range audioStreams {
		sr.MOSQuality[st] = q[i]
	}
	if acc.samples > 0 {
		sr.DegradedShare = float64(acc.degradedAny) / float64(acc.samples)
	}
	why := whySession{factors: factorsOf(&acc.sess)}
	for j, mk := range acc.minutes {
		if j == 0 || mk.minute < why.first {
			why.first = mk.minute
		}
		why.last = max(why.last, mk.minute)
	}
	p.sessions = append(p.sessions, indexed{index, slices.Clone(acc.sums), acc.mosSum, why, sr})
	ws := acc.windows()
	for i := range ws {
		ws[i].session = index
	}
	p.windows = append(p.windows, ws...)
	p.agree.add("", index, &acc.sess, ws, &acc.present, &acc.degraded)
	p.pool.add(acc, q)
	p.parts[acc.sess.Participant] = true
	for _, mk := range acc.minutes {
		mc := p.minutes[mk.minute]
		if mc == nil {
			mc = &minuteCount{}
			p.minutes[mk.minute] = mc
		}
		mc.active++
		if mk.degraded {
			mc.degraded++
			mc.sessions = append(mc.sessions, index)
		}
	}
}

// join puts the parts together in order and works out the pooled figures.
func join(m store.Meeting, parts []*meetingPart, opts *Options) *MeetingResult {
	r := &MeetingResult{Meeting: m.ID, Number: m.Number, Webinar: m.Webinar, Topic: m.Topic, Type: m.Type, Thresholds: opts.Thresholds,
		SessionResults: []SessionResult{}, Windows: []Window{}}
	var all pool
	participants := map[string]bool{}
	minutes := map[int64]*minuteCount{}
	var mos []float64
	dists, raw := &parts[0].dists, &parts[0].raw
	for _, p := range parts[1:] {
		for st := range dists {
			for m := range dists[st] {
				dists[st][m].Merge(&p.dists[st][m])
				raw[st][m] = append(raw[st][m], p.raw[st][m]...)
			}
		}
	}
	var first, last time.Time
	var sessions []indexed
	var agree agreementTally
	for i, p := range parts {
		sessions = append(sessions, p.sessions...)
		agree.merge(&p.agree)
		r.Windows = append(r.Windows, p.windows...)
		all.merge(&p.pool)
		for k := range p.parts {
			participants[k] = true
		}
		for k, c := range p.minutes {
			mc := minutes[k]
			if mc == nil {
				mc = &minuteCount{}
				minutes[k] = mc
			}
			mc.active += c.active
			mc.degraded += c.degraded
			mc.sessions = append(mc.sessions, c.sessions...)
		}
		if !p.first.IsZero() && (first.IsZero() || p.first.Before(first)) {
			first = p.first
		}
		if p.last.After(last) {
			last = p.last
		}
		if i == 0 {
			mos = p.mos
			continue
		}
		mos = append(mos, p.mos...)
	}
	sort.Slice(sessions, func(i, j int) bool { return sessions[i].index < sessions[j].index })
	var sums [store.NumStreams][store.NumMetrics]float64
	mosSum := 0.0
	for _, s := range sessions {
		r.SessionResults = append(r.SessionResults, s.SessionResult)
		for _, ms := range s.sums {
			sums[ms.st][ms.m] += ms.sum
		}
		mosSum += s.mosSum
	}
	if !first.IsZero() {
		f, l := first.UTC(), last.UTC()
		r.Start, r.End = &f, &l
	}
	r.Participants, r.Sessions, r.Samples = len(participants), all.sessions, all.samples
	r.Streams = StreamStats{}
	if !opts.noStats {
		r.Streams = poolStats(dists, raw)
	}
	for st := range store.NumStreams {
		metrics := r.Streams[st]
		for m := range store.NumMetrics {
			if s, ok := metrics[m]; ok {
				s.Mean = sums[st][m] / float64(s.Count)
				metrics[m] = s
			}
		}
	}
	if len(mos) > 0 {
		s := selectStats(mos)
		s.Mean = mosSum / float64(s.Count)
		r.MOS = &s
	}
	r.MOSQuality = all.qualityShares()
	r.Degraded = shares(&all.present, &all.degraded)
	if all.samples > 0 {
		r.DegradedShare = float64(all.degradedAny) / float64(all.samples)
	}
	r.Resolutions = resolutionShares(&all.res)
	sortWindows(r.Windows)
	r.Incidents = incidents(minutes)
	r.Alerts = matchAlerts(m.Alerts, r)
	// Sessions are indexed by their place in join order; with a filter
	// (--participant) some places are empty.
	whys := make([]whySession, 0, len(sessions))
	for _, s := range sessions {
		for len(whys) < s.index {
			whys = append(whys, whySession{first: math.MaxInt64, last: math.MinInt64})
		}
		whys = append(whys, s.why)
	}
	if !opts.noWhy {
		explain(r, whys, minutes, &opts.Thresholds)
	}
	r.Agreement = agree.result()
	return r
}

// poolStats summarises every stream and metric of a meeting's pool, on
// every core: from the distribution alone, or, when there are raw values,
// by selection over them with the distribution's values added.
func poolStats(d *[store.NumStreams][store.NumMetrics]Dist, raw *[store.NumStreams][store.NumMetrics][]float64) StreamStats {
	return parallelStats(func(st, m int) int { return d[st][m].n + len(raw[st][m]) },
		func(st, m int, counts *[]uint32) Stats {
			if len(raw[st][m]) == 0 {
				return d[st][m].Stats()
			}
			xs := d[st][m].appendValues(raw[st][m])
			return selectStatsBuf(xs, counts)
		})
}

// distStats summarises every stream and metric's distribution, on every
// core.
func distStats(d *[store.NumStreams][store.NumMetrics]Dist) StreamStats {
	return parallelStats(func(st, m int) int { return d[st][m].n },
		func(st, m int, _ *[]uint32) Stats { return d[st][m].Stats() })
}

// parallelStats works out stats for every stream and metric with values,
// on every core.
func parallelStats(size func(st, m int) int, summarise func(st, m int, counts *[]uint32) Stats) StreamStats {
	type job struct{ st, m int }
	var jobs []job
	for st := range int(store.NumStreams) {
		for m := range int(store.NumMetrics) {
			if size(st, m) > 0 {
				jobs = append(jobs, job{st, m})
			}
		}
	}
	stats := make([]Stats, len(jobs))
	counts := make([][]uint32, parallel.Workers(len(jobs), 0)) // each worker's scratch
	parallel.Do(len(jobs), 0, func(w, i int) {
		stats[i] = summarise(jobs[i].st, jobs[i].m, &counts[w])
	})
	out := StreamStats{}
	for i, j := range jobs {
		st := store.Stream(j.st)
		if out[st] == nil {
			out[st] = map[store.Metric]Stats{}
		}
		out[st][store.Metric(j.m)] = stats[i]
	}
	return out
}

// incidents finds the minutes in which at least half of the active
// sessions, and at least three, were degraded, and joins consecutive ones.
func incidents(minutes map[int64]*minuteCount) []Incident {
	var bad []int64
	for m, c := range minutes {
		if c.degraded >= 3 && 2*c.degraded >= c.active {
			bad = append(bad, m)
		}
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i] < bad[j] })
	out := []Incident{}
	for i := 0; i < len(bad); {
		j := i + 1
		for j < len(bad) && bad[j] == bad[j-1]+1 {
			j++
		}
		who := map[int]bool{}
		peak := 0.0
		for _, m := range bad[i:j] {
			c := minutes[m]
			for _, s := range c.sessions {
				who[s] = true
			}
			peak = max(peak, float64(c.degraded)/float64(c.active))
		}
		out = append(out, Incident{Start: time.Unix(bad[i]*60, 0).UTC(), End: time.Unix((bad[j-1]+1)*60, 0).UTC(),
			Sessions: len(who), Minutes: j - i, PeakShare: peak})
		i = j
	}
	return out
}
