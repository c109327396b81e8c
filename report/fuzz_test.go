package report_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The fuzz target gives the terminal tables any name and topic Zoom could
// send: go test ./report -run X -fuzz FuzzTerminalNames. (The page's,
// the e-mail's and the CSV's are FuzzReportNames in report/html,
// FuzzEmailNames in report/email and FuzzCSVText in report/export.)

// Whatever the name and topic, a terminal table has as many lines as with
// plain ones, none of them long, and nothing in it that moves text or
// commands the terminal.
func FuzzTerminalNames(f *testing.F) {
	reporttest.FuzzSeeds(f)
	m, sessions := reporttest.Meeting(3, 6)
	table := func(t testing.TB) string {
		var b bytes.Buffer
		if err := report.WriteMeetingTable(&b, analyze.AnalyzeMeeting(m, sessions, analyze.Options{}), nil); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	m.Topic = "Weekly"
	lines := strings.Count(table(f), "\n")
	f.Fuzz(func(t *testing.T, name, topic string) {
		m.Topic = topic
		sessions[0].Session.UserName = name
		sessions[1].Session.Location = name
		out := table(t)
		reporttest.Inert(t, "the table", out, "\n")
		if n := strings.Count(out, "\n"); n != lines {
			t.Fatalf("name %q, topic %q: %d lines, want %d", name, topic, n, lines)
		}
		for _, l := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(l); n > 2*report.DisplayLimit {
				t.Fatalf("name %q, topic %q: a line of %d characters", name, topic, n)
			}
		}
	})
}
