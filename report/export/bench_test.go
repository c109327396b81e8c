package export

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// storedMeeting stores a synthetic meeting in a bbolt file under dir.
func storedMeeting(b testing.TB, n, minutes int) (*store.DB, store.MeetingSummary) {
	b.Helper()
	db := storetest.MustOpen(b)
	m, sessions := reporttest.Meeting(n, minutes)
	if _, err := db.PutPage(context.Background(), &store.Page{Meeting: m, Sessions: sessions}); err != nil {
		b.Fatal(err)
	}
	sum, err := db.Meeting(context.Background(), m.ID)
	if err != nil {
		b.Fatal(err)
	}
	return db, sum
}

// BenchmarkExportParquet exports a stored 300 × 480 meeting (144,000
// samples, 1,008,000 rows) to Parquet.
func BenchmarkExportParquet(b *testing.B) {
	db, m := storedMeeting(b, 300, 480)
	b.ResetTimer()
	var rows int64
	for b.Loop() {
		res, err := Write(context.Background(), db, []store.MeetingSummary{m}, Options{Format: FormatParquet,
			Open: func(time.Time) (io.WriteCloser, error) { return nopWriteCloser{io.Discard}, nil }})
		if err != nil {
			b.Fatal(err)
		}
		rows = res.Rows
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
