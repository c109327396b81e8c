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
	if db.mapped.Add(int64(n)) >= releaseEvery {
		db.mapped.Store(0)
		releaseMapped(db.bolt, tx)
	}
}
