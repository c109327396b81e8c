package cli

import (
	"bytes"
	"context"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Standard output carries only the product: -o - and --email - are clean
// pipes, whatever else the command writes to files.
func TestPipesCarryOnlyTheProduct(t *testing.T) {
	db := incidentDB(t)
	dir := t.TempDir()
	t.Setenv("SOURCE_DATE_EPOCH", "1795000000")
	eml := filepath.Join(dir, "m.eml")
	r := zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "-o", "-", "--email", eml)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	raw, err := os.ReadFile(eml)
	if err != nil {
		t.Fatal(err)
	}
	if att := attachment(t, raw); r.stdout != string(att) {
		t.Errorf("-o - --email FILE: standard output (%d bytes, ending %q) is not the report attached to the e-mail (%d bytes)",
			len(r.stdout), tail(r.stdout), len(att))
	}
	if !strings.Contains(r.stderr, "E-mail: "+eml) {
		t.Errorf("the status line is not on stderr: %q", r.stderr)
	}

	html := filepath.Join(dir, "r.html")
	r = zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "--email", "-", "-o", html)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	if strings.Contains(r.stdout, "Report:") || !strings.HasPrefix(r.stdout, "From: ") && !strings.HasPrefix(r.stdout, "MIME-Version: ") && !strings.HasPrefix(r.stdout, "Date: ") {
		t.Errorf("--email - starts %q", head(r.stdout))
	}
	if _, err := mail.ReadMessage(strings.NewReader(r.stdout)); err != nil {
		t.Errorf("--email - is not a message: %v", err)
	}
	written, _ := os.ReadFile(html)
	if att := attachment(t, []byte(r.stdout)); !bytes.Equal(att, written) {
		t.Errorf("the e-mail on standard output attaches %d bytes, the report file holds %d", len(att), len(written))
	}
	if !strings.HasSuffix(strings.TrimRight(r.stdout, "\r\n"), "--") {
		t.Errorf("something follows the message's last boundary: %q", tail(r.stdout))
	}
	oneLine(t, zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "-o", "-", "--email", "-"), 2, "cannot both use standard output")

	// Exports and dumps: the file's bytes, and nothing else.
	out := filepath.Join(dir, "e.csv")
	if r := zoomqos(t, "", "--db", db, "export", "--meeting", incidentMeeting, "--format", "csv", "-o", out); r.code != 0 || r.stdout != "" {
		t.Fatalf("export -o FILE: %d, stdout %q", r.code, r.stdout)
	}
	file, _ := os.ReadFile(out)
	if r := zoomqos(t, "", "--db", db, "export", "--meeting", incidentMeeting, "--format", "csv", "-o", "-"); r.stdout != string(file) {
		t.Errorf("export -o - differs from the file it writes (%d and %d bytes)", len(r.stdout), len(file))
	}
	if r := zoomqos(t, "", "--db", db, "dump", "--meeting", incidentMeeting, "-o", out); r.code != 0 || r.stdout != "" {
		t.Fatalf("dump -o FILE: %d, stdout %q", r.code, r.stdout)
	}
	file, _ = os.ReadFile(out)
	if r := zoomqos(t, "", "--db", db, "dump", "--meeting", incidentMeeting, "-o", "-"); r.stdout != string(file) {
		t.Errorf("dump -o - differs from the file it writes")
	}
}

func head(s string) string { return s[:min(len(s), 80)] }
func tail(s string) string { return s[max(0, len(s)-80):] }

// Files: -o DIR writes the default name inside it; nothing leaves a
// temporary behind, on an error or on Ctrl-C; errors name the user's path;
// personal data is written 0600 unless --file-mode says otherwise.
func TestOutputFiles(t *testing.T) {
	db := incidentDB(t)
	dir := t.TempDir()
	noTemporaries := func(t *testing.T, dir string) {
		t.Helper()
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("%s holds %s", dir, e.Name())
			}
		}
	}
	mode := func(t *testing.T, path string, want os.FileMode) {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", filepath.Base(path), got, want)
		}
	}

	// -o DIR: the default name inside.
	for _, tc := range []struct {
		args []string
		name string
	}{
		{[]string{"report", "--meeting", incidentMeeting}, "report-86000000001.html"},
		{[]string{"report", "--meeting", incidentMeeting, "--email", dir}, "report-86000000001.eml"},
		{[]string{"dump", "--meeting", incidentMeeting}, "dump-86000000001.csv"},
		{[]string{"export", "--meeting", incidentMeeting}, "zoomqos.parquet"},
		{[]string{"backup"}, ""},
	} {
		args := append([]string{"--db", db}, tc.args...)
		if tc.args[len(tc.args)-1] != dir {
			args = append(args, "-o", dir)
		}
		r := zoomqos(t, "", args...)
		if r.code != 0 {
			t.Fatalf("%s -o DIR: %d %s", tc.args[0], r.code, r.stderr)
		}
		if tc.name != "" {
			mode(t, filepath.Join(dir, tc.name), 0o600)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "qos-*.db")); len(m) != 1 {
		t.Errorf("backup -o DIR wrote %v", m)
	} else {
		mode(t, m[0], 0o600)
	}
	noTemporaries(t, dir)

	// --file-mode and ZOOMQOS_FILE_MODE.
	shared := filepath.Join(dir, "shared.html")
	if r := zoomqos(t, "", "--db", db, "--file-mode", "0644", "report", "--meeting", incidentMeeting, "-o", shared); r.code != 0 {
		t.Fatal(r.stderr)
	}
	mode(t, shared, 0o644)
	t.Setenv("ZOOMQOS_FILE_MODE", "640")
	if r := zoomqos(t, "", "--db", db, "dump", "--meeting", incidentMeeting, "-o", shared); r.code != 0 {
		t.Fatal(r.stderr)
	}
	mode(t, shared, 0o640)
	oneLine(t, zoomqos(t, "", "--db", db, "--file-mode", "0044", "dump", "--meeting", incidentMeeting, "-o", shared), 2, `file mode "0044"`)
	t.Setenv("ZOOMQOS_FILE_MODE", "")

	// A path that cannot be written: the error names it, and no
	// temporary is left.
	notDir := filepath.Join(dir, "shared.html", "r.html")
	r := zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "-o", notDir)
	oneLine(t, r, 1, "write "+notDir)
	if strings.Contains(r.stderr, tmpMarker) {
		t.Errorf("the error names the temporary file: %s", r.stderr)
	}
	noTemporaries(t, dir)
	missing := filepath.Join(dir, "no-such-dir") + "/"
	oneLine(t, zoomqos(t, "", "--db", db, "backup", "-o", missing), 1, "write "+missing+": there is no directory "+filepath.Clean(missing))
	oneLine(t, zoomqos(t, "", "--db", db, "dump", "--meeting", incidentMeeting, "-o", missing+"x.csv"), 1, "there is no directory "+filepath.Clean(missing))

	// Interrupted: nothing half-written, no temporary.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, "", []string{"zoomqos", "--db", db, "export", "--meeting", incidentMeeting, "-o", filepath.Join(dir, "i.parquet")}, nil, &out, &errb)
	if code != 130 {
		t.Errorf("interrupted export: %d %s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "i.parquet")); err == nil {
		t.Error("an interrupted export left its file")
	}
	noTemporaries(t, dir)
}

// A temporary that a killed run left behind is removed by the next run that
// writes into its directory; one another process is writing is not.
func TestStaleTemporariesAreRemoved(t *testing.T) {
	db := incidentDB(t)
	dir := t.TempDir()
	stale := []string{".out.csv.1234567890", ".report.html" + tmpMarker + "42"}
	for _, name := range stale {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("half a file"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A temporary being written now: locked by its writer.
	busy := filepath.Join(dir, ".other.csv"+tmpMarker+"7")
	f, err := os.Create(busy)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if r := zoomqos(t, "", "--db", db, "export", "--meeting", incidentMeeting, "--format", "csv", "-o", filepath.Join(dir, "out.csv")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, name := range stale {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s is still there", name)
		}
	}
	if _, err := os.Stat(busy); err != nil {
		t.Errorf("a temporary being written was removed: %v", err)
	}

	// A split export cleans every day's directory it finds, not only the
	// days it writes.
	old := filepath.Join(dir, "split", "day=2020-01-01")
	os.MkdirAll(old, 0o700)
	leftover := filepath.Join(old, ".zoomqos.parquet"+tmpMarker+"9")
	os.WriteFile(leftover, []byte("half"), 0o600)
	if r := zoomqos(t, "", "--db", db, "export", "--from", "2026-11-01", "--to", "2026-11-30", "--split", "day", "-o", filepath.Join(dir, "split")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if _, err := os.Stat(leftover); err == nil {
		t.Error("a killed split export's temporary is still there")
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("a killed split export's day directory, empty now, is still there")
	}
}

// The demo uses a database of its own unless --db names one on its command
// line: ZOOMQOS_DB and the config file are the user's real data.
func TestDemoLeavesTheRealDatabaseAlone(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	real := filepath.Join(dir, "real.db")
	t.Setenv("ZOOMQOS_DB", real)
	if r := zoomqos(t, "", "demo", "--participants", "3", "--minutes", "5"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if _, err := os.Stat(real); err == nil {
		t.Error("the demo wrote into ZOOMQOS_DB")
	}
	t.Setenv("ZOOMQOS_DB", "")
	cfg := filepath.Join(dir, "config")
	os.WriteFile(cfg, []byte("ZOOMQOS_DB="+real+"\n"), 0o600)
	if r := zoomqos(t, "", "--config", cfg, "demo", "--participants", "3", "--minutes", "5"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if _, err := os.Stat(real); err == nil {
		t.Error("the demo wrote into the config file's ZOOMQOS_DB")
	}
}

// Every command reads the config file, and it takes every setting.
func TestConfigFileEverywhere(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "from-config.db")
	cfg := filepath.Join(dir, "config")
	os.WriteFile(cfg, []byte("ZOOMQOS_DB="+db+"\nZOOMQOS_LOG_LEVEL=warn\n"), 0o600)
	t.Setenv("ZOOMQOS_CONFIG", cfg)
	for _, args := range [][]string{
		{"import", "--meeting", "m", "testdata/participant-qos.json"},
		{"meetings"},
		{"dump", "--meeting", "m"},
		{"export", "--meeting", "m", "-o", filepath.Join(dir, "x.parquet")},
		{"analyze", "--meeting", "m"},
		{"check"},
	} {
		if r := zoomqos(t, "", args...); r.code != 0 {
			t.Errorf("%s with ZOOMQOS_DB in the config file: %d %s", args[0], r.code, r.stderr)
		}
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("the config file's database was not used: %v", err)
	}

	// The README's own example: a comment after a value.
	os.WriteFile(cfg, []byte("ZOOMQOS_DB="+db+"\nZOOMQOS_LATENCY_MS=200    # this organisation tolerates more delay\n"), 0o600)
	if r := zoomqos(t, "", "analyze", "--meeting", "m", "--format", "json"); r.code != 0 || !strings.Contains(r.stdout, `"latency_ms": 200`) {
		t.Errorf("a comment after a value: %d %s", r.code, r.stderr)
	}
	// A line that cannot be read, or a value that cannot be right, is
	// named where it is, whatever the command, and never quoted: it may
	// be a secret.
	for _, tc := range []struct{ file, says, secret string }{
		{"ZOOMQOS_DB=" + db + "\nZOOMQOS_JITTER_MS=thirty\n", "line 2: ZOOMQOS_JITTER_MS: not a number", ""},
		{"ZOOM_API_URL=ftp://zoom.example\n", "line 1: ZOOM_API_URL: not an http(s) URL", ""},
		{"ZOOMQOS_SMTP_URL=http://mail.example.com\n", "line 1: ZOOMQOS_SMTP_URL: not an smtp:// (STARTTLS) or smtps:// (TLS) URL", ""},
		{"ZOOMQOS_SMTP_URL=smtp://reports:Hunter2Hunter2@mail.example.com\n", "line 1: ZOOMQOS_SMTP_URL: it holds a password", "Hunter2"},
		{"ZOOMQOS_MAIL_FROM=not an address\n", "line 1: ZOOMQOS_MAIL_FROM: not an e-mail address", ""},
		{"ZOOMQOS_CONFIG=/elsewhere\n", "line 1: ZOOMQOS_CONFIG names the config file; it cannot be set inside it", ""},
		{"zoom_client_secret=TopSecretValue12345\n", "line 1: unknown key zoom_client_secret: keys are written in capitals (ZOOM_CLIENT_SECRET)", "TopSecret"},
		{"ZOOM_CLIENT_SECRET=\"TopSecretValue12345\n", "line 1: ZOOM_CLIENT_SECRET: the value's opening quote is not closed", "TopSecret"},
		{"ZOOM_CLIENT_SECRET='Top' Secret\n", "line 1: ZOOM_CLIENT_SECRET: text after the value's closing quote", "Top"},
	} {
		os.WriteFile(cfg, []byte(tc.file), 0o600)
		r := zoomqos(t, "", "meetings")
		oneLine(t, r, 1, "config file "+cfg+" "+tc.says)
		if tc.secret != "" && strings.Contains(r.stderr, tc.secret) {
			t.Errorf("the error quotes the value: %s", r.stderr)
		}
	}
	// A byte-order mark, as Windows' Notepad writes, is no part of the first key.
	os.WriteFile(cfg, []byte("\ufeffZOOMQOS_DB="+db+"\n"), 0o600)
	if r := zoomqos(t, "", "meetings"); r.code != 0 {
		t.Errorf("a config file that begins with a byte-order mark: %s", r.stderr)
	}
	// An unknown key lists every key there is.
	os.WriteFile(cfg, []byte("ZOOMQOS_LATENCY=200\n"), 0o600)
	r := zoomqos(t, "", "meetings")
	oneLine(t, r, 1, "line 1: unknown key ZOOMQOS_LATENCY", "ZOOMQOS_DB", "ZOOMQOS_LATENCY_MS", "ZOOMQOS_SMTP_URL",
		"ZOOMQOS_SMTP_PASSWORD", "ZOOMQOS_MAIL_FROM", "ZOOM_CLIENT_SECRET", "ZOOMQOS_LOCK_TIMEOUT")
	// A quoted value may hold a # and be followed by a comment.
	os.WriteFile(cfg, []byte("ZOOMQOS_DB="+db+"\nZOOMQOS_MAIL_FROM=\"QoS #1 <qos@example.com>\"  # the sender\n"), 0o600)
	if r := zoomqos(t, "", "report", "--meeting", "m", "--email", "-", "--mail-to", "ops@example.com"); r.code != 0 ||
		!strings.Contains(r.stdout, "From: \"QoS #1\" <qos@example.com>") {
		t.Errorf("a quoted value with a # and a comment after it: %d %q", r.code, r.stderr)
	}

	// The thresholds' help says each default once.
	r = zoomqos(t, "", "analyze", "--help")
	if !strings.Contains(r.stdout, "(default: 150)") || strings.Contains(r.stdout, "(default: 0)") || strings.Contains(r.stdout, "(default 150)") {
		t.Errorf("analyze --help on thresholds: %s", r.stdout)
	}
}

// Input that is wrong is called wrong.
func TestWrongInputIsCalledWrong(t *testing.T) {
	db := incidentDB(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		args  []string
		code  int
		words []string
	}{
		{[]string{"collect", "--past", "--from", "2026-02-30"}, 2, []string{"--from 2026-02-30: no such day"}},
		{[]string{"analyze", "--from", "2026-13-01", "--by", "device"}, 2, []string{"--from 2026-13-01: no such day"}},
		{[]string{"collect", "--past", "--from", "2999-01-01"}, 2, []string{"--from 2999-01-01 is after today"}},
		{[]string{"export", "--from", "2026-11-01", "--to", "2026-10-01", "-o", "x"}, 2, []string{"--to 2026-10-01 is before --from 2026-11-01"}},
		{[]string{"analyze", "--meeting", incidentMeeting, "--participant", "nobody"}, 1, []string{`meeting 86000000001 has no participant "nobody"`}},
		{[]string{"analyze", "--from", "2026-11-01", "--by", "device", "--participant", "nobody"}, 1, []string{`no participant "nobody"`}},
		{[]string{"import", "--meeting", "86000000001\nfake", "testdata/participant-qos.json"}, 2, []string{"--meeting", "control character"}},
		{[]string{"import", "--meeting", "bad\xff", "testdata/participant-qos.json"}, 2, []string{"--meeting", "not valid UTF-8"}},
		{[]string{"report", "--meeting", "a\u202eb"}, 2, []string{"--meeting", "control character U+202E"}},
		{[]string{"report", "--meeting", incidentMeeting, "oops", "--redact", "-o", "x.html"}, 2,
			[]string{`unexpected argument "oops", and what follows it (--redact -o x.html) was not read`}},
		{[]string{"reparse", "junk", "--meeting", "m"}, 2, []string{`unexpected argument "junk"`}},
		{[]string{"analyze", "--meeting", incidentMeeting, "--loss-pct", "200"}, 2, []string{"the loss threshold is a percentage: at most 100, not 200"}},
		{[]string{"import", "--meeting", "m", "testdata/list-page.json", "--type", "live"}, 2, []string{"--type after the files is not read: put flags before the files"}},
		// Flags that would be ignored are refused.
		{[]string{"analyze", "--meeting", incidentMeeting, "--to", "2026-11-01"}, 2, []string{"give --meeting, or --from, --to and --by for a fleet roll-up, not both"}},
		{[]string{"export", "--meeting", incidentMeeting, "--from", "2025-01-01", "--to", "2025-01-02", "-o", "x.csv"}, 2, []string{"--meeting exports the whole meeting, --from and --to the meetings of some days"}},
		{[]string{"analyze", "--from", "2026-11-01"}, 2, []string{"a fleet roll-up needs --by device|location|network|version|datacenter"}},
	} {
		r := zoomqos(t, "", append([]string{"--db", db}, tc.args...)...)
		oneLine(t, r, tc.code, tc.words...)
	}
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	oneLine(t, zoomqos(t, "", "--db", empty, "meetings"), 1, empty+": no database: the file is empty (0 bytes)")
	oneLine(t, zoomqos(t, "", "--db", dir, "meetings"), 1, dir+" is not a zoomqos database, or damaged: it is a directory")
	// A named pipe would make open wait for a writer for ever.
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	oneLine(t, zoomqos(t, "", "--db", fifo, "meetings"), 1, fifo+" is not a zoomqos database, or damaged: it is a named pipe")
	oneLine(t, zoomqos(t, "", "--db", fifo, "import", "--meeting", "m", "testdata/participant-qos.json"), 1, "it is a named pipe")
	oneLine(t, zoomqos(t, "", "--config", fifo, "meetings"), 1, "config file "+fifo+" is a named pipe, not a file")
	oneLine(t, zoomqos(t, "", "--db", dir, "import", "--meeting", "m", "testdata/participant-qos.json"), 1, dir, "it is a directory")
	// A directory stands for its files: TestImportDirectory.
}

// Ctrl-C ends an import whose input is a pipe that keeps it waiting (a
// writer that sent a document and went quiet), without waiting for the
// writer: what came before is stored.
func TestImportFromAQuietPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("testdata/participant-qos.json")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	var writerDone atomic.Bool
	go func() {
		defer writerDone.Store(true)
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		w.Write(doc)
		select { // quiet until the test ends (or for long enough to tell)
		case <-release:
		case <-time.After(2 * time.Minute):
		}
	}()
	defer close(release)
	db := tempDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := Run(ctx, "", []string{"zoomqos", "--db", db, "import", "--meeting", "m", fifo}, strings.NewReader(""), &out, &errb)
		done <- result{code, out.String(), errb.String()}
	}()
	// Wait until the document is stored, then interrupt. (Another process
	// looks: two runs of the CLI at once in one process share urfave/cli's
	// global flags.)
	for {
		if out, err := zoomqosProcess(t, nil, "--db", db, "dump", "--meeting", "m").Output(); err == nil && strings.Count(string(out), "\n") > 1 {
			break
		}
		select {
		case r := <-done:
			t.Fatalf("the import ended by itself: %d %s", r.code, r.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	r := <-done
	if writerDone.Load() {
		t.Fatal("the import waited for the writer to go")
	}
	if r.code != 130 || !strings.Contains(r.stderr, "interrupted while importing "+fifo) {
		t.Errorf("import interrupted on a quiet pipe: %d %q", r.code, r.stderr)
	}
}

// A named pipe nobody opens for writing keeps its open waiting: Ctrl-C ends
// the import all the same.
func TestImportFromAPipeNobodyWritesTo(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Lets the open left waiting finish, and its file be closed.
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := Run(ctx, "", []string{"zoomqos", "--db", tempDB(t), "import", "--meeting", "m", fifo}, strings.NewReader(""), &out, &errb)
		done <- result{code, out.String(), errb.String()}
	}()
	// Most likely the import waits in the open by now; if not, it is
	// interrupted before, and the outcome is the same.
	time.Sleep(100 * time.Millisecond)
	cancel()
	r := <-done
	if r.code != 130 || !strings.Contains(r.stderr, "interrupted") {
		t.Errorf("import of a pipe nobody writes to, interrupted: %d %q", r.code, r.stderr)
	}
}
