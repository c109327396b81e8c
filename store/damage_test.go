package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The damage tests cut, flip, zero and overwrite a small database file and
// open the result as every command does: reading it must give an error
// naming the file, or exactly what was stored; never a crash, never other
// values (a jitter of 8 ms read back as 24), never a write into a damaged
// B-tree.

// damageBase is a small database, built once: two meetings, sessions with
// samples of several streams and raw documents.
var damageBase = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "zoomqos-damage-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "qos.db")
	db, err := Open(ctx0, path, Options{Now: func() time.Time { return t0 }})
	if err != nil {
		return nil, err
	}
	for m := range 2 {
		for p := range 12 {
			s := session(fmt.Sprintf("p%02d", p), t0.Add(time.Duration(p)*time.Minute), 25, float64(10*p+m))
			s.Session.Location = "Zürich (CH)"
			for i := range s.Samples {
				s.Samples[i].Values = append(s.Samples[i].Values, Value{AudioInput, Jitter, float64(i % 9)},
					Value{VideoInput, FrameRate, 12.5})
			}
			raw := fmt.Sprintf(`{"participants":[{"id":"p%02d","n":%d}]}`, p, m)
			if _, err := db.PutPage(ctx0, testPage(fmt.Sprintf("m%d", m), Past, raw, s)); err != nil {
				return nil, err
			}
		}
	}
	db.Close()
	return os.ReadFile(path)
})

// snapshot writes out everything a reader sees: the meetings and their
// counts, every session's details, every sample's values, every raw
// document.
func snapshot(db *DB) (string, error) {
	var b strings.Builder
	list, err := db.Meetings(ctx0)
	if err != nil {
		return "", err
	}
	for _, m := range list {
		fmt.Fprintf(&b, "%+v\n", m)
		sessions, err := db.Load(ctx0, m.ID)
		if err != nil {
			return "", err
		}
		for _, s := range sessions {
			fmt.Fprintf(&b, "%+v\n", s.Session)
			for _, smp := range s.Samples {
				fmt.Fprintf(&b, "%v %v\n", smp.Time, smp.Values)
			}
		}
		var n atomic.Int64
		err = db.ForEachSession(ctx0, []string{m.ID}, 2, func(int, string, int, *Session, []Sample) error {
			n.Add(1)
			return nil
		})
		if err != nil {
			return "", err
		}
		if n := int(n.Load()); n != len(sessions) {
			return "", fmt.Errorf("ForEachSession saw %d sessions, Load %d", n, len(sessions))
		}
		err = db.RawDocs(ctx0, m.ID, func(d RawDoc) error {
			fmt.Fprintf(&b, "raw %d %s %q\n", d.Seq, d.Source, d.Data)
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// damage applies one kind of damage to a copy of data.
func damage(data []byte, kind uint8, off, arg uint32) (out []byte, what string) {
	out = append([]byte(nil), data...)
	if len(out) == 0 {
		return out, "nothing"
	}
	o := int(off % uint32(len(out)))
	switch kind % 6 {
	case 0:
		return out[:o], fmt.Sprintf("cut at %d", o)
	case 1:
		out[o] ^= 1 << (arg % 8)
		return out, fmt.Sprintf("bit %d of byte %d flipped", arg%8, o)
	case 2:
		n := min(int(arg%8192)+1, len(out)-o)
		clear(out[o : o+n])
		return out, fmt.Sprintf("%d bytes at %d zeroed", n, o)
	case 3:
		n := min(int(arg%512)+1, len(out)-o)
		r := rand.New(rand.NewPCG(uint64(arg), uint64(off)))
		for i := range n {
			out[o+i] = byte(r.Uint32())
		}
		return out, fmt.Sprintf("%d bytes at %d overwritten", n, o)
	case 5:
		// A field of a header page rewritten, its checksum made to agree:
		// the root bucket, the freelist or the page count pointing
		// elsewhere, as a bug rather than a bad disk leaves it.
		const page, meta = 4096, 16
		m := int(off%2) * page
		if len(out) < m+page {
			return out, "nothing"
		}
		name, field := [3]string{"root", "freelist", "page count"}[arg%3], [3]int{16, 32, 40}[arg%3]
		v := uint64(arg/3) % uint64(len(out)/page+2)
		binary.NativeEndian.PutUint64(out[m+meta+field:], v)
		h := fnv.New64a()
		h.Write(out[m+meta : m+meta+56])
		binary.NativeEndian.PutUint64(out[m+meta+56:], h.Sum64())
		return out, fmt.Sprintf("header page %d's %s set to %d", m/page, name, v)
	default:
		// A page copied over another, as a misdirected write leaves it.
		const page = 4096
		pages := len(out) / page
		if pages < 3 {
			return out, "nothing"
		}
		from, to := int(arg)%pages, o/page
		copy(out[to*page:(to+1)*page], out[from*page:(from+1)*page])
		return out, fmt.Sprintf("page %d copied over page %d", from, to)
	}
}

// openDamaged opens a damaged file as readers and writers do and reads
// all of it; it fails the test on anything but a clear error or the
// original data. It reports whether the reads saw other data than was
// stored without an error, which only `check` may then explain.
func openDamaged(t *testing.T, data []byte, kind uint8, off, arg uint32) {
	t.Helper()
	base, err := damageBase()
	if err != nil {
		t.Fatal(err)
	}
	want, err := snapshotOf(base)
	if err != nil {
		t.Fatal(err)
	}
	bad, what := damage(data, kind, off, arg)
	path := filepath.Join(t.TempDir(), "qos.db")
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	clear := func(err error) {
		t.Helper()
		if err == nil {
			return
		}
		if !errors.Is(err, ErrNotDatabase) && !errors.Is(err, ErrNoDatabase) && !errors.Is(err, ErrNewerSchema) {
			t.Errorf("%s: error %q is not one for a damaged file", what, err)
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q does not name the file", what, err)
		}
		if strings.Count(err.Error(), "\n") > 0 {
			t.Errorf("%s: error is more than one line: %q", what, err)
		}
		if strings.Contains(err.Error(), "runtime error") || strings.Contains(err.Error(), "invalid page type") {
			t.Errorf("%s: error %q is Go's or bbolt's, not one a user can act on", what, err)
		}
	}

	db, err := Open(ctx0, path, Options{ReadOnly: true, LockTimeout: time.Minute})
	clear(err)
	if err == nil {
		got, err := snapshot(db)
		clear(err)
		rep, cerr := db.Check(ctx0, nil)
		if cerr != nil {
			t.Errorf("%s: check did not run: %v", what, cerr)
		}
		db.Close()
		if err == nil && got != want {
			// Other data than was stored, read without an error: only a
			// B-tree pointing at a stale copy of a page can do that, and
			// `zoomqos check` must say so.
			if kind%6 == 0 || (cerr == nil && rep.OK()) {
				t.Errorf("%s: the file reads without an error, but not as stored, and check finds nothing", what)
			}
		}
		if err != nil && cerr == nil && rep.OK() {
			t.Errorf("%s: reading fails (%v), but check finds nothing", what, err)
		}
	}

	// A writer refuses the file, or writes into a file that passes bbolt's
	// check; either way, nothing crashes.
	w, err := Open(ctx0, path, Options{LockTimeout: time.Minute})
	clear(err)
	if err == nil {
		_, err := w.PutPage(ctx0, testPage("m9", Past, `{"x":1}`, session("z", t0, 3, 1)))
		clear(err)
		w.Close()
	}
}

var snapshots sync.Map

// snapshotOf reads an undamaged file's snapshot once.
func snapshotOf(data []byte) (string, error) {
	if s, ok := snapshots.Load(string(data)); ok {
		return s.(string), nil
	}
	dir, err := os.MkdirTemp("", "zoomqos-snap-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "qos.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", err
	}
	db, err := Open(ctx0, path, Options{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer db.Close()
	s, err := snapshot(db)
	if err == nil {
		snapshots.Store(string(data), s)
	}
	return s, err
}

// TestDamagedFiles cuts the file at every page boundary and in the middle
// of pages, and flips, zeroes and overwrites bytes all over it.
func TestDamagedFiles(t *testing.T) {
	data, err := damageBase()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 0))
	n := 0
	for off := 0; off < len(data); off += 2048 {
		openDamaged(t, data, 0, uint32(off), 0)
		n++
	}
	for kind := uint8(1); kind < 6; kind++ {
		for range 60 {
			openDamaged(t, data, kind, r.Uint32(), r.Uint32())
			n++
		}
	}
	t.Logf("%d damaged copies of a %d-byte file", n, len(data))
}

// FuzzDamagedFile: go test ./store -run X -fuzz FuzzDamagedFile
func FuzzDamagedFile(f *testing.F) {
	data, err := damageBase()
	if err != nil {
		f.Fatal(err)
	}
	for kind := range uint8(6) {
		f.Add(kind, uint32(len(data)/2), uint32(3))
	}
	f.Fuzz(func(t *testing.T, kind uint8, off, arg uint32) {
		openDamaged(t, data, kind, off, arg)
	})
}

// TestFlippedBitsAreCaught flips one bit at a time in the samples, the
// sessions and the counts of a meeting: every flip that lands in a stored
// record is caught by reading it, so a dump is never silently wrong. And
// no damage makes a read take memory by the gigabyte: a flipped length in
// a page once sized a buffer by it (20 GB allocated over these 200 files).
func TestFlippedBitsAreCaught(t *testing.T) {
	data, err := damageBase()
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := rand.New(rand.NewPCG(21, 0))
	for range 200 {
		openDamaged(t, data, 1, r.Uint32()%uint32(len(data)-8192)+8192, r.Uint32())
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<30 {
		t.Errorf("reading 200 damaged copies of a %d-byte file allocated %d MB", len(data), got>>20)
	}
}
