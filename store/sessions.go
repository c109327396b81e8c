package store

import (
	"bytes"
	"context"
	"sync"

	"go.etcd.io/bbolt"
)

// ForEachSession calls fn with each session of a meeting and all of its
// samples in time order, on `workers` goroutines at once, in one read
// transaction. worker (0 ≤ worker < workers) says which goroutine calls, so
// that the caller can keep state per goroutine without locks; index is the
// session's place in join order. The samples and their values are reused
// once fn returns: copy what you keep. An error from fn stops the walk and
// is returned.
//
// Unlike ForEachSample, the work on samples, decoding and whatever fn does,
// runs on every core, and only one session per goroutine is in memory.
func (db *DB) ForEachSession(ctx context.Context, meetingID string, workers int,
	fn func(worker, index int, s *Session, samples []Sample) error) error {
	workers = max(1, workers)
	return db.view(ctx, func(tx *bbolt.Tx) error {
		mb, err := meetingBucket(tx, meetingID)
		if err != nil {
			return err
		}
		type job struct {
			index int
			c     *chunk
		}
		jobs := make(chan job, workers)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var first error
		fail := func(err error) {
			mu.Lock()
			if first == nil {
				first = err
			}
			mu.Unlock()
		}
		failed := func() bool {
			mu.Lock()
			defer mu.Unlock()
			return first != nil
		}
		free := make(chan *chunk, 2*workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					if !failed() {
						j.c.safeDecode()
						switch {
						case j.c.err != nil:
							fail(db.damaged("meeting "+meetingID, j.c.err))
						default:
							if err := fn(w, j.index, j.c.sess, j.c.samples); err != nil {
								fail(err)
							}
						}
					}
					select {
					case free <- j.c:
					default:
					}
				}
			}()
		}
		// The jobs point into the memory map, which goes away with the
		// transaction: wait for the workers whatever happens (a damaged page
		// can panic below).
		stop := sync.OnceFunc(func() {
			close(jobs)
			wg.Wait()
		})
		defer stop()

		var cur *bbolt.Cursor
		if sb := mb.Bucket(bucketSamples); sb != nil {
			cur = sb.Cursor()
		}
		index := 0
		err = forEachSession(mb, func(_ SessionKey, prefix, info []byte) error {
			if failed() {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			var c *chunk
			select {
			case c = <-free:
			default:
				c = &chunk{}
			}
			c.sess, c.err = new(Session), nil
			c.keys, c.vals = c.keys[:0], c.vals[:0]
			if err := unmarshalJSON(info, c.sess); err != nil {
				return db.damaged("meeting "+meetingID+" session info", err)
			}
			if cur != nil {
				for k, v := cur.Seek(prefix); k != nil && len(k) == len(prefix)+timeKeyLen && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
					c.keys, c.vals = append(c.keys, k[len(prefix):]), append(c.vals, v)
				}
			}
			select {
			case jobs <- job{index, c}:
			case <-ctx.Done():
				return ctx.Err()
			}
			index++
			return nil
		})
		stop()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		return first
	})
}
