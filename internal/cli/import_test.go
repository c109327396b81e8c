package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
	"github.com/zoomqos/zoomqos/store"
)

// A folder of saved responses imports in one command: each file into the
// meeting its name (or its directory's) gives, a bad file named on a line
// of its own while the others go in, and the same import again adds
// nothing.
func TestImportDirectory(t *testing.T) {
	dir := t.TempDir()
	files, err := zoomtest.WriteSavedMeetings(dir, zoomtest.SavedMeetings{Meetings: 3, Participants: 20, Minutes: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A meeting's folder: the number in the directory's name.
	sub := filepath.Join(dir, "more", "85000000009")
	os.MkdirAll(sub, 0o700)
	page, _ := os.ReadFile(files[0].Path)
	os.WriteFile(filepath.Join(sub, "page-1.json"), page, 0o600)
	// What does not belong: a file without a number, a saved error, a file
	// import does not read.
	os.WriteFile(filepath.Join(dir, "notes.json"), page, 0o600)
	os.WriteFile(filepath.Join(dir, "85000000002-qos-9.json"), []byte(`{"code":124,"message":"Invalid access token."}`), 0o600)
	os.WriteFile(filepath.Join(dir, "README.txt"), []byte("saved with curl\n"), 0o600)

	db := tempDB(t)
	for run, want := range []string{"samples       350 added, 0 already present", "samples       0 added, 350 already present"} {
		r := zoomqos(t, "", "--db", db, "import", dir)
		if r.code != 1 {
			t.Fatalf("run %d: exit %d, want 1: %s", run, r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if len(lines) != 2 {
			t.Fatalf("run %d: stderr is %d lines, want one a bad file: %q", run, len(lines), r.stderr)
		}
		for _, words := range [][]string{
			{filepath.Join(dir, "85000000002-qos-9.json") + ": document at byte 0", "Zoom error (code 124"},
			{"import " + filepath.Join(dir, "notes.json") + ": no meeting number", "--meeting"},
		} {
			said := false
			for _, l := range lines {
				said = said || strings.Contains(l, words[0]) && strings.Contains(l, words[1])
			}
			if !said {
				t.Errorf("run %d: no line of stderr says %q and %q: %q", run, words[0], words[1], r.stderr)
			}
		}
		for _, w := range []string{"4 meetings (past): 11 files, 10 documents", want,
			"meeting 85000000009: 1 document, 10 sessions"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("run %d: output does not say %q:\n%s", run, w, r.stdout)
			}
		}
	}

	s, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for id, want := range map[string]int{"85000000001": 100, "85000000002": 100, "85000000003": 100, "85000000009": 50} {
		m, err := s.Meeting(context.Background(), id)
		if err != nil {
			t.Fatalf("meeting %s: %v", id, err)
		}
		if m.Samples != want || m.Type != store.Past {
			t.Errorf("meeting %s: %d samples (%s), want %d", id, m.Samples, m.Type, want)
		}
	}
	// The details beside the pages named the meeting's topic.
	if m, _ := s.Meeting(context.Background(), "85000000002"); m.Topic != "Weekly sync 1" {
		t.Errorf("meeting 85000000002: topic %q", m.Topic)
	}
}

// Files as users keep them: gzip-compressed, a pipe left in the folder, a
// page named only by its own directory and given from inside it, another
// meeting's details put beside the pages.
func TestImportFilesAsTheyAre(t *testing.T) {
	dir := t.TempDir()
	files, err := zoomtest.WriteSavedMeetings(dir, zoomtest.SavedMeetings{Meetings: 2, Participants: 20, Minutes: 5, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	var pages, details []string
	for _, f := range files {
		if strings.Contains(f.Path, "-meeting") {
			details = append(details, f.Path)
		} else {
			pages = append(pages, f.Path)
		}
	}
	// The first meeting's pages compressed, one of them cut before its
	// end (the trailer and the last bytes missing).
	for i, p := range pages[:2] {
		b, _ := os.ReadFile(p)
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(b)
		zw.Write([]byte("\n"))
		zw.Write(b) // two documents: the first whole before any cut
		zw.Close()
		out := z.Bytes()
		if i == 1 {
			out = out[:len(out)-100]
		}
		os.WriteFile(p+".gz", out, 0o600)
		os.Remove(p)
	}
	// A FIFO in the folder, which nobody writes to.
	if err := syscall.Mkfifo(filepath.Join(dir, "85000000001-fifo.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The second meeting's details under the first meeting's name.
	other, _ := os.ReadFile(details[1])
	os.WriteFile(filepath.Join(dir, "85000000001-other-meeting.json"), other, 0o600)

	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "import", dir)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 for the files refused: %s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"85000000001-fifo.json: not a regular file", "the gzip stream is cut off", "85000000001-other-meeting.json", "the details of meeting 85000000002, not of 85000000001"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	s, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Meeting(context.Background(), "85000000001")
	s.Close()
	if err != nil || m.Samples != 100 || m.Topic == "" || m.Number != "85000000001" {
		t.Fatalf("meeting 85000000001: %+v %v (the compressed pages, the cut one's first copy, its own details)", m, err)
	}

	// A page given from inside its meeting's directory.
	sub := filepath.Join(t.TempDir(), "85000000007")
	os.MkdirAll(sub, 0o700)
	b, _ := os.ReadFile(pages[2])
	os.WriteFile(filepath.Join(sub, "page-1.json"), b, 0o600)
	t.Chdir(sub)
	abs, _ := filepath.Abs(db)
	if r := zoomqos(t, "", "--db", abs, "import", "page-1.json"); r.code != 0 || !strings.Contains(r.stdout, "meeting 85000000007") {
		t.Errorf("import page-1.json inside 85000000007/: %d %s%s", r.code, r.stdout, r.stderr)
	}
}

// --meeting still takes every file, whatever its name; standard input
// needs it.
func TestImportNamesTheMeeting(t *testing.T) {
	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "import", "--meeting", "85012345678", "testdata/participant-qos.json")
	if r.code != 0 || !strings.Contains(r.stdout, "meeting 85012345678 (past): 1 file, 1 document") {
		t.Errorf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	r = zoomqos(t, `{"user_id":"1"}`, "--db", db, "import", "-")
	oneLine(t, r, 2, "needs --meeting ID", "standard input names no meeting")
}

// BenchmarkImportDirectory runs `zoomqos import DIR` end to end,
// in-process, into a new database: a folder of saved QoS list pages, one
// file a page, in the shapes Zoom sends (zoomtest.WriteSavedMeetings; 30
// meetings × 50 sessions × 60 minutes: 90,000 samples, about 250 MB), and
// the meetings' details. With node and @duckdb/node-api in testdata/duckdb
// (.ci/deps), it then has DuckDB read the same pages with read_json and
// unnest them into a table of one row a sample (docs/bench/import-duckdb.mjs,
// best of three), and reports DuckDB's samples/s and how many times faster
// the import is. ZOOMQOS_BENCH_MEETINGS sets the number of meetings;
// ZOOMQOS_BENCH_SAVED=DIR writes the folder into DIR and leaves it there.
func BenchmarkImportDirectory(b *testing.B) {
	meetings := 30
	if n, err := strconv.Atoi(os.Getenv("ZOOMQOS_BENCH_MEETINGS")); err == nil && n > 0 {
		meetings = n
	}
	dir := b.TempDir()
	pages := filepath.Join(dir, "saved")
	if keep := os.Getenv("ZOOMQOS_BENCH_SAVED"); keep != "" {
		pages = keep // kept, for timing the command as a process
	}
	os.MkdirAll(pages, 0o700)
	files, err := zoomtest.WriteSavedMeetings(pages, zoomtest.SavedMeetings{Meetings: meetings, Participants: 50, Minutes: 60, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	samples, size := 0, int64(0)
	for _, f := range files {
		samples += f.Samples
		if fi, err := os.Stat(f.Path); err == nil {
			size += fi.Size()
		}
	}
	b.SetBytes(size)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db := filepath.Join(dir, fmt.Sprintf("qos-%d.db", i))
		var out, errb bytes.Buffer
		if code := Run(context.Background(), "", []string{"zoomqos", "--db", db, "import", pages}, nil, &out, &errb); code != 0 {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
		if want := fmt.Sprintf("samples       %d added", samples); !strings.Contains(out.String(), want) {
			b.Fatalf("import did not say %q:\n%s", want, out.String())
		}
		b.StopTimer()
		os.Remove(db)
		b.StartTimer()
	}
	b.StopTimer()
	ours := float64(samples*b.N) / b.Elapsed().Seconds()
	b.ReportMetric(ours, "samples/s")
	// CPU time a sample, user and system, every goroutine: steadier than
	// the wall clock on a machine shared with other work.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(samples*b.N), "cpu-µs/sample")

	script, _ := filepath.Abs("docs/bench/import-duckdb.mjs")
	engine, _ := filepath.Abs("testdata/duckdb")
	node, err := exec.LookPath("node")
	if _, modErr := os.Stat(filepath.Join(engine, "node_modules", "@duckdb", "node-api")); err != nil || modErr != nil {
		b.Log("DuckDB comparison skipped: needs node and testdata/duckdb/node_modules/@duckdb/node-api (run .ci/deps)")
		return
	}
	// Node resolves the module from the script's directory: run a copy there.
	copyPath := filepath.Join(engine, "import-duckdb.mjs")
	src, err := os.ReadFile(script)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(copyPath, src, 0o600); err != nil {
		b.Fatal(err)
	}
	defer os.Remove(copyPath)
	cmd := exec.Command(node, copyPath, filepath.Join(pages, "*-qos-*.json"), "--runs", "3")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		b.Fatalf("DuckDB: %v\n%s", err, stderr.String())
	}
	var duck struct {
		Samples int     `json:"samples"`
		BestMS  float64 `json:"best_ms"`
	}
	if err := json.Unmarshal(outb, &duck); err != nil || duck.Samples != samples {
		b.Fatalf("DuckDB said %s (%v), want %d samples", outb, err, samples)
	}
	theirs := float64(duck.Samples) / (duck.BestMS / 1000)
	b.ReportMetric(theirs, "duckdb-samples/s")
	b.ReportMetric(ours/theirs, "x-duckdb")
}

// cpuTime is the process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
