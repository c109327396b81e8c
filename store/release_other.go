//go:build !linux

package store

import "go.etcd.io/bbolt"

// releaseMapped does nothing where madvise is not known to be safe to use
// this way; see release_linux.go.
func (db *DB) releaseMapped(*bbolt.DB, *bbolt.Tx) {}

// readAhead does nothing here; see release_linux.go.
func (db *DB) readAhead(*bbolt.DB, *bbolt.Tx) {}
