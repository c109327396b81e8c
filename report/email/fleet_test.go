package email

import (
	"bytes"
	"image/png"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
)

// fleetOf analyses meetings as a period of three days from
// reporttest.Start's, each meeting moved by its index in days.
func fleetOf(t testing.TB, previous *analyze.Headline, meetings ...func() (store.Meeting, []store.SessionSamples)) *report.Fleet {
	t.Helper()
	day := reporttest.Start.Truncate(24 * time.Hour)
	p := analyze.NewPeriod(day, day.AddDate(0, 0, 3), analyze.PeriodOptions{})
	for i, mk := range meetings {
		m, ss := mk()
		for j := range ss {
			ss[j].Session.JoinTime = ss[j].Session.JoinTime.AddDate(0, 0, i)
			for k := range ss[j].Samples {
				ss[j].Samples[k].Time = ss[j].Samples[k].Time.AddDate(0, 0, i)
			}
		}
		p.AddMeeting(m, ss)
	}
	return &report.Fleet{Result: p.Result(previous), Generated: time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC), Version: "test"}
}

// The digest: the headline against the previous period, the worst meeting
// first, the people, the incident with its why, a trend chart, the fleet
// report attached; hostile names arrive as text.
func TestFleetEmail(t *testing.T) {
	prevMOS := 4.4
	f := fleetOf(t, &analyze.Headline{Meetings: 1, Participants: 10, Samples: 600, SessionHours: 10, DegradedSamples: 6, Degraded: 0.01, MOS: &prevMOS},
		reporttest.Planted,
		func() (store.Meeting, []store.SessionSamples) {
			return reporttest.Hostile(6, 40, "Q3 "+reporttest.HostileScript, reporttest.HostileImg)
		})
	f.Since = time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	err := WriteFleet(&buf, f, Options{To: []*mail.Address{{Address: "ops@example.com"}}, Report: []byte("<html>fleet</html>"), ReportName: "digest.html"})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if !strings.HasPrefix(subj, "zoomqos digest, 20 – 22 Nov 2026: 2 meetings, ") || !strings.HasSuffix(subj, "degraded (+12.5 pts)") {
		t.Errorf("subject %q", subj)
	}
	root := parseMIME(t, msg.Header, msg.Body)
	related := root.Parts[0]
	text := strings.ReplaceAll(string(related.Parts[0].Parts[0].Body), "\r\n", "\n")
	html := string(related.Parts[0].Parts[1].Body)
	if len(related.Parts) != 2 || related.Parts[1].Type != "image/png" {
		t.Fatalf("want the text, the HTML and one chart; got %d parts", len(related.Parts))
	}
	if _, err := png.Decode(bytes.NewReader(related.Parts[1].Body)); err != nil {
		t.Errorf("the trend chart does not decode: %v", err)
	}
	if string(root.Parts[1].Body) != "<html>fleet</html>" {
		t.Error("the fleet report is not attached as it was given")
	}
	for _, want := range []string{
		"What was collected since Fri 20 Nov 06:00 UTC:",
		"Times are in UTC.",
		"  Fri 20 Nov 14:10 – 14:16 UTC  Planted: 16 sessions, peak 66.7%",
		"Meetings                      2   ▲ +1 (+100.0%)",
		"Session time degraded     13.5%   ▲ +12.5 pts (from 1.0%)",
		"Median MOS",
		"WORST MEETINGS\n  Sat 21 Nov 14:02 UTC  Meeting 86000000042 · Q3 " + reporttest.HostileScript + "\n    14.2% degraded, 6 of 6 sessions, MOS 4.35, 1 incident\n",
		"16 of 24 sessions",
		"Person 0: degraded in 1 of 1 meeting",
		"Why: data center \"" + reporttest.PlantedDataCenter + "\": 16 of 16 affected, 0 of 8 unaffected",
		"Data center " + reporttest.PlantedDataCenter + ": 73.8% of the degraded time, 20.0% of its session time degraded (+6.5 pts on the fleet)",
		"digest.html",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text part lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"<script", "<style", "http://", "https://", "data:", reporttest.HostileScript, reporttest.HostileImg} {
		if strings.Contains(html, bad) {
			t.Errorf("the HTML body holds %q", bad)
		}
	}
	if !strings.Contains(html, "&lt;/script&gt;") {
		t.Error("the hostile topic is not in the HTML body as text")
	}
	// The worse degraded share is red, the better MOS... whichever way
	// they went, they are coloured as better or worse.
	if !strings.Contains(html, "color:#a11b1c;font-weight:bold;\">▲ &#43;12.5 pts (from 1.0%)") {
		t.Errorf("a worse degraded share is not shown as worse:\n%s", html)
	}
}

// With no earlier meetings the summary says there is nothing to compare
// with, and a period of one meeting says "1 meeting".
func TestFleetEmailAlone(t *testing.T) {
	f := fleetOf(t, nil, reporttest.Planted)
	var buf bytes.Buffer
	if err := WriteFleet(&buf, f, Options{}); err != nil {
		t.Fatal(err)
	}
	msg, _ := mail.ReadMessage(bytes.NewReader(buf.Bytes()))
	subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if !strings.HasPrefix(subj, "Fleet 20 – 22 Nov 2026: 1 meeting, ") || strings.Contains(subj, "pts") {
		t.Errorf("subject %q", subj)
	}
	if !strings.Contains(buf.String(), "(no earlier meetings to compare with)") {
		t.Error("no word that there is nothing to compare with")
	}
}
