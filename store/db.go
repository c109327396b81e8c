package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Bucket and key names; the tree is drawn in doc.go.
var (
	bucketMeta     = []byte("meta")
	bucketMeetings = []byte("meetings")
	bucketSessions = []byte("sessions")
	bucketSamples  = []byte("samples")
	bucketRaw      = []byte("raw")
	bucketRawSum   = []byte("rawsum")
	keyApp         = []byte("app")
	keySchema      = []byte("schema")
	keyInfo        = []byte("info")
	appName        = []byte("zoomqos")
)

// Options tune Open.
type Options struct {
	// ReadOnly opens the file with a shared lock, so that several readers
	// can work at once; it fails with ErrNoDatabase if there is no file.
	ReadOnly bool
	// LockTimeout is how long to wait for another process to let go of the
	// file before failing with ErrLocked. Zero means one second.
	LockTimeout time.Duration
}

// DB is a zoomqos database: one bbolt file.
type DB struct {
	path     string
	bolt     *bbolt.DB
	readOnly bool
	mapped   atomic.Int64 // bytes read through the memory map since it was last released (release.go)

	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// Open opens the database at path, creating it (and its directory, mode
// 0700; the file mode 0600) unless opts.ReadOnly. A new file gets the current
// schema; an older one is migrated; a newer one is refused.
func Open(ctx context.Context, path string, opts Options) (db *DB, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	if opts.ReadOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w: import or collect some data first", path, ErrNoDatabase)
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	defer func() {
		// bbolt panics on some kinds of damage it finds while opening.
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%s is %w (%v)", path, ErrNotDatabase, r)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	b, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:      opts.LockTimeout,
		ReadOnly:     opts.ReadOnly,
		FreelistType: bbolt.FreelistMapType,
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%s is %w", path, ErrLocked)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return nil, fmt.Errorf("%s is %w (%v)", path, ErrNotDatabase, err)
	case err != nil:
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db = &DB{path: path, bolt: b, readOnly: opts.ReadOnly, Now: time.Now}
	if err := db.init(); err != nil {
		b.Close()
		return nil, err
	}
	if opts.ReadOnly {
		// A reader's map never changes (no writes, no remapping): advise it
		// once.
		_ = b.View(func(tx *bbolt.Tx) error {
			readAhead(b, tx)
			return nil
		})
	}
	return db, nil
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close releases the file.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close %s: %w", db.path, err)
	}
	return nil
}

// view runs fn in a read transaction, turning a panic from bbolt (its answer
// to a damaged page) or a fault reading a page beyond the mapped file into an
// error that names the file.
func (db *DB) view(ctx context.Context, fn func(tx *bbolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer db.recoverDamage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return db.bolt.View(func(tx *bbolt.Tx) error {
		if db.readOnly {
			// A reader comes back for more soon or not at all: either way
			// the pages this transaction mapped in need not stay (release.go).
			defer releaseMapped(db.bolt, tx)
		}
		return fn(tx)
	})
}

// update runs fn in a write transaction; see view.
func (db *DB) update(ctx context.Context, fn func(tx *bbolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if db.readOnly {
		return fmt.Errorf("%s: %w", db.path, ErrReadOnly)
	}
	defer db.recoverDamage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return db.bolt.Update(fn)
}

func (db *DB) recoverDamage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s is %w: %v", db.path, ErrNotDatabase, r)
	}
}

// damaged returns the error for a stored value zoomqos cannot read.
func (db *DB) damaged(what string, err error) error {
	return fmt.Errorf("%s is %w: %s: %v", db.path, ErrNotDatabase, what, err)
}
