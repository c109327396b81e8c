package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// checkedDB is a database of two meetings, closed, at a path.
func checkedDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "qos.db")
	db := MustOpenDBAt(t, path)
	for i, m := range []string{"m1", "m2"} {
		for p := range 3 {
			raw := `{"page":` + string(rune('0'+p)) + `,"m":` + string(rune('0'+i)) + `}`
			if _, err := db.PutPage(ctx0, testPage(m, Past, raw, session(string(rune('a'+p)), t0, 20, float64(p)))); err != nil {
				t.Fatal(err)
			}
		}
	}
	db.Close()
	return path
}

// tamper changes the stored value of key in a meeting's bucket (bucket nil:
// the meeting's bucket) with bbolt directly, as damage that keeps the
// B-tree sound would.
func tamper(t *testing.T, path, meeting string, bucket, key []byte, change func(v []byte) []byte) {
	t.Helper()
	boltUpdate(t, path, func(tx *bbolt.Tx) error {
		bk := tx.Bucket(bucketMeetings).Bucket([]byte(meeting))
		if bucket != nil {
			bk = bk.Bucket(bucket)
		}
		if key == nil {
			key, _ = bk.Cursor().First()
		}
		return bk.Put(bytes.Clone(key), change(bytes.Clone(bk.Get(key))))
	})
}

// boltUpdate changes the file at path with bbolt directly.
func boltUpdate(t *testing.T, path string, fn func(tx *bbolt.Tx) error) {
	t.Helper()
	b, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// samplesRoot returns the root page of a meeting's samples and the file's
// page size.
func samplesRoot(t *testing.T, path, meeting string) (page, size int) {
	t.Helper()
	b, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.View(func(tx *bbolt.Tx) error {
		page = int(tx.Bucket(bucketMeetings).Bucket([]byte(meeting)).Bucket(bucketSamples).Root())
		return nil
	})
	return page, b.Info().PageSize
}

func checkFails(t *testing.T, path string, words ...string) *CheckReport {
	t.Helper()
	db, err := Open(ctx0, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.Check(ctx0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() {
		t.Fatalf("check found nothing, want %q", words)
	}
	all := strings.Join(r.Problems, "\n")
	for _, w := range words {
		if !strings.Contains(all, w) {
			t.Errorf("check says %q, want %q in it", all, w)
		}
	}
	return r
}

func TestCheckSoundFile(t *testing.T) {
	path := checkedDB(t)
	db, err := Open(ctx0, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.Check(ctx0, nil)
	if err != nil || !r.OK() {
		t.Fatalf("check of a sound file: %+v, %v", r, err)
	}
	if r.Meetings != 2 || r.Sessions != 6 || r.Samples != 120 || r.Documents != 6 || r.Schema != SchemaVersion {
		t.Errorf("check counted %+v", r)
	}
}

// A flipped bit in a sample's value is caught by reading it, and by check.
func TestCheckFindsAChangedSample(t *testing.T) {
	path := checkedDB(t)
	tamper(t, path, "m1", bucketSamples, nil, func(v []byte) []byte {
		v[2] ^= 0x10
		return v
	})
	checkFails(t, path, "meeting m1: sample of \"a\" at 2022-03-01T10:16:00Z: checksum mismatch")
	db, _ := Open(ctx0, path, Options{ReadOnly: true})
	defer db.Close()
	if _, err := db.Load(ctx0, "m1"); !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Errorf("reading the changed sample: %v", err)
	}
}

func TestCheckFindsWrongCounts(t *testing.T) {
	path := checkedDB(t)
	// Counts rewritten, correctly sealed, with a sample too many: a bug,
	// not a flipped bit.
	tamper(t, path, "m2", nil, keyCounts, func(v []byte) []byte {
		s := newSealer("m2", false)
		p, _ := s.open(keyCounts, v, false)
		binary.BigEndian.PutUint64(p, binary.BigEndian.Uint64(p)+1)
		return s.sealed(keyCounts, p)
	})
	checkFails(t, path, "meeting m2: its counts say 61 samples, it holds 60")
	db, _ := Open(ctx0, path, Options{ReadOnly: true})
	defer db.Close()
	_, err := db.Load(ctx0, "m2")
	if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), "60 samples read, but its counts say 61") {
		t.Errorf("Load: %v", err)
	}
	err = db.ForEachSession(ctx0, []string{"m2"}, 2, func(int, string, int, *Session, []Sample) error { return nil })
	if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), "60 samples read, but its counts say 61") {
		t.Errorf("ForEachSession: %v", err)
	}
}

func TestCheckFindsADamagedRawDocument(t *testing.T) {
	path := checkedDB(t)
	tamper(t, path, "m1", bucketRaw, nil, func(v []byte) []byte {
		v[len(v)-6] ^= 1
		return v
	})
	checkFails(t, path, "meeting m1: raw document 1: checksum mismatch", "raw document sum")
}

func TestCheckFindsARecordMovedToAnotherMeeting(t *testing.T) {
	path := checkedDB(t)
	// m2's first session, copied over m1's: sealed, but for m2.
	boltUpdate(t, path, func(tx *bbolt.Tx) error {
		m := tx.Bucket(bucketMeetings)
		k, v := m.Bucket([]byte("m2")).Bucket(bucketSessions).Cursor().First()
		return m.Bucket([]byte("m1")).Bucket(bucketSessions).Put(bytes.Clone(k), bytes.Clone(v))
	})
	checkFails(t, path, "meeting m1: session of \"a\"", "checksum mismatch")
}

// The samples compared with what their raw documents give, as reparse would
// rebuild them.
func TestCompareRebuild(t *testing.T) {
	path := checkedDB(t)
	db, err := Open(ctx0, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The documents give what is stored: page p is participant p's session.
	same := func(d RawDoc) (Parsed, error) {
		p := int(d.Data[8] - '0')
		return Parsed{Sessions: []SessionSamples{session(string(rune('a'+p)), t0, 20, float64(p))}}, nil
	}
	problems, n, err := db.CompareRebuild(ctx0, "m1", 10, same)
	if err != nil || n != 0 {
		t.Fatalf("the same samples: %d problems %q, %v", n, problems, err)
	}
	// One value read differently: named by metric and stream.
	differ := func(d RawDoc) (Parsed, error) {
		s, _ := same(d)
		if d.Seq == 2 {
			s.Sessions[0].Samples[3].Values[1].V = 8
		}
		return s, nil
	}
	problems, n, err = db.CompareRebuild(ctx0, "m1", 10, differ)
	if err != nil || n != 1 || !strings.Contains(problems[0], `meeting m1: sample of "b" at 2022-03-01T10:19:00Z: latency_ms of audio_input is 4, the raw documents say 8`) {
		t.Errorf("one value differs: %d %q %v", n, problems, err)
	}
	// A session the documents no longer give.
	fewer := func(d RawDoc) (Parsed, error) {
		if d.Seq == 3 {
			return Parsed{}, nil
		}
		return same(d)
	}
	problems, n, _ = db.CompareRebuild(ctx0, "m1", 10, fewer)
	if n != 21 || !strings.Contains(problems[0], `session of "c" joined 2022-03-01T10:15:00Z: stored, not in any raw document`) {
		t.Errorf("a session missing from the documents: %d %q", n, problems)
	}
}

// A writer does not write into a file whose B-tree is damaged: it refuses
// to open it, and the file stays as it was.
func TestWriterRefusesADamagedTree(t *testing.T) {
	path := checkedDB(t)
	page, size := samplesRoot(t, path, "m1")
	data, _ := os.ReadFile(path)
	// A page that names itself another (a write that went astray).
	binary.NativeEndian.PutUint64(data[page*size:], uint64(page+1))
	os.WriteFile(path, data, 0o600)
	before := fileSum(t, path)
	_, err := Open(ctx0, path, Options{})
	if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), "nothing is written into it") {
		t.Fatalf("writer open: %v", err)
	}
	if fileSum(t, path) != before {
		t.Error("the damaged file was written")
	}
}

// A backup taken while a writer writes is the file as of one moment, and
// passes check.
func TestBackupIsConsistent(t *testing.T) {
	path := checkedDB(t)
	w, err := Open(ctx0, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	done := make(chan error)
	go func() {
		for i := range 50 {
			if _, err := w.PutPage(ctx0, testPage("m3", Past, "{\"w\":"+time.Duration(i).String()+"}", session("w", t0.Add(time.Duration(i)*time.Hour), 10, 1))); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := range 5 {
		r, err := Open(ctx0, path, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := r.Backup(ctx0, &buf); err != nil {
			t.Fatal(err)
		}
		r.Close()
		copyPath := filepath.Join(t.TempDir(), "copy.db")
		os.WriteFile(copyPath, buf.Bytes(), 0o600)
		c, err := Open(ctx0, copyPath, Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("backup %d does not open: %v", i, err)
		}
		rep, err := c.Check(ctx0, nil)
		c.Close()
		if err != nil || !rep.OK() {
			t.Fatalf("backup %d: %v %q", i, err, rep.Problems)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx0)
	cancel()
	r, _ := Open(ctx0, path, Options{ReadOnly: true})
	defer r.Close()
	if _, err := r.Backup(ctx, &bytes.Buffer{}); !errors.Is(err, context.Canceled) {
		t.Errorf("a canceled backup: %v", err)
	}
}

// A participant id with invalid UTF-8 (a byte, a run, a sequence cut
// short) is stored as it came in the session's key and with U+FFFD in its
// info: check does not call that damage.
func TestCheckInvalidUTF8Participant(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qos.db")
	db := MustOpenDBAt(t, path)
	for i, id := range []string{"16\xff70", "a\xff\xfeb", "cut \xe2\x82"} {
		if _, err := db.PutPage(ctx0, testPage("m1", Past, `{"n":`+string(rune('0'+i))+`}`, session(id, t0, 3, 1))); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	r, err := Open(ctx0, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := r.Check(ctx0, nil)
	if err != nil || !rep.OK() {
		t.Errorf("check: %v %q", err, rep.Problems)
	}
}
