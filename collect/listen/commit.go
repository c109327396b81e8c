package listen

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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

	commits, events, stored, present, failed atomic.Int64
	failing                                  atomic.Bool  // the last write failed
	lastCommit                               atomic.Int64 // Unix nanoseconds
	done                                     chan struct{}

	mu     sync.RWMutex // held to send on in, and to close it
	closed bool
}

// job is one event on its way to the disk.
type job struct {
	what string // the event and its meeting, for the log
	page *store.PreparedPage
	res  store.PageResult
	err  error
	done chan struct{}
}

// ErrBusy means the queue of events waiting for the disk is full: the
// sender should try again later (a webhook answers 503, and Zoom retries).
var ErrBusy = errors.New("too many events waiting to be stored")

// ErrUnstorable is an event the store refuses as it is (a meeting UUID
// with control characters, a time out of range): sending it again will
// not help.
var ErrUnstorable = errors.New("event cannot be stored")

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
// zoom.ErrNotQoS or saying where the JSON is broken; an event the store
// refuses is ErrUnstorable. A full queue is ErrBusy at once.
func (c *Committer) Store(ctx context.Context, body []byte, source string) (Stored, error) {
	st, j, err := c.prepare(body, source)
	if err != nil || st.Ignored {
		return st, err
	}
	if err := c.enqueue(ctx, j, false); err != nil {
		return st, err
	}
	select {
	case <-j.done:
	case <-ctx.Done():
		// It may still be stored: the sender will send it again,
		// and a second copy adds nothing.
		return st, ctx.Err()
	}
	st.Result = j.res
	return st, j.err
}

// Queue parses an event and queues it to be stored, waiting for room in
// the queue but not for the disk: for a WebSocket, whose sender waits for
// no answer, so that events received one after another still share
// writes. The committer logs an event it could not store.
func (c *Committer) Queue(ctx context.Context, body []byte, source string) (Stored, error) {
	st, j, err := c.prepare(body, source)
	if err != nil || st.Ignored {
		return st, err
	}
	return st, c.enqueue(ctx, j, true)
}

// prepare parses an event and prepares its page for the store.
func (c *Committer) prepare(body []byte, source string) (Stored, *job, error) {
	p := c.parsers.Get().(*zoom.Parser)
	var probs zoom.Problems
	page, err := p.Parse(body, &probs)
	c.parsers.Put(p)
	var notRead *zoom.ErrNotMeetingEvent
	switch {
	case errors.As(err, &notRead):
		return Stored{Event: &zoom.Event{Name: notRead.Name}, Ignored: true}, nil, nil
	case (err != nil && errors.Is(err, zoom.ErrNotQoS) || err == nil && page.Event == nil) && !zoom.IsEvent(body):
		// An API answer's wording ("neither participants nor
		// user_qos") would mislead here.
		return Stored{}, nil, fmt.Errorf("%w: not an event notification (no \"event\" member)", zoom.ErrNotQoS)
	case err != nil:
		return Stored{Event: page.Event}, nil, err
	}
	ev := page.Event
	if probs.Count > 0 {
		c.log.Warn("event values not understood", "event", ev.Name, "meeting", ev.Meeting.ID(),
			"count", probs.Count, "first", probs.First[0].String())
	}
	pp, err := c.db.PreparePage(&store.Page{
		Meeting: store.Meeting{ID: ev.Meeting.ID(), Type: store.Live, Webinar: ev.Webinar(), Topic: ev.Meeting.Topic, Number: ev.Meeting.Number},
		Source:  source + " " + ev.Name,
		// A copy of an event stored before adds nothing: the raw copy
		// is kept once, as for a page fetched twice.
		Raw:      body,
		Sessions: page.Participants,
		Alerts:   page.Alerts,
	})
	if err != nil {
		return Stored{Event: ev}, nil, fmt.Errorf("%w: %w", ErrUnstorable, err)
	}
	return Stored{Event: ev}, &job{page: pp, what: ev.Name + " of " + ev.Meeting.ID(), done: make(chan struct{})}, nil
}

// enqueue hands a job to the committer: at once or ErrBusy, or, with wait,
// when there is room.
func (c *Committer) enqueue(ctx context.Context, j *job, wait bool) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return ErrClosed
	}
	if wait {
		select {
		case c.in <- j:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	select {
	case c.in <- j:
		return nil
	default:
		return ErrBusy
	}
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
	switch {
	case err == nil:
		for i, j := range batch {
			j.res = res[i]
		}
	case len(batch) == 1 || errors.Is(err, store.ErrNotDatabase) || errors.Is(err, store.ErrLocked) || errors.Is(err, store.ErrNewerSchema):
		// The file, not an event: each on its own would fail the same,
		// each after the lock timeout.
		for _, j := range batch {
			j.err = err
		}
	default:
		for _, j := range batch {
			j.res, j.err = c.db.PutPrepared(ctx, j.page)
			c.commits.Add(1)
		}
	}
	c.failing.Store(batch[len(batch)-1].err != nil)
	if !slices.ContainsFunc(batch, func(j *job) bool { return j.err != nil }) {
		// The bookmark of a WebSocket (Resume) trusts this: every event
		// queued before it is on disk.
		c.lastCommit.Store(time.Now().UnixNano())
	}
	for _, j := range batch {
		c.events.Add(1)
		switch {
		case j.err != nil:
			c.failed.Add(1)
			c.log.Error("event not stored", "event", j.what, "error", j.err)
		case j.res.RawStored:
			c.stored.Add(1)
		default:
			c.present.Add(1)
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
	Events     int64     `json:"events"`               // events that went through the queue
	Stored     int64     `json:"stored"`               // of which were new
	Present    int64     `json:"present"`              // of which had been stored before
	Failed     int64     `json:"failed"`               // of which could not be stored
	Failing    bool      `json:"failing"`              // the last write failed: the database is not taking events
	Commits    int64     `json:"commits"`              // write transactions, each one sync of the file
	Queued     int       `json:"queued"`               // waiting now
	LastCommit time.Time `json:"last_commit,omitzero"` // zero before the first
}

// Stats returns the committer's counts so far.
func (c *Committer) Stats() CommitStats {
	s := CommitStats{Events: c.events.Load(), Stored: c.stored.Load(), Present: c.present.Load(), Failed: c.failed.Load(), Failing: c.failing.Load(),
		Commits: c.commits.Load(), Queued: len(c.in)}
	if n := c.lastCommit.Load(); n != 0 {
		s.LastCommit = time.Unix(0, n).UTC()
	}
	return s
}
