package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
)

// The structure check reads bbolt's pages with plain reads of the file,
// never through the memory map, so that no damage can make it fault: bbolt's
// own Tx.Check runs on a goroutine of its own where a read past the map
// kills the process. It checks what bbolt's does: every page from the root
// is a branch or leaf page that names itself, inside the file, reached
// once; its elements lie inside it, their keys in order and within the
// range the parent gives; buckets nest the same way (inline ones inside
// their value); the freelist holds pages below the high-water mark once;
// and every page is in use or free, not both, not neither.
//
// Page layout (bbolt's internal/common/page.go, native byte order): a
// 16-byte header (id 8, flags 2, count 2, overflow 4); then count elements
// of 16 bytes: a branch element is pos 4, ksize 4, child page 8; a leaf
// element flags 4, pos 4, ksize 4, vsize 4, its key pos bytes after the
// element's own start and its value right after the key. A leaf element
// with flag 1 is a bucket: its value is the bucket's root page (8) and
// sequence (8), then, when the root is 0, the bucket's own leaf page.
const (
	flagBranch   = 0x01
	flagLeaf     = 0x02
	flagMeta     = 0x04
	flagFreelist = 0x10
	flagBucket   = 0x01
	elementSize  = 16
	maxDepth     = 64
)

// structure is a walk over a file's pages.
type structure struct {
	f        *os.File
	h        fileHeader
	seen     []bool // pages reached from a meta page
	free     []bool // pages in the freelist
	problems []string
	count    int
	limit    int
	// shallow walks one bucket's own pages and the inline buckets in
	// them, not the buckets that have pages of their own (inline.go); seen
	// and free are nil then.
	shallow bool
}

func (s *structure) add(format string, a ...any) {
	s.count++
	if len(s.problems) < s.limit {
		s.problems = append(s.problems, fmt.Sprintf(format, a...))
	}
}

// checkFile checks the B-tree of the file at path against its header,
// reading it with plain reads. It returns up to limit problems, one line
// each, and how many there were in all. A damaged header page is one only
// with metas: bbolt reads the file as the other header page left it, by
// design (a write cut off as it wrote the header), and heals it with the
// next write.
func checkFile(path string, limit int, metas bool) (problems []string, count int, err error) {
	h, err := inspectPages(path)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	s := &structure{f: f, h: h, limit: limit,
		seen: make([]bool, h.pages), free: make([]bool, h.pages)}
	s.seen[0], s.seen[1] = true, true
	if h.damagedMeta >= 0 && metas {
		s.add("%s", h.metaProblem())
	}
	s.freelist()
	s.walk(h.root, nil, nil, 0, "the root bucket")
	unreached := 0
	first := uint64(0)
	for id := uint64(2); id < h.pages; id++ {
		if !s.seen[id] && !s.free[id] {
			if unreached == 0 {
				first = id
			}
			unreached++
		}
	}
	if unreached > 0 {
		s.add("%s neither in use nor free (the first: page %d)", howMany(unreached, "page"), first)
	}
	return s.problems, s.count, nil
}

// read reads page id with its overflow pages; nil when it cannot.
func (s *structure) read(id uint64, what string) []byte {
	ps := int64(s.h.pageSize)
	head := make([]byte, pageHeaderSize)
	if _, err := s.f.ReadAt(head, int64(id)*ps); err != nil {
		s.add("page %d (%s): cannot read it: %v", id, what, err)
		return nil
	}
	overflow := uint64(binary.NativeEndian.Uint32(head[12:]))
	if got := binary.NativeEndian.Uint64(head); got != id {
		s.add("page %d (%s) calls itself page %d", id, what, got)
		return nil
	}
	if id+overflow >= s.h.pages {
		s.add("page %d (%s) runs %d pages past the end", id, what, id+overflow+1-s.h.pages)
		return nil
	}
	buf := make([]byte, int64(overflow+1)*ps)
	if _, err := s.f.ReadAt(buf, int64(id)*ps); err != nil {
		s.add("page %d (%s): cannot read it: %v", id, what, err)
		return nil
	}
	return buf
}

// claim marks a page and its overflow as in use; false if any already was.
func (s *structure) claim(id uint64, overflow uint64, what string) bool {
	if s.shallow {
		return true
	}
	for p := id; p <= id+overflow; p++ {
		switch {
		case s.seen[p]:
			s.add("page %d (%s) is reached twice", p, what)
			return false
		case s.free[p]:
			s.add("page %d (%s) is in use and in the freelist", p, what)
		}
		s.seen[p] = true
	}
	return true
}

// freelist reads the freelist page and marks its pages free.
func (s *structure) freelist() {
	id := s.h.freelist
	if id == noFreelist {
		return
	}
	p := s.read(id, "freelist")
	if p == nil {
		return
	}
	overflow := uint64(binary.NativeEndian.Uint32(p[12:]))
	if !s.claim(id, overflow, "freelist") {
		return
	}
	if flags := binary.NativeEndian.Uint16(p[8:]); flags&flagFreelist == 0 {
		s.add("page %d is the freelist, but is not a freelist page (flags %#x)", id, flags)
		return
	}
	n, at := uint64(binary.NativeEndian.Uint16(p[10:])), pageHeaderSize
	if n == 0xffff {
		if len(p) < pageHeaderSize+8 {
			return
		}
		n, at = binary.NativeEndian.Uint64(p[pageHeaderSize:]), pageHeaderSize+8
	}
	if n > uint64(len(p)-at)/8 {
		s.add("the freelist (page %d) counts %d pages, more than it holds", id, n)
		return
	}
	for i := range n {
		f := binary.NativeEndian.Uint64(p[at+int(i)*8:])
		switch {
		case f < 2 || f >= s.h.pages:
			s.add("the freelist holds page %d, outside the file's %d pages", f, s.h.pages)
		case s.free[f]:
			s.add("the freelist holds page %d twice", f)
		case s.seen[f]:
			s.add("page %d is in use and in the freelist", f)
		default:
			s.free[f] = true
		}
	}
}

// walk checks the page id of a bucket and what it leads to. Keys must be
// at least lo and below hi (nil: no bound).
func (s *structure) walk(id uint64, lo, hi []byte, depth int, what string) {
	if id < 2 || id >= s.h.pages {
		s.add("%s points to page %d, outside the file's %d pages", what, id, s.h.pages)
		return
	}
	if depth > maxDepth {
		s.add("%s: the tree is more than %d levels deep", what, maxDepth)
		return
	}
	p := s.read(id, what)
	if p == nil {
		return
	}
	if !s.claim(id, uint64(binary.NativeEndian.Uint32(p[12:])), what) {
		return
	}
	s.page(p, id, lo, hi, depth, what)
}

// page checks the elements of a branch or leaf page held in p (a page of
// the file, or an inline bucket's page inside a value; id 0 then).
func (s *structure) page(p []byte, id uint64, lo, hi []byte, depth int, what string) {
	where := fmt.Sprintf("page %d (%s)", id, what)
	if id == 0 {
		where = what + " (inline)"
	}
	flags := binary.NativeEndian.Uint16(p[8:])
	n := int(binary.NativeEndian.Uint16(p[10:]))
	if pageHeaderSize+n*elementSize > len(p) {
		s.add("%s counts %d elements, more than fit in it", where, n)
		return
	}
	branch := flags&flagBranch != 0
	if flags&(flagBranch|flagLeaf) == 0 || flags&(flagBranch|flagLeaf) == flagBranch|flagLeaf {
		s.add("%s is not a branch or leaf page (flags %#x)", where, flags)
		return
	}
	if n == 0 && branch {
		s.add("%s is an empty branch page", where)
		return
	}
	var prev []byte
	for i := range n {
		at := pageHeaderSize + i*elementSize
		e := p[at : at+elementSize]
		var pos, ksize, vsize uint64
		if branch {
			pos, ksize = uint64(binary.NativeEndian.Uint32(e)), uint64(binary.NativeEndian.Uint32(e[4:]))
		} else {
			pos, ksize, vsize = uint64(binary.NativeEndian.Uint32(e[4:])), uint64(binary.NativeEndian.Uint32(e[8:])), uint64(binary.NativeEndian.Uint32(e[12:]))
		}
		start := uint64(at) + pos
		if start+ksize+vsize > uint64(len(p)) {
			s.add("%s: element %d lies past the end of the page", where, i)
			return
		}
		key := p[start : start+ksize]
		switch {
		case i > 0 && bytes.Compare(prev, key) >= 0:
			s.add("%s: key %d (%x) is not after key %d (%x)", where, i, clip(key), i-1, clip(prev))
			return
		case lo != nil && bytes.Compare(key, lo) < 0:
			s.add("%s: key %d (%x) is before the range its parent gives it", where, i, clip(key))
			return
		case hi != nil && bytes.Compare(key, hi) >= 0:
			s.add("%s: key %d (%x) is past the range its parent gives it", where, i, clip(key))
			return
		}
		prev = key
		if branch {
			child := binary.NativeEndian.Uint64(e[8:])
			var next []byte
			if i+1 < n {
				ne := p[at+elementSize : at+2*elementSize]
				npos, nks := uint64(binary.NativeEndian.Uint32(ne)), uint64(binary.NativeEndian.Uint32(ne[4:]))
				ns := uint64(at+elementSize) + npos
				if ns+nks <= uint64(len(p)) {
					next = p[ns : ns+nks]
				}
			} else {
				next = hi
			}
			s.walk(child, key, next, depth+1, what)
			continue
		}
		if binary.NativeEndian.Uint32(e)&flagBucket == 0 {
			continue
		}
		v := p[start+ksize : start+ksize+vsize]
		name := fmt.Sprintf("bucket %q", clip(key))
		if len(v) < 16 {
			s.add("%s: %s has a value of %d bytes, too short for a bucket", where, name, len(v))
			continue
		}
		if root := binary.NativeEndian.Uint64(v); root != 0 {
			switch {
			case !s.shallow:
				s.walk(root, nil, nil, depth+1, name)
			case root < 2 || root >= s.h.pages:
				s.add("%s points to page %d, outside the file's %d pages", name, root, s.h.pages)
			}
			continue
		}
		inline := v[16:]
		if len(inline) < pageHeaderSize {
			s.add("%s: %s is inline but holds no page", where, name)
			continue
		}
		s.page(inline, 0, nil, nil, depth+1, name)
	}
}

// howMany writes n of a thing: "1 page", "2 pages".
func howMany(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// clip shortens a key for a message.
func clip(k []byte) []byte {
	if len(k) > 24 {
		return k[:24]
	}
	return k
}
