package flatparquet_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	fp "github.com/zoomqos/zoomqos/internal/flatparquet"
)

// Every type, required and optional.
var allColumns = []fp.Column{
	{Name: "s", Type: fp.String}, {Name: "so", Type: fp.String, Optional: true},
	{Name: "t", Type: fp.Timestamp}, {Name: "to", Type: fp.Timestamp, Optional: true},
	{Name: "d", Type: fp.Double}, {Name: "do", Type: fp.Double, Optional: true},
}

// cell is one value of a row; null for NULL.
type cell struct {
	null bool
	s    string
	i    int64
	f    float64
}

type rows [][]cell

// randomRows makes n rows of cols. distinct bounds the values of each
// column, so that few give dictionaries and many PLAIN pages; strings come
// in runs, as a session's do.
func randomRows(r *rand.Rand, cols []fp.Column, n, distinct int) rows {
	out := make(rows, n)
	run := ""
	for i := range out {
		if i%5 == 0 {
			run = fmt.Sprintf("name-%d", r.IntN(distinct))
		}
		row := make([]cell, len(cols))
		for j, c := range cols {
			if c.Optional && r.IntN(3) == 0 {
				row[j] = cell{null: true}
				continue
			}
			switch c.Type {
			case fp.String:
				row[j].s = run
				if r.IntN(10) == 0 {
					row[j].s = "" // a value, not NULL
				}
			case fp.Timestamp:
				row[j].i = int64(r.IntN(distinct))*60_000 - 1<<40
			case fp.Double:
				row[j].f = float64(r.IntN(distinct)-distinct/2) / 10
				switch r.IntN(50) {
				case 0:
					row[j].f = math.Copysign(0, -1)
				case 1:
					row[j].f = math.NaN()
				case 2:
					row[j].f = math.Inf(-1)
				}
			}
		}
		out[i] = row
	}
	return out
}

// write writes each element of groups as a row group, filling columns
// with the per-value methods in even row groups and the bulk ones in odd.
func write(t testing.TB, cols []fp.Column, groups []rows, opts fp.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := fp.NewWriter(&buf, cols, opts)
	if err != nil {
		t.Fatal(err)
	}
	var enc fp.EncodedRowGroup
	g := w.NewRowGroup()
	for gi, rs := range groups {
		g.Reset()
		fill(g, cols, rs, gi%2 == 1)
		if err := w.Encode(g, &enc); err != nil {
			t.Fatalf("Encode: %v", err)
		}
		if err := w.WriteRowGroup(&enc); err != nil {
			t.Fatalf("WriteRowGroup: %v", err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
}

func fill(g *fp.RowGroup, cols []fp.Column, rs rows, bulk bool) {
	for j, c := range cols {
		col := g.Column(j)
		switch {
		case bulk && c.Type == fp.Double:
			vals, def := make([]float64, len(rs)), make([]byte, len(rs))
			for i, row := range rs {
				if !row[j].null {
					vals[i], def[i] = row[j].f, 1
				}
			}
			col.Doubles(vals, def)
		case bulk:
			// Runs of equal cells.
			for i := 0; i < len(rs); {
				n := 1
				for i+n < len(rs) && rs[i+n][j] == rs[i][j] {
					n++
				}
				switch x := rs[i][j]; {
				case x.null:
					col.NullRun(n)
				case c.Type == fp.String:
					col.StringRun(col.Intern(x.s), n)
				case c.Type == fp.Timestamp:
					col.TimestampRun(x.i, n)
				default:
					for range n {
						col.Double(x.f)
					}
				}
				i += n
			}
		default:
			for _, row := range rs {
				switch x := row[j]; {
				case x.null:
					col.Null()
				case c.Type == fp.String:
					col.String(x.s)
				case c.Type == fp.Timestamp:
					col.Timestamp(x.i)
				default:
					col.Double(x.f)
				}
			}
		}
	}
}

// read reads a file back with parquet-go.
func read(t testing.TB, data []byte) (*parquet.File, rows) {
	t.Helper()
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("parquet-go cannot open the file: %v", err)
	}
	var out rows
	for _, rg := range pf.RowGroups() {
		rr := rg.Rows()
		buf := make([]parquet.Row, 100)
		for {
			n, err := rr.ReadRows(buf)
			for _, row := range buf[:n] {
				cells := make([]cell, len(row))
				for _, v := range row {
					c := &cells[v.Column()]
					switch {
					case v.IsNull():
						c.null = true
					case v.Kind() == parquet.Double:
						c.f = v.Double()
					case v.Kind() == parquet.Int64:
						c.i = v.Int64()
					default:
						c.s = string(v.ByteArray())
					}
				}
				out = append(out, cells)
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("parquet-go cannot read a row group: %v", err)
				}
				break
			}
		}
		rr.Close()
	}
	return pf, out
}

func sameCell(a, b cell) bool {
	return a.null == b.null && a.s == b.s && a.i == b.i && math.Float64bits(a.f) == math.Float64bits(b.f)
}

func checkRows(t testing.TB, got rows, groups []rows) {
	t.Helper()
	var want rows
	for _, g := range groups {
		want = append(want, g...)
	}
	if len(got) != len(want) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if !sameCell(got[i][j], want[i][j]) {
				t.Fatalf("row %d column %d: read %+v, wrote %+v", i, j, got[i][j], want[i][j])
			}
		}
	}
}

// wantStats are the statistics of a column's cells as Parquet defines
// them: NULLs counted, NaN left out of min and max, a zero min written as
// -0 and a zero max as +0.
func wantStats(c fp.Column, cells []cell) format.Statistics {
	st := format.Statistics{}
	var lo, hi cell
	have := false
	less := func(a, b cell) bool {
		switch c.Type {
		case fp.String:
			return a.s < b.s
		case fp.Timestamp:
			return a.i < b.i
		}
		return a.f < b.f
	}
	for _, x := range cells {
		switch {
		case x.null:
			st.NullCount++
		case c.Type == fp.Double && math.IsNaN(x.f):
		case !have:
			lo, hi, have = x, x, true
		default:
			if less(x, lo) {
				lo = x
			}
			if less(hi, x) {
				hi = x
			}
		}
	}
	if !have {
		return st
	}
	enc := func(x cell, isMin bool) []byte {
		switch c.Type {
		case fp.String:
			return []byte(x.s)
		case fp.Timestamp:
			return binary.LittleEndian.AppendUint64(nil, uint64(x.i))
		}
		f := x.f
		if f == 0 {
			f = 0
			if isMin {
				f = math.Copysign(0, -1)
			}
		}
		return binary.LittleEndian.AppendUint64(nil, math.Float64bits(f))
	}
	st.MinValue, st.MaxValue = enc(lo, true), enc(hi, false)
	return st
}

func sameStats(a, b format.Statistics) bool {
	return a.NullCount == b.NullCount && bytes.Equal(a.MinValue, b.MinValue) && bytes.Equal(a.MaxValue, b.MaxValue) &&
		a.Min == nil && a.Max == nil
}

// checkStats compares every column chunk's statistics, and every data
// page header's, with the cells they cover.
func checkStats(t testing.TB, data []byte, pf *parquet.File, cols []fp.Column, groups []rows, pageRows int) {
	t.Helper()
	md := pf.Metadata()
	if len(md.RowGroups) != len(nonEmpty(groups)) {
		t.Fatalf("%d row groups, wrote %d", len(md.RowGroups), len(nonEmpty(groups)))
	}
	for gi, rs := range nonEmpty(groups) {
		for j, c := range cols {
			cells := make([]cell, len(rs))
			for i := range rs {
				cells[i] = rs[i][j]
			}
			cc := md.RowGroups[gi].Columns[j]
			if got, want := cc.MetaData.Statistics, wantStats(c, cells); !sameStats(got, want) {
				t.Errorf("row group %d column %s: statistics %+v, want %+v", gi, c.Name, got, want)
			}
			for p, hdr := range pageHeaders(t, data, &cc.MetaData) {
				cover := cells[p*pageRows : min(len(cells), (p+1)*pageRows)]
				dp := hdr.DataPageHeader.V
				if int(dp.NumValues) != len(cover) {
					t.Fatalf("row group %d column %s page %d: %d values, want %d", gi, c.Name, p, dp.NumValues, len(cover))
				}
				if got, want := dp.Statistics, wantStats(c, cover); !sameStats(got, want) {
					t.Errorf("row group %d column %s page %d: statistics %+v, want %+v", gi, c.Name, p, got, want)
				}
			}
		}
	}
}

func nonEmpty(groups []rows) []rows {
	var out []rows
	for _, g := range groups {
		if len(g) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// pageHeaders decodes a column chunk's data page headers, in order.
func pageHeaders(t testing.TB, data []byte, md *format.ColumnMetaData) []format.PageHeader {
	t.Helper()
	start := md.DataPageOffset
	if md.DictionaryPageOffset != 0 {
		start = md.DictionaryPageOffset
	}
	r := bytes.NewReader(data[start : start+md.TotalCompressedSize])
	var out []format.PageHeader
	for r.Len() > 0 {
		var h format.PageHeader
		if err := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(r)).Decode(&h); err != nil {
			t.Fatalf("page header: %v", err)
		}
		if _, err := r.Seek(int64(h.CompressedPageSize), 1); err != nil {
			t.Fatal(err)
		}
		if h.Type == format.DataPage {
			out = append(out, h)
		}
	}
	return out
}

// encodings says which value encoding each column's chunks use.
func encodings(pf *parquet.File, rowGroup int) map[string]string {
	out := map[string]string{}
	for _, cc := range pf.Metadata().RowGroups[rowGroup].Columns {
		enc := "PLAIN"
		if slices.Contains(cc.MetaData.Encoding, format.RLEDictionary) {
			enc = "DICTIONARY"
		}
		out[cc.MetaData.PathInSchema[0]] = enc
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	groups := []rows{
		randomRows(r, allColumns, 1000, 20),   // few distinct values: dictionaries
		randomRows(r, allColumns, 997, 1<<30), // all distinct: PLAIN
		randomRows(r, allColumns, 1, 3),
		nil, // left out
		randomRows(r, allColumns, 64, 5),
	}
	const pageRows = 100
	data := write(t, allColumns, groups, fp.Options{Name: "zq", CreatedBy: "zoomqos version test", PageRows: pageRows})
	pf, got := read(t, data)
	checkRows(t, got, groups)
	if pf.NumRows() != 2062 {
		t.Errorf("%d rows in the footer", pf.NumRows())
	}
	checkStats(t, data, pf, allColumns, groups, pageRows)

	if got := pf.Metadata().CreatedBy; got != "zoomqos version test" {
		t.Errorf("created_by %q", got)
	}
	for i, f := range pf.Schema().Fields() {
		c := allColumns[i]
		var lv format.LogicalTypeValue
		if lt := f.Type().LogicalType(); lt != nil {
			lv = lt.Value
		}
		ts, _ := lv.(*format.TimestampType)
		switch {
		case f.Name() != c.Name || f.Optional() != c.Optional:
			t.Errorf("field %d is %s optional=%t", i, f.Name(), f.Optional())
		case c.Type == fp.String && fmt.Sprint(lv) != "STRING":
			t.Errorf("%s is not a STRING: %v", c.Name, lv)
		case c.Type == fp.Timestamp && (ts == nil || !ts.IsAdjustedToUTC || fmt.Sprint(&ts.Unit) != "MILLIS"):
			t.Errorf("%s is not a UTC millisecond TIMESTAMP: %v", c.Name, lv)
		case c.Type == fp.Double && f.Type().Kind() != parquet.Double:
			t.Errorf("%s is %v", c.Name, f.Type())
		}
	}
	if got := encodings(pf, 0); got["t"] != "DICTIONARY" || got["d"] != "DICTIONARY" || got["s"] != "DICTIONARY" {
		t.Errorf("few distinct values: %v", got)
	}
	if got := encodings(pf, 1); got["t"] != "PLAIN" || got["d"] != "PLAIN" {
		t.Errorf("all distinct values: %v", got)
	}
}

// An optional column with nothing but NULLs, a string column with one
// value, a required string that is empty, and a dictionary past 16 bits.
func TestEdgeColumns(t *testing.T) {
	cols := []fp.Column{{Name: "none", Type: fp.String, Optional: true}, {Name: "one", Type: fp.String},
		{Name: "empty", Type: fp.String}, {Name: "nulls", Type: fp.Double, Optional: true}, {Name: "many", Type: fp.String}}
	var rs rows
	for i := range 70_000 {
		rs = append(rs, []cell{{null: true}, {s: "only"}, {}, {null: true}, {s: fmt.Sprint(i)}})
	}
	groups := []rows{rs}
	data := write(t, cols, groups, fp.Options{})
	pf, got := read(t, data)
	checkRows(t, got, groups)
	checkStats(t, data, pf, cols, groups, 1<<16)
}

func TestSchemaMistakes(t *testing.T) {
	for _, tc := range []struct {
		cols []fp.Column
		want string
	}{
		{nil, "needs a column"},
		{[]fp.Column{{Name: "", Type: fp.String}}, "no name"},
		{[]fp.Column{{Name: "a", Type: fp.String}, {Name: "a", Type: fp.Double}}, `"a" is named twice`},
		{[]fp.Column{{Name: "a", Type: 9}}, "unknown type"},
	} {
		if _, err := fp.NewWriter(new(bytes.Buffer), tc.cols, fp.Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.cols, err, tc.want)
		}
	}
}

// Filling a row group wrongly is refused by Encode, with the column's name.
func TestFillMistakes(t *testing.T) {
	cols := []fp.Column{{Name: "a", Type: fp.String}, {Name: "b", Type: fp.Double, Optional: true}}
	for _, tc := range []struct {
		name string
		fill func(g *fp.RowGroup)
		want string
	}{
		{"NULL in a required column", func(g *fp.RowGroup) { g.Column(0).Null(); g.Column(1).Null() }, `"a": NULL in a required column`},
		{"a double in a string column", func(g *fp.RowGroup) { g.Column(0).Double(1); g.Column(1).Null() }, `"a": a double in a string column`},
		{"rows missing", func(g *fp.RowGroup) { g.Column(0).String("x"); g.Column(0).String("y"); g.Column(1).Double(1) }, `"b": 1 rows where the first column has 2`},
		{"an index never interned", func(g *fp.RowGroup) { g.Column(0).StringIndex(3); g.Column(1).Null() }, "dictionary index 3"},
		{"a level of 2", func(g *fp.RowGroup) { g.Column(0).String("x"); g.Column(1).Doubles([]float64{1}, []byte{2}) }, "definition level other than 0 or 1"},
		{"lengths that differ", func(g *fp.RowGroup) { g.Column(0).String("x"); g.Column(1).Doubles([]float64{1, 2}, []byte{1}) }, "2 doubles for 1 rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := fp.NewWriter(new(bytes.Buffer), cols, fp.Options{})
			if err != nil {
				t.Fatal(err)
			}
			g := w.NewRowGroup()
			tc.fill(g)
			if err := w.Encode(g, new(fp.EncodedRowGroup)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Encode: %v, want %q", err, tc.want)
			}
		})
	}
}

// A file with no row groups is still a file every reader opens.
func TestEmptyFile(t *testing.T) {
	data := write(t, allColumns, nil, fp.Options{})
	pf, got := read(t, data)
	if pf.NumRows() != 0 || len(got) != 0 || len(pf.Schema().Fields()) != len(allColumns) {
		t.Errorf("%d rows, %d fields", pf.NumRows(), len(pf.Schema().Fields()))
	}
}

type failingWriter struct{ room int }

func (f *failingWriter) Write(b []byte) (int, error) {
	if len(b) > f.room {
		n := f.room
		f.room = 0
		return n, errors.New("disk full")
	}
	f.room -= len(b)
	return len(b), nil
}

// A failed write fails the rest of the file, Close included.
func TestWriteErrorSticks(t *testing.T) {
	w, err := fp.NewWriter(&failingWriter{room: 10}, allColumns, fp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := w.NewRowGroup()
	fill(g, allColumns, randomRows(rand.New(rand.NewPCG(3, 4)), allColumns, 50, 5), false)
	var enc fp.EncodedRowGroup
	if err := w.Encode(g, &enc); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRowGroup(&enc); err == nil || err.Error() != "disk full" {
		t.Fatalf("WriteRowGroup: %v", err)
	}
	if err := w.WriteRowGroup(&enc); err == nil {
		t.Error("a second WriteRowGroup after a failure succeeded")
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failed write succeeded")
	}
}

// FuzzRoundTrip writes rows made from the fuzzer's bytes (any doubles,
// NaNs included, any timestamps, strings of any bytes, NULLs, row groups
// and pages of any size) and reads them back with parquet-go.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello, parquet"), uint8(3), uint8(2))
	f.Add(bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6, 7, 0xff}, 40), uint8(1), uint8(7))
	f.Add([]byte{}, uint8(5), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, groupRows, pageRows uint8) {
		// Row groups of one row make big inputs slow, not more telling.
		data = data[:min(len(data), 4096)]
		next := func(n int) []byte {
			b := make([]byte, n)
			copy(b, data)
			data = data[min(n, len(data)):]
			return b
		}
		var groups []rows
		var cur rows
		for len(data) > 0 {
			row := make([]cell, len(allColumns))
			for j, c := range allColumns {
				tag := next(1)[0]
				if c.Optional && tag%4 == 0 {
					row[j].null = true
					continue
				}
				switch c.Type {
				case fp.String:
					row[j].s = string(next(int(tag % 5)))
				case fp.Timestamp:
					row[j].i = int64(binary.LittleEndian.Uint64(next(8)))
				case fp.Double:
					row[j].f = math.Float64frombits(binary.LittleEndian.Uint64(next(8)))
				}
			}
			cur = append(cur, row)
			if len(cur) > int(groupRows) {
				groups, cur = append(groups, cur), nil
			}
		}
		groups = append(groups, cur)
		pr := int(pageRows)%9 + 1
		out := write(t, allColumns, groups, fp.Options{PageRows: pr})
		pf, got := read(t, out)
		checkRows(t, got, groups)
		checkStats(t, out, pf, allColumns, groups, pr)
	})
}
