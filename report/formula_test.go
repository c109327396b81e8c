package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/store"
)

// Text that a spreadsheet opening a CSV would take for a formula, and how
// every CSV zoomqos writes must carry it: after an apostrophe (OWASP's
// advice for CSV injection), which the spreadsheet reads as "text".
var formulaCells = []struct{ text, csv string }{
	{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
	{"+1 *** *** 0100", "'+1 *** *** 0100"}, // how Zoom names a phone participant
	{"-2+3", "'-2+3"},
	{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
	{"\tcmd", "'\tcmd"},
	{"\rcmd", "'\rcmd"},
	{"'=already", "''=already"}, // so that the apostrophe can always be taken off again
	{"O'Brien, Ann", "O'Brien, Ann"},
}

// A meeting stored under a UUID that begins with "+", as a base64 UUID
// can; its sessions named as above, with a Wi-Fi signal of -69 dBm: a
// negative number, which must stay a number.
const formulaMeeting = "+9dYf2CqR0iB2m3jP6jG+g=="

func formulaSessions(t testing.TB) (store.Meeting, []store.SessionSamples) {
	t.Helper()
	m, sessions := synthMeeting(len(formulaCells), 6)
	m.ID = formulaMeeting
	for i := range sessions {
		s := &sessions[i].Session
		f := formulaCells[i].text
		s.Participant, s.UserName, s.Device, s.Location, s.NetworkType, s.Version, s.DataCenter = f, f, f, f, f, f, f
		for k := range sessions[i].Samples {
			smp := &sessions[i].Samples[k]
			smp.Values = append(smp.Values, store.Value{Stream: store.WiFiRSSI, Metric: store.RSSIAvg, V: -69})
		}
	}
	return m, sessions
}

// guardedCSV maps each formula's text to its CSV form.
func guardedCSV() map[string]string {
	out := map[string]string{}
	for _, c := range formulaCells {
		out[c.text] = c.csv
	}
	return out
}

// readCSV parses CSV into maps by column name.
func readCSV(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, col := range recs[0] {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// checkGuarded checks the text columns of CSV rows: each is a formula
// cell's CSV form, and the Wi-Fi column, a number, is "-69" unguarded.
func checkGuarded(t *testing.T, rows []map[string]string, text []string, number string) {
	t.Helper()
	csvOf := guardedCSV()
	var wanted []string
	for _, c := range formulaCells {
		wanted = append(wanted, c.csv)
	}
	seen := map[string]bool{}
	negatives := 0
	for i, row := range rows {
		for _, col := range text {
			v := row[col]
			if v == "" || v == "-" {
				continue
			}
			if col == "meeting" {
				if v != "'"+formulaMeeting {
					t.Fatalf("row %d: meeting %q, want %q", i, v, "'"+formulaMeeting)
				}
				continue
			}
			if !slices.Contains(wanted, v) {
				t.Fatalf("row %d: %s is %q, not one of the guarded cells %q", i, col, v, wanted)
			}
			seen[v] = true
		}
		if number != "" && row[number] != "" {
			if _, err := strconv.ParseFloat(row[number], 64); err != nil {
				t.Fatalf("row %d: %s %q is no longer a number", i, number, row[number])
			}
			if row[number] == "-69" {
				negatives++
			}
		}
	}
	for text, want := range csvOf {
		if !seen[want] {
			t.Errorf("no cell %q (for %q)", want, text)
		}
	}
	if number != "" && negatives == 0 {
		t.Errorf("no %s of -69", number)
	}
}

func TestCSVGuardsFormulas(t *testing.T) {
	m, sessions := formulaSessions(t)
	ctx := context.Background()

	t.Run("analyze", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteMeetingCSV(&b, analyze.AnalyzeMeeting(m, sessions, analyze.Options{})); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, b.Bytes())
		checkGuarded(t, rows, []string{"meeting", "participant", "user_name"}, "min")
	})
	t.Run("analyze fleet", func(t *testing.T) {
		f := analyze.NewFleet(analyze.ByDevice, analyze.Options{}, 1)
		for _, s := range sessions {
			f.AddSession(0, m.ID, &s.Session, s.Samples)
		}
		var b bytes.Buffer
		if err := WriteFleetCSV(&b, f.Result(synthStart, synthStart)); err != nil {
			t.Fatal(err)
		}
		checkGuarded(t, readCSV(t, b.Bytes()), []string{"group"}, "min")
	})

	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "qos.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
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
		checkGuarded(t, readCSV(t, b.Bytes()), []string{"meeting", "participant"}, "rssi_avg_dbm")
	})
	t.Run("export", func(t *testing.T) {
		f := &memFile{room: -1}
		if _, err := exportTo(ctx, db, sum, FormatCSV, f); err != nil {
			t.Fatal(err)
		}
		checkGuarded(t, readCSV(t, f.Bytes()), append([]string{"meeting", "participant"}, dimensionColumns[:]...), "rssi_avg_dbm")
	})

	// The warehouse formats keep the text exactly.
	exact := func(t *testing.T, rows []map[string]any) {
		t.Helper()
		seen := map[string]bool{}
		for _, row := range rows {
			if row["meeting"] != formulaMeeting {
				t.Fatalf("meeting %q", row["meeting"])
			}
			for _, col := range append([]string{"participant"}, dimensionColumns[:]...) {
				seen[row[col].(string)] = true
			}
		}
		for _, c := range formulaCells {
			if !seen[c.text] {
				t.Errorf("%q is not kept exactly", c.text)
			}
		}
	}
	t.Run("export ndjson", func(t *testing.T) {
		f := &memFile{room: -1}
		if _, err := exportTo(ctx, db, sum, FormatNDJSON, f); err != nil {
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
		if _, err := exportTo(ctx, db, sum, FormatParquet, f); err != nil {
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
