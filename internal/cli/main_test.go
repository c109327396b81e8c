package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/report/export"
	"github.com/zoomqos/zoomqos/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// result is what one in-process run of zoomqos did.
type result struct {
	code           int
	stdout, stderr string
}

// zoomqos runs the command line in-process with the given standard input.
func zoomqos(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), "", append([]string{"zoomqos"}, args...), strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func tempDB(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "qos.db")
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// oneLine checks that a failure printed exactly one line, with the wanted
// words, and no Go stack trace.
func oneLine(t *testing.T, r result, code int, words ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit status %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	if n := strings.Count(r.stderr, "\n"); n != 1 || !strings.HasPrefix(r.stderr, "zoomqos: ") {
		t.Errorf("stderr is %d lines, want one 'zoomqos: ...' line: %q", n, r.stderr)
	}
	for _, w := range words {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q does not say %q", r.stderr, w)
		}
	}
	for _, bad := range []string{"goroutine ", "panic", ".go:"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr has a stack trace: %q", r.stderr)
		}
	}
}

// lastLine checks a failure whose stderr also holds log lines: the last
// line is the error, with the wanted words, and there is no stack trace.
func lastLine(t *testing.T, r result, code int, words ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	oneLine(t, result{r.code, r.stdout, lines[len(lines)-1] + "\n"}, code, words...)
	for _, bad := range []string{"goroutine ", "panic"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr has a stack trace: %q", r.stderr)
		}
	}
}

const meetingID = "85012345678"

func TestImportMeetingsDump(t *testing.T) {
	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "import", "--meeting", meetingID, "testdata/list-page.json", "testdata/participant-qos.json")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("import: %d %q", r.code, r.stderr)
	}
	golden(t, "import.txt", r.stdout)

	r = zoomqos(t, "", "--db", db, "import", "--meeting", meetingID, "testdata/list-page.json", "testdata/participant-qos.json")
	if !strings.Contains(r.stdout, "0 added, 7 already present") {
		t.Errorf("second import: %s", r.stdout)
	}

	r = zoomqos(t, "", "--db", db, "meetings")
	golden(t, "meetings.txt", r.stdout)
	r = zoomqos(t, "", "--db", db, "meetings", "--json")
	var list []store.MeetingSummary
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 1 {
		t.Fatalf("meetings --json: %v %q", err, r.stdout)
	}
	if m := list[0]; m.ID != meetingID || m.Type != "past" || m.Participants != 3 || m.Sessions != 4 || m.Samples != 7 {
		t.Errorf("meetings --json = %+v", m)
	}

	r = zoomqos(t, "", "--db", db, "dump", "--meeting", meetingID)
	golden(t, "dump.csv", r.stdout)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(export.DumpColumns(), ",") {
		t.Errorf("header = %v", rows[0])
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	found := false
	for _, row := range rows[1:] {
		if row[col["participant"]] == "1670000000" && row[col["stream"]] == "as_input" {
			found = true
			// "frame_rate": "" is absent: an empty field, never 0.
			if row[col["frame_rate_fps"]] != "" || row[col["width"]] != "0" || row[col["bitrate_kbps"]] != "70" {
				t.Errorf("as_input row = %v", row)
			}
		}
	}
	if !found {
		t.Error("no as_input row for the shared sample")
	}

	r = zoomqos(t, "", "--db", db, "dump", "--meeting", meetingID, "--format", "ndjson")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != len(rows)-1 {
		t.Errorf("ndjson has %d rows, csv %d", len(lines), len(rows)-1)
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("ndjson line %q: %v", l, err)
		}
		if m["stream"] == "as_input" && m["participant"] == "1670000000" {
			if v, ok := m["frame_rate_fps"]; !ok || v != nil {
				t.Errorf("absent frame rate in ndjson = %v, want null", v)
			}
		}
		if len(m) != len(export.DumpColumns()) {
			t.Errorf("ndjson row has %d keys, want %d", len(m), len(export.DumpColumns()))
		}
	}
}

// The raw copies hold everything: dumped and imported elsewhere, they give
// the same samples.
func TestDumpRawReimports(t *testing.T) {
	db, other := tempDB(t), tempDB(t)
	zoomqos(t, "", "--db", db, "import", "--meeting", meetingID, "testdata/list-page.json", "testdata/participant-qos.json")
	raw := zoomqos(t, "", "--db", db, "dump", "--meeting", meetingID, "--format", "raw")
	if raw.code != 0 {
		t.Fatal(raw.stderr)
	}
	list, _ := os.ReadFile("testdata/list-page.json")
	if !strings.HasPrefix(raw.stdout, string(list)) {
		t.Error("raw dump does not start with the imported file byte for byte")
	}
	r := zoomqos(t, raw.stdout, "--db", other, "import", "--meeting", meetingID, "-")
	if r.code != 0 || !strings.Contains(r.stdout, "7 added") || !strings.Contains(r.stdout, "standard input") && r.code != 0 {
		t.Fatalf("import from stdin: %d %s %s", r.code, r.stdout, r.stderr)
	}
	a := zoomqos(t, "", "--db", db, "dump", "--meeting", meetingID).stdout
	b := zoomqos(t, "", "--db", other, "dump", "--meeting", meetingID).stdout
	if a != b {
		t.Error("samples differ after a round trip through the raw dump")
	}
}

func TestDumpToFile(t *testing.T) {
	db := tempDB(t)
	zoomqos(t, "", "--db", db, "import", "--meeting", meetingID, "testdata/participant-qos.json")
	out := filepath.Join(t.TempDir(), "qos.csv")
	r := zoomqos(t, "", "--db", db, "dump", "--meeting", meetingID, "-o", out)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || strings.Count(string(b), "\n") != 8 {
		t.Errorf("dump file: %v, %d lines", err, strings.Count(string(b), "\n"))
	}
	r = zoomqos(t, "", "--db", db, "dump", "--meeting", "nope", "-o", out+".2")
	oneLine(t, r, 1, `meeting nope is not in the database`)
	if _, err := os.Stat(out + ".2"); !os.IsNotExist(err) {
		t.Error("failed dump left a file")
	}
}

func TestImportMalformedKeepsOtherFiles(t *testing.T) {
	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "import", "--meeting", meetingID, "testdata/malformed.json", "testdata/participant-qos.json")
	oneLine(t, r, 1, "testdata/malformed.json", "invalid JSON at byte 223")
	if !strings.Contains(r.stdout, "1 added") {
		t.Errorf("the good file was not imported: %s", r.stdout)
	}
	if m := zoomqos(t, "", "--db", db, "meetings", "--json"); !strings.Contains(m.stdout, `"samples": 1`) {
		t.Errorf("meetings after a partly failed import: %s", m.stdout)
	}
}

func TestImportReportsUnparsedValues(t *testing.T) {
	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "import", "--meeting", "m", "testdata/list-page.json")
	for _, want := range []string{"not understood 1 value", `participants[0].user_qos[1].video_input.frame_rate = "fast"`, "testdata/list-page.json (byte 0)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("import output does not say %q:\n%s", want, r.stdout)
		}
	}
}

// Values that cannot be true (a loss of 150 %, a bitrate of 1e308) are
// not understood, like words: reported and left absent, so that the
// analysis of the rest, in every format, still works.
func TestImplausibleValuesAreLeftOut(t *testing.T) {
	db := tempDB(t)
	page := filepath.Join(t.TempDir(), "odd.json")
	var samples []string
	for i := range 3 {
		samples = append(samples, fmt.Sprintf(`{"date_time":"2026-11-08T09:4%d:00Z","audio_input":{"bitrate":1e308,"latency":"1.7e308 ms","jitter":"4 ms","avg_loss":"150%%"},"cpu_usage":{"system_max_cpu_usage":"1e20%%"}}`, i+7))
	}
	os.WriteFile(page, []byte(`{"participants":[{"id":"p1","user_name":"Odd","join_time":"2026-11-08T09:46:00Z","user_qos":[`+strings.Join(samples, ",")+`]}]}`), 0o600)
	r := zoomqos(t, "", "--db", db, "import", "--meeting", "odd", page)
	if r.code != 0 || !strings.Contains(r.stdout, "not understood 12 values") || !strings.Contains(r.stdout, `audio_input.avg_loss = "150%"`) {
		t.Fatalf("import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	for _, format := range []string{"json", "csv", "table"} {
		r := zoomqos(t, "", "--db", db, "analyze", "--meeting", "odd", "--format", format)
		if r.code != 0 || strings.Contains(r.stdout, "Inf") || strings.Contains(r.stdout, "e+308") || !strings.Contains(r.stdout, "jitter") {
			t.Errorf("analyze --format %s: %d %s %s", format, r.code, r.stdout, r.stderr)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	db := tempDB(t)
	tests := []struct {
		args  []string
		words []string
	}{
		{[]string{"import", "testdata/participant-qos.json"}, []string{"needs --meeting ID"}},
		{[]string{"import", "--meeting", "1"}, []string{"at least one FILE"}},
		{[]string{"import", "--meeting", "1", "--type", "future", "x"}, []string{`--type "future"`}},
		{[]string{"dump"}, []string{"needs --meeting ID"}},
		{[]string{"dump", "--meeting", "1", "--format", "xml"}, []string{`--format "xml"`}},
		{[]string{"frobnicate"}, []string{`no command "frobnicate"`}},
		{[]string{"import", "--bogus"}, []string{"flag provided but not defined: -bogus", "zoomqos import --help"}},
		{[]string{"--log-level", "loud", "meetings"}, []string{`log level "loud" (--log-level or ZOOMQOS_LOG_LEVEL)`}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := zoomqos(t, "", append([]string{"--db", db}, tt.args...)...)
			oneLine(t, r, 2, tt.words...)
		})
	}
}

func TestUserMistakesAreOneLine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qos.db")
	r := zoomqos(t, "", "--db", db, "meetings")
	oneLine(t, r, 1, db, "no database", "import or collect some data first")

	r = zoomqos(t, "", "--db", db, "import", "--meeting", "m", filepath.Join(dir, "missing.json"))
	oneLine(t, r, 1, "missing.json", "no such file")

	notdb := filepath.Join(dir, "notes.txt")
	os.WriteFile(notdb, bytes.Repeat([]byte("hello\n"), 2000), 0o600)
	r = zoomqos(t, "", "--db", notdb, "meetings")
	oneLine(t, r, 1, notdb, "not a zoomqos database")

	r = zoomqos(t, `{"code":124,"message":"Invalid access token."}`, "--db", db, "import", "--meeting", "m", "-")
	oneLine(t, r, 1, "standard input", "document at byte 0", "Zoom error (code 124: Invalid access token.)")
}

func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, "", []string{"zoomqos", "--db", tempDB(t), "import", "--meeting", "m", "testdata/list-page.json"}, nil, &out, &errb)
	if code != 130 || !strings.Contains(errb.String(), "interrupted") || !strings.Contains(errb.String(), "again to continue") {
		t.Errorf("interrupted import: %d %q", code, errb.String())
	}
}

func TestReparseCommand(t *testing.T) {
	db := tempDB(t)
	zoomqos(t, "", "--db", db, "import", "--meeting", meetingID, "testdata/list-page.json", "testdata/participant-qos.json")
	r := zoomqos(t, "", "--db", db, "reparse")
	if r.code != 0 || !strings.Contains(r.stdout, "meeting 85012345678: 2 documents reparsed; sessions 4 -> 4, samples 7 -> 7") {
		t.Errorf("reparse: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = zoomqos(t, "", "--db", db, "reparse", "--meeting", "nope")
	oneLine(t, r, 1, `meeting nope is not in the database`)
}

func TestHelpHasExamples(t *testing.T) {
	r := zoomqos(t, "", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "--db FILE") {
		t.Errorf("zoomqos --help: %q", r.stdout)
	}
	for _, cmd := range newApp(newRun("", nil), nil, nil, nil).Commands {
		r := zoomqos(t, "", cmd.Name, "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "zoomqos "+cmd.Name) {
			t.Errorf("zoomqos %s --help has no examples: %q", cmd.Name, r.stdout)
		}
	}
}

func TestVersion(t *testing.T) {
	r := zoomqos(t, "", "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "zoomqos version ") {
		t.Errorf("--version: %q", r.stdout)
	}
}

func TestDatabaseLocation(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	if got, want := defaultDBPath(), filepath.Join(dir, "zoomqos", "qos.db"); got != want {
		t.Errorf("default database = %s, want %s", got, want)
	}
	// With no --db, the default in the data directory is used and created
	// private.
	zoomqos(t, "", "import", "--meeting", "m", "testdata/participant-qos.json")
	fi, err := os.Stat(filepath.Join(dir, "zoomqos"))
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory: %v %v", fi, err)
	}
	// ZOOMQOS_DB overrides it.
	env := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("ZOOMQOS_DB", env)
	zoomqos(t, "", "import", "--meeting", "m", "testdata/participant-qos.json")
	if _, err := os.Stat(env); err != nil {
		t.Errorf("ZOOMQOS_DB not used: %v", err)
	}
}

// BenchmarkImportCommand runs `zoomqos import` end to end, in-process, on
// one NDJSON file of 20 list pages (12,000 samples carrying every stream,
// 36 MB), and reports the database's size per sample (raw copy included).
func BenchmarkImportCommand(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "pages.ndjson")
	var buf bytes.Buffer
	for _, p := range fakezoom.ListPages(20, 10, 60, time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC)) {
		buf.Write(p)
		buf.WriteByte('\n')
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db := filepath.Join(dir, fmt.Sprintf("qos-%d.db", i))
		var out, errb bytes.Buffer
		if code := Run(context.Background(), "", []string{"zoomqos", "--db", db, "import", "--meeting", "bench", file}, nil, &out, &errb); code != 0 {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
	b.ReportMetric(float64(12000*b.N)/b.Elapsed().Seconds(), "samples/s")
	if fi, err := os.Stat(filepath.Join(dir, "qos-0.db")); err == nil {
		b.ReportMetric(float64(fi.Size())/12000, "db-bytes/sample")
	}
}
