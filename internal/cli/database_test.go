package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// A cut-off, zero-filled or foreign file: every command that reads it says
// what is wrong in one line naming it, and exits 1.
func TestDamagedDatabaseCommands(t *testing.T) {
	db := incidentDB(t)
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	damaged := map[string][]byte{
		"cut.db":     data[:20000],
		"edge.db":    data[:3*4096],
		"zeroed.db":  append(append([]byte(nil), data[:8192]...), make([]byte, len(data)-8192)...),
		"foreign.db": []byte(strings.Repeat("PK\x03\x04 not a database ", 1000)),
		"header.db":  append(make([]byte, 8192), data[8192:]...),
	}
	for name, b := range damaged {
		path := filepath.Join(dir, name)
		os.WriteFile(path, b, 0o600)
		for _, args := range [][]string{
			{"meetings"},
			{"analyze", "--meeting", incidentMeeting},
			{"report", "--meeting", incidentMeeting, "-o", filepath.Join(dir, "r.html")},
			{"dump", "--meeting", incidentMeeting},
			{"export", "--meeting", incidentMeeting, "-o", filepath.Join(dir, "e.parquet")},
			{"check"},
			{"import", "--meeting", "m", "testdata/participant-qos.json"},
		} {
			r := zoomqos(t, "", append([]string{"--db", path}, args...)...)
			oneLine(t, r, 1, path, "not a zoomqos database, or damaged")
		}
	}
	r := zoomqos(t, "", "--db", filepath.Join(dir, "cut.db"), "meetings")
	oneLine(t, r, 1, "it is cut off: 20000 bytes, but its header counts")
}

// check finds a changed sample, and says how to go on; backup copies a
// sound file and checks the copy.
func TestCheckAndBackupCommands(t *testing.T) {
	db := incidentDB(t)
	r := zoomqos(t, "", "--db", db, "check")
	if r.code != 0 || !strings.HasSuffix(r.stdout, "\nok\n") || !strings.Contains(r.stdout, "1 meeting, 5 sessions, 31 samples, 1 raw response") ||
		!strings.Contains(r.stdout, "every sample and session equals what re-parsing its raw responses gives") {
		t.Errorf("check of a sound file: %d %q %s", r.code, r.stdout, r.stderr)
	}

	dir := t.TempDir()
	copyPath := filepath.Join(dir, "copy.db")
	r = zoomqos(t, "", "--db", db, "backup", "-o", copyPath)
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "Backed up "+db+" to "+copyPath) || !strings.Contains(r.stderr, "checked: ok") {
		t.Fatalf("backup: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if a, b := zoomqos(t, "", "--db", db, "dump", "--meeting", incidentMeeting), zoomqos(t, "", "--db", copyPath, "dump", "--meeting", incidentMeeting); a.stdout != b.stdout || a.stdout == "" {
		t.Error("the backup dumps differently from the database")
	}
	oneLine(t, zoomqos(t, "", "--db", db, "backup", "-o", db), 2, "is the database itself")
	oneLine(t, zoomqos(t, "", "--db", db, "backup"), 2, "-o FILE")

	// One bit of a stored jitter flipped: check says where, dump refuses.
	b, err := bbolt.Open(copyPath, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bbolt.Tx) error {
		s := tx.Bucket([]byte("meetings")).Bucket([]byte(incidentMeeting)).Bucket([]byte("samples"))
		k, v := s.Cursor().First()
		v = append([]byte(nil), v...)
		v[3] ^= 0x08
		return s.Put(append([]byte(nil), k...), v)
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	r = zoomqos(t, "", "--db", copyPath, "check")
	if r.code != 1 || !strings.Contains(r.stdout, "meeting 86000000001: sample of \"p101\" at 2026-11-02T09:01:00Z") || !strings.Contains(r.stdout, "checksum mismatch") ||
		!strings.Contains(r.stderr, "1 problem found: the raw responses of meeting 86000000001 are sound: zoomqos reparse --meeting 86000000001 rebuilds the rest from them") {
		t.Errorf("check of a flipped bit: %d %q %q", r.code, r.stdout, r.stderr)
	}
	oneLine(t, zoomqos(t, "", "--db", copyPath, "dump", "--meeting", incidentMeeting), 1, "checksum mismatch")
	r = zoomqos(t, "", "--db", copyPath, "backup", "-o", filepath.Join(dir, "copy2.db"))
	oneLine(t, r, 1, "its copy fails the check", "checksum mismatch", "nothing is written to "+filepath.Join(dir, "copy2.db"))
	// A damaged database never takes the place of a good backup.
	good := filepath.Join(dir, "good.db")
	if r := zoomqos(t, "", "--db", db, "backup", "-o", good); r.code != 0 {
		t.Fatal(r.stderr)
	}
	before, _ := os.ReadFile(good)
	r = zoomqos(t, "", "--db", copyPath, "backup", "-o", good)
	oneLine(t, r, 1, good+" is left as it was")
	if after, _ := os.ReadFile(good); !bytes.Equal(before, after) {
		t.Error("a failed backup replaced the good one")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a failed backup left %s", e.Name())
		}
	}
	// As check says, reparse makes it whole from the raw responses.
	if r := zoomqos(t, "", "--db", copyPath, "reparse", "--meeting", incidentMeeting); r.code != 0 {
		t.Fatalf("reparse: %s", r.stderr)
	}
	if r := zoomqos(t, "", "--db", copyPath, "check"); r.code != 0 {
		t.Errorf("check after reparse: %s %s", r.stdout, r.stderr)
	}
	if a, b := zoomqos(t, "", "--db", db, "dump", "--meeting", incidentMeeting), zoomqos(t, "", "--db", copyPath, "dump", "--meeting", incidentMeeting); a.stdout != b.stdout {
		t.Error("after reparse the copy dumps differently from the database")
	}

	// Nothing is written over the database itself, by any command.
	for _, args := range [][]string{
		{"report", "--meeting", incidentMeeting, "-o", db},
		{"report", "--meeting", incidentMeeting, "--email", db},
		{"dump", "--meeting", incidentMeeting, "-o", db},
		{"export", "--meeting", incidentMeeting, "--format", "csv", "-o", db},
		{"backup", "-o", db},
	} {
		// The flag that named it is the one the message names.
		oneLine(t, zoomqos(t, "", append([]string{"--db", db}, args...)...), 2, args[len(args)-2]+" "+db+" is the database itself")
	}
	if r := zoomqos(t, "", "--db", db, "check", "--quick"); r.code != 0 {
		t.Errorf("the database after the refusals: %s", r.stdout)
	}
}

// Two imports of the same files at once, in two processes: both finish,
// and every sample is stored once.
func TestTwoWritersAtOnce(t *testing.T) {
	db := tempDB(t)
	files := []string{"testdata/list-page.json", "testdata/participant-qos.json", "testdata/incident-meeting.json"}
	var cmds []*exec.Cmd
	for range 2 {
		cmd := zoomqosProcess(t, nil, append([]string{"--db", db, "import", "--meeting", "m"}, files...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("an import: %v", err)
		}
	}
	one := tempDB(t)
	zoomqos(t, "", append([]string{"--db", one, "import", "--meeting", "m"}, files...)...)
	if a, b := zoomqos(t, "", "--db", db, "dump", "--meeting", "m"), zoomqos(t, "", "--db", one, "dump", "--meeting", "m"); a.stdout != b.stdout {
		t.Error("two imports at once stored other samples than one")
	}
	if r := zoomqos(t, "", "--db", db, "check"); r.code != 0 {
		t.Errorf("check: %s", r.stdout)
	}
}

// A damaged newest header page: bbolt reads the file as the write before
// left it. Reads go on, but say so; check counts it as a problem.
func TestDamagedNewestHeader(t *testing.T) {
	db := incidentDB(t)
	if r := zoomqos(t, "", "--db", db, "import", "--meeting", "lastone", "testdata/participant-qos.json"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	data, _ := os.ReadFile(db)
	// The meta page with the higher transaction id (16-byte page header,
	// then magic, version, page size, flags, root 16, freelist, pgid, txid).
	txid := func(off int) uint64 { return binary.NativeEndian.Uint64(data[off+16+48:]) }
	newest := 0
	if txid(4096) > txid(0) {
		newest = 4096
	}
	data[newest+16+20] ^= 0x40 // inside the root bucket's page id: the checksum fails
	os.WriteFile(db, data, 0o600)
	r := zoomqos(t, "", "--db", db, "meetings")
	if r.code != 0 || strings.Contains(r.stdout, "lastone") || !strings.Contains(r.stderr, "its newest header page") ||
		!strings.Contains(r.stderr, "without what the last write stored") {
		t.Errorf("meetings on a file whose newest header page is damaged: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = zoomqos(t, "", "--db", db, "check", "--quick")
	if r.code != 1 || !strings.Contains(r.stdout, "its newest header page (page") {
		t.Errorf("check: %d %q", r.code, r.stdout)
	}

	// Zeroed, the newest header page says nothing of the write it held:
	// neither reads nor check may call the other one the newest.
	clear(data[newest : newest+4096])
	os.WriteFile(db, data, 0o600)
	r = zoomqos(t, "", "--db", db, "meetings")
	if r.code != 0 || !strings.Contains(r.stderr, "damaged past telling which write it held") {
		t.Errorf("meetings on a file whose newest header page is zeroed: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = zoomqos(t, "", "--db", db, "check", "--quick")
	if r.code != 1 || !strings.Contains(r.stdout, "if the damaged one held the last write") || strings.Contains(r.stdout, "the newest, is sound") {
		t.Errorf("check: %d %q", r.code, r.stdout)
	}
}

// A header whose checksum agrees but whose root bucket or freelist points
// at the wrong kind of page (a header page, each other): every command,
// check included, says so in words, not in Go's.
func TestHeaderPointingAtTheWrongPage(t *testing.T) {
	db := incidentDB(t)
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	const page, meta = 4096, 16
	set := func(field int, v func(old uint64) uint64) []byte {
		out := append([]byte(nil), data...)
		for m := 0; m < 2*page; m += page {
			at := out[m+meta+field:]
			binary.NativeEndian.PutUint64(at, v(binary.NativeEndian.Uint64(at)))
			h := fnv.New64a()
			h.Write(out[m+meta : m+meta+56])
			binary.NativeEndian.PutUint64(out[m+meta+56:], h.Sum64())
		}
		return out
	}
	freelist := binary.NativeEndian.Uint64(data[meta+32:])
	root := binary.NativeEndian.Uint64(data[meta+16:])
	// A leaf page of data, inside some bucket: its first element (after
	// the 16-byte page header) is no bucket.
	var dataLeaf uint64
	for p := 2; p < len(data)/page; p++ {
		pg := data[p*page:]
		if binary.NativeEndian.Uint64(pg) == uint64(p) && binary.NativeEndian.Uint16(pg[8:]) == 0x02 &&
			binary.NativeEndian.Uint16(pg[10:]) > 0 && binary.NativeEndian.Uint32(pg[16:]) == 0 {
			dataLeaf = uint64(p)
			break
		}
	}
	if dataLeaf == 0 {
		t.Fatal("no leaf page of data in the file")
	}
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		data []byte
		says string
	}{
		"root at a header page":  {set(16, func(uint64) uint64 { return 0 }), "root page 0"},
		"root at the freelist":   {set(16, func(uint64) uint64 { return freelist }), fmt.Sprintf("its header points the root bucket at page %d, which is the freelist", freelist)},
		"freelist at the root":   {set(32, func(uint64) uint64 { return root }), fmt.Sprintf("its header points the freelist at page %d, which is a B-tree page", root)},
		"root at a page of data": {set(16, func(uint64) uint64 { return dataLeaf }), "its header's root bucket is a page of data"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
		if err := os.WriteFile(path, tc.data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"meetings"}, {"check"}, {"check", "--quick"}, {"backup", "-o", filepath.Join(dir, "copy.db")},
			{"dump", "--meeting", incidentMeeting}, {"import", "--meeting", "m", "testdata/participant-qos.json"}} {
			r := zoomqos(t, "", append([]string{"--db", path}, args...)...)
			says := tc.says
			if args[0] == "import" && name == "root at a page of data" {
				says = "its B-tree is damaged, so nothing is written into it" // the writer's own check finds it first
			}
			if r.code == 0 || !strings.Contains(r.stderr+r.stdout, says) || strings.Contains(r.stderr+r.stdout, "runtime error") {
				t.Errorf("%s: %v: exit %d, %q %q, want it to say %q", name, args, r.code, r.stdout, r.stderr, says)
			}
		}
	}
}

// Ctrl-C at any moment of a backup (the copy, or the check of the copy), a check
// or a split export says interrupted, exit 130, and leaves nothing in the
// directory (no temporary, no empty day directory); it is never taken for
// damage. A backup or export the interruption came too late for is whole.
func TestInterruptedAtAnyMoment(t *testing.T) {
	db := tempDB(t)
	if r := zoomqos(t, "", "--db", db, "demo", "--participants", "60", "--minutes", "120", "-o", filepath.Join(t.TempDir(), "r.html")); r.code != 0 {
		t.Fatalf("demo: %s", r.stderr)
	}
	for _, tc := range []struct {
		name string
		args func(dir string) []string
		ok   func(t *testing.T, dir string)
	}{
		{"backup", func(dir string) []string { return []string{"backup", "-o", dir} }, func(t *testing.T, dir string) {
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Fatalf("a backup left %v", entries)
			}
			if c := zoomqos(t, "", "--db", filepath.Join(dir, entries[0].Name()), "check", "--quick"); c.code != 0 {
				t.Errorf("the backup fails its check: %s", c.stdout)
			}
		}},
		{"check", func(string) []string { return []string{"check"} }, func(*testing.T, string) {}},
		{"split export", func(dir string) []string {
			return []string{"export", "--from", "2020-01-01", "--split", "day", "--format", "csv", "-o", dir}
		}, func(t *testing.T, dir string) {
			if files, _ := filepath.Glob(filepath.Join(dir, "day=*", "zoomqos.csv")); len(files) != 1 {
				t.Errorf("an export left %v", files)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outcomes := map[int]int{}
			for i := range 40 {
				dir := t.TempDir()
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan result, 1)
				go func() {
					var out, errb bytes.Buffer
					code := Run(ctx, "", append([]string{"zoomqos", "--db", db}, tc.args(dir)...), strings.NewReader(""), &out, &errb)
					done <- result{code, out.String(), errb.String()}
				}()
				// From at once to after the command: whatever the
				// machine's speed, every outcome below is a right one.
				time.Sleep(time.Duration(i*i) * 50 * time.Microsecond)
				cancel()
				r := <-done
				outcomes[r.code]++
				switch r.code {
				case 130:
					oneLine(t, r, 130, "interrupted")
					if entries, _ := os.ReadDir(dir); len(entries) != 0 {
						t.Errorf("interrupted, it left %v", entries)
					}
				case 0:
					tc.ok(t, dir)
				default:
					t.Errorf("interrupted after %d µs: exit %d: %s", i*i*50, r.code, r.stderr)
				}
			}
			t.Logf("outcomes by exit status: %v", outcomes)
		})
	}
}
