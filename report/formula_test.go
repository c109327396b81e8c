package report_test

import (
	"bytes"
	"testing"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The analysis's CSV, of a meeting and of a fleet, guards every text cell
// from Zoom against spreadsheet formulas; numbers, negative ones too, stay
// numbers.
func TestCSVGuardsFormulas(t *testing.T) {
	m, sessions := reporttest.FormulaSessions(t)

	t.Run("analyze", func(t *testing.T) {
		var b bytes.Buffer
		if err := report.WriteMeetingCSV(&b, analyze.AnalyzeMeeting(m, sessions, analyze.Options{})); err != nil {
			t.Fatal(err)
		}
		rows := reporttest.ReadCSV(t, b.Bytes())
		reporttest.CheckGuarded(t, rows, []string{"meeting", "participant", "user_name"}, "min")
	})
	t.Run("analyze fleet", func(t *testing.T) {
		f := analyze.NewFleet(analyze.ByDevice, analyze.Options{}, 1)
		for _, s := range sessions {
			f.AddSession(0, m.ID, &s.Session, s.Samples)
		}
		var b bytes.Buffer
		if err := report.WriteFleetCSV(&b, f.Result(reporttest.Start, reporttest.Start)); err != nil {
			t.Fatal(err)
		}
		reporttest.CheckGuarded(t, reporttest.ReadCSV(t, b.Bytes()), []string{"group"}, "min")
	})
}
