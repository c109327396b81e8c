package report

import (
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
)

// synthReport analyses a synthetic meeting into a report's input.
func synthReport(tb testing.TB, n, minutes int) *Meeting {
	tb.Helper()
	m, sessions := reporttest.Meeting(n, minutes)
	return meetingOf(m, sessions, false)
}

func meetingOf(m store.Meeting, sessions []store.SessionSamples, redacted bool) *Meeting {
	th := analyze.DefaultThresholds()
	doc := &Meeting{
		Result:    analyze.AnalyzeMeeting(m, sessions, analyze.Options{Thresholds: th}),
		Timeline:  analyze.NewTimeline(sessions, th),
		Generated: reporttest.Start.Add(24 * time.Hour),
		Redacted:  redacted,
		Version:   "test",
	}
	for i := range sessions {
		doc.Sessions = append(doc.Sessions, sessions[i].Session)
	}
	return doc
}
