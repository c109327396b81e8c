package listen

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// Committer stores events in the database with group commit: the events
// that arrive while one write transaction syncs wait for the next one, so
// that many events cost one fsync. Store returns only once its event is
// durable, so that a receiver answers 200 only for what is on disk.
type Committer struct {
	db  *store.DB
	log *slog.Logger
	in  chan *job

	// MaxBatch bounds the events of one transaction.
	maxBatch int

	parsers sync.Pool

	commits, events, stored, present atomic.Int64
	lastCommit                       atomic.Int64 // Unix nanoseconds
	done                             chan struct{}

	mu     sync.RWMutex // held to send on in, and to close it
	closed bool
}

// job is one event on its way to the disk.
type job struct {
	page *store.PreparedPage
	res  store.PageResult
	err  error
	done chan struct{}
}

// ErrBusy means the queue of events waiting for the disk is full: the
// sender should try again later (a webhook answers 503, and Zoom retries).
var ErrBusy = errors.New("too many events waiting to be stored")

// ErrClosed means the committer was closed.
var ErrClosed = errors.New("the listener is shutting down")

// NewCommitter starts a committer writing into db. queue bounds the events
// waiting for the disk (and so the memory they hold); a Store beyond it
// fails with ErrBusy at once.
func NewCommitter(db *store.DB, log *slog.Logger, queue int) *Committer {
	if queue <= 0 {
		queue = 4096
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Committer{db: db, log: log, in: make(chan *job, queue), maxBatch: 1024, done: make(chan struct{})}
	c.parsers.New = func() any { return zoom.NewParser() }
	go c.run()
	return c
}

// Stored says what storing one event did.
type Stored struct {
	Event   *zoom.Event
	Result  store.PageResult
	Ignored bool // an event zoomqos does not read: acknowledged, not stored
}

// Store parses an event's body and stores it, with its raw copy, returning
// once it is durable. An event already stored adds nothing. An event that
// is not one zoomqos reads (a phone call's QoS, say) is Ignored. Malformed
// JSON, or an event without the meeting it is about, is an error wrapping
// zoom.ErrNotQoS or saying where the JSON is broken.
func (c *Committer) Store(ctx context.Context, body []byte, source string) (Stored, error) {
	p := c.parsers.Get().(*zoom.Parser)
	var probs zoom.Problems
	page, err := p.Parse(body, &probs)
	c.parsers.Put(p)
	var notRead *zoom.ErrNotMeetingEvent
	switch {
	case errors.As(err, &notRead):
		return Stored{Event: &zoom.Event{Name: notRead.Name}, Ignored: true}, nil
	case err != nil:
		return Stored{Event: page.Event}, err
	case page.Event == nil:
		return Stored{}, fmt.Errorf("%w: not an event notification", zoom.ErrNotQoS)
	}
	if probs.Count > 0 {
		c.log.Warn("event values not understood", "event", page.Event.Name, "meeting", page.Event.Meeting.ID(),
			"count", probs.Count, "first", probs.First[0].String())
	}
	ev := page.Event
	pp, err := c.db.PreparePage(&store.Page{
		Meeting: store.Meeting{ID: ev.Meeting.ID(), Type: store.Live, Webinar: ev.Webinar(), Topic: ev.Meeting.Topic, Number: ev.Meeting.Number},
		Source:  source + " " + ev.Name,
		Raw:     body,
		// A copy of an event stored before adds nothing: the raw
		// copy is kept once, as for a page fetched twice.
		Sessions: page.Participants,
		Alerts:   page.Alerts,
	})
	if err != nil {
		return Stored{Event: ev}, err
	}
	j := &job{page: pp, done: make(chan struct{})}
	c.mu.RLock()
	switch {
	case c.closed:
		err = ErrClosed
	default:
		select {
		case c.in <- j:
		default:
			err = ErrBusy
		}
	}
	c.mu.RUnlock()
	if err != nil {
		return Stored{Event: ev}, err
	}
	select {
	case <-j.done:
	case <-ctx.Done():
		// It may still be stored: the sender will send it again,
		// and a second copy adds nothing.
		return Stored{Event: ev}, ctx.Err()
	}
	c.events.Add(1)
	if j.err == nil {
		if j.res.RawStored {
			c.stored.Add(1)
		} else {
			c.present.Add(1)
		}
	}
	return Stored{Event: ev, Result: j.res}, j.err
}

// run commits the queue: each transaction takes every job waiting, up to
// maxBatch.
func (c *Committer) run() {
	defer close(c.done)
	batch := make([]*job, 0, c.maxBatch)
	for j := range c.in {
		batch = append(batch[:0], j)
	fill:
		for len(batch) < c.maxBatch {
			select {
			case j, ok := <-c.in:
				if !ok {
					break fill
				}
				batch = append(batch, j)
			default:
				break fill
			}
		}
		c.commit(batch)
	}
}

// commit stores a batch in one transaction; if that fails, each event on
// its own, so that one bad event does not fail the others.
func (c *Committer) commit(batch []*job) {
	ctx := context.Background()
	pages := make([]*store.PreparedPage, len(batch))
	for i, j := range batch {
		pages[i] = j.page
	}
	res, err := c.db.PutPreparedBatch(ctx, pages)
	c.commits.Add(1)
	c.lastCommit.Store(time.Now().UnixNano())
	if err == nil {
		for i, j := range batch {
			j.res = res[i]
			close(j.done)
		}
		return
	}
	if len(batch) == 1 || errors.Is(err, store.ErrNotDatabase) {
		c.log.Error("storing events failed", "events", len(batch), "error", err)
		for _, j := range batch {
			j.err = err
			close(j.done)
		}
		return
	}
	for _, j := range batch {
		j.res, j.err = c.db.PutPrepared(ctx, j.page)
		c.commits.Add(1)
		if j.err != nil {
			c.log.Error("storing an event failed", "error", j.err)
		}
		close(j.done)
	}
}

// Close stops taking events and waits for those queued to be stored.
func (c *Committer) Close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.in)
	}
	c.mu.Unlock()
	<-c.done
}

// CommitStats count the committer's work.
type CommitStats struct {
	Events     int64     `json:"events"`      // events that went through the queue
	Stored     int64     `json:"stored"`      // of which were new
	Present    int64     `json:"present"`     // of which had been stored before
	Commits    int64     `json:"commits"`     // write transactions, each one sync of the file
	Queued     int       `json:"queued"`      // waiting now
	LastCommit time.Time `json:"last_commit"` // zero before the first
}

// Stats returns the committer's counts so far.
func (c *Committer) Stats() CommitStats {
	s := CommitStats{Events: c.events.Load(), Stored: c.stored.Load(), Present: c.present.Load(),
		Commits: c.commits.Load(), Queued: len(c.in)}
	if n := c.lastCommit.Load(); n != 0 {
		s.LastCommit = time.Unix(0, n).UTC()
	}
	return s
}
