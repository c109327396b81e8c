package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// MustOpenDB opens a new database in a temporary directory and closes it
// when the test ends.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	return MustOpenDBAt(tb, filepath.Join(tb.TempDir(), "qos.db"))
}

// reopenReadOnly closes db and opens its file again as a reader does, until
// the test ends.
func reopenReadOnly(tb testing.TB, db *DB) *DB {
	tb.Helper()
	db.Close()
	ro, err := Open(ctx0, db.Path(), Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ro.Close() })
	return ro
}

// MustOpenDBAt opens the database at path for writing.
func MustOpenDBAt(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), path, Options{Now: func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

var (
	t0   = time.Date(2022, 3, 1, 10, 15, 0, 0, time.UTC)
	ctx0 = context.Background()
)

// testPage builds a page: per participant id, a session joined at join
// with n one-minute samples.
func testPage(meeting, typ string, raw string, sessions ...SessionSamples) *Page {
	return &Page{Meeting: Meeting{ID: meeting, Type: typ}, Source: "test", Raw: []byte(raw), Sessions: sessions}
}

func session(participant string, join time.Time, n int, latency float64) SessionSamples {
	s := SessionSamples{Session: Session{Participant: participant, JoinTime: join, UserName: "name of " + participant}}
	for i := range n {
		s.Samples = append(s.Samples, Sample{
			Time: join.Add(time.Duration(i+1) * time.Minute),
			Values: []Value{
				{AudioInput, Bitrate, 27.15}, {AudioInput, Latency, latency + float64(i)},
				{VideoInput, Width, 1280}, {VideoInput, Height, 720}, {CPUUsage, SystemMaxCPU, 40},
			},
		})
	}
	return s
}

func TestPutPageRoundTrip(t *testing.T) {
	db := MustOpenDB(t)
	a := session("alice", t0, 3, 100)
	b := session("bob", t0.Add(30*time.Second), 2, 200)
	b.Session.LeaveTime = t0.Add(5 * time.Minute)
	raw := `{"participants":[]}`
	res, err := db.PutPage(ctx0, testPage("m1", Past, raw, a, b))
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 5 || res.Present != 0 || res.NewSessions != 2 || !res.RawStored {
		t.Errorf("result = %+v", res)
	}
	got, err := db.Load(ctx0, "m1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("loaded %d sessions, want 2", len(got))
	}
	for i, want := range []SessionSamples{a, b} {
		if got[i].Session.Participant != want.Session.Participant || !got[i].Session.JoinTime.Equal(want.Session.JoinTime) ||
			got[i].Session.UserName != want.Session.UserName || !got[i].Session.LeaveTime.Equal(want.Session.LeaveTime) {
			t.Errorf("session %d = %+v, want %+v", i, got[i].Session, want.Session)
		}
		if len(got[i].Samples) != len(want.Samples) {
			t.Fatalf("session %d has %d samples, want %d", i, len(got[i].Samples), len(want.Samples))
		}
		for j := range want.Samples {
			g, w := got[i].Samples[j], want.Samples[j]
			if !g.Time.Equal(w.Time) || len(g.Values) != len(w.Values) {
				t.Fatalf("sample %d/%d = %+v, want %+v", i, j, g, w)
			}
			for k := range w.Values {
				if g.Values[k] != w.Values[k] {
					t.Errorf("sample %d/%d value %d = %+v, want %+v", i, j, k, g.Values[k], w.Values[k])
				}
			}
		}
	}
	sum, err := db.Meeting(ctx0, "m1")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Participants != 2 || sum.Sessions != 2 || sum.Samples != 5 || sum.Documents != 1 ||
		!sum.Start.Equal(t0.Add(time.Minute)) || !sum.End.Equal(t0.Add(3*time.Minute)) || sum.Type != Past {
		t.Errorf("summary = %+v", sum)
	}
	var docs []RawDoc
	if err := db.RawDocs(ctx0, "m1", func(d RawDoc) error { docs = append(docs, d); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || string(docs[0].Data) != raw || docs[0].Source != "test" || docs[0].Type != Past {
		t.Errorf("raw docs = %+v", docs)
	}
}

func TestPutPageIdempotent(t *testing.T) {
	db := MustOpenDB(t)
	page := testPage("m1", Past, `{"x":1}`, session("alice", t0, 4, 100))
	if _, err := db.PutPage(ctx0, page); err != nil {
		t.Fatal(err)
	}
	res, err := db.PutPage(ctx0, page)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 0 || res.Present != 4 || res.Replaced != 0 || res.NewSessions != 0 || res.RawStored {
		t.Errorf("second import = %+v, want everything present", res)
	}
	sum, _ := db.Meeting(ctx0, "m1")
	if sum.Samples != 4 || sum.Documents != 1 {
		t.Errorf("after two imports: %d samples, %d documents; want 4 and 1", sum.Samples, sum.Documents)
	}
}

func TestPutPageNewerCopyReplaces(t *testing.T) {
	db := MustOpenDB(t)
	if _, err := db.PutPage(ctx0, testPage("m1", Live, `{"poll":1}`, session("alice", t0, 2, 100))); err != nil {
		t.Fatal(err)
	}
	// The next poll: the second sample changed, a third is new.
	res, err := db.PutPage(ctx0, testPage("m1", Live, `{"poll":2}`, session("alice", t0, 3, 100)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1 || res.Present != 2 {
		t.Errorf("result = %+v, want 1 added, 2 present", res)
	}
	newer := session("alice", t0, 2, 500)
	res, err = db.PutPage(ctx0, testPage("m1", Past, `{"final":1}`, newer))
	if err != nil {
		t.Fatal(err)
	}
	if res.Replaced != 2 || res.Added != 0 {
		t.Errorf("result = %+v, want 2 replaced", res)
	}
	got, _ := db.Load(ctx0, "m1")
	if v, _ := got[0].Samples[1].Get(AudioInput, Latency); v != 501 {
		t.Errorf("latency after replacement = %v, want the newer 501", v)
	}
	if sum, _ := db.Meeting(ctx0, "m1"); sum.Type != Past || sum.Documents != 3 {
		t.Errorf("summary = %+v, want type past and 3 documents", sum)
	}
	// Live data arriving after past data does not make the meeting live.
	db.PutPage(ctx0, testPage("m1", Live, `{"late":1}`, session("alice", t0, 1, 100)))
	if sum, _ := db.Meeting(ctx0, "m1"); sum.Type != Past {
		t.Errorf("type = %s after late live data, want past", sum.Type)
	}
}

func TestRejoinIsAnotherSession(t *testing.T) {
	db := MustOpenDB(t)
	first := session("ada", t0, 2, 100)
	rejoin := session("ada", t0.Add(10*time.Minute), 2, 100)
	if _, err := db.PutPage(ctx0, testPage("m1", Past, "{}", first, rejoin)); err != nil {
		t.Fatal(err)
	}
	sum, _ := db.Meeting(ctx0, "m1")
	if sum.Participants != 1 || sum.Sessions != 2 || sum.Samples != 4 {
		t.Errorf("summary = %+v, want 1 participant, 2 sessions, 4 samples", sum)
	}
}

func TestSessionFieldsMerge(t *testing.T) {
	db := MustOpenDB(t)
	live := session("ada", t0, 1, 100)
	live.Session.Location = "London (GB)"
	db.PutPage(ctx0, testPage("m1", Live, "{}", live))
	past := session("ada", t0, 1, 100)
	past.Session.UserName = "" // a response without the name must not erase it
	past.Session.LeaveTime = t0.Add(time.Hour)
	past.Session.DataCenter = "Frankfurt (DE)"
	db.PutPage(ctx0, testPage("m1", Past, "{}", past))
	ss, err := db.Sessions(ctx0, "m1")
	if err != nil || len(ss) != 1 {
		t.Fatalf("sessions = %v, %v", ss, err)
	}
	s := ss[0]
	if s.UserName != "name of ada" || s.Location != "London (GB)" || s.DataCenter != "Frankfurt (DE)" || !s.LeaveTime.Equal(t0.Add(time.Hour)) {
		t.Errorf("merged session = %+v", s)
	}
}

func TestPutPageRejectsBadInput(t *testing.T) {
	db := MustOpenDB(t)
	for name, p := range map[string]*Page{
		"no id":    testPage("", Past, "{}"),
		"bad type": testPage("m", "yesterday", "{}"),
		"no time":  testPage("m", Past, "{}", SessionSamples{Session: Session{Participant: "x"}, Samples: []Sample{{}}}),
	} {
		if _, err := db.PutPage(ctx0, p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if list, _ := db.Meetings(ctx0); len(list) != 0 {
		t.Errorf("rejected pages left meetings: %+v", list)
	}
}

func TestMeetingNotFound(t *testing.T) {
	db := MustOpenDB(t)
	if _, err := db.Meeting(ctx0, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Meeting: %v, want ErrNotFound", err)
	}
	if err := db.ForEachSample(ctx0, "nope", func(*Session, *Sample) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("ForEachSample: %v, want ErrNotFound", err)
	}
}

func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "zoomqos")
	path := filepath.Join(dir, "qos.db")
	MustOpenDBAt(t, path)
	for p, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode() & (os.ModeDir | os.ModePerm); got != want {
			t.Errorf("%s mode = %v, want %v", p, got, want)
		}
	}
}

func TestLockTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qos.db")
	db := MustOpenDBAt(t, path)
	release, err := db.Hold(ctx0)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	for _, ro := range []bool{false, true} {
		_, err := Open(ctx0, path, Options{ReadOnly: ro, LockTimeout: 200 * time.Millisecond})
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("second open (read-only %v): %v, want ErrLocked", ro, err)
		}
		doing := "reading"
		if ro {
			doing = "writing"
		}
		if want := path + " is in use by another process: it could not be had for 200ms; another process holds it for " + doing + " now; try again when that is done, or stop it"; err.Error() != want {
			t.Errorf("message = %q, want %q", err, want)
		}
	}
}

func TestReadersShareTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qos.db")
	db := MustOpenDBAt(t, path)
	db.Close()
	r1, err := Open(ctx0, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := Open(ctx0, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	r2.Close()
	if _, err := r1.PutPage(ctx0, testPage("m", Past, "{}")); !errors.Is(err, ErrReadOnly) {
		t.Errorf("write through a read-only handle: %v", err)
	}
}

func TestReadOnlyNeedsAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.db")
	_, err := Open(ctx0, path, Options{ReadOnly: true})
	if !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), path) {
		t.Errorf("error = %v, want ErrNoDatabase naming %s", err, path)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("read-only open created the file")
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestNewerSchemaIsRefusedAndLeftAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qos.db")
	db := MustOpenDBAt(t, path)
	db.PutPage(ctx0, testPage("m1", Past, "{}", session("a", t0, 1, 1)))
	db.Close()
	b, _ := bbolt.Open(path, 0o600, nil)
	b.Update(func(tx *bbolt.Tx) error { return putSchema(tx, SchemaVersion+1) })
	b.Close()
	before := fileSum(t, path)
	for _, ro := range []bool{false, true} {
		_, err := Open(ctx0, path, Options{ReadOnly: ro})
		if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "upgrade zoomqos") {
			t.Errorf("open (read-only %v): %v, want ErrNewerSchema naming the file", ro, err)
		}
	}
	if fileSum(t, path) != before {
		t.Error("refused database was rewritten")
	}
}

func TestNotAZoomqosFile(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, bytes.Repeat([]byte("not a database\n"), 1000), 0o600)
	other := filepath.Join(dir, "other.db")
	b, _ := bbolt.Open(other, 0o600, nil)
	b.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
	b.Close()
	short := filepath.Join(dir, "short.db")
	os.WriteFile(short, []byte("zoomqos?"), 0o600)
	for _, path := range []string{text, other, short} {
		before := fileSum(t, path)
		for _, ro := range []bool{false, true} {
			_, err := Open(ctx0, path, Options{ReadOnly: ro})
			if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), path) {
				t.Errorf("open %s (read-only %v): %v, want ErrNotDatabase naming it", filepath.Base(path), ro, err)
			}
		}
		if fileSum(t, path) != before {
			t.Errorf("%s was modified", path)
		}
	}
}

// A file damaged after it was written: opening or reading it gives an
// error naming the file, never a crash.
func TestDamagedFile(t *testing.T) {
	build := func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), "qos.db")
		db := MustOpenDBAt(t, path)
		for i := range 20 {
			db.PutPage(ctx0, testPage("m1", Past, strings.Repeat("x", i*500), session(string(rune('a'+i)), t0, 200, float64(i))))
		}
		db.Close()
		return path
	}
	wantDamaged := func(t *testing.T, path string, err error) {
		t.Helper()
		t.Log(err)
		if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), path) {
			t.Errorf("error = %v, want ErrNotDatabase naming %s", err, path)
		}
	}

	t.Run("every page but the meta pages", func(t *testing.T) {
		path := build(t)
		data, _ := os.ReadFile(path)
		for i := 2 * os.Getpagesize(); i < len(data); i += 7 {
			data[i] ^= 0x5a
		}
		os.WriteFile(path, data, 0o600)
		_, err := Open(ctx0, path, Options{ReadOnly: true})
		wantDamaged(t, path, err)
	})

	t.Run("one samples page", func(t *testing.T) {
		path := build(t)
		// Find the root page of one session's samples and wreck it.
		page, size := samplesRoot(t, path, "m1")
		data, _ := os.ReadFile(path)
		for i := page * size; i < (page+1)*size; i++ {
			data[i] = 0xff
		}
		os.WriteFile(path, data, 0o600)

		db, err := Open(ctx0, path, Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("open: %v (the damage is in one samples page)", err)
		}
		defer db.Close()
		_, err = db.Load(ctx0, "m1")
		wantDamaged(t, path, err)
		err = db.ForEachSample(ctx0, "m1", func(*Session, *Sample) error { return nil })
		wantDamaged(t, path, err)
		err = db.ForEachSession(ctx0, []string{"m1"}, 2, func(int, string, int, *Session, []Sample) error { return nil })
		wantDamaged(t, path, err)
		// Listing reads no samples: it still works.
		if list, err := db.Meetings(ctx0); err != nil || len(list) != 1 {
			t.Errorf("listing a file with damaged samples: %v, %v", list, err)
		}
	})
}

func TestRebuild(t *testing.T) {
	db := MustOpenDB(t)
	db.PutPage(ctx0, testPage("m1", Past, `{"doc":1}`, session("a", t0, 3, 100)))
	db.PutPage(ctx0, testPage("m1", Past, `{"doc":2}`, session("b", t0, 2, 100)))
	var seen []string
	res, err := db.Rebuild(ctx0, "m1", func(d RawDoc) (Parsed, error) {
		seen = append(seen, string(d.Data))
		return Parsed{Sessions: []SessionSamples{session("c"+string(d.Data[7]), t0, 4, 1)}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(seen, " ") != `{"doc":1} {"doc":2}` {
		t.Errorf("documents seen in order %v", seen)
	}
	if res.Documents != 2 || res.SessionsBefore != 2 || res.SamplesBefore != 5 || res.SessionsAfter != 2 || res.SamplesAfter != 8 {
		t.Errorf("result = %+v", res)
	}
	ss, _ := db.Sessions(ctx0, "m1")
	if len(ss) != 2 || ss[0].Participant != "c1" || ss[1].Participant != "c2" {
		t.Errorf("sessions after rebuild = %+v", ss)
	}

	// A failing parse changes nothing.
	_, err = db.Rebuild(ctx0, "m1", func(d RawDoc) (Parsed, error) {
		if d.Seq == 2 {
			return Parsed{}, errors.New("boom")
		}
		return Parsed{}, nil
	})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Rebuild error = %v", err)
	}
	if sum, _ := db.Meeting(ctx0, "m1"); sum.Samples != 8 {
		t.Errorf("failed rebuild left %d samples, want the 8 from before", sum.Samples)
	}
}

func TestCanceledContext(t *testing.T) {
	db := MustOpenDB(t)
	ctx, cancel := context.WithCancel(ctx0)
	cancel()
	if _, err := db.PutPage(ctx, testPage("m1", Past, "{}", session("a", t0, 1, 1))); !errors.Is(err, context.Canceled) {
		t.Errorf("PutPage on a canceled context: %v", err)
	}
	if _, err := db.Meetings(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Meetings on a canceled context: %v", err)
	}
}

// ForEachSample decodes on several cores but calls back in order: session
// by session in join order, samples in time order, across chunk edges.
func TestForEachSampleOrder(t *testing.T) {
	db := MustOpenDB(t)
	var sessions []SessionSamples
	for i := range 7 {
		sessions = append(sessions, session(fmt.Sprintf("p%d", i), t0.Add(time.Duration(i)*time.Second), chunkSize*i/3+1, float64(i)))
	}
	empty := SessionSamples{Session: Session{Participant: "silent", JoinTime: t0.Add(time.Hour)}}
	sessions = append(sessions, empty)
	if _, err := db.PutPage(ctx0, testPage("m", Past, "{}", sessions...)); err != nil {
		t.Fatal(err)
	}
	i, j := 0, 0
	err := db.ForEachSample(ctx0, "m", func(s *Session, smp *Sample) error {
		for j == len(sessions[i].Samples) {
			i, j = i+1, 0
		}
		want := sessions[i].Samples[j]
		if s.Participant != sessions[i].Session.Participant || !smp.Time.Equal(want.Time) {
			return fmt.Errorf("got %s at %s, want %s at %s", s.Participant, smp.Time, sessions[i].Session.Participant, want.Time)
		}
		if v, _ := smp.Get(AudioInput, Latency); v != float64(i+j) {
			return fmt.Errorf("%s sample %d latency %v, want %d", s.Participant, j, v, i+j)
		}
		j++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if i != 6 || j != len(sessions[6].Samples) {
		t.Errorf("stopped at session %d sample %d", i, j)
	}
	ss, err := db.Sessions(ctx0, "m")
	if err != nil || len(ss) != 8 || ss[7].Participant != "silent" {
		t.Errorf("sessions = %d, %v; want 8 ending with the one without samples", len(ss), err)
	}
	loaded, err := db.Load(ctx0, "m")
	if err != nil || len(loaded) != 8 || len(loaded[7].Samples) != 0 || len(loaded[6].Samples) != len(sessions[6].Samples) {
		t.Errorf("Load = %d sessions, %v", len(loaded), err)
	}

	// An error from the callback stops the walk and comes back as it is.
	stop := errors.New("enough")
	n := 0
	err = db.ForEachSample(ctx0, "m", func(*Session, *Sample) error {
		if n++; n == chunkSize+3 {
			return stop
		}
		return nil
	})
	if err != stop || n != chunkSize+3 {
		t.Errorf("callback error: %v after %d calls", err, n)
	}
}

func TestMarkCollected(t *testing.T) {
	db := MustOpenDB(t)
	if err := db.MarkCollected(ctx0, "m1", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("marking an unknown meeting: %v", err)
	}
	p := testPage("m1", Past, "{}", session("a", t0, 1, 1))
	p.Meeting.Topic, p.Meeting.Number = "Weekly sync", "85012345678"
	db.PutPage(ctx0, p)
	if m, _ := db.MeetingInfo(ctx0, "m1"); !m.Collected.IsZero() || m.Topic != "Weekly sync" || m.Number != "85012345678" {
		t.Errorf("before marking: %+v", m)
	}
	if err := db.MarkCollected(ctx0, "m1", t0); err != nil {
		t.Fatal(err)
	}
	// A later page without topic or number keeps them and the mark.
	db.PutPage(ctx0, testPage("m1", Past, "{}", session("a", t0, 2, 1)))
	m, err := db.MeetingInfo(ctx0, "m1")
	if err != nil || !m.Collected.Equal(t0) || m.Topic != "Weekly sync" || m.Number != "85012345678" {
		t.Errorf("after marking: %+v, %v", m, err)
	}
}

// ForEachSession hands every session with all its samples to the workers,
// each exactly once, with its join-order index.
func TestForEachSession(t *testing.T) {
	db := MustOpenDB(t)
	var sessions []SessionSamples
	for i := range 9 {
		sessions = append(sessions, session(fmt.Sprintf("p%d", i), t0.Add(time.Duration(i)*time.Second), 3*i, float64(i)))
	}
	db.PutPage(ctx0, testPage("m", Past, "{}", sessions...))
	var mu sync.Mutex
	seen := map[int]string{}
	workers := map[int]bool{}
	err := db.ForEachSession(ctx0, []string{"m"}, 3, func(w int, id string, i int, s *Session, samples []Sample) error {
		if id != "m" {
			return fmt.Errorf("meeting %q", id)
		}
		if len(samples) != len(sessions[i].Samples) {
			return fmt.Errorf("session %d: %d samples, want %d", i, len(samples), len(sessions[i].Samples))
		}
		for j := range samples {
			if !samples[j].Time.Equal(sessions[i].Samples[j].Time) {
				return fmt.Errorf("session %d sample %d at %s", i, j, samples[j].Time)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if _, dup := seen[i]; dup {
			return fmt.Errorf("session %d twice", i)
		}
		seen[i] = s.Participant
		workers[w] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range sessions {
		if seen[i] != sessions[i].Session.Participant {
			t.Errorf("index %d = %q, want %q", i, seen[i], sessions[i].Session.Participant)
		}
	}
	for w := range workers {
		if w < 0 || w >= 3 {
			t.Errorf("worker %d", w)
		}
	}
	stop := errors.New("stop")
	if err := db.ForEachSession(ctx0, []string{"m"}, 2, func(int, string, int, *Session, []Sample) error { return stop }); err != stop {
		t.Errorf("error from fn: %v", err)
	}
	if err := db.ForEachSession(ctx0, []string{"m", "nope"}, 2, func(int, string, int, *Session, []Sample) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown meeting: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx0)
	cancel()
	if err := db.ForEachSession(cancelled, []string{"m"}, 2, func(int, string, int, *Session, []Sample) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Several meetings in one walk: every session of each, with its meeting,
// and the meetings' samples never mixed up.
func TestForEachSessionOfSeveralMeetings(t *testing.T) {
	db := MustOpenDB(t)
	want := map[string]int{} // meeting/participant -> samples
	for m, id := range []string{"a", "b", "c"} {
		var sessions []SessionSamples
		for i := range 5 + m {
			p := fmt.Sprintf("%s%d", id, i)
			sessions = append(sessions, session(p, t0.Add(time.Duration(m)*time.Hour), i+m, float64(10*m)))
			want[id+"/"+p] = i + m
		}
		if _, err := db.PutPage(ctx0, testPage(id, Past, "{}", sessions...)); err != nil {
			t.Fatal(err)
		}
	}
	ro := reopenReadOnly(t, db)
	var mu sync.Mutex
	got := map[string]int{}
	err := ro.ForEachSession(ctx0, []string{"a", "b", "c"}, 2, func(_ int, id string, _ int, s *Session, samples []Sample) error {
		if !strings.HasPrefix(s.Participant, id) {
			return fmt.Errorf("meeting %s got session %s", id, s.Participant)
		}
		for _, smp := range samples {
			if v, _ := smp.Get(AudioInput, Latency); int(v)/10 != int(id[0]-'a') {
				return fmt.Errorf("meeting %s: latency %v from another meeting", id, v)
			}
		}
		mu.Lock()
		got[id+"/"+s.Participant] = len(samples)
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// MeetingsStarting lists the meetings whose first sample falls in the
// range, oldest first, and skips meetings without samples.
func TestMeetingsStarting(t *testing.T) {
	db := MustOpenDB(t)
	for i, id := range []string{"late", "early", "middle"} {
		start := t0.Add(time.Duration([]int{48, 0, 24}[i]) * time.Hour)
		if _, err := db.PutPage(ctx0, testPage(id, Past, "{}", session("p", start, 3, 50))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PutPage(ctx0, testPage("empty", Past, "{}")); err != nil {
		t.Fatal(err)
	}
	ids, err := db.MeetingsStarting(ctx0, t0, t0.Add(49*time.Hour))
	if err != nil || !slices.Equal(ids, []string{"early", "middle", "late"}) {
		t.Errorf("all: %v, %v", ids, err)
	}
	ids, err = db.MeetingsStarting(ctx0, t0.Add(time.Hour), t0.Add(48*time.Hour))
	if err != nil || !slices.Equal(ids, []string{"middle"}) {
		t.Errorf("[1h, 48h): %v, %v", ids, err)
	}
}

// Letting go of the memory map in the middle of a read changes nothing
// the read sees: the pages come back from the file.
func TestReleaseMappedKeepsReads(t *testing.T) {
	db := MustOpenDB(t)
	var sessions []SessionSamples
	for i := range 50 {
		sessions = append(sessions, session(fmt.Sprintf("p%02d", i), t0, 200, float64(i)))
	}
	if _, err := db.PutPage(ctx0, testPage("m", Past, "{}", sessions...)); err != nil {
		t.Fatal(err)
	}
	before, err := db.Load(ctx0, "m")
	if err != nil {
		t.Fatal(err)
	}
	ro := reopenReadOnly(t, db)
	err = ro.bolt.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketMeetings).Bucket([]byte("m")).Bucket(bucketSamples).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			key, val := bytes.Clone(k), bytes.Clone(v)
			ro.releaseMapped(ro.bolt, tx)
			if !bytes.Equal(k, key) || !bytes.Equal(v, val) {
				return fmt.Errorf("%x changed after releasing the map", key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = ro.ForEachSession(ctx0, []string{"m"}, 1, func(_ int, _ string, i int, s *Session, samples []Sample) error {
		err := ro.bolt.View(func(tx *bbolt.Tx) error {
			ro.releaseMapped(ro.bolt, tx)
			return nil
		})
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(samples, before[i].Samples) {
			return fmt.Errorf("session %d differs after releasing the map", i)
		}
		n++
		return nil
	})
	if err != nil || n != len(sessions) {
		t.Fatalf("%d sessions, %v", n, err)
	}
}

// A writer holds the file only while it writes: readers open it between
// writes, and a write waits for them (here, with a short lock timeout,
// gives up and says so).
func TestWriterLetsGoBetweenWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qos.db")
	w, err := Open(ctx0, path, Options{LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.PutPage(ctx0, testPage("m", Past, "{}", session("a", t0, 3, 1))); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx0, path, Options{ReadOnly: true, LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("a reader while the writer is open: %v", err)
	}
	if _, err := w.PutPage(ctx0, testPage("m", Past, `{"2":1}`, session("b", t0, 3, 1))); !errors.Is(err, ErrLocked) {
		t.Errorf("a write while a reader reads: %v, want ErrLocked", err)
	}
	if list, err := r.Meetings(ctx0); err != nil || len(list) != 1 || list[0].Samples != 3 {
		t.Errorf("the reader sees %+v, %v", list, err)
	}
	r.Close()
	if _, err := w.PutPage(ctx0, testPage("m", Past, `{"2":1}`, session("b", t0, 3, 1))); err != nil {
		t.Errorf("a write once the reader is done: %v", err)
	}
	// Hold keeps the file for a run of writes.
	release, err := w.Hold(ctx0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx0, path, Options{ReadOnly: true, LockTimeout: 100 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("a reader while the writer holds the file: %v", err)
	}
	release()
	release() // a second call does nothing
	if r, err := Open(ctx0, path, Options{ReadOnly: true}); err != nil {
		t.Errorf("a reader after the hold: %v", err)
	} else {
		r.Close()
	}
}
