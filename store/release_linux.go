//go:build linux

package store

import (
	"go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// releaseMapped tells the kernel that this process needs none of the
// database's pages mapped in right now (madvise MADV_DONTNEED). bbolt reads
// through a shared, read-only memory map of the file, and every page a walk
// touches stays mapped, so a roll-up over a large file would otherwise count
// the whole file in its resident memory. The pages stay in the page cache:
// touching one again maps it back in, with the same bytes, so calling this
// in the middle of reading is safe. It must run inside a transaction, which
// keeps bbolt from remapping meanwhile. Failure only costs memory, so it is
// ignored.
func (db *DB) releaseMapped(b *bbolt.DB, tx *bbolt.Tx) {
	madvise(b, db.mappedLen(tx), unix.MADV_DONTNEED)
}

// readAhead undoes bbolt's MADV_RANDOM on the memory map, so that the
// kernel reads ahead when a page is missing from the page cache. bbolt asks
// for random access because a writer jumps around the file; a reader that
// walks a whole meeting, or a year of them, reads pages in long runs, and
// from a cold cache it took 4.6 s instead of 1.2 s for a million samples
// without read-ahead. It must run inside a transaction (see releaseMapped).
func (db *DB) readAhead(b *bbolt.DB, tx *bbolt.Tx) {
	madvise(b, db.mappedLen(tx), unix.MADV_NORMAL)
}

func madvise(b *bbolt.DB, n int64, advice int) {
	if n <= 0 {
		return
	}
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, b.Info().Data, uintptr(n), uintptr(advice))
}
