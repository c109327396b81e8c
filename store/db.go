package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
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
	keyMigrating   = []byte("migrating") // the schema a migration under way started from
	keyInfo        = []byte("info")
	appName        = []byte("zoomqos")
)

// DefaultLockTimeout is how long Open, and a writer's next write, wait for
// another process to let go of the file. Writers hold it only while they
// write, so a reader seldom waits more than a moment; a reparse or a
// migration holds it longer.
const DefaultLockTimeout = 10 * time.Second

// Options tune Open.
type Options struct {
	// ReadOnly opens the file with a shared lock, held until Close, so that
	// several readers can work at once and no writer changes the file
	// under them; it fails with ErrNoDatabase if there is no file.
	ReadOnly bool
	// LockTimeout is how long to wait for another process to let go of the
	// file before failing with ErrLocked. Zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// Warn, if set, is told of damage that reads go on despite: a newest
	// header page that is damaged, so that the file reads as the write
	// before it left it.
	Warn func(msg string)
	// Now, if set, is the clock that dates what is stored (when a raw
	// document was stored, when a meeting was first stored); nil is
	// time.Now. Tests fix it for reproducible files.
	Now func() time.Time
}

// DB is a zoomqos database: one bbolt file.
//
// A reader (Options.ReadOnly) holds the file, with a shared lock, from Open
// to Close. A writer holds it, with bbolt's exclusive lock, only while it
// reads or writes (or between Hold and its release), so that a collection
// that runs for hours does not lock everyone else out: readers get the
// file between two writes, and a write waits for the readers to finish.
type DB struct {
	path     string
	readOnly bool
	timeout  time.Duration

	mu      sync.Mutex
	bolt    *bbolt.DB                 // the open file: a reader's until Close, a writer's while held
	held    int                       // holds on a writer's bolt
	mapLen  int64                     // the file's size when it was mapped: the map is at least this long
	pages   atomic.Pointer[pageCheck] // a reader's checks of buckets' pages (inline.go)
	schema  atomic.Uint32             // the file's schema, as found when it was last opened
	checked os.FileInfo
	broken  error // a write found the file damaged: no more writes
	warn    func(string)
	warned  bool

	mapped atomic.Int64 // bytes read through the memory map since it was last released (release.go)

	now func() time.Time // Options.Now
}

// Open opens the database at path, creating it (and its directory, mode
// 0700; the file mode 0600) unless opts.ReadOnly. A new file gets the current
// schema; an older one is migrated; a newer one is refused. The file is
// checked before it is mapped: a file that is cut short, damaged in its
// header or not a zoomqos database gets an error naming it. A writer's
// first open also runs bbolt's consistency check, so that nothing is
// written into a damaged B-tree.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create the directory of database %s: %w", path, err)
		}
	}
	db := &DB{path: path, readOnly: opts.ReadOnly, timeout: opts.LockTimeout, warn: opts.Warn, now: opts.Now}
	if db.now == nil {
		db.now = time.Now
	}
	if opts.ReadOnly {
		b, err := db.openBolt(ctx)
		if err != nil {
			return nil, err
		}
		db.bolt = b
		return db, nil
	}
	// A writer opens the file once now, to create, check and migrate it,
	// and lets go of it until it writes.
	release, err := db.Hold(ctx)
	if err != nil {
		return nil, err
	}
	release()
	return db, nil
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close releases the file.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.bolt == nil {
		return nil
	}
	err := db.bolt.Close()
	db.pages.Swap(nil).close()
	db.bolt, db.held = nil, 0
	if err != nil {
		return fmt.Errorf("close %s: %w", db.path, err)
	}
	return nil
}

// Hold opens a writer's file, waiting for other processes to let go of it,
// and keeps it open until release is called: a run of writes then opens
// the file once. Holds nest. On a reader it does nothing.
func (db *DB) Hold(ctx context.Context) (release func(), err error) {
	_, release, err = db.acquire(ctx)
	return release, err
}

// acquire returns the open file, opening a writer's if it is not held, and
// the function that lets go of it.
func (db *DB) acquire(ctx context.Context) (*bbolt.DB, func(), error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.readOnly {
		if db.bolt == nil {
			return nil, nil, fmt.Errorf("%s: the database is closed", db.path)
		}
		return db.bolt, func() {}, nil
	}
	if db.bolt == nil {
		b, err := db.openBolt(ctx)
		if err != nil {
			return nil, nil, err
		}
		db.bolt = b
	}
	db.held++
	b := db.bolt
	var once sync.Once
	return b, func() { once.Do(db.letGo) }, nil
}

// letGo ends one hold; the last closes the file.
func (db *DB) letGo() {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.held > 0 {
		db.held--
	}
	if db.held == 0 && db.bolt != nil {
		db.bolt.Close()
		db.bolt = nil
	}
}

// openBolt checks the file and opens it with bbolt, waiting up to the lock
// timeout for other processes (and for ctx), then checks its schema and,
// for a writer, migrates it. A writer's first open of a file first checks
// its B-tree, under a reader's lock: bbolt loads a writer's freelist as it
// opens, and a migration writes, and neither may meet a damaged tree.
func (db *DB) openBolt(ctx context.Context) (*bbolt.DB, error) {
	_, err := inspectFile(db.path)
	switch {
	case err == nil:
	case !db.readOnly && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, errEmptyFile)):
		// A writer creates the file.
	default:
		return nil, inspectError(db.path, db.readOnly, err)
	}
	if !db.readOnly && err == nil {
		if fi, err := os.Stat(db.path); err == nil && (db.checked == nil || !os.SameFile(db.checked, fi)) {
			if err := db.checkBeforeWriting(ctx); err != nil {
				return nil, err
			}
			db.checked = fi
		}
	}
	b, err := db.lock(ctx, db.readOnly)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(db.path)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("open database %s: %w", db.path, err)
	}
	// With the lock held no writer changes the file: the pages its header
	// points at can be checked now, before anything reads them.
	h, err := inspectPages(db.path)
	if err != nil {
		b.Close()
		return nil, inspectError(db.path, db.readOnly, err)
	}
	// Said here, not before the lock: a header page read while a writer
	// writes it may look damaged.
	if h.warnOnOpen() && db.warn != nil && !db.warned {
		db.warned = true
		db.warn(fmt.Sprintf("%s: %s; zoomqos check says more, and the next write makes the header whole again", db.path, h.metaProblem()))
	}
	db.mapLen = fi.Size()
	if db.readOnly {
		pc, err := newPageCheck(db.path, h)
		if err != nil {
			b.Close()
			return nil, db.damaged("the root bucket", err)
		}
		db.pages.Store(pc)
	}
	if err := db.init(ctx, b, h); err != nil {
		db.pages.Swap(nil).close()
		b.Close()
		return nil, err
	}
	if db.readOnly {
		// A reader's map never changes (no writes, no remapping): advise
		// it once.
		_ = b.View(func(tx *bbolt.Tx) error {
			db.readAhead(b, tx)
			return nil
		})
	}
	return b, nil
}

// checkBeforeWriting checks the file's B-tree (structure.go) with a
// reader's lock held, so that no writer changes it meanwhile.
func (db *DB) checkBeforeWriting(ctx context.Context) error {
	r, err := db.lock(ctx, true)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := checkStructure(db.path); err != nil {
		return fmt.Errorf("%s is %w: its B-tree is damaged, so nothing is written into it: %v "+
			"(run zoomqos check for a full account; restore a backup, or export what still reads)", db.path, ErrNotDatabase, err)
	}
	return nil
}

// lock opens the file with bbolt, read-only (a shared lock) or for
// writing (an exclusive one), waiting up to the lock timeout for other
// processes, and for ctx.
func (db *DB) lock(ctx context.Context, readOnly bool) (b *bbolt.DB, err error) {
	defer func() {
		// bbolt panics on some kinds of damage it finds while opening.
		if r := recover(); r != nil {
			if b != nil {
				b.Close()
			}
			b, err = nil, fmt.Errorf("%s is %w: %s", db.path, ErrNotDatabase, damagedPage(r))
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	deadline := time.Now().Add(db.timeout)
	for {
		step := min(250*time.Millisecond, time.Until(deadline))
		b, err = bbolt.Open(db.path, 0o600, &bbolt.Options{
			Timeout:      max(step, 60*time.Millisecond),
			ReadOnly:     readOnly,
			FreelistType: bbolt.FreelistMapType,
		})
		if !errors.Is(err, berrors.ErrTimeout) {
			break
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !time.Now().Before(deadline) {
			return nil, db.lockedError()
		}
	}
	switch {
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return nil, fmt.Errorf("%s is %w (%v)", db.path, ErrNotDatabase, err)
	case err != nil:
		return nil, fmt.Errorf("open database %s: %w", db.path, err)
	}
	return b, nil
}

// lockedError says that the file could not be had within the lock
// timeout, which process holds it now (when the system tells) and for what,
// and what to do.
func (db *DB) lockedError() error {
	who, writing := holderOf(db.path)
	doing := "reading"
	if writing || db.readOnly { // a reader waits only for a writer
		doing = "writing"
	}
	if who == "" {
		who = "another process"
	}
	return fmt.Errorf("%s is %w: it could not be had for %s; %s holds it for %s now; try again when that is done, or stop it",
		db.path, ErrLocked, db.timeout.Round(time.Millisecond), who, doing)
}

// view runs fn in a read transaction, turning a panic from bbolt (its answer
// to a damaged page) or a fault reading a page beyond the mapped file into an
// error that names the file.
func (db *DB) view(ctx context.Context, fn func(tx *bbolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, release, err := db.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	defer db.recoverDamage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer db.nameDamage(&err)
	return b.View(func(tx *bbolt.Tx) error {
		if db.readOnly {
			// A reader comes back for more soon or not at all: either way
			// the pages this transaction mapped in need not stay (release.go).
			defer db.releaseMapped(b, tx)
		}
		return fn(tx)
	})
}

// update runs fn in a write transaction; see view. A write that finds the
// file damaged stops every later write of this DB: writing into a damaged
// B-tree spreads the damage.
func (db *DB) update(ctx context.Context, fn func(tx *bbolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if db.readOnly {
		return fmt.Errorf("%s: %w", db.path, ErrReadOnly)
	}
	db.mu.Lock()
	broken := db.broken
	db.mu.Unlock()
	if broken != nil {
		return broken
	}
	b, release, err := db.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	defer func() {
		if errors.Is(err, ErrNotDatabase) {
			db.mu.Lock()
			db.broken = err
			db.mu.Unlock()
		}
	}()
	defer db.recoverDamage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer db.nameDamage(&err)
	return b.Update(fn)
}

func (db *DB) recoverDamage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s is %w: %s", db.path, ErrNotDatabase, damagedPage(r))
	}
}

// damagedPage words what reading a damaged page raised: bbolt's assertion
// or the runtime's fault, behind what it means.
func damagedPage(r any) string {
	msg := fmt.Sprint(r)
	var id uint64
	var flags string
	switch {
	case strings.Contains(msg, "out of range"):
		return "a page is damaged: an entry in it points past its end"
	case strings.Contains(msg, "nil pointer") || strings.Contains(msg, "fault"):
		return "a page is damaged: it points outside the file"
	case strings.HasPrefix(msg, "invalid page type: "):
		// bbolt's "invalid page type: ID: FLAGS" (flags in hex)
		if _, err := fmt.Sscanf(msg, "invalid page type: %d: %s", &id, &flags); err == nil {
			return fmt.Sprintf("a page is damaged: it leads to page %d, which is not a B-tree page (flags 0x%s)", id, flags)
		}
	}
	if _, ok := r.(runtime.Error); ok {
		return "a page is damaged: it cannot be read"
	}
	return fmt.Sprintf("a page is damaged (%s)", msg)
}

// nameDamage makes damage that a walk found on its own (keys that stopped
// rising, a record that does not read back) an error naming the file.
func (db *DB) nameDamage(err *error) {
	var rec recordError
	if (errors.Is(*err, errKeyOrder) || errors.As(*err, &rec)) && !errors.Is(*err, ErrNotDatabase) {
		*err = fmt.Errorf("%s is %w: %w", db.path, ErrNotDatabase, *err)
	}
}

// wrapUnlessDamage says what was being done when err happened, unless err
// is damage, whose message names the file and the meeting already.
func wrapUnlessDamage(err error, format string, a ...any) error {
	if errors.Is(err, ErrNotDatabase) {
		return err
	}
	return fmt.Errorf(format+": %w", append(a, err)...)
}

// damaged returns the error for a stored value zoomqos cannot read.
func (db *DB) damaged(what string, err error) error {
	return fmt.Errorf("%s is %w: %s: %v", db.path, ErrNotDatabase, what, err)
}

// sealer returns the sealer of a meeting's records in this file.
func (db *DB) sealer(meetingID string) sealer {
	return newSealer(meetingID, db.schema.Load() < sealedSchema)
}
