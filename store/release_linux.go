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
func releaseMapped(db *bbolt.DB, tx *bbolt.Tx) {
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, db.Info().Data, uintptr(tx.Size()), unix.MADV_DONTNEED)
}
