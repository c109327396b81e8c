package store

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"go.etcd.io/bbolt"
)

// Readers check a bucket's own pages, with plain reads (structure.go),
// before bbolt opens the buckets inside it. bbolt reads an inline bucket
// (one small enough to live in its parent's value) from a copy on the Go
// heap when the value is not 8-byte aligned in the file, and follows the
// offsets in it as they are: a damaged one hands out keys and values that
// point past the copy into other objects' memory, and the garbage
// collector stops the process when it finds them ("found pointer to free
// object"). A writer's first open checks the whole tree instead
// (checkStructure); a reader would pay 0.3 s for that on a 240 MB file,
// where these checks read a few pages per meeting, once.

// pageCheck is a reader's record of the buckets checked.
type pageCheck struct {
	mu sync.Mutex
	f  *os.File
	h  fileHeader
	ok map[uint64]bool // roots of buckets whose own pages were found sound
}

// newPageCheck checks the root bucket's own pages (those of the top-level
// buckets, inline ones included) of a reader's file, whose header is h.
func newPageCheck(path string, h fileHeader) (*pageCheck, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	pc := &pageCheck{f: f, h: h, ok: map[uint64]bool{}}
	if err := pc.check(h.root, "the root bucket"); err != nil {
		f.Close()
		return nil, err
	}
	return pc, nil
}

// check walks the pages of the bucket whose root page is root, and the
// inline buckets in them, unless they were found sound before.
func (pc *pageCheck) check(root uint64, what string) error {
	if root == 0 {
		return nil // inline: checked with its parent's pages
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.ok[root] {
		return nil
	}
	s := &structure{f: pc.f, h: pc.h, limit: 1, shallow: true}
	s.walk(root, nil, nil, 0, what)
	if len(s.problems) > 0 {
		return errors.New(s.problems[0])
	}
	pc.ok[root] = true
	return nil
}

func (pc *pageCheck) close() {
	if pc != nil {
		pc.f.Close()
	}
}

// sound checks a bucket's own pages before anything inside it is opened
// (a reader's; a writer's tree was checked whole when it opened the file).
func (db *DB) sound(b *bbolt.Bucket, what string) error {
	pc := db.pages.Load()
	if pc == nil {
		return nil
	}
	if err := pc.check(uint64(b.Root()), what); err != nil {
		return db.damaged(what, err)
	}
	return nil
}

// meetings is the bucket of meetings, its pages checked.
func (db *DB) meetings(tx *bbolt.Tx) (*bbolt.Bucket, error) {
	all := tx.Bucket(bucketMeetings)
	if all == nil {
		return nil, db.damaged("the list of meetings", errors.New("it is missing"))
	}
	return all, db.sound(all, "the list of meetings")
}

// meetingBucket is a meeting's bucket, its pages checked; ErrNotFound when
// the meeting is not stored.
func (db *DB) meetingBucket(tx *bbolt.Tx, id string) (*bbolt.Bucket, error) {
	all, err := db.meetings(tx)
	if err != nil {
		return nil, err
	}
	mb := all.Bucket([]byte(id))
	if mb == nil {
		return nil, fmt.Errorf("meeting %q: %w", id, ErrNotFound)
	}
	return mb, db.sound(mb, "meeting "+id)
}
