package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"

	"github.com/zoomqos/zoomqos/store"
)

// Importer loads saved Zoom QoS responses into the store, one write
// transaction per document, so that an interrupted import keeps every
// document finished before it and a re-run adds only what is missing.
type Importer struct {
	DB      *store.DB
	Meeting store.Meeting // ID and Type of the meeting the responses belong to
	Log     *slog.Logger

	Report ImportReport

	parts map[string]struct{}
	sess  map[store.SessionKey]struct{}
}

// ImportReport says what an import did.
type ImportReport struct {
	Files        int
	Documents    int // documents stored
	RawNew       int // documents not seen before
	Participants int // distinct participants in the documents
	Sessions     int // distinct sessions in the documents
	NewSessions  int // sessions the store did not have
	Added        int // samples the store did not have
	Present      int // samples already stored with the same values
	Replaced     int // samples stored before with other values, replaced by the newer copy
	Problems     Problems
}

// importJob is one document on its way through the pipeline.
type importJob struct {
	off   int64
	doc   []byte
	page  Page
	pp    *store.PreparedPage
	probs Problems
	err   error
	done  chan struct{} // closed when the job is parsed and prepared, or failed
}

// File imports every document of one input; name is used in messages. The
// documents are parsed and compressed on every core and committed in input
// order, each in its own transaction. Malformed JSON, or a document that is
// not a QoS response, stops the input with an error naming it and the byte
// offset; the documents before it stay imported.
func (im *Importer) File(ctx context.Context, name string, r io.Reader) error {
	if im.parts == nil {
		im.parts = map[string]struct{}{}
		im.sess = map[store.SessionKey]struct{}{}
	}
	if im.Log == nil {
		im.Log = slog.New(slog.DiscardHandler)
	}
	im.Report.Files++

	parent := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *importJob, workers)
	order := make(chan *importJob, 2*workers)

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := NewParser()
			for j := range jobs {
				im.prepare(p, name, j)
				close(j.done)
			}
		}()
	}

	committed := 0
	writeErr := make(chan error, 1)
	go func() {
		var err error
		for j := range order {
			<-j.done
			if err != nil {
				continue // drain
			}
			if j.err == nil {
				j.err = im.commit(ctx, name, j)
			}
			if j.err != nil {
				err = j.err
				cancel(err)
				continue
			}
			committed++
		}
		writeErr <- err
	}()

	readErr := Documents(r, func(off int64, doc []byte) error {
		j := &importJob{off: off, doc: bytes.Clone(doc), done: make(chan struct{})}
		select {
		case order <- j:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		select {
		case jobs <- j:
			return nil
		case <-ctx.Done():
			j.err = context.Cause(ctx)
			close(j.done)
			return j.err
		}
	})
	close(jobs)
	wg.Wait()
	close(order)
	err := <-writeErr

	switch {
	case parent.Err() != nil:
		err = parent.Err()
	case err == nil:
		err = readErr
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrEmpty) && committed == 0:
		return fmt.Errorf("%s: %w", name, err)
	case committed > 0:
		return fmt.Errorf("%s: %w (the %d document(s) before it were imported)", name, err, committed)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// prepare parses a document and encodes it for the store.
func (im *Importer) prepare(p *Parser, name string, j *importJob) {
	j.probs.Where = fmt.Sprintf("%s (byte %d)", name, j.off)
	page, err := p.Parse(j.doc, &j.probs)
	if err != nil {
		j.err = fmt.Errorf("document at byte %d: %w", j.off, err)
		return
	}
	j.page = page
	j.pp, j.err = im.DB.PreparePage(&store.Page{
		Meeting:  im.Meeting,
		Source:   name,
		Raw:      j.doc,
		Sessions: page.Participants,
	})
}

// commit stores a prepared document and counts it.
func (im *Importer) commit(ctx context.Context, name string, j *importJob) error {
	res, err := im.DB.PutPrepared(ctx, j.pp)
	if err != nil {
		return err
	}
	r := &im.Report
	r.Documents++
	if res.RawStored {
		r.RawNew++
	}
	for i := range j.page.Participants {
		s := &j.page.Participants[i].Session
		im.parts[s.Participant] = struct{}{}
		im.sess[s.Key()] = struct{}{}
	}
	r.Participants, r.Sessions = len(im.parts), len(im.sess)
	r.NewSessions += res.NewSessions
	r.Added += res.Added
	r.Present += res.Present
	r.Replaced += res.Replaced
	r.Problems.Merge(&j.probs)
	im.Log.Debug("imported document", "file", name, "offset", j.off,
		"participants", len(j.page.Participants), "added", res.Added, "present", res.Present)
	return nil
}
