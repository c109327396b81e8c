package email

import (
	"bytes"
	"testing"

	"github.com/zoomqos/zoomqos/report/html"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// countWriter counts what is written to it.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkMeetingEmail is the e-mail summary of the 300 × 480 meeting,
// its three PNG charts drawn, the report attached.
func BenchmarkMeetingEmail(b *testing.B) {
	doc := reporttest.Report(300, 480)
	var rep bytes.Buffer
	if err := html.WriteMeeting(&rep, doc, html.Options{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var size int64
	for b.Loop() {
		var w countWriter
		if err := WriteMeeting(&w, doc, Options{Report: rep.Bytes(), ReportName: "r.html"}); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size)/(1<<20), "MB")
}
