package html

import (
	"os"
	"testing"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/internal/browsertest"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// fleetBenchDoc is the scale: 2,000 meetings of 10 sessions over
// 50 minutes (1,000,000 samples) in a month, analysed as the command
// would, with a period before to compare with and a link for each of the
// worst meetings.
func fleetBenchDoc(b *testing.B) *report.Fleet {
	b.Helper()
	r := reporttest.FleetPeriod(2000, 10, 50, analyze.PeriodOptions{}, nil)
	if r.Headline.Samples != 1_000_000 {
		b.Fatalf("%d samples", r.Headline.Samples)
	}
	r.Previous = earlier(r.Headline)
	links := map[string]string{}
	for _, m := range r.Worst {
		links[m.Meeting] = "meetings/" + m.Meeting + ".html"
	}
	return &report.Fleet{Result: r, Links: links, Generated: reporttest.FleetTo, Version: "bench"}
}

// BenchmarkFleetHTML writes the fleet report of 2,000 meetings and
// 1,000,000 samples from its analysis, with the file's size as a metric
// (bytes).
func BenchmarkFleetHTML(b *testing.B) {
	f := fleetBenchDoc(b)
	b.ResetTimer()
	var size int64
	for b.Loop() {
		var w countWriter
		if err := WriteFleet(&w, f); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size), "bytes")
}

// BenchmarkFleetInteractive opens that fleet report in headless Chromium
// and reports the page's own counts of milliseconds from navigation:
// until the first screen is drawn and the page answers input
// (ms-first-screen), and until every chart has drawn (ms-all-drawn).
func BenchmarkFleetInteractive(b *testing.B) {
	f := fleetBenchDoc(b)
	path := writeFleet(b, f)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := browsertest.Start(b)
	var all, first float64
	n := 0
	for b.Loop() {
		var log browsertest.Log
		all += open(b, ctx, path, &log)
		first += browsertest.Eval[float64](b, ctx, `window.zoomqosFirstScreenMs`)
		n++
	}
	b.ReportMetric(float64(st.Size()), "bytes")
	b.ReportMetric(first/float64(n), "ms-first-screen")
	b.ReportMetric(all/float64(n), "ms-all-drawn")
}
