package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// exportDB holds the hand-worked incident meeting and a meeting collected
// by the demo from the fake Zoom API (44 sessions, every stream).
func exportDB(t *testing.T) string {
	t.Helper()
	db := incidentDB(t)
	if r := zoomqos(t, "", "--db", db, "demo", "--participants", "40", "--minutes", "60", "-o", filepath.Join(t.TempDir(), "d.html")); r.code != 0 {
		t.Fatalf("demo: %s", r.stderr)
	}
	return db
}

func TestExportParquetSchemaAndNulls(t *testing.T) {
	db := incidentDB(t)
	out := filepath.Join(t.TempDir(), "x.parquet")
	r := zoomqos(t, "", "--db", db, "export", "--meeting", incidentMeeting, "-o", out)
	if r.code != 0 || !strings.Contains(r.stderr, "Exported 1 meeting, 5 sessions, 31 samples as") || r.stdout != "" {
		t.Fatalf("export: %d %q %s", r.code, r.stdout, r.stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("not a Parquet file: %v", err)
	}
	var names []string
	for _, c := range pf.Schema().Fields() {
		names = append(names, c.Name())
	}
	want := "meeting participant session time stream bitrate_kbps latency_ms jitter_ms avg_loss_pct max_loss_pct frame_rate_fps width height " +
		"zoom_min_cpu_pct zoom_avg_cpu_pct zoom_max_cpu_pct system_max_cpu_pct rssi_min_dbm rssi_avg_dbm rssi_max_dbm " +
		"cpu_pressure_min cpu_pressure_avg cpu_pressure_max user_name device location network_type client_version data_center"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("columns\n%s\nwant\n%s", got, want)
	}
	if lat, ok := pf.Schema().Lookup("latency_ms"); !ok || !lat.Node.Optional() || lat.Node.Type().Kind() != parquet.Double {
		t.Errorf("latency_ms is %v", lat.Node)
	}

	// The same rows as the CSV export, with NULL where the CSV is empty.
	rows := readParquet(t, pf)
	csvOut := filepath.Join(t.TempDir(), "x.csv")
	if r := zoomqos(t, "", "--db", db, "export", "--meeting", incidentMeeting, "--format", "csv", "-o", csvOut); r.code != 0 {
		t.Fatal(r.stderr)
	}
	b, _ := os.ReadFile(csvOut)
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs)-1 != len(rows) {
		t.Fatalf("%d Parquet rows, %d CSV rows", len(rows), len(recs)-1)
	}
	header := recs[0]
	for i, rec := range recs[1:] {
		for j, col := range header {
			got := rows[i][col]
			switch v := got.(type) {
			case nil:
				if rec[j] != "" {
					t.Fatalf("row %d %s: NULL in Parquet, %q in CSV", i, col, rec[j])
				}
			case float64:
				if fmt.Sprint(v) != rec[j] && strings.TrimSuffix(fmt.Sprintf("%g", v), ".0") != rec[j] {
					t.Fatalf("row %d %s: %v in Parquet, %q in CSV", i, col, v, rec[j])
				}
			case string:
				if v != rec[j] {
					t.Fatalf("row %d %s: %q in Parquet, %q in CSV", i, col, v, rec[j])
				}
			case time.Time:
				if v.UTC().Format(time.RFC3339Nano) != rec[j] {
					t.Fatalf("row %d %s: %v in Parquet, %q in CSV", i, col, v, rec[j])
				}
			}
		}
	}
	// Di's loss 0.2 is a value, an absent frame rate is NULL, never 0.
	zeros := 0
	for _, row := range rows {
		if row["stream"] == "audio_input" && row["frame_rate_fps"] != nil {
			t.Fatal("audio has a frame rate")
		}
		if v, ok := row["latency_ms"].(float64); ok && v == 0 {
			zeros++
		}
	}
	if zeros != 0 {
		t.Errorf("%d latencies of 0: absent values came out as 0", zeros)
	}
}

func TestExportSplitAndRedact(t *testing.T) {
	db := exportDB(t)
	dir := filepath.Join(t.TempDir(), "out")
	r := zoomqos(t, "", "--db", db, "export", "--from", "2026-01-01", "--split", "day", "--redact", "--format", "ndjson", "-o", dir)
	if r.code != 0 || !strings.Contains(r.stderr, "Exported 2 meetings") || !strings.Contains(r.stderr, "(2 files)") {
		t.Fatalf("export --split day: %d %q %s", r.code, r.stdout, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "day=*", "zoomqos.ndjson"))
	if len(files) != 2 || !strings.Contains(files[0], "day=2026-11-02") {
		t.Fatalf("files %v", files)
	}
	b, _ := os.ReadFile(files[0])
	for _, name := range []string{"Ada", "Bob", "p101"} {
		if bytes.Contains(b, []byte(`"`+name+`"`)) {
			t.Errorf("--redact left %q in the export", name)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Scan()
	var row map[string]any
	if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
		t.Fatal(err)
	}
	if row["user_name"] != "Participant 1" || row["device"] != "Mac" || row["location"] != "London (GB)" {
		t.Errorf("first row %v", row)
	}
	if r := zoomqos(t, "", "--db", db, "export", "--from", "2020-01-01", "--to", "2020-01-31", "-o", filepath.Join(dir, "none.parquet")); r.code != 0 ||
		!strings.Contains(r.stderr, "No stored meeting starts between 2020-01-01 and 2020-01-31") {
		t.Errorf("an empty range: %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.parquet")); err == nil {
		t.Error("an empty range wrote a file")
	}
	oneLine(t, zoomqos(t, "", "--db", db, "export", "--from", "2026-01-01", "--split", "day", "-o", "-"), 2, "--split day")
	oneLine(t, zoomqos(t, "", "--db", db, "export", "--from", "2026-01-01"), 2, "-o PATH")
	oneLine(t, zoomqos(t, "", "--db", db, "export", "--meeting", "1", "-o", filepath.Join(t.TempDir(), "x")), 1, "meeting 1 is not in the database")
	oneLine(t, zoomqos(t, "", "--db", db, "export", "--from", "2026-01-01", "--format", "xlsx", "-o", "x"), 2, "parquet, csv or ndjson")
}

// readParquet reads every row of a file as column name → value: nil for
// NULL, float64, string or time.Time (UTC).
func readParquet(t *testing.T, pf *parquet.File) []map[string]any {
	t.Helper()
	var names []string
	for _, path := range pf.Schema().Columns() {
		names = append(names, path[0])
	}
	var out []map[string]any
	for _, rg := range pf.RowGroups() {
		rows := rg.Rows()
		buf := make([]parquet.Row, 64)
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				m := map[string]any{}
				for _, v := range row {
					name := names[v.Column()]
					switch {
					case v.IsNull():
						m[name] = nil
					case v.Kind() == parquet.Double:
						m[name] = v.Double()
					case v.Kind() == parquet.Int64:
						m[name] = time.UnixMilli(v.Int64()).UTC()
					default:
						m[name] = string(v.ByteArray())
					}
				}
				out = append(out, m)
			}
			if err != nil {
				break
			}
		}
		rows.Close()
	}
	return out
}

// Canceled, an export leaves no file, whole or half, and says how to go on.
func TestExportCanceledLeavesNothing(t *testing.T) {
	db := incidentDB(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, "", []string{"zoomqos", "--db", db, "export", "--from", "2026-01-01", "--split", "day", "-o", dir}, strings.NewReader(""), &out, &errb)
	if code == 0 {
		t.Fatalf("an interrupted export succeeded: %s", out.String())
	}
	var left []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("files left behind: %v", left)
	}
	t.Logf("exit %d: %s", code, errb.String())
}

// nodeEngine returns a function that runs a Node.js script of testdata
// with arguments and standard input and returns what it prints. The
// script's npm packages are in node_modules beside it (.ci/deps installs
// them); without them or node the test skips, or fails if env is set to
// require.
func nodeEngine(t *testing.T, name, script, module, env string) func(stdin []byte, args ...string) []byte {
	t.Helper()
	script, _ = filepath.Abs(script)
	modules := filepath.Join(filepath.Dir(script), "node_modules", module)
	node, err := exec.LookPath("node")
	_, modErr := os.Stat(modules)
	if err != nil || modErr != nil {
		msg := fmt.Sprintf("%s check skipped: needs node and %s (run .ci/deps)", name, modules)
		if os.Getenv(env) == "require" {
			t.Fatalf("%s, but %s=require", msg, env)
		}
		t.Skip(msg)
	}
	return func(stdin []byte, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(node, append([]string{script}, args...)...)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, stderr.String())
		}
		return out
	}
}

// A second reader written apart from parquet-go: arrow-rs (the Rust
// parquet crate, through npm's parquet-wasm) reads the Parquet export with
// the schema's types and the CSV export's values, row for row. The test
// skips without it unless ZOOMQOS_ARROW_TESTS=require.
func TestExportReadsInArrowRS(t *testing.T) {
	arrow := nodeEngine(t, "arrow-rs", "testdata/arrow/read.mjs", "parquet-wasm", "ZOOMQOS_ARROW_TESTS")
	db := exportDB(t)
	dir := t.TempDir()
	pq, text := filepath.Join(dir, "all.parquet"), filepath.Join(dir, "all.csv")
	for _, args := range [][]string{{"-o", pq}, {"--format", "csv", "-o", text}} {
		if r := zoomqos(t, "", append([]string{"--db", db, "export", "--from", "2026-01-01"}, args...)...); r.code != 0 {
			t.Fatalf("export: %s", r.stderr)
		}
	}
	b, _ := os.ReadFile(text)
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}

	sc := bufio.NewScanner(bytes.NewReader(arrow(nil, pq)))
	sc.Buffer(nil, 1<<20)
	sc.Scan()
	var schema struct{ Fields [][3]any }
	if err := json.Unmarshal(sc.Bytes(), &schema); err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for i, f := range schema.Fields {
		name, typ, nullable := f[0].(string), f[1].(string), f[2].(bool)
		if name != recs[0][i] {
			t.Fatalf("column %d is %s in Parquet, %s in CSV", i, name, recs[0][i])
		}
		types[name] = typ
		if want := name != "meeting" && name != "participant" && name != "time" && name != "stream"; nullable != want {
			t.Errorf("%s: nullable %t", name, nullable)
		}
	}
	for name, want := range map[string]string{"meeting": "Utf8", "session": "Timestamp<MILLISECOND, UTC>",
		"time": "Timestamp<MILLISECOND, UTC>", "stream": "Utf8", "latency_ms": "Float64", "data_center": "Utf8"} {
		if types[name] != want {
			t.Errorf("%s is %s in arrow-rs, want %s", name, types[name], want)
		}
	}

	row := 0
	for sc.Scan() {
		row++
		var vals []any
		if err := json.Unmarshal(sc.Bytes(), &vals); err != nil {
			t.Fatal(err)
		}
		if row >= len(recs) {
			continue
		}
		for j, v := range vals {
			name, field := recs[0][j], recs[row][j]
			var got string
			switch x := v.(type) {
			case nil:
			case string:
				got = x
				field = unguardCSV(field) // the CSV's text is spreadsheet-safe, Parquet's exact
			case float64:
				got = strconv.FormatFloat(x, 'f', -1, 64)
				if strings.HasPrefix(types[name], "Timestamp") {
					got = time.UnixMilli(int64(x)).UTC().Format(time.RFC3339Nano)
				}
			}
			if got != field || (v == nil) != (field == "") {
				t.Fatalf("row %d %s: arrow-rs read %v, the CSV has %q", row, name, v, field)
			}
		}
	}
	if row != len(recs)-1 || row < 1000 {
		t.Errorf("arrow-rs read %d rows, the CSV has %d", row, len(recs)-1)
	}
}

// unguardCSV undoes the CSV export's guard against spreadsheet formulas as
// docs/WAREHOUSE.md says: it drops the apostrophe before =, +, -, @, a
// tab, a line break or a second apostrophe at the start of a cell.
func unguardCSV(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r\n'", rune(s[1])) {
		return s[1:]
	}
	return s
}
