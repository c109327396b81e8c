package collect

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/fakezoom"
	"github.com/zoomqos/zoomqos/store"
)

// BenchmarkImport imports list pages whose samples carry every stream (10
// participants a page, 60 samples each: 12,000 samples, 30 MB of JSON) into
// a new database, as `zoomqos import` does. samples/s is the figure
// docs/PERFORMANCE.md tracks.
func BenchmarkImport(b *testing.B) {
	pages := fakezoom.ListPages(20, 10, 60, time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC))
	var input bytes.Buffer
	for _, p := range pages {
		input.Write(p)
		input.WriteByte('\n')
	}
	samples := 20 * 10 * 60
	b.SetBytes(int64(input.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "qos.db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		im := &Importer{DB: db, Meeting: store.Meeting{ID: "bench", Type: store.Past}}
		if err := im.File(context.Background(), "bench.ndjson", bytes.NewReader(input.Bytes())); err != nil {
			b.Fatal(err)
		}
		if im.Report.Added != samples {
			b.Fatalf("added %d samples, want %d", im.Report.Added, samples)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(samples*b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkParse is the parser alone on the same pages.
func BenchmarkParse(b *testing.B) {
	pages := fakezoom.ListPages(20, 10, 60, time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC))
	n := 0
	for _, p := range pages {
		n += len(p)
	}
	b.SetBytes(int64(n))
	p := NewParser()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, doc := range pages {
			if _, err := p.Parse(doc, &Problems{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(20*10*60*b.N)/b.Elapsed().Seconds(), "samples/s")
}
