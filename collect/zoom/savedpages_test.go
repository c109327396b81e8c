package zoom

import (
	"os"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
	"github.com/zoomqos/zoomqos/store"
)

// The benchmark data of zoomtest.WriteSavedMeetings is what Zoom sends:
// the parser reads every page and the details with no problem, every
// sample with its time, every stream somewhere, and about 2.8 KB of JSON a
// sample.
func TestSavedMeetingsParse(t *testing.T) {
	files, err := zoomtest.WriteSavedMeetings(t.TempDir(), zoomtest.SavedMeetings{Meetings: 2, Participants: 50, Minutes: 60, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := NewParser()
	var streams [store.NumStreams]int
	samples, size, details := 0, 0, 0
	longDates, shortDates := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		var probs Problems
		page, err := p.Parse(b, &probs)
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if probs.Count > 0 || len(probs.Unknown) > 0 {
			t.Errorf("%s: %d problems %v, unknown fields %v", f.Path, probs.Count, probs.First, probs.Unknown)
		}
		if page.Details != nil {
			details++
			continue
		}
		size += len(b)
		n := 0
		for _, s := range page.Participants {
			n += len(s.Samples)
			for _, smp := range s.Samples {
				for _, v := range smp.Values {
					streams[v.Stream]++
				}
			}
		}
		if n != f.Samples {
			t.Errorf("%s: %d samples, want %d", f.Path, n, f.Samples)
		}
		samples += n
		if strings.Contains(string(b), ".0000000+00:00") {
			longDates++
		} else {
			shortDates++
		}
	}
	if got, want := samples, 2*50*60; got != want {
		t.Errorf("%d samples, want %d", got, want)
	}
	if details != 2 || longDates == 0 || shortDates == 0 {
		t.Errorf("%d details, %d pages with long dates, %d with short", details, longDates, shortDates)
	}
	for _, st := range store.Streams() {
		if streams[st] == 0 {
			t.Errorf("no values of %s", st)
		}
	}
	if per := float64(size) / float64(samples); per < 2600 || per > 3000 {
		t.Errorf("%.0f bytes of JSON a sample, want about 2,800", per)
	}
	t.Logf("%d samples, %.0f bytes a sample", samples, float64(size)/float64(samples))
}

// BenchmarkParseSaved is the parser alone, on one core, on the pages of
// zoomtest.WriteSavedMeetings (two meetings: 6,000 samples).
func BenchmarkParseSaved(b *testing.B) {
	files, err := zoomtest.WriteSavedMeetings(b.TempDir(), zoomtest.SavedMeetings{Meetings: 2, Participants: 50, Minutes: 60, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var docs [][]byte
	n := 0
	for _, f := range files {
		d, err := os.ReadFile(f.Path)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
		n += len(d)
	}
	b.SetBytes(int64(n))
	p := NewParser()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, doc := range docs {
			if _, err := p.Parse(doc, &Problems{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(2*50*60*b.N)/b.Elapsed().Seconds(), "samples/s")
}
