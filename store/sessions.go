package store

import (
	"bytes"
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"go.etcd.io/bbolt"
)

// ForEachSession calls fn with every session of the given meetings and all
// of its samples in time order, on `workers` goroutines at once. worker
// (0 ≤ worker < workers) says which goroutine calls, so that the caller can
// keep state per goroutine without locks; index is the session's place in
// its meeting's join order. The sessions come in no particular order. The
// samples and their values are reused once fn returns: copy what you keep.
// An error from fn stops the walk and is returned; so is ErrNotFound for a
// meeting that is not stored.
//
// Each goroutine reads, decodes and hands over whole sessions in a read
// transaction of its own, so that reading is not bound by one core and one
// session per goroutine is in memory.
func (db *DB) ForEachSession(ctx context.Context, meetingIDs []string, workers int,
	fn func(worker int, meetingID string, index int, s *Session, samples []Sample) error) error {
	workers = max(1, workers)
	// The workers read in transactions of their own: the file stays open
	// until they are done.
	b, release, err := db.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu    sync.Mutex
		first error
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
		cancel(err)
	}

	items := make(chan sessionItem, 4*workers)
	// Samples read per meeting, to hold against its counts: a damaged page
	// can hide records without failing to read.
	read := make([]atomic.Uint64, len(meetingIDs))
	want := make([]uint64, len(meetingIDs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			if err := db.sessionWorker(ctx, b, w, meetingIDs, read, items, fn); err != nil {
				fail(err)
			}
			for range items { // let the lister finish
			}
		})
	}
	err = db.view(ctx, func(tx *bbolt.Tx) error {
		for mi, id := range meetingIDs {
			mb, err := db.meetingBucket(tx, id)
			if err != nil {
				return err
			}
			c, err := readCounts(mb, db.sealer(id))
			if err != nil {
				return db.damaged("meeting "+id, err)
			}
			want[mi] = c.samples
			index := 0
			err = forEachSession(mb, func(_ SessionKey, key, _ []byte) error {
				select {
				case items <- sessionItem{meeting: mi, index: index, key: bytes.Clone(key), most: c.samples}:
				case <-ctx.Done():
					return context.Cause(ctx)
				}
				index++
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	close(items)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	switch {
	case first != nil:
		return first
	case err == nil && ctx.Err() != nil: // the workers stopped early
		return context.Cause(ctx)
	case err != nil:
		return err
	}
	for i, id := range meetingIDs {
		if got := read[i].Load(); got != want[i] {
			return db.damaged("meeting "+id, fmt.Errorf("%d samples read, but its counts say %d", got, want[i]))
		}
	}
	return nil
}

// sessionItem is a session for a worker: its meeting (an index into the
// meeting IDs), its place in the meeting and its key.
type sessionItem struct {
	meeting, index int
	key            []byte
	most           uint64 // the meeting's samples, as its counts say: no session has more
}

// sessionWorker reads, decodes and hands over the sessions it receives, in
// a read transaction of its own.
func (db *DB) sessionWorker(ctx context.Context, b *bbolt.DB, w int, meetingIDs []string, read []atomic.Uint64, items <-chan sessionItem,
	fn func(worker int, meetingID string, index int, s *Session, samples []Sample) error) error {
	tx, err := b.Begin(false)
	if err != nil {
		return fmt.Errorf("%s: read: %w", db.path, err)
	}
	defer func() {
		if db.readOnly {
			db.releaseMapped(b, tx)
		}
		_ = tx.Rollback()
	}()
	r := sessionReader{db: db, tx: tx, meeting: -1}
	for it := range items {
		if err := ctx.Err(); err != nil {
			return nil // the caller reports why
		}
		id := meetingIDs[it.meeting]
		if err := r.read(id, it); err != nil {
			return err
		}
		read[it.meeting].Add(uint64(len(r.c.samples)))
		if err := fn(w, id, it.index, r.c.sess, r.c.samples); err != nil {
			return err
		}
	}
	return nil
}

// sessionReader reads sessions in a worker's transaction, keeping the
// meeting's buckets from one session to the next and reusing its memory.
type sessionReader struct {
	db       *DB
	tx       *bbolt.Tx
	meeting  int // index of the meeting whose buckets these are
	seal     sealer
	sessions *bbolt.Bucket
	cur      *bbolt.Cursor // on its samples; nil if it has none
	c        chunk
}

// read loads and decodes one session into r.c. A damaged page can make
// bbolt panic or fault: that becomes the error, as in view, here and not
// around fn, whose own panics are bugs to be seen as such.
func (r *sessionReader) read(id string, it sessionItem) (err error) {
	defer r.db.recoverDamage(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	if it.meeting != r.meeting {
		mb, err := r.db.meetingBucket(r.tx, id)
		if err != nil {
			return err
		}
		r.meeting, r.sessions, r.cur, r.seal = it.meeting, mb.Bucket(bucketSessions), nil, r.db.sealer(id)
		if sb := mb.Bucket(bucketSamples); sb != nil {
			r.cur = sb.Cursor()
		}
	}
	c := &r.c
	c.sess = new(Session)
	if err := readSession(r.seal, it.key, r.sessions.Get(it.key), c.sess); err != nil {
		return r.db.damaged("meeting "+id+" session info", err)
	}
	c.seal = r.seal.under(it.key)
	c.keys, c.vals = c.keys[:0], c.vals[:0]
	if r.cur != nil {
		n := 0
		var prev []byte
		for k, v := r.cur.Seek(it.key); k != nil && len(k) == len(it.key)+timeKeyLen && bytes.HasPrefix(k, it.key); k, v = r.cur.Next() {
			if err := rising(prev, k); err != nil {
				return r.db.damaged("meeting "+id, err)
			}
			if uint64(len(c.keys)) >= it.most {
				return r.db.damaged("meeting "+id, fmt.Errorf("more samples than its counts' %d", it.most))
			}
			prev = k
			c.keys, c.vals = append(c.keys, k[len(it.key):]), append(c.vals, v)
			n += len(k) + len(v)
		}
		r.db.readMapped(r.tx, n)
	}
	if c.decode(); c.err != nil {
		return r.db.damaged("meeting "+id, c.err)
	}
	return nil
}
