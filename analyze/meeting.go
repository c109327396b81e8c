package analyze

import (
	"sort"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// Options say what to analyse and how.
type Options struct {
	Thresholds  Thresholds     // zero: DefaultThresholds
	Streams     []store.Stream // only these streams; empty: all
	Participant string         // only this participant (its id or user name); empty: all
}

func (o *Options) thresholds() *Thresholds {
	if o.Thresholds == (Thresholds{}) {
		o.Thresholds = DefaultThresholds()
	}
	return &o.Thresholds
}

// MeetingResult is the analysis of one meeting. Its JSON is what
// `zoomqos analyze --format json` prints.
type MeetingResult struct {
	Meeting      string     `json:"meeting"`
	Topic        string     `json:"topic,omitempty"`
	Type         string     `json:"type,omitempty"`
	Start        *time.Time `json:"start"` // first sample
	End          *time.Time `json:"end"`   // last sample
	Participants int        `json:"participants"`
	Sessions     int        `json:"session_count"`
	Samples      int        `json:"samples"`
	Thresholds   Thresholds `json:"thresholds"`

	// All sessions pooled.
	Streams       StreamStats                    `json:"streams"`
	MOS           *Stats                         `json:"mos"`
	MOSQuality    map[string]map[Quality]float64 `json:"mos_quality"` // per audio stream: the share of sessions in each bucket
	Degraded      map[string]Share               `json:"degraded"`
	DegradedShare float64                        `json:"degraded_share"` // samples degraded on any stream
	Resolutions   map[string]map[string]float64  `json:"resolutions,omitempty"`

	SessionResults []SessionResult `json:"sessions"` // in join order
	Windows        []Window        `json:"windows"`  // by start
	Incidents      []Incident      `json:"incidents"`
}

// Meeting analyses one meeting from its samples, fed session by session in
// time order (as store.DB.ForEachSample gives them), without holding them:
// what a session needs is kept until the next one starts.
type Meeting struct {
	opts    Options
	meeting store.Meeting
	acc     *sessionAcc
	open    bool
	pool    pool
	res     MeetingResult
	parts   map[string]bool
	minutes map[int64]*minuteCount
	first   time.Time
	last    time.Time
}

type minuteCount struct {
	active, degraded int
	sessions         []int // indexes of the sessions degraded in it
}

// NewMeeting starts the analysis of a meeting.
func NewMeeting(m store.Meeting, opts Options) *Meeting {
	a := &Meeting{opts: opts, meeting: m, parts: map[string]bool{}, minutes: map[int64]*minuteCount{}}
	a.acc = newSessionAcc(a.opts.thresholds(), opts.Streams)
	return a
}

// Add takes the next sample; s is the sample's session.
func (a *Meeting) Add(s *store.Session, smp *store.Sample) {
	if p := a.opts.Participant; p != "" && s.Participant != p && s.UserName != p {
		return
	}
	if !a.open || a.acc.sess.Key() != s.Key() {
		a.finishSession()
		a.acc.start(s)
		a.open = true
	}
	a.acc.add(smp)
	if a.first.IsZero() || smp.Time.Before(a.first) {
		a.first = smp.Time
	}
	if smp.Time.After(a.last) {
		a.last = smp.Time
	}
}

// AddSession takes a session without samples, so that it is counted.
func (a *Meeting) AddSession(s *store.Session) {
	if p := a.opts.Participant; p != "" && s.Participant != p && s.UserName != p {
		return
	}
	a.finishSession()
	a.acc.start(s)
	a.open = true
}

// finishSession closes the current session: its figures, windows and
// minutes go into the meeting's.
func (a *Meeting) finishSession() {
	if !a.open {
		return
	}
	a.open = false
	acc := a.acc
	var q [2]Quality
	sr := SessionResult{
		Participant: acc.sess.Participant, Session: joinTime(acc.sess.JoinTime), UserName: acc.sess.UserName,
		Device: acc.sess.Device, Location: acc.sess.Location, NetworkType: acc.sess.NetworkType,
		DataCenter: acc.sess.DataCenter, Version: acc.sess.Version,
		Samples: acc.samples, Streams: streamStats(&acc.dists), MOS: statsPtr(&acc.mosAll),
		MOSQuality: map[string]Quality{}, Degraded: shares(&acc.present, &acc.degraded),
		Resolutions: resolutionShares(&acc.res),
	}
	for i, st := range audioStreams {
		med := acc.mos[i].Quantiles(0.5)
		q[i] = bucket(firstOr(med), med != nil)
		sr.MOSQuality[st.String()] = q[i]
	}
	if acc.samples > 0 {
		sr.DegradedShare = float64(acc.degradedAny) / float64(acc.samples)
	}
	idx := len(a.res.SessionResults)
	a.res.SessionResults = append(a.res.SessionResults, sr)
	a.res.Windows = append(a.res.Windows, acc.windows()...)
	a.pool.add(acc, q)
	a.parts[acc.sess.Participant] = true
	for _, mk := range acc.minutes {
		mc := a.minutes[mk.minute]
		if mc == nil {
			mc = &minuteCount{}
			a.minutes[mk.minute] = mc
		}
		mc.active++
		if mk.degraded {
			mc.degraded++
			mc.sessions = append(mc.sessions, idx)
		}
	}
}

func firstOr(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return v[0]
}

// Result finishes the analysis.
func (a *Meeting) Result() *MeetingResult {
	a.finishSession()
	r := &a.res
	r.Meeting, r.Topic, r.Type = a.meeting.ID, a.meeting.Topic, a.meeting.Type
	if !a.first.IsZero() {
		f, l := a.first.UTC(), a.last.UTC()
		r.Start, r.End = &f, &l
	}
	r.Participants, r.Sessions, r.Samples = len(a.parts), a.pool.sessions, a.pool.samples
	r.Thresholds = a.opts.Thresholds
	r.Streams = streamStats(&a.pool.dists)
	r.MOS = statsPtr(&a.pool.mos)
	r.MOSQuality = a.pool.qualityShares()
	r.Degraded = shares(&a.pool.present, &a.pool.degraded)
	if a.pool.samples > 0 {
		r.DegradedShare = float64(a.pool.degradedAny) / float64(a.pool.samples)
	}
	r.Resolutions = resolutionShares(&a.pool.res)
	sortWindows(r.Windows)
	r.Incidents = incidents(a.minutes)
	if r.SessionResults == nil {
		r.SessionResults = []SessionResult{}
	}
	if r.Windows == nil {
		r.Windows = []Window{}
	}
	return r
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

// AnalyzeMeeting analyses a meeting's sessions and samples held in memory.
func AnalyzeMeeting(m store.Meeting, sessions []store.SessionSamples, opts Options) *MeetingResult {
	a := NewMeeting(m, opts)
	for i := range sessions {
		s := &sessions[i]
		if len(s.Samples) == 0 {
			a.AddSession(&s.Session)
		}
		for j := range s.Samples {
			a.Add(&s.Session, &s.Samples[j])
		}
	}
	return a.Result()
}
