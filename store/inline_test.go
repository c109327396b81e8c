package store

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// inlineBuckets finds, in a file of 4 KB pages, the leaf pages' elements
// that are inline buckets, as offsets of their inline page's first
// element's pos field.
func inlineBuckets(data []byte) []int {
	const ps = 4096
	var out []int
	for p := 2; (p+1)*ps <= len(data); p++ {
		page := data[p*ps : (p+1)*ps]
		if binary.NativeEndian.Uint64(page) != uint64(p) || binary.NativeEndian.Uint16(page[8:])&flagLeaf == 0 {
			continue
		}
		n := int(binary.NativeEndian.Uint16(page[10:]))
		for i := range n {
			at := pageHeaderSize + i*elementSize
			if at+elementSize > len(page) {
				break
			}
			e := page[at:]
			if binary.NativeEndian.Uint32(e)&flagBucket == 0 {
				continue
			}
			pos, ks, vs := int(binary.NativeEndian.Uint32(e[4:])), int(binary.NativeEndian.Uint32(e[8:])), int(binary.NativeEndian.Uint32(e[12:]))
			v := at + pos + ks
			if v+vs > len(page) || vs < 16+pageHeaderSize+elementSize || binary.NativeEndian.Uint64(page[v:]) != 0 {
				continue
			}
			inline := v + 16
			if binary.NativeEndian.Uint16(page[inline+10:]) == 0 {
				continue
			}
			out = append(out, p*ps+inline+pageHeaderSize+4) // the first leaf element's pos
		}
	}
	return out
}

// A damaged inline bucket (a small meeting's sessions or samples live in
// their parent's page) is an error naming the file, found before bbolt
// follows its offsets: from a copy on the heap they pointed into other
// objects' memory, and the garbage collector stopped the process.
func TestDamagedInlineBucket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qos.db")
	db := MustOpenDBAt(t, path)
	if _, err := db.PutPage(ctx0, testPage("m1", Past, `{"x":1}`, session("alice", t0, 3, 100))); err != nil {
		t.Fatal(err)
	}
	db.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	found := inlineBuckets(data)
	if len(found) == 0 {
		t.Fatal("no inline bucket in a one-session meeting's file")
	}
	caught := 0
	for _, at := range found {
		bad := append([]byte(nil), data...)
		binary.NativeEndian.PutUint32(bad[at:], 0x7ffff000) // the first key 2 GB past its page
		p := filepath.Join(t.TempDir(), "bad.db")
		if err := os.WriteFile(p, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		var got []SessionSamples
		r, err := Open(ctx0, p, Options{ReadOnly: true})
		if err == nil {
			got, err = r.Load(ctx0, "m1")
			r.Close()
		}
		switch {
		case errors.Is(err, ErrNotDatabase):
			caught++
		case err != nil:
			t.Errorf("an inline bucket at byte %d damaged: %v, want an error naming the damage", at, err)
		case len(got) != 1 || len(got[0].Samples) != 3:
			// A page no longer in use (the root of an earlier write) may
			// be damaged with no effect; one in use may not.
			t.Errorf("an inline bucket at byte %d damaged: read %d sessions without an error", at, len(got))
		}
	}
	// The meeting's sessions, samples, raw and rawsum buckets, and the
	// meta bucket in the root page in use.
	if caught < 5 {
		t.Errorf("%d of %d damaged inline buckets caught, want at least 5", caught, len(found))
	}
}
