package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// A webinar is a webinar in the terminal table; nothing calls it a
// meeting.
func TestWebinarIsCalledWebinar(t *testing.T) {
	m, sessions := reporttest.Webinar()
	var tbl bytes.Buffer
	if err := report.WriteMeetingTable(&tbl, analyze.AnalyzeMeeting(m, sessions, analyze.Options{}), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tbl.String(), "Webinar 86000000042 (Town hall)\n") {
		t.Errorf("the table begins %q", strings.SplitN(tbl.String(), "\n", 2)[0])
	}
	reporttest.NotAMeeting(t, "table", tbl.String())
}
