package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"slices"
	"syscall"
)

// bbolt's file header, read before bbolt maps the file. bbolt trusts the
// meta page's page count: a file cut short makes it fault on pages past the
// end, and zoomqos once released memory that was not the map's on the
// strength of it (release_linux.go). So the header is checked against the
// file first, and a damaged file gets one line saying what is wrong.
//
// A meta page (bbolt's internal/common/meta.go, native byte order):
//
//	16 bytes  page header (id, flags, count, overflow)
//	4 magic (0xED0CDAED), 4 version (2), 4 page size, 4 flags,
//	8 root bucket page, 8 root sequence, 8 freelist page, 8 page count
//	(the high-water mark), 8 transaction id, 8 FNV-64a of the 56 bytes
//	before it.
//
// Page 0 and page 1 are meta pages; bbolt uses the valid one with the
// higher transaction id.
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeaderSize  = 16
	metaSize        = 64
	noFreelist      = ^uint64(0)
	minPageSize     = 1 << 10
	maxPageSize     = 1 << 24
	firstMetaWindow = 4096
)

// fileHeader is what the valid meta page says of the file.
type fileHeader struct {
	size     int64  // the file's size
	pageSize int    // bytes a page
	pages    uint64 // the high-water mark: pages the file must hold
	root     uint64 // the root bucket's page
	freelist uint64 // the freelist's page, or noFreelist
	txid     uint64
	// damagedMeta is the meta page (0 or 1) that failed its check, -1 if
	// none: bbolt then reads the file as the other one left it.
	damagedMeta int
	// lostWrite: the damaged meta page names the transaction after the
	// one read, so what that transaction wrote is not read. lostUnknown:
	// the damaged page does not say which transaction it held (zeroed, or
	// a transaction that is neither the one before nor the one after), so
	// whether a write is lost cannot be told.
	lostWrite, lostUnknown bool
}

// metaProblem says what a damaged meta page means for what is read.
func (h fileHeader) metaProblem() string {
	if h.lostWrite {
		return fmt.Sprintf("its newest header page (page %d) is damaged: it reads as the write before left it (transaction %d), without what the last write stored",
			h.damagedMeta, h.txid)
	}
	if h.lostUnknown {
		return fmt.Sprintf("header page %d is damaged past telling which write it held: the other one is sound (transaction %d), but if the damaged one held the last write, what that write stored is not read",
			h.damagedMeta, h.txid)
	}
	return fmt.Sprintf("header page %d is damaged; the other one, the newest, is sound (transaction %d)", h.damagedMeta, h.txid)
}

// warnOnOpen says whether a damaged meta page may hide stored data, which
// every open of the file says.
func (h fileHeader) warnOnOpen() bool { return h.lostWrite || h.lostUnknown }

// whichWrite says what a damaged meta page held, from its transaction ID:
// bbolt writes the two in turn, so the other one holds the transaction
// just before or just after the sound one's.
func whichWrite(damaged, sound boltMeta) (lost, unknown bool) {
	switch {
	case damaged.magic != boltMagic:
		return false, true
	case damaged.txid == sound.txid+1:
		return true, false
	case damaged.txid+1 == sound.txid:
		return false, false
	}
	return false, true
}

// need is the size the file must have for every page bbolt may read.
func (h fileHeader) need() int64 { return int64(h.pages) * int64(h.pageSize) }

// boltMeta is a decoded meta page.
type boltMeta struct {
	magic, version, pageSize uint32
	root, freelist, pages    uint64
	txid                     uint64
	valid                    bool // magic, version and checksum agree
}

func parseMeta(b []byte) boltMeta {
	if len(b) < pageHeaderSize+metaSize {
		return boltMeta{}
	}
	m := b[pageHeaderSize:]
	ne := binary.NativeEndian
	bm := boltMeta{
		magic: ne.Uint32(m[0:]), version: ne.Uint32(m[4:]), pageSize: ne.Uint32(m[8:]),
		root: ne.Uint64(m[16:]), freelist: ne.Uint64(m[32:]), pages: ne.Uint64(m[40:]), txid: ne.Uint64(m[48:]),
	}
	h := fnv.New64a()
	h.Write(m[:56])
	bm.valid = bm.magic == boltMagic && bm.version == boltVersion && ne.Uint64(m[56:]) == h.Sum64()
	return bm
}

// Problems with a file found before opening it. Each is wrapped with
// ErrNotDatabase and the file's name.
var (
	errEmptyFile = errors.New("the file is empty (0 bytes)")
	errDirectory = errors.New("it is a directory, not a database file")
)

// inspectFile checks the file at path before bbolt maps it: that it is a
// regular file, that one of its meta pages is whole and valid, and that it
// holds every page that meta page counts. A missing file is fs.ErrNotExist;
// an empty one errEmptyFile (a writer may initialise it).
func inspectFile(path string) (fileHeader, error) {
	// Stat before opening: opening a named pipe would wait for a writer
	// for ever.
	fi, err := os.Stat(path)
	if err != nil {
		return fileHeader{}, err
	}
	if fi.IsDir() {
		return fileHeader{}, errDirectory
	}
	if !fi.Mode().IsRegular() {
		return fileHeader{}, fmt.Errorf("it is %s, not a database file", FileKind(fi.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return fileHeader{}, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return fileHeader{}, err
	}
	h := fileHeader{size: fi.Size()}
	if h.size == 0 {
		return h, errEmptyFile
	}
	buf := make([]byte, firstMetaWindow)
	n, err := f.ReadAt(buf, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return h, err
	}
	meta0 := parseMeta(buf[:n])
	var meta1 boltMeta
	switch {
	case meta0.valid && validPageSize(meta0.pageSize):
		meta1 = readMetaAt(f, int64(meta0.pageSize))
	default:
		// Page 0 is unreadable: look for page 1 where each page size
		// would put it, as bbolt does.
		for ps := int64(minPageSize); ps <= maxPageSize && ps < h.size; ps <<= 1 {
			if m := readMetaAt(f, ps); m.valid && int64(m.pageSize) == ps {
				meta1 = m
				break
			}
		}
	}
	// The size again, now that the header is read: a reader checks the
	// file before it takes the lock, and a writer's commit between the
	// first stat and the header read grows the file and then points the
	// header at the new pages. bbolt never shrinks a file, so the size
	// after the read covers every header the read can have seen.
	if fi, err := f.Stat(); err == nil && fi.Size() > h.size {
		h.size = fi.Size()
	}
	best, ok := pickMeta(meta0, meta1)
	if !ok {
		if meta0.magic != boltMagic && meta1.magic != boltMagic {
			return h, errors.New("it is not a bbolt database file")
		}
		if meta0.version != boltVersion && meta0.magic == boltMagic {
			return h, fmt.Errorf("bbolt file format %d, not %d", meta0.version, boltVersion)
		}
		return h, errors.New("both of its header pages are damaged")
	}
	h.pageSize, h.pages, h.txid = int(best.pageSize), best.pages, best.txid
	h.root, h.freelist = best.root, best.freelist
	h.damagedMeta = -1
	switch {
	case !meta0.valid:
		h.damagedMeta = 0
		h.lostWrite, h.lostUnknown = whichWrite(meta0, best)
	case !meta1.valid:
		h.damagedMeta = 1
		h.lostWrite, h.lostUnknown = whichWrite(meta1, best)
	}
	switch {
	case best.pages < 2 || best.root < 2 || best.root >= best.pages || best.root == best.freelist ||
		(best.freelist != noFreelist && (best.freelist < 2 || best.freelist >= best.pages)):
		return h, fmt.Errorf("its header is inconsistent (root page %d, freelist page %d, %d pages; pages 0 and 1 are the header)", best.root, best.freelist, best.pages)
	case best.pages > uint64(1<<62)/uint64(h.pageSize):
		return h, fmt.Errorf("its header counts %d pages: impossible", best.pages)
	case h.size < h.need():
		return h, fmt.Errorf("it is cut off: %d bytes, but its header counts %d pages of %d bytes (%d bytes)",
			h.size, h.pages, h.pageSize, h.need())
	}
	return h, nil
}

// inspectPages is inspectFile, and checks that the pages the header points
// at are what it says they are: bbolt would read whatever is there as a
// B-tree or a freelist. It is for a caller that holds the file's lock: a
// writer reuses pages, and without the lock two commits between reading
// the header and reading the page could put something else there.
func inspectPages(path string) (fileHeader, error) {
	h, err := inspectFile(path)
	if err != nil {
		return h, err
	}
	f, err := os.Open(path)
	if err != nil {
		return h, err
	}
	defer f.Close()
	if err := h.pageIs(f, "the root bucket", h.root, flagBranch, flagLeaf); err != nil {
		return h, err
	}
	if h.freelist != noFreelist {
		if err := h.pageIs(f, "the freelist", h.freelist, flagFreelist); err != nil {
			return h, err
		}
	}
	return h, nil
}

// pageIs checks, with one small read, that page id holds its own number
// and one of the kinds given.
func (h fileHeader) pageIs(f *os.File, what string, id uint64, kinds ...uint16) error {
	var b [pageHeaderSize]byte
	if _, err := f.ReadAt(b[:], int64(id)*int64(h.pageSize)); err != nil {
		return fmt.Errorf("reading %s's page %d: %w", what, id, err)
	}
	ne := binary.NativeEndian
	got, flags := ne.Uint64(b[0:]), ne.Uint16(b[8:])
	if got != id || !slices.Contains(kinds, flags) {
		return fmt.Errorf("its header points %s at page %d, which is %s", what, id, pageKind(got, id, flags))
	}
	return nil
}

// FileKind names what a path that is not a regular file is: "a named
// pipe", "a device", ...
func FileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeDir != 0:
		return "a directory"
	}
	return "not a regular file"
}

// readMetaAt reads a meta page at off; a short read gives an invalid meta.
func readMetaAt(f *os.File, off int64) boltMeta {
	buf := make([]byte, pageHeaderSize+metaSize)
	if _, err := f.ReadAt(buf, off); err != nil {
		return boltMeta{}
	}
	return parseMeta(buf)
}

func validPageSize(n uint32) bool {
	return n >= minPageSize && n <= maxPageSize && n&(n-1) == 0
}

// pickMeta returns the meta page bbolt would use: the valid one with the
// higher transaction id.
func pickMeta(a, b boltMeta) (boltMeta, bool) {
	a.valid = a.valid && validPageSize(a.pageSize)
	b.valid = b.valid && validPageSize(b.pageSize)
	switch {
	case a.valid && b.valid && b.txid > a.txid:
		return b, true
	case a.valid:
		return a, true
	case b.valid:
		return b, true
	}
	return boltMeta{}, false
}

// inspectError turns what inspectFile found into the error Open returns.
func inspectError(path string, readOnly bool, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w: import or collect some data first", path, ErrNoDatabase)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("open database %s: %w", path, err)
	case errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("open database %s: a part of its path is a file, not a directory", path)
	case errors.Is(err, errEmptyFile) && readOnly:
		return fmt.Errorf("%s: %w: the file is empty (0 bytes); import or collect some data first", path, ErrNoDatabase)
	}
	return fmt.Errorf("%s is %w: %v", path, ErrNotDatabase, err)
}

// pageKind names what a page whose header says id and flags is, as found
// where page want was expected.
func pageKind(id, want uint64, flags uint16) string {
	switch {
	case id != want:
		return fmt.Sprintf("not that page (it says it is page %d)", id)
	case flags == flagBranch || flags == flagLeaf:
		return "a B-tree page"
	case flags == flagMeta:
		return "a header page"
	case flags == flagFreelist:
		return "the freelist"
	}
	return fmt.Sprintf("no kind of page bbolt writes (flags %#x)", flags)
}
