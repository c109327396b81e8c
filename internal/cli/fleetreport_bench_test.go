package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// benchFleet is the fleet report's performance target's database: 2,000
// meetings of 2 to 18 sessions and 20 to 80 minutes over 60 days, drawn
// from 3,000 people: about 1,000,000 samples, 45 values each. Generating
// it takes a minute, so it is kept at $ZOOMQOS_BENCH_FLEET_DB when that is
// set (and reused when it is there), for timing the built command on it.
func benchFleet(b *testing.B) string {
	path := os.Getenv("ZOOMQOS_BENCH_FLEET_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "fleet.db")
	}
	if _, err := os.Stat(path); err == nil {
		return path
	}
	n := genFleet(b, path, fleetSpec{meetings: 2000, people: 3000, days: 60, start: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		sessions: [2]int{2, 18}, minutes: [2]int{20, 80}, badDC: "SC (Singapore)", seed: 42})
	b.Logf("generated %d samples into %s", n, path)
	return path
}

// BenchmarkFleetReport writes the fleet report of the 2,000-meeting,
// million-sample database, end to end in-process: read, analysed meeting
// by meeting, rolled up, written as one HTML file. It reports the file's
// size.
func BenchmarkFleetReport(b *testing.B) {
	db := benchFleet(b)
	out := filepath.Join(b.TempDir(), "fleet.html")
	b.ResetTimer()
	for b.Loop() {
		var stdout, stderr bytes.Buffer
		args := []string{"zoomqos", "--db", db, "report", "--from", "2026-09-01", "--to", "2026-10-30", "-o", out}
		if code := Run(context.Background(), "", args, nil, &stdout, &stderr); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	if fi, err := os.Stat(out); err == nil {
		b.ReportMetric(float64(fi.Size()), "html-bytes")
	}
}
