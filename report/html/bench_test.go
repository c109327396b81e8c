package html

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/internal/browsertest"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// countWriter counts what is written to it.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkMeetingReport is the scale target: a 300-session ×
// 480-minute meeting analysed and written as HTML (the whole report but
// reading the store), with the file's size as a metric.
func BenchmarkMeetingReport(b *testing.B) {
	m, sessions := reporttest.Meeting(300, 480)
	b.ResetTimer()
	var size int64
	for b.Loop() {
		doc := reporttest.Document(m, sessions, false)
		var w countWriter
		if err := WriteMeeting(&w, doc, Options{}); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size)/(1<<20), "MB")
}

// BenchmarkMeetingHTML is the HTML alone, from an analysed meeting.
func BenchmarkMeetingHTML(b *testing.B) {
	doc := reporttest.Report(300, 480)
	b.ResetTimer()
	for b.Loop() {
		if err := WriteMeeting(io.Discard, doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReportInteractive opens the 300 × 480 report in headless
// Chromium and reports the page's own counts of milliseconds from
// navigation: until the first screen is drawn and the page answers
// input (ms-first-screen), and until every chart has drawn (ms-all-drawn).
func BenchmarkReportInteractive(b *testing.B) {
	ctx := browsertest.Start(b)
	path := writeReport(b, reporttest.Report(300, 480), Options{})
	var all, first float64
	n := 0
	for b.Loop() {
		var log browsertest.Log
		all += open(b, ctx, path, &log)
		first += browsertest.Eval[float64](b, ctx, `window.zoomqosFirstScreenMs`)
		n++
	}
	b.ReportMetric(first/float64(n), "ms-first-screen")
	b.ReportMetric(all/float64(n), "ms-all-drawn")
}

// BenchmarkReportLongName is the bad day: a 14-session meeting
// in which one participant's name is 100 KB long. It reports the file's
// size (bytes) and, in headless Chromium, the milliseconds until every
// chart has drawn (ms-all-drawn).
func BenchmarkReportLongName(b *testing.B) {
	m, sessions := reporttest.Meeting(14, 40)
	sessions[3].Session.UserName = strings.Repeat("Zoë Ω ab ", 100_000/11) // 99,990 bytes
	path := writeReport(b, reporttest.Document(m, sessions, false), Options{})
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := browsertest.Start(b)
	var all float64
	n := 0
	for b.Loop() {
		var log browsertest.Log
		all += open(b, ctx, path, &log)
		n++
	}
	b.ReportMetric(float64(st.Size()), "bytes")
	b.ReportMetric(all/float64(n), "ms-all-drawn")
}
