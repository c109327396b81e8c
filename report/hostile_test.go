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

// Terminal tables: no bidi control, escape or line break of a name reaches
// the terminal, and each row stays one line.
func TestTerminalTablesShowHostileTextInert(t *testing.T) {
	th := analyze.DefaultThresholds()
	table := func(topic string, names ...string) string {
		m, sessions := reporttest.Hostile(8, 20, topic, names...)
		m.Alerts = reporttest.Alerts(20, names...) // a row of Zoom's alerts, its words hostile too
		var buf bytes.Buffer
		if err := report.WriteMeetingTable(&buf, analyze.AnalyzeMeeting(m, sessions, analyze.Options{Thresholds: th}), nil); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	fleet := func(names ...string) string {
		_, sessions := reporttest.Hostile(8, 20, "", names...)
		f := analyze.NewFleet(analyze.ByDevice, analyze.Options{Thresholds: th}, 1)
		for _, s := range sessions {
			f.AddSession(0, "m", &s.Session, s.Samples)
		}
		var buf bytes.Buffer
		if err := report.WriteFleetTable(&buf, f.Result(reporttest.Start, reporttest.Start), nil); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	plain := []string{"Eve", "Mallory", "Trudy", "Oscar", "Peggy"}
	for _, c := range []struct {
		name         string
		hostile, ref string
	}{
		{"meeting", table("Weekly \u202Esync\x1b[2J\nsecond line", reporttest.HostileNames...), table("Weekly sync", plain...)},
		{"fleet", fleet(reporttest.HostileNames...), fleet(plain...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			reporttest.Inert(t, "the table", c.hostile, "\n")
			if got, want := strings.Count(c.hostile, "\n"), strings.Count(c.ref, "\n"); got != want {
				t.Errorf("%d lines, %d with plain names: a name broke a row\n%s", got, want, c.hostile)
			}
			if c.name == "meeting" && !strings.Contains(c.hostile, "Eve gnp.exe, Mallory␛]0;owned␇␛[2J, Trudy  FAKE ROW, ") {
				t.Errorf("the alerts' row does not show Zoom's words inert:\n%s", c.hostile)
			}
			if !strings.Contains(c.hostile, "Mallory␛]0;owned␇␛[2J") {
				t.Errorf("the escape sequence is not shown, visibly, as text:\n%s", c.hostile)
			}
		})
	}
}

// A string of 100 KB is cut in a terminal table as wherever it is shown;
// the analysis, like the store, keeps it whole.
func TestLongStringsAreCutWhereShown(t *testing.T) {
	long := strings.Repeat("Zoë Ω ab ", 100_000/11) // about 100 KB, spaces and all
	m, sessions := reporttest.Hostile(14, 40, long, long)
	doc := reporttest.Document(m, sessions, false)
	var tbl bytes.Buffer
	if err := report.WriteMeetingTable(&tbl, doc.Result, nil); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(tbl.String(), "\n") {
		if n := utf8.RuneCountInString(line); n > 2*report.DisplayLimit {
			t.Errorf("terminal table line %d has %d characters", i, n)
		}
	}
	// What is stored is whole: the analysis carries the name as it came.
	if doc.Result.SessionResults[0].UserName != long {
		t.Error("the analysis lost the long name")
	}
}
