package fakezoom

import (
	"encoding/base64"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"
)

// world is the fake account's meetings, generated from the options' seed.
type world struct {
	opts     Options
	meetings []*meeting
	byKey    map[string]*meeting // by UUID and by "webinar:"/"meeting:" number
}

// meeting is one meeting or webinar instance.
type meeting struct {
	MeetingSpec
	index     int
	end       time.Time
	seed      uint64
	longTimes bool // date_time with seven fractional digits and +00:00
	incident  bool // a meeting-wide episode: most sessions suffer at once

	once     sync.Once
	sessions []session
	people   []person

	// The per-minute classes behind Zoom's ratings, worked out once per
	// session when first asked for (see quality.go).
	classOnce []sync.Once
	classes   [][]minuteClass
}

// session is one join of one person.
type session struct {
	person      int
	n           int // 0 first join, 1 the rejoin
	idx         int // its index in meeting.sessions
	userID      string
	join, leave time.Time
}

// rng returns a generator seeded by the world's seed and the given parts,
// so that every value can be made again on its own: pages, in any order, at
// any time, give the same bytes.
func rng(seed uint64, parts ...uint64) *rand.Rand {
	h := fnv.New64a()
	var b [8]byte
	for _, p := range append([]uint64{seed}, parts...) {
		for i := range b {
			b[i] = byte(p >> (8 * i))
		}
		h.Write(b[:])
	}
	s := h.Sum64()
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

var topics = []string{"Weekly sync", "All hands", "Design review", "Customer call: Müller & Söhne", "1:1",
	"Incident review", "Sprint planning", "Board meeting", "Onboarding", "Quarterly business review"}

func newWorld(o Options) *world {
	w := &world{opts: o, byKey: map[string]*meeting{}}
	specs := o.Meetings
	if specs == nil {
		specs = schedule(o)
	}
	for i, spec := range specs {
		r := rng(o.Seed, 1, uint64(i))
		m := &meeting{MeetingSpec: spec, index: i, seed: r.Uint64()}
		if m.UUID == "" {
			m.UUID = meetingUUID(r, i)
		}
		if m.ID == 0 {
			m.ID = 81000000000 + int64(r.IntN(9999999999))
		}
		if m.Topic == "" {
			m.Topic = topics[r.IntN(len(topics))]
		}
		if m.Duration <= 0 {
			m.Duration = time.Hour
		}
		m.Start = m.Start.UTC()
		m.end = m.Start.Add(m.Duration)
		m.longTimes = i%4 == 3
		m.incident = i%3 == 0
		w.meetings = append(w.meetings, m)
		w.byKey[m.UUID] = m
		// A meeting number addresses its latest instance.
		key := numberKey(m.Webinar, strconv.FormatInt(m.ID, 10))
		if old := w.byKey[key]; old == nil || old.Start.Before(m.Start) {
			w.byKey[key] = m
		}
	}
	return w
}

func numberKey(webinar bool, id string) string {
	if webinar {
		return "webinar:" + id
	}
	return "meeting:" + id
}

// lookup finds a meeting by UUID or number.
func (w *world) lookup(webinar bool, id string) *meeting {
	if m := w.byKey[id]; m != nil && m.Webinar == webinar {
		return m
	}
	return w.byKey[numberKey(webinar, id)]
}

// schedule spreads the past meetings, webinars and one-person meetings
// over the four weeks before the epoch and starts the live meetings a few
// minutes before it.
func schedule(o Options) []MeetingSpec {
	r := rng(o.Seed, 0)
	var specs []MeetingSpec
	// Two people at least: Zoom lists a meeting of one under pastOne, not past.
	people := func() int { return max(2, o.Participants/2+r.IntN(o.Participants+1)) }
	// pastStart spreads n past meetings over the 28 days before the epoch,
	// each in working hours, on the quarter hour.
	pastStart := func(i, n int) time.Time {
		day := 1 + i*27/max(1, n-1)
		return o.Epoch.Truncate(24*time.Hour).AddDate(0, 0, -day).Add(time.Duration(8+r.IntN(9))*time.Hour + time.Duration(r.IntN(4))*15*time.Minute)
	}
	for i := range o.PastMeetings {
		start := pastStart(i, o.PastMeetings)
		d := time.Duration(30+r.IntN(61)) * time.Minute
		if o.Minutes > 0 {
			d = time.Duration(o.Minutes) * time.Minute
		}
		specs = append(specs, MeetingSpec{Start: start, Duration: d, Participants: people()})
	}
	for i := range o.Webinars {
		day := 2 + i*25/max(1, o.Webinars)
		start := o.Epoch.Truncate(24*time.Hour).AddDate(0, 0, -day).Add(15 * time.Hour)
		d := 45 * time.Minute
		if o.Minutes > 0 {
			d = time.Duration(o.Minutes) * time.Minute
		}
		specs = append(specs, MeetingSpec{Webinar: true, Start: start, Duration: d, Participants: 2 * people(),
			Topic: "Webinar: product update"})
	}
	for i := range o.LiveMeetings {
		specs = append(specs, MeetingSpec{Start: o.Epoch.Add(-time.Duration(5+7*i) * time.Minute),
			Duration: time.Duration(30+15*i) * time.Minute, Participants: people()})
	}
	// Last, so that adding them leaves every other meeting as it was.
	for i := range o.PastOneMeetings {
		start := pastStart(i, o.PastOneMeetings)
		d := time.Duration(10+r.IntN(41)) * time.Minute
		if o.Minutes > 0 {
			d = time.Duration(o.Minutes) * time.Minute
		}
		specs = append(specs, MeetingSpec{Start: start, Duration: d, Participants: 1})
	}
	return specs
}

// meetingUUID makes a Zoom-like instance UUID: 16 bytes in base64. Some
// begin with "/" or hold "//", which clients must double-encode.
func meetingUUID(r *rand.Rand, i int) string {
	var b [16]byte
	for j := range b {
		b[j] = byte(r.Uint32())
	}
	u := []byte(base64.StdEncoding.EncodeToString(b[:]))
	switch i % 5 {
	case 1:
		u[0] = '/'
	case 2:
		u[5], u[6] = '/', '/'
	}
	return string(u)
}

// build makes the meeting's people and sessions, once.
func (m *meeting) build() {
	m.once.Do(func() {
		m.people = make([]person, m.Participants)
		for p := range m.people {
			r := rng(m.seed, 2, uint64(p))
			m.people[p] = newPerson(r, m, p)
			pr := &m.people[p]
			pr.extras(rng(m.seed, 4, uint64(p)), m, p)
			join := m.Start.Add(joinOffset(r, m.Duration))
			leave := m.end.Add(-time.Duration(r.IntN(120)) * time.Second)
			if r.IntN(10) == 0 {
				leave = join.Add(time.Duration(float64(leave.Sub(join)) * (0.3 + 0.5*r.Float64())))
			}
			uid := func(n int) string { return strconv.Itoa(16778240 + m.index*100000 + p*4 + n) }
			if r.IntN(8) == 0 && leave.Sub(join) > 10*time.Minute && !m.NoRejoins {
				// Leaves halfway and comes back a few minutes later: two sessions.
				mid := join.Add(leave.Sub(join) / 2)
				back := mid.Add(time.Duration(60+r.IntN(180)) * time.Second)
				m.sessions = append(m.sessions, session{person: p, userID: uid(0), join: join, leave: mid})
				if back.Before(leave) {
					m.sessions = append(m.sessions, session{person: p, n: 1, userID: uid(1), join: back, leave: leave})
					pr.rejoined = true
				}
				continue
			}
			m.sessions = append(m.sessions, session{person: p, userID: uid(0), join: join, leave: leave})
		}
		slices.SortStableFunc(m.sessions, func(a, b session) int {
			if c := a.join.Compare(b.join); c != 0 {
				return c
			}
			return a.person - b.person
		})
		for i := range m.sessions {
			m.sessions[i].idx = i
		}
		m.classOnce = make([]sync.Once, len(m.sessions))
		m.classes = make([][]minuteClass, len(m.sessions))
	})
}

// joinOffset: most join in the first minutes, some late.
func joinOffset(r *rand.Rand, d time.Duration) time.Duration {
	switch n := r.IntN(20); {
	case n < 16:
		return time.Duration(r.IntN(180)) * time.Second
	case n < 19:
		return time.Duration(180+r.IntN(720)) * time.Second
	default:
		return time.Duration(r.Int64N(int64(d / 2)))
	}
}

// live reports whether the meeting is running at t.
func (m *meeting) live(t time.Time) bool { return !t.Before(m.Start) && t.Before(m.end) }

// ended reports whether the meeting is over at t.
func (m *meeting) ended(t time.Time) bool { return !t.Before(m.end) }
