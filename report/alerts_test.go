package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// `zoomqos analyze --meeting` lists Zoom's alerts after the incidents,
// each with what zoomqos saw then, in --tz's zone; none, no section.
func TestMeetingTableShowsZoomsAlerts(t *testing.T) {
	table := func(doc *report.Meeting, zone string) string {
		var buf bytes.Buffer
		loc := reporttest.Zone(t, zone)
		if err := report.WriteMeetingTable(&buf, doc.Result, loc); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	m, sessions := reporttest.AlertedMeeting(8, 30)
	doc := reporttest.Document(m, sessions, false)
	in := doc.Result.Incidents[0]
	berlin := reporttest.Zone(t, "Europe/Berlin")
	got := table(doc, "Europe/Berlin")
	for _, want := range []string{
		"\nZoom's alerts: 3\nTIME      ZOOM SAYS                                       ZOOMQOS SAW\n",
		"\n14:55:00  Call Reconnection                               no samples then\n",
		"\n15:18:30  Unstable audio quality, Unstable video quality  during incident 1 (" +
			report.Clock.FormatIn(in.Start, berlin) + "–" + report.Clock.FormatIn(in.End, berlin) + ")\n",
		"\n15:03:10  High CPU occupation                             during a degradation window of 1 session (audio, video, screen share)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the table lacks %q:\n%s", want, got)
		}
	}
	if plain := table(reporttest.Report(8, 30), "UTC"); strings.Contains(plain, "alerts") {
		t.Errorf("a meeting without alerts has an alerts section:\n%s", plain)
	}
}
