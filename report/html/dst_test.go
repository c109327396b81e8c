package html

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report/reporttest"
)

// A meeting across a change of summer time shows its times of day with
// their abbreviation in the tables and the incidents' names, so that
// 01:50 EST and 03:05 EDT read in order.
func TestTimesAcrossDSTInPage(t *testing.T) {
	ny := reporttest.Zone(t, "America/New_York")
	doc := reporttest.ReportAt(reporttest.DSTStart, 12, 90)
	if len(doc.Result.Incidents) == 0 {
		t.Fatal("no incident to show")
	}
	var page bytes.Buffer
	if err := WriteMeeting(&page, doc, Options{Location: ny}); err != nil {
		t.Fatal(err)
	}
	in := doc.Result.Incidents[0]
	for _, want := range []string{in.Start.In(ny).Format("15:04 MST"), in.End.In(ny).Format("15:04 MST")} {
		if !strings.Contains(page.String(), "<td>"+want+"</td>") {
			t.Errorf("the incidents table lacks %q", want)
		}
	}
	if !strings.Contains(page.String(), "incident "+in.Start.In(ny).Format("15:04 MST")+"–") {
		t.Error("the chart's incident band is not named with its abbreviation")
	}
}
