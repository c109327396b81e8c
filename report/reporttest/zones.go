package reporttest

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests' zones, on machines without /usr/share/zoneinfo

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

// Meetings at moments that test the time zones a report is shown in.
var (
	// DSTStart is 01:30 EST in New York on 8 March 2026: a meeting of 90
	// minutes from it ends at 04:00 EDT, its clocks moved on from 02:00
	// to 03:00 at 07:00 UTC.
	DSTStart = time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC)
	// KolkataStart is 01:30 on 21 November in Kolkata (UTC+05:30), still
	// 20 November in UTC.
	KolkataStart = time.Date(2026, 11, 20, 20, 0, 0, 0, time.UTC)
)

// Zone loads an IANA zone, or fails the test.
func Zone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// MeetingAt is Meeting(n, minutes) moved to start at start.
func MeetingAt(start time.Time, n, minutes int) (store.Meeting, []store.SessionSamples) {
	m, sessions := Meeting(n, minutes)
	d := start.Sub(Start)
	for i := range sessions {
		s := &sessions[i]
		s.Session.JoinTime, s.Session.LeaveTime = s.Session.JoinTime.Add(d), s.Session.LeaveTime.Add(d)
		for k := range s.Samples {
			s.Samples[k].Time = s.Samples[k].Time.Add(d)
		}
	}
	return m, sessions
}

// ReportAt is Report(n, minutes) moved to start at start, generated a
// day after it.
func ReportAt(start time.Time, n, minutes int) *report.Meeting {
	m, sessions := MeetingAt(start, n, minutes)
	doc := Document(m, sessions, false)
	doc.Generated = start.Add(24 * time.Hour)
	return doc
}
