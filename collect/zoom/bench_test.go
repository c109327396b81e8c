package zoom

import (
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
)

// BenchmarkParse is the parser alone on the pages BenchmarkImport (in
// collect) stores: 20 list pages, 10 participants a page, 60 samples each.
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
