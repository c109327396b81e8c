package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The table says why the incident happened: what breached by how much,
// and the data center every affected session shared; a window names it
// in its row.
func TestTableSaysWhy(t *testing.T) {
	m, sessions := reporttest.Planted()
	var b bytes.Buffer
	if err := report.WriteMeetingTable(&b, analyze.AnalyzeMeeting(m, sessions, analyze.Options{}), nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Why 14:10-14:16: audio_input latency_ms up to 400 (threshold 150) in 16 sessions",
		`data center "SC (Singapore)": 16 of 16 affected, 0 of 8 unaffected (p 1.4e-06)`,
		"data center SC (Singapore) (16/16)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the table does not say %q:\n%s", want, out)
		}
	}
}
