package collect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// doc is one response document on its way into the store, or a marker that
// a meeting's past data is complete once every document before it is.
type doc struct {
	meeting  store.Meeting
	source   string // kept with the raw copy: file name or request
	where    string // for problem reports: file and offset, or request
	what     string // for errors, after the source: "document at byte 120"
	data     []byte // owned by the pipeline once added
	complete bool   // a marker, not a document
	liveCopy bool   // a live poll: keep the raw copy only if it brought new samples
	// file, when set, is the imported file the document is from: a bad
	// document stops its file (the later documents of the file are not
	// committed) rather than the pipeline.
	file *file
}

// job is a doc being parsed and prepared.
type job struct {
	doc
	page  zoom.Page
	pp    *store.PreparedPage
	probs zoom.Problems
	res   store.PageResult
	err   error
	done  chan struct{} // closed when prepared, or failed
}

// pipeline parses documents and prepares them for the store on every core
// and commits them in the order they were added: a document in a write
// transaction of its own when the writer keeps up, and the documents
// already prepared behind it in the same one when it does not (at most
// maxBatch; one sync of the file for all of them). Commits run on a
// context that Ctrl-C does not cancel, so that every document fully
// received is stored: an interruption loses at most what is
// still in flight. The store's file is held while documents are ready to
// commit and let go as soon as none is, so that other processes can read
// the database while a long collection runs; while one of them holds it,
// the pipeline waits (and the fetchers with it) until it is done.
type pipeline struct {
	db       *store.DB
	onCommit func(*job) // called in commit order, from one goroutine
	log      *slog.Logger
	waitCtx  context.Context // ends waiting for the file: Ctrl-C

	jobs  chan *job
	order chan *job
	wg    sync.WaitGroup
	done  chan error

	ctx    context.Context // canceled when a commit fails
	cancel context.CancelCauseFunc
	addMu  sync.Mutex // keeps order and jobs in step for concurrent adders
}

func newPipeline(ctx context.Context, db *store.DB, onCommit func(*job)) *pipeline {
	workers := runtime.GOMAXPROCS(0)
	p := &pipeline{db: db, onCommit: onCommit, log: slog.New(slog.DiscardHandler), waitCtx: ctx,
		jobs: make(chan *job, workers), order: make(chan *job, maxBatch+2*workers), done: make(chan error, 1)}
	p.ctx, p.cancel = context.WithCancelCause(context.WithoutCancel(ctx))
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			parser := zoom.NewParser()
			for j := range p.jobs {
				if !j.complete {
					p.prepare(parser, j)
				}
				close(j.done)
			}
		}()
	}
	go p.write()
	return p
}

func (p *pipeline) prepare(parser *zoom.Parser, j *job) {
	j.probs.Where = j.where
	page, err := parser.Parse(j.data, &j.probs)
	if err != nil {
		j.err = fmt.Errorf("%s: %w", j.what, err)
		return
	}
	if other := otherMeeting(page.Details, j.meeting); j.file != nil && other != "" {
		// A file's name chose the meeting; the document says it is
		// another's: stored here it would give this one a wrong number,
		// topic and times.
		j.err = fmt.Errorf("%s: the details of meeting %s, not of %s: import them into their own meeting", j.what, other, j.meeting.ID)
		return
	}
	j.page = page
	j.pp, j.err = p.db.PreparePage(&store.Page{Meeting: j.meeting, Source: j.source, Raw: j.data,
		RawIfChanged: j.liveCopy, Sessions: page.Participants, Details: page.Details})
}

// otherMeeting returns the meeting a details document names when it is
// not m (by UUID, when m is stored under one, or by number); "" when it is
// m or cannot be told.
func otherMeeting(d *store.MeetingDetails, m store.Meeting) string {
	if d == nil {
		return ""
	}
	if d.UUID != "" && !store.IsMeetingNumber(m.ID) && d.UUID != m.ID {
		return d.UUID
	}
	number := m.Number
	if number == "" && store.IsMeetingNumber(m.ID) {
		number = m.ID
	}
	if d.Number != "" && number != "" && d.Number != number {
		return d.Number
	}
	return ""
}

// logTo sets the logger that says when the pipeline waits for the file.
func (p *pipeline) logTo(l *slog.Logger) *pipeline {
	if l != nil {
		p.log = l
	}
	return p
}

func (p *pipeline) write() {
	var err error
	var release func()
	var next *job // taken from the queue, not yet committed
	closed := false
	for {
		j := next
		next = nil
		if j == nil {
			if closed {
				break
			}
			var ok bool
			if j, ok = <-p.order; !ok {
				break
			}
		}
		<-j.done
		if err != nil {
			continue // drain after a failure
		}
		if f := j.file; f != nil && (f.err != nil || j.err != nil && p.ctx.Err() == nil) {
			if f.err == nil {
				f.err = j.err // a bad document: its file stops, the others go on
			} // else after a bad document of its file: not committed
			if release != nil && len(p.order) == 0 {
				release()
				release = nil
			}
			continue
		}
		if release == nil && j.err == nil {
			release, j.err = p.hold()
		}
		batch := []*job{j}
		switch {
		case j.err != nil:
		case j.complete:
			j.err = p.db.MarkCollected(p.ctx, j.meeting.ID, time.Now())
		default:
			// The documents already prepared behind it go in the same
			// transaction: one sync of the file for all of them.
			for len(batch) < maxBatch && next == nil && !closed {
				select {
				case k, ok := <-p.order:
					switch {
					case !ok:
						closed = true
					case k.ready() && k.err == nil && !k.complete && (k.file == nil || k.file.err == nil):
						batch = append(batch, k)
					default:
						next = k
					}
					continue
				default:
				}
				break
			}
			p.commit(batch)
			j.err = batch[0].err
			for _, k := range batch[1:] {
				if j.err == nil {
					j.err = k.err
				}
			}
		}
		if release != nil && ((len(p.order) == 0 && next == nil) || j.err != nil) {
			release() // nothing else ready: let other processes in
			release = nil
		}
		for _, k := range batch {
			if k.err != nil {
				break
			}
			p.onCommit(k)
		}
		if j.err != nil {
			err = j.err
			p.cancel(err)
			continue
		}
	}
	if release != nil {
		release()
	}
	p.done <- err
}

// maxBatch is the most documents committed in one transaction.
const maxBatch = 16

// ready reports whether a job is prepared (or failed).
func (j *job) ready() bool {
	select {
	case <-j.done:
		return true
	default:
		return false
	}
}

// commit stores prepared documents in order, in one transaction when there
// are several; if that fails, one at a time, so that the documents before
// the one that fails are stored and the error is that one's.
func (p *pipeline) commit(batch []*job) {
	if len(batch) > 1 {
		pps := make([]*store.PreparedPage, len(batch))
		for i, k := range batch {
			pps[i] = k.pp
		}
		if res, err := p.db.PutPreparedBatch(p.ctx, pps); err == nil {
			for i, k := range batch {
				k.res = res[i]
			}
			return
		}
	}
	for _, k := range batch {
		if k.res, k.err = p.db.PutPrepared(p.ctx, k.pp); k.err != nil {
			return
		}
	}
}

// hold opens the store's file for a run of commits, waiting as long as
// other processes hold it (each try waits the store's lock timeout), until
// Ctrl-C.
func (p *pipeline) hold() (func(), error) {
	for {
		release, err := p.db.Hold(p.waitCtx)
		if !errors.Is(err, store.ErrLocked) || p.waitCtx.Err() != nil {
			return release, err
		}
		p.log.Info("waiting for the database", "reason", err.Error())
	}
}

// add queues a document. It blocks while the pipeline is full and fails
// once a commit has failed (with that error) or when ctx ends.
func (p *pipeline) add(ctx context.Context, d doc) error {
	j := &job{doc: d, done: make(chan struct{})}
	p.addMu.Lock()
	defer p.addMu.Unlock()
	select {
	case p.order <- j:
	case <-p.ctx.Done():
		return context.Cause(p.ctx)
	case <-ctx.Done():
		return ctx.Err()
	}
	// The job is in the commit order now: it must reach a worker or be
	// failed, or the writer would wait for it forever.
	select {
	case p.jobs <- j:
		return nil
	case <-p.ctx.Done():
		j.err = context.Cause(p.ctx)
	case <-ctx.Done():
		j.err = ctx.Err()
	}
	close(j.done)
	return j.err
}

// failed reports whether a commit has failed, after which nothing more is
// committed.
func (p *pipeline) failed() bool { return p.ctx.Err() != nil }

// close waits for every queued document to be committed and returns the
// first error.
func (p *pipeline) close() error {
	close(p.jobs)
	p.wg.Wait()
	close(p.order)
	err := <-p.done
	p.cancel(nil)
	return err
}

// Counts says what committed documents did: the distinct participants and
// sessions they held, and what became of their samples.
type Counts struct {
	Participants int // distinct participants
	Sessions     int // distinct sessions
	NewSessions  int // sessions the store did not have
	Added        int // samples the store did not have
	Present      int // samples already stored with the same values
	Replaced     int // samples stored before with other values, replaced by the newer copy
	Problems     zoom.Problems

	parts, sess map[string]struct{}
}

// count adds a committed document.
func (c *Counts) count(j *job) {
	if c.parts == nil {
		c.parts, c.sess = map[string]struct{}{}, map[string]struct{}{}
	}
	for i := range j.page.Participants {
		s := &j.page.Participants[i].Session
		p := j.meeting.ID + "\x00" + s.Participant
		c.parts[p] = struct{}{}
		c.sess[p+"\x00"+s.JoinTime.String()] = struct{}{}
	}
	c.Participants, c.Sessions = len(c.parts), len(c.sess)
	c.NewSessions += j.res.NewSessions
	c.Added += j.res.Added
	c.Present += j.res.Present
	c.Replaced += j.res.Replaced
	c.Problems.Merge(&j.probs)
}
