package analyze

import (
	"math"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// shifted moves a meeting's sessions and samples by d.
func shifted(ss []store.SessionSamples, d time.Duration) []store.SessionSamples {
	for i := range ss {
		ss[i].Session.JoinTime = ss[i].Session.JoinTime.Add(d)
		smps := make([]store.Sample, len(ss[i].Samples))
		for j, s := range ss[i].Samples {
			smps[j] = store.Sample{Time: s.Time.Add(d), Values: s.Values}
		}
		ss[i].Samples = smps
	}
	return ss
}

// Three meetings over two days of a three-day period: the headline counts
// sessions, people and degraded minutes; the trend has a point a day; the
// roll-up by data center puts the planted one first, explaining all of the
// first meeting's degraded time; the person degraded in both meetings they
// attended comes first among the people; the incident of the third
// meeting is listed with its why.
func TestPeriod(t *testing.T) {
	day := 24 * time.Hour
	from := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	p := NewPeriod(from, from.Add(3*day), PeriodOptions{})
	// A: 10 of 30 degraded for 6 minutes, all in Singapore.
	a := whyMeeting(30, func(i int) bool { return i%3 == 0 }, func(i int, s *store.Session) {
		if i%3 == 0 {
			s.DataCenter = "SC (Singapore)"
		}
	})
	p.AddMeeting(store.Meeting{ID: "A", Topic: "Standup"}, a)
	// B, the next day: 20 of 30 degraded, a meeting-wide incident.
	b := shifted(whyMeeting(30, func(i int) bool { return i < 20 }, nil), day)
	p.AddMeeting(store.Meeting{ID: "B", Topic: "All hands"}, b)
	// C, a meeting with no samples, adds nothing.
	p.AddMeeting(store.Meeting{ID: "C"}, nil)
	r := p.Result(&Headline{Meetings: 1})

	h := r.Headline
	if h.Meetings != 2 || h.Sessions != 60 || h.Participants != 30 || h.Samples != 1800 {
		t.Errorf("headline %+v: want 2 meetings, 60 sessions, 30 people, 1800 samples", h)
	}
	if h.DegradedSamples != 6*30 || math.Abs(h.Degraded-0.1) > 1e-12 || h.DegradedSessions != 30 {
		t.Errorf("degraded %d samples (%.4f), %d sessions; want 180 (0.1), 30", h.DegradedSamples, h.Degraded, h.DegradedSessions)
	}
	if h.SessionHours != 30 || h.Incidents != 1 || math.Abs(h.WorstMeeting-0.1333333333) > 1e-6 {
		t.Errorf("hours %v, incidents %d, worst %v", h.SessionHours, h.Incidents, h.WorstMeeting)
	}
	if r.Previous == nil || r.Previous.Meetings != 1 || r.Bucket != "day" {
		t.Errorf("previous %+v, bucket %q", r.Previous, r.Bucket)
	}
	if len(r.Trend) != 3 || r.Trend[0].Sessions != 30 || r.Trend[1].Sessions != 30 || r.Trend[2].Degraded != nil ||
		!r.Trend[1].Start.Equal(from.Add(day)) {
		t.Errorf("trend %+v", r.Trend)
	}
	if got := *r.Trend[0].Degraded; math.Abs(got-60.0/900) > 1e-12 {
		t.Errorf("first day degraded %v, want %v", got, 60.0/900)
	}

	var dc *Rollup
	for i := range r.Where {
		if r.Where[i].By == ByDataCenter {
			dc = &r.Where[i]
		}
	}
	if dc == nil || len(r.Where) != len(Splits) {
		t.Fatalf("where %+v", r.Where)
	}
	// Singapore: 10 sessions, 60 degraded minutes; the planted data center
	// is not the one explaining most: B's 120 degraded minutes fall on the
	// four others (30 each). The sort is by degraded time explained.
	var sg *WhereGroup
	for i := range dc.Groups {
		if dc.Groups[i].Group == "SC (Singapore)" {
			sg = &dc.Groups[i]
		}
	}
	if sg == nil || sg.Sessions != 10 || sg.DegradedSamples != 60 || math.Abs(sg.Explains-60.0/180) > 1e-12 ||
		math.Abs(sg.Difference-(0.2-0.1)) > 1e-12 {
		t.Errorf("Singapore %+v", sg)
	}
	if dc.Groups[0].Group != "SC (Singapore)" {
		t.Errorf("first data center %q, want the one explaining most", dc.Groups[0].Group)
	}

	if len(r.Worst) != 2 || r.Worst[0].Meeting != "B" || r.Worst[0].DegradedSessions != 20 || r.Worst[0].Incidents != 1 {
		t.Errorf("worst %+v", r.Worst)
	}
	// Person 0 is degraded in both (0 % 3, 0 < 20); Person 1 only in B.
	// Without a Zoom id or an e-mail, people are known by name.
	if len(r.People) == 0 || r.People[0].DegradedMeetings != 2 || r.People[0].Meetings != 2 {
		t.Fatalf("people %+v", r.People)
	}
	first := r.People[0]
	if first.Key != "Person 0" || first.Name != "Person 0" || first.Device != "Windows" || first.Location != "Berlin" {
		t.Errorf("first person %+v", first)
	}
	if len(r.Incidents) != 1 || r.Incidents[0].Meeting != "B" || r.Incidents[0].Why == nil {
		t.Errorf("incidents %+v", r.Incidents)
	}
}

// A period past 60 days is drawn a week a point, weeks from Monday; a
// meeting is counted in the bucket of its start in the period's zone.
func TestPeriodWeeks(t *testing.T) {
	from := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC) // a Tuesday
	to := from.AddDate(0, 3, 0)
	p := NewPeriod(from, to, PeriodOptions{})
	r := p.Result(nil)
	if r.Bucket != "week" || r.Trend[0].Start.Weekday() != time.Monday || !r.Trend[0].Start.Equal(from.AddDate(0, 0, -1)) {
		t.Errorf("bucket %q, first %v", r.Bucket, r.Trend[0].Start)
	}
	if n := len(r.Trend); n != 14 {
		t.Errorf("%d weeks, want 14", n)
	}
	if r.Headline.MOS != nil || r.Previous != nil || r.Headline.Meetings != 0 {
		t.Errorf("an empty period: %+v", r.Headline)
	}

	// In Kolkata (+05:30) a meeting at 20:00 UTC starts the next day.
	zone := time.FixedZone("IST", 5*3600+1800)
	from = time.Date(2026, 11, 20, 0, 0, 0, 0, zone)
	p = NewPeriod(from, from.AddDate(0, 0, 2), PeriodOptions{Zone: zone})
	m := shifted(whyMeeting(3, func(int) bool { return false }, nil), 10*time.Hour) // 20:00 UTC
	p.AddMeeting(store.Meeting{ID: "late"}, m)
	r = p.Result(nil)
	if r.Trend[0].Sessions != 0 || r.Trend[1].Sessions != 3 {
		t.Errorf("trend in +05:30: %+v", r.Trend)
	}
}
