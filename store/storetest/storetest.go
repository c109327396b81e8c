// Package storetest opens zoomqos databases for the tests of other
// packages: a real bbolt file in the test's temporary directory, closed
// when the test ends and then checked as `zoomqos check` checks it (the
// B-tree, every record's checksum, the counts), so that a test whose code
// leaves the file inconsistent fails even when its own assertions pass.
//
// It imports store and the standard library only, and is imported by tests
// alone.
package storetest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/store"
)

// MustOpen opens a new database for writing in a temporary directory; it
// is closed and checked when the test ends.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return MustOpenAt(tb, filepath.Join(tb.TempDir(), "qos.db"), store.Options{})
}

// MustOpenAt opens the database at path with opts; it is closed when the
// test ends and then, if the file is there, checked.
func MustOpenAt(tb testing.TB, path string, opts store.Options) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), path, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
		if !tb.Failed() {
			Check(tb, path)
		}
	})
	return db
}

// Check opens the database at path read-only and fails the test if
// `zoomqos check` would find anything wrong with it.
func Check(tb testing.TB, path string) {
	tb.Helper()
	db, err := store.Open(context.Background(), path, store.Options{ReadOnly: true})
	if err != nil {
		tb.Errorf("check %s: %v", path, err)
		return
	}
	defer db.Close()
	r, err := db.Check(context.Background(), nil)
	switch {
	case err != nil:
		tb.Errorf("check %s: %v", path, err)
	case !r.OK():
		tb.Errorf("check %s: %d problems: %s", path, r.Count, strings.Join(r.Problems, "; "))
	}
}
