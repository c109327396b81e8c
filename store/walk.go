package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"go.etcd.io/bbolt"
)

// chunkSize is how many samples one decoding job holds.
const chunkSize = 512

// chunk is a run of one session's samples: the encoded bytes, which point
// into bbolt's memory map and stay valid while the read transaction is
// open, and the decoded samples.
type chunk struct {
	sess    *Session
	seal    sealer // the session's: under its key (seal.go)
	first   bool   // the session's first chunk: announce the session
	info    []byte // the session's encoded info, when the worker is to decode it
	keys    [][]byte
	vals    [][]byte
	samples []Sample
	arena   []Value
	err     error
	done    chan struct{}
}

// chunks keeps chunks, and the memory their samples were decoded into, from
// one walk to the next.
var chunks = sync.Pool{New: func() any { return new(chunk) }}

// getChunk returns an empty chunk for session s.
func getChunk(s *Session, seal sealer) *chunk {
	c := chunks.Get().(*chunk)
	c.sess, c.seal, c.first, c.err = s, seal, false, nil
	c.keys, c.vals, c.samples = c.keys[:0], c.vals[:0], c.samples[:0]
	return c
}

// putChunk gives a chunk back once nothing uses its samples.
func putChunk(c *chunk) {
	c.sess, c.done, c.info = nil, nil, nil
	clear(c.keys) // they point into a memory map that is going away
	clear(c.vals)
	chunks.Put(c)
}

// safeDecode decodes, turning a panic or a fault on a damaged page into the
// chunk's error.
func (c *chunk) safeDecode() {
	defer func() {
		if r := recover(); r != nil {
			c.err = errors.New(damagedPage(r))
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	c.decode()
}

// decode turns the chunk's bytes into samples.
func (c *chunk) decode() {
	c.samples = c.samples[:0]
	// Every value takes at least a byte, so the encoded size bounds the
	// values and the arena never grows while samples point into it.
	size := 0
	for _, v := range c.vals {
		if len(v) > maxSampleRecord {
			// A damaged page can give a value of gigabytes: never size
			// memory by one.
			c.err = fmt.Errorf("a sample record of %d bytes, more than any sample takes", len(v))
			return
		}
		size += len(v)
	}
	if cap(c.arena) < size {
		c.arena = make([]Value, 0, size+size/4)
	}
	c.arena = c.arena[:0]
	for i, k := range c.keys {
		t, err := parseTimeKey(k)
		if err != nil {
			c.err = fmt.Errorf("sample key: %w", err)
			return
		}
		start := len(c.arena)
		body, err := c.seal.open(k, c.vals[i], true)
		if err == nil {
			c.arena, err = decodeSample(c.arena, body)
		}
		if err != nil {
			c.err = fmt.Errorf("sample of %s at %s: %w", c.sess.Participant, t.Format(timeFormat), err)
			return
		}
		c.samples = append(c.samples, Sample{Time: t, Values: c.arena[start:len(c.arena):len(c.arena)]})
	}
}

// walk visits a meeting's sessions in join order and, when sample is not
// nil, each session's samples in time order. Samples are decoded on every
// core while the calling goroutine walks the cursor and calls back in
// order, so that reading back a long meeting is not bound by one core. The
// Sample passed to sample, and its Values, are reused: copy what you keep.
func (db *DB) walk(ctx context.Context, tx *bbolt.Tx, meetingID string, session func(*Session) error, sample func(*Session, *Sample) error) error {
	mb, err := db.meetingBucket(tx, meetingID)
	if err != nil {
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *chunk, workers)
	for range workers {
		go func() {
			for c := range work {
				c.safeDecode()
				close(c.done)
			}
		}()
	}
	var pending []*chunk // dispatched, in order
	// The chunks point into the memory map, which goes away with the
	// transaction: whatever happens (even a panic on a damaged page),
	// wait for every dispatched chunk before returning.
	defer func() {
		for _, c := range pending {
			<-c.done
		}
		close(work)
	}()
	failed := false
	var cbErr error

	// deliver waits for the oldest pending chunk and calls back with it.
	deliver := func() {
		c := pending[0]
		pending = pending[1:]
		<-c.done
		switch {
		case failed:
		case c.err != nil:
			cbErr, failed = db.damaged("meeting "+meetingID, c.err), true
		default:
			if c.first && session != nil {
				if err := session(c.sess); err != nil {
					cbErr, failed = err, true
					break
				}
			}
			for i := range c.samples {
				if err := sample(c.sess, &c.samples[i]); err != nil {
					cbErr, failed = err, true
					break
				}
			}
		}
		putChunk(c)
	}
	newChunk := func(s *Session, seal sealer, first bool) *chunk {
		c := getChunk(s, seal)
		c.first = first
		c.done = make(chan struct{})
		return c
	}
	dispatch := func(c *chunk) {
		for len(pending) > workers {
			deliver()
		}
		pending = append(pending, c)
		work <- c
	}

	var cur *bbolt.Cursor
	if sb := mb.Bucket(bucketSamples); sb != nil && sample != nil {
		cur = sb.Cursor()
	}
	seal := db.sealer(meetingID)
	stored, err := readCounts(mb, seal)
	if err != nil {
		return db.damaged("meeting "+meetingID, err)
	}
	var read uint64 // samples read, to hold against the counts
	err = forEachSession(mb, func(key SessionKey, prefix, info []byte) error {
		if failed {
			return cbErr
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		sess := new(Session)
		if err := readSession(seal, prefix, info, sess); err != nil {
			return db.damaged("meeting "+meetingID+" session of "+key.Participant, err)
		}
		if cur == nil {
			if session != nil {
				for len(pending) > 0 {
					deliver()
				}
				if failed {
					return cbErr
				}
				return session(sess)
			}
			return nil
		}
		sseal := seal.under(prefix)
		c := newChunk(sess, sseal, true)
		var prev []byte
		for k, v := cur.Seek(prefix); k != nil && len(k) == len(prefix)+timeKeyLen && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			if err := rising(prev, k); err != nil {
				return db.damaged("meeting "+meetingID, err)
			}
			if read++; read > stored.samples {
				return db.damaged("meeting "+meetingID, fmt.Errorf("more samples than its counts' %d", stored.samples))
			}
			prev = k
			c.keys, c.vals = append(c.keys, k[len(prefix):]), append(c.vals, v)
			db.readMapped(tx, len(k)+len(v))
			if len(c.keys) == chunkSize {
				dispatch(c)
				if failed {
					return cbErr
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				c = newChunk(sess, sseal, false)
			}
		}
		if len(c.keys) > 0 || c.first {
			dispatch(c)
		}
		return nil
	})
	for len(pending) > 0 {
		deliver()
	}
	switch {
	case failed:
		return cbErr
	case err == nil && cur != nil && read != stored.samples:
		// A damaged page can hide records without failing to read.
		return db.damaged("meeting "+meetingID, fmt.Errorf("%d samples read, but its counts say %d", read, stored.samples))
	}
	return err
}
