package email

import (
	"bytes"
	stdhtml "html"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// A meeting at 01:30 on 21 November in Kolkata, still the 20th in UTC:
// the subject, the text and the HTML say Kolkata's day and times, in IST,
// and name the zone.
func TestEmailInZone(t *testing.T) {
	doc := reporttest.ReportAt(reporttest.KolkataStart, 8, 30)
	kolkata := reporttest.Zone(t, "Asia/Kolkata")
	msg, err := mail.ReadMessage(bytes.NewReader(writeEmail(t, doc, Options{Location: kolkata})))
	if err != nil {
		t.Fatal(err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || !strings.Contains(subj, " on 21 Nov: ") {
		t.Errorf("subject %q (%v), want Kolkata's day, 21 Nov", subj, err)
	}
	if got := Subject(doc.Result, kolkata); got != subj {
		t.Errorf("Subject = %q, the message's is %q", got, subj)
	}
	alt := parseMIME(t, msg.Header, msg.Body).Parts[0].Parts[0]
	text, html := string(alt.Parts[0].Body), stdhtml.UnescapeString(string(alt.Parts[1].Body))
	incident := report.Clock.FormatIn(doc.Result.Incidents[0].Start, kolkata) + "-" + report.Clock.FormatIn(doc.Result.Incidents[0].End, kolkata)
	for part, body := range map[string]string{"text": text, "HTML": html} {
		if !regexp.MustCompile(`Sat 21 Nov 2026 01:3\d IST – 02:0\d IST`).MatchString(body) {
			t.Errorf("the %s part does not give the meeting's span in Kolkata's time:\n%s", part, body)
		}
		if !strings.Contains(body, "Times in Asia/Kolkata (IST, UTC+05:30)") {
			t.Errorf("the %s part does not name the zone", part)
		}
		if utc := regexp.MustCompile(`\d\d:\d\d UTC`).FindString(body); utc != "" {
			t.Errorf("the %s part writes a time in UTC: %s", part, utc)
		}
	}
	if !strings.Contains(text, "  "+incident+": ") {
		t.Errorf("the text part has no incident at %s:\n%s", incident, text)
	}
}

// The PNG charts' time axis: New York's clock times across the change to
// summer time, the zone named under it.
func TestEmailChartAxisInZone(t *testing.T) {
	doc := reporttest.ReportAt(reporttest.DSTStart, 8, 90)
	ticks := func(loc string) (string, []string) {
		v := report.NewView(doc, nil)
		if loc != "" {
			v = report.NewView(doc, reporttest.Zone(t, loc))
		}
		p := pictures{v}.qualityPlot()
		var labels []string
		for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		return p.X.Label.Text, labels
	}
	name, labels := ticks("America/New_York")
	if name != "America/New_York (EST, then EDT)" {
		t.Errorf("the axis is named %q", name)
	}
	all := " " + strings.Join(labels, " ")
	if len(labels) < 3 || strings.Contains(all, " 02:") || !strings.Contains(all, " 01:") || !strings.Contains(all, " 03:") {
		t.Errorf("the axis reads %v: want New York's times, 01:xx then 03:xx, never 02:xx", labels)
	}
	if name, labels := ticks(""); name != "UTC" || !strings.HasPrefix(labels[0], "06:") {
		t.Errorf("in UTC the axis is named %q and reads %v", name, labels)
	}
}
