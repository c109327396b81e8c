package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/zoomqos/zoomqos/store"
)

// memFile is an export's output in memory.
type memFile struct {
	bytes.Buffer
	room int // bytes it takes before it fails like a full disk; < 0: no limit
}

func (f *memFile) Write(b []byte) (int, error) {
	if f.room >= 0 && len(b) > f.room {
		n, _ := f.Buffer.Write(b[:f.room])
		f.room = 0
		return n, errors.New("no space left on device")
	}
	if f.room >= 0 {
		f.room -= len(b)
	}
	return f.Buffer.Write(b)
}

func (f *memFile) Close() error { return nil }

// exportTo exports a meeting into f as the options say.
func exportTo(ctx context.Context, db *store.DB, m store.MeetingSummary, o Options, f *memFile) (Result, error) {
	o.Version = "test"
	o.Open = func(time.Time) (io.WriteCloser, error) { return f, nil }
	return Write(ctx, db, []store.MeetingSummary{m}, o)
}

// The Parquet export's pipeline (row groups filled and encoded on their
// own goroutines, written in order by another) on a meeting of 5,000
// samples, 35,000 rows, in row groups of a batch: five; by default, one.
func TestExportParquetPipeline(t *testing.T) {
	db, m := storedMeeting(t, 10, 500)
	o := Options{Format: FormatParquet, RowGroupRows: exportBatchRows}
	t.Run("rows in order", func(t *testing.T) { exportRowsInOrder(t, db, m, o) })
	t.Run("disk full", func(t *testing.T) { exportDiskFull(t, db, m, o) })
	t.Run("canceled", func(t *testing.T) { exportCanceled(t, db, m, o) })
	t.Run("default row groups", func(t *testing.T) {
		f := &memFile{room: -1}
		if _, err := exportTo(context.Background(), db, m, Options{Format: FormatParquet}, f); err != nil {
			t.Fatal(err)
		}
		pf, err := parquet.OpenFile(bytes.NewReader(f.Bytes()), int64(f.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(pf.RowGroups()); got != 1 {
			t.Errorf("35,000 rows in %d row groups; by default a row group holds 131,072", got)
		}
	})
}

// Every row comes out in order: the same rows as the CSV export.
func exportRowsInOrder(t *testing.T, db *store.DB, m store.MeetingSummary, o Options) {
	pq, text := &memFile{room: -1}, &memFile{room: -1}
	res, err := exportTo(context.Background(), db, m, o, pq)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exportTo(context.Background(), db, m, Options{Format: FormatCSV}, text); err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(pq.Bytes()), int64(pq.Len()))
	if err != nil {
		t.Fatalf("parquet-go cannot open the export: %v", err)
	}
	if got := len(pf.RowGroups()); got != 5 || pf.NumRows() != res.Rows {
		t.Fatalf("%d row groups, %d rows; the export says %d rows", got, pf.NumRows(), res.Rows)
	}
	if got := pf.Metadata().CreatedBy; got != "zoomqos version test" {
		t.Errorf("created_by %q", got)
	}
	recs, err := csv.NewReader(bytes.NewReader(text.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	i := 1 // past the header
	for _, rg := range pf.RowGroups() {
		rows := rg.Rows()
		buf := make([]parquet.Row, 512)
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				if got := fieldsOf(row); !slices.Equal(got, recs[i]) {
					t.Fatalf("row %d:\nParquet %q\nCSV     %q", i, got, recs[i])
				}
				i++
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		rows.Close()
	}
	if i != len(recs) {
		t.Errorf("%d Parquet rows, %d CSV rows", i-1, len(recs)-1)
	}
}

// fieldsOf writes a Parquet row's values as the CSV export writes them.
func fieldsOf(row parquet.Row) []string {
	fields := make([]string, len(row))
	for _, v := range row {
		var s string
		switch {
		case v.IsNull():
		case v.Kind() == parquet.Double:
			s = strconv.FormatFloat(v.Double(), 'f', -1, 64)
		case v.Kind() == parquet.Int64:
			s = time.UnixMilli(v.Int64()).UTC().Format(time.RFC3339Nano)
		default:
			s = string(v.ByteArray())
		}
		fields[v.Column()] = s
	}
	return fields
}

// A full disk stops the export with the writer's error, whatever row
// group it hits; nothing hangs.
func exportDiskFull(t *testing.T, db *store.DB, m store.MeetingSummary, o Options) {
	whole := &memFile{room: -1}
	if _, err := exportTo(context.Background(), db, m, o, whole); err != nil {
		t.Fatal(err)
	}
	// At the start, in the row groups, in the footer.
	for _, room := range []int{0, 3, whole.Len() / 3, whole.Len() * 2 / 3, whole.Len() - 1} {
		_, err := exportTo(context.Background(), db, m, o, &memFile{room: room})
		if err == nil || !strings.Contains(err.Error(), "write Parquet: no space left on device") {
			t.Errorf("%d bytes of room: %v", room, err)
		}
	}
}

// Canceling stops an export between batches; nothing hangs.
func exportCanceled(t *testing.T, db *store.DB, m store.MeetingSummary, o Options) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &memFile{room: -1}
	o.Open = func(time.Time) (io.WriteCloser, error) { cancel(); return f, nil }
	res, err := Write(ctx, db, []store.MeetingSummary{m}, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write: %v", err)
	}
	if res.Rows >= 35_000 {
		t.Errorf("%d rows exported after the cancel", res.Rows)
	}
}
