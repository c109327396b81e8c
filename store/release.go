package store

import "go.etcd.io/bbolt"

// releaseEvery is how many bytes of samples a process reads through the
// memory map between releasing it (releaseMapped): enough that the cost of
// mapping pages back in does not show, little enough that a roll-up over
// years of meetings stays within a few tens of megabytes of mapped file.
const releaseEvery = 32 << 20

// readMapped counts n bytes read from the memory map in tx, and releases
// the map every releaseEvery bytes. Any goroutine may call it.
func (db *DB) readMapped(tx *bbolt.Tx, n int) {
	if db.readOnly && db.mapped.Add(int64(n)) >= releaseEvery {
		db.mapped.Store(0)
		db.releaseMapped(tx.DB(), tx)
	}
}

// mappedLen is how much of the memory map may be advised on: the part the
// transaction can reach, and never more than the file held when it was
// mapped. bbolt maps at least the file's size, but its page count comes
// from the file's header, and a cut-off file counts pages it does not have:
// advising past the map discards memory that is not the map's (the Go
// heap, the dynamic loader's).
func (db *DB) mappedLen(tx *bbolt.Tx) int64 {
	return min(tx.Size(), db.mapLen)
}
