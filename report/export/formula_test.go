package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// Every CSV the dump and the export write guards the text cells from Zoom
// against spreadsheet formulas; Parquet and NDJSON, which programs read,
// keep the text exactly.
func TestCSVGuardsFormulas(t *testing.T) {
	m, sessions := reporttest.FormulaSessions(t)
	ctx := context.Background()

	db := storetest.MustOpen(t)
	defer db.Close()
	if _, err := db.PutPage(ctx, &store.Page{Meeting: m, Sessions: sessions}); err != nil {
		t.Fatal(err)
	}
	sum, err := db.Meeting(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("dump", func(t *testing.T) {
		var b bytes.Buffer
		if _, err := Dump(ctx, db, m.ID, FormatCSV, &b); err != nil {
			t.Fatal(err)
		}
		reporttest.CheckGuarded(t, reporttest.ReadCSV(t, b.Bytes()), []string{"meeting", "participant"}, "rssi_avg_dbm")
	})
	t.Run("export", func(t *testing.T) {
		f := &memFile{room: -1}
		if _, err := exportTo(ctx, db, sum, Options{Format: FormatCSV}, f); err != nil {
			t.Fatal(err)
		}
		reporttest.CheckGuarded(t, reporttest.ReadCSV(t, f.Bytes()), append([]string{"meeting", "participant"}, dimensionColumns[:]...), "rssi_avg_dbm")
	})

	// The warehouse formats keep the text exactly.
	exact := func(t *testing.T, rows []map[string]any) {
		t.Helper()
		seen := map[string]bool{}
		for _, row := range rows {
			if row["meeting"] != reporttest.FormulaMeeting {
				t.Fatalf("meeting %q", row["meeting"])
			}
			for _, col := range append([]string{"participant"}, dimensionColumns[:]...) {
				seen[row[col].(string)] = true
			}
		}
		for _, c := range reporttest.FormulaCells {
			if !seen[c.Text] {
				t.Errorf("%q is not kept exactly", c.Text)
			}
		}
	}
	t.Run("export ndjson", func(t *testing.T) {
		f := &memFile{room: -1}
		if _, err := exportTo(ctx, db, sum, Options{Format: FormatNDJSON}, f); err != nil {
			t.Fatal(err)
		}
		var rows []map[string]any
		sc := bufio.NewScanner(bytes.NewReader(f.Bytes()))
		for sc.Scan() {
			var row map[string]any
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, row)
		}
		exact(t, rows)
	})
	t.Run("export parquet", func(t *testing.T) {
		f := &memFile{room: -1}
		if _, err := exportTo(ctx, db, sum, Options{Format: FormatParquet}, f); err != nil {
			t.Fatal(err)
		}
		pf, err := parquet.OpenFile(bytes.NewReader(f.Bytes()), int64(f.Len()))
		if err != nil {
			t.Fatal(err)
		}
		cols := pf.Schema().Columns()
		var rows []map[string]any
		for _, rg := range pf.RowGroups() {
			rr := rg.Rows()
			buf := make([]parquet.Row, 256)
			for {
				n, err := rr.ReadRows(buf)
				for _, r := range buf[:n] {
					row := map[string]any{}
					for _, v := range r {
						if v.Kind() == parquet.ByteArray {
							row[cols[v.Column()][0]] = string(v.ByteArray())
						}
					}
					rows = append(rows, row)
				}
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			rr.Close()
		}
		exact(t, rows)
	})
}
