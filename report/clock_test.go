package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// Every layout writes the time in UTC, whatever zone it comes in, and an
// unknown (zero) time as "-".
func TestTimeLayouts(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	at := time.Date(2026, 11, 20, 15, 4, 9, 500_000_000, berlin) // 14:04:09.5 UTC
	for _, c := range []struct {
		layout report.TimeLayout
		want   string
	}{
		{report.Clock, "14:04"},
		{report.ClockZone, "14:04 UTC"},
		{report.ClockSeconds, "14:04:09"},
		{report.DayClock, "2026-11-20 14:04"},
		{report.Stamp, "2026-11-20 14:04 UTC"},
		{report.MailStamp, "Fri 20 Nov 2026 14:04 UTC"},
		{report.MailDay, "20 Nov"},
		{report.RFC3339, "2026-11-20T14:04:09Z"},
	} {
		t.Run(string(c.layout), func(t *testing.T) {
			if got := c.layout.Format(at); got != c.want {
				t.Errorf("Format = %q, want %q", got, c.want)
			}
			if got := c.layout.FormatIn(at, nil); got != c.want {
				t.Errorf("FormatIn(nil) = %q, want %q", got, c.want)
			}
			if got := c.layout.Format(time.Time{}); got != "-" {
				t.Errorf("Format(zero) = %q, want \"-\"", got)
			}
		})
	}
}

// In a chosen zone, each time in the offset it had then, which the
// stamps name: New York's clocks jump from 02:00 EST to 03:00 EDT.
func TestTimeLayoutsInZone(t *testing.T) {
	ny, kolkata := reporttest.Zone(t, "America/New_York"), reporttest.Zone(t, "Asia/Kolkata")
	before := time.Date(2026, 3, 8, 6, 59, 0, 0, time.UTC)
	for _, c := range []struct {
		layout report.TimeLayout
		t      time.Time
		loc    *time.Location
		want   string
	}{
		{report.Stamp, before, ny, "2026-03-08 01:59 EST"},
		{report.Stamp, before.Add(time.Minute), ny, "2026-03-08 03:00 EDT"},
		{report.ClockSeconds, before.Add(90 * time.Second), ny, "03:00:30"},
		{report.MailStamp, reporttest.KolkataStart, kolkata, "Sat 21 Nov 2026 01:30 IST"},
		{report.MailDay, reporttest.KolkataStart, kolkata, "21 Nov"},
		{report.RFC3339, reporttest.KolkataStart, kolkata, "2026-11-21T01:30:00+05:30"},
	} {
		if got := c.layout.FormatIn(c.t, c.loc); got != c.want {
			t.Errorf("%s in %s: %q, want %q", c.layout, c.loc, got, c.want)
		}
	}
}

func TestZoneName(t *testing.T) {
	ny, kolkata := reporttest.Zone(t, "America/New_York"), reporttest.Zone(t, "Asia/Kolkata")
	dubai := reporttest.Zone(t, "Asia/Dubai") // whose abbreviation is its offset
	winter := time.Date(2026, 1, 10, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		loc      *time.Location
		from, to time.Time
		want     string
	}{
		{nil, winter, winter, "UTC"},
		{time.UTC, winter, winter, "UTC"},
		{reporttest.Zone(t, "Europe/Berlin"), winter, winter.Add(time.Hour), "Europe/Berlin (CET, UTC+01:00)"},
		{kolkata, winter, winter, "Asia/Kolkata (IST, UTC+05:30)"},
		{dubai, winter, winter, "Asia/Dubai (UTC+04:00)"},
		{ny, reporttest.DSTStart, reporttest.DSTStart.Add(90 * time.Minute),
			"America/New_York (EST, UTC-05:00; EDT, UTC-04:00 from 03:00 on 8 Mar)"},
		{ny, reporttest.DSTStart, reporttest.DSTStart.Add(20 * time.Minute), "America/New_York (EST, UTC-05:00)"},
	} {
		if got := report.ZoneName(c.loc, c.from, c.to); got != c.want {
			t.Errorf("ZoneName = %q, want %q", got, c.want)
		}
	}
}

// The terminal table of a meeting in Kolkata: its times in IST, the day
// after the UTC day, the zone named under the title; in UTC, no such line
// (every stamp says UTC).
func TestMeetingTableInZone(t *testing.T) {
	m, sessions := reporttest.MeetingAt(reporttest.KolkataStart, 8, 30)
	r := analyze.AnalyzeMeeting(m, sessions, analyze.Options{Thresholds: analyze.DefaultThresholds()})
	table := func(loc *time.Location) string {
		var b strings.Builder
		if err := report.WriteMeetingTable(&b, r, loc); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	utc, ist := table(nil), table(reporttest.Zone(t, "Asia/Kolkata"))
	lines := strings.Split(ist, "\n")
	if !strings.HasPrefix(lines[1], "2026-11-21 01:3") || !strings.Contains(lines[1], " IST to 2026-11-21 02:") {
		t.Errorf("the span in Kolkata: %q", lines[1])
	}
	if lines[2] != "Times in Asia/Kolkata (IST, UTC+05:30)" {
		t.Errorf("the zone line: %q", lines[2])
	}
	if l := strings.Split(utc, "\n"); !strings.HasPrefix(l[1], "2026-11-20 20:0") || strings.HasPrefix(l[2], "Times in") {
		t.Errorf("in UTC:\n%s\n%s", l[1], l[2])
	}
	// The incidents and windows: every time of day moved on by 5:30.
	incident := r.Incidents[0]
	want := report.Clock.FormatIn(incident.Start, reporttest.Zone(t, "Asia/Kolkata")) + "-"
	if !strings.Contains(ist, "Why "+want) {
		t.Errorf("no incident at %s in Kolkata:\n%s", want, ist)
	}
	if strings.Contains(ist, "Why "+report.Clock.Format(incident.Start)+"-") {
		t.Errorf("an incident in UTC in Kolkata's table:\n%s", ist)
	}
}

// Across the end of summer time, times of day carry their abbreviation,
// so that an incident from 01:50 EDT to 01:11 EST does not read as
// running backwards; a meeting within one offset keeps them short.
func TestTimesAcrossADSTChange(t *testing.T) {
	ny := reporttest.Zone(t, "America/New_York")
	change := time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC) // 02:00 EDT becomes 01:00 EST
	if got := report.Clock.Within(ny, change.Add(-time.Hour), change.Add(time.Hour)); got != "15:04 MST" {
		t.Errorf("across the change: %q", got)
	}
	if got := report.Clock.Within(ny, change.Add(time.Hour), change.Add(2*time.Hour)); got != report.Clock {
		t.Errorf("after it: %q", got)
	}
	if got := report.Clock.Within(nil, change.Add(-time.Hour), change.Add(time.Hour)); got != report.Clock {
		t.Errorf("in UTC: %q", got)
	}

	// The analyze table of a meeting from 01:00 EDT to 01:30 EST (90
	// minutes): its incident and windows say which 01:xx they are.
	m, sessions := reporttest.MeetingAt(change.Add(-time.Hour), 8, 90)
	r := analyze.AnalyzeMeeting(m, sessions, analyze.Options{Thresholds: analyze.DefaultThresholds()})
	var b strings.Builder
	if err := report.WriteMeetingTable(&b, r, ny); err != nil {
		t.Fatal(err)
	}
	if len(r.Incidents) == 0 {
		t.Fatal("no incident to show")
	}
	in := r.Incidents[0]
	want := "Why " + in.Start.In(ny).Format("15:04 MST") + "-" + in.End.In(ny).Format("15:04 MST") + ":"
	if !strings.Contains(b.String(), want) {
		t.Errorf("the table lacks %q:\n%s", want, b.String())
	}
}
