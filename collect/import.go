package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// Importer loads saved Zoom QoS responses into the store, committing
// documents in input order, so that an interrupted import keeps every
// document committed before it and a re-run adds only what is missing.
type Importer struct {
	DB      *store.DB
	Meeting store.Meeting // ID and Type of the meeting File's responses belong to
	Log     *slog.Logger
	// ListAdvice, if set, follows what the error says of a document that
	// is a list of meetings or webinars (zoom.ListError): the caller's
	// word on what reads such lists.
	ListAdvice string

	report   ImportReport
	meetings []*MeetingImport // in the order first imported into
	byID     map[string]*MeetingImport
	log      *slog.Logger // Log, or none
}

// Report says what the files imported so far did, all meetings together.
func (im *Importer) Report() ImportReport { return im.report }

// Meetings says what the files imported so far did to each meeting, in the
// order the meetings were first met.
func (im *Importer) Meetings() []*MeetingImport { return im.meetings }

// ImportReport says what an import did.
type ImportReport struct {
	Files     int
	Documents int // documents stored
	RawNew    int // documents not seen before
	Counts
}

// MeetingImport is what an import did to one meeting.
type MeetingImport struct {
	Meeting store.Meeting
	ImportReport
}

// Input is one file to import: its name in messages, the meeting its
// documents belong to, and how to open it.
type Input struct {
	Name    string
	Meeting store.Meeting
	Open    func(context.Context) (io.ReadCloser, error)
}

// file is an Input on its way through the pipeline.
type file struct {
	in        *Input
	committed int   // its documents committed (the pipeline's writer counts)
	err       error // its first bad document; those after it are not committed (the writer's)
	readErr   error // opening or reading it (the reader's)
}

// openError is an input that could not be opened: its error says so itself.
type openError struct{ err error }

func (e openError) Error() string { return e.err.Error() }
func (e openError) Unwrap() error { return e.err }

// File imports every document of one input into im.Meeting; name is used
// in messages. See Files.
func (im *Importer) File(ctx context.Context, name string, r io.Reader) error {
	return im.Files(ctx, []Input{{Name: name, Meeting: im.Meeting,
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(r), nil }}})
}

// Files imports every document of the inputs, each into its meeting. The
// inputs are read one after the other through one pipeline, so that a
// file's documents are parsed and compressed on every core while those of
// the files before it are committed; they are committed in input order,
// those ready together in one transaction (see pipeline). Malformed JSON, or a document that is not a QoS response,
// stops its input with an error naming it and the byte offset; the
// documents before it stay imported, and the other inputs are imported.
// The error joins one error a bad input, in input order; when ctx ends,
// it is an *Interrupted.
func (im *Importer) Files(ctx context.Context, inputs []Input) error {
	im.log = im.Log
	if im.log == nil {
		im.log = slog.New(slog.DiscardHandler)
	}
	// Every meeting's report exists before the pipeline's writer counts
	// into them: it only reads the map.
	for i := range inputs {
		im.meeting(inputs[i].Meeting)
	}
	p := newPipeline(ctx, im.DB, func(j *job) {
		j.file.committed++
		im.count(j)
	}).logTo(im.log)
	files := make([]file, len(inputs))
	var storeErr error
	reading := ""
	for i := range inputs {
		f := &files[i]
		if ctx.Err() != nil {
			break
		}
		f.in = &inputs[i]
		reading = f.in.Name
		im.report.Files++
		im.meeting(f.in.Meeting).Files++
		if err := im.read(ctx, p, f); err != nil {
			if p.failed() {
				storeErr = err // the store failed: nothing more can be committed
				break
			}
			f.readErr = err
		}
	}
	if err := p.close(); err != nil && storeErr == nil {
		storeErr = err
	}
	if ctx.Err() != nil {
		return &Interrupted{Input: reading, Err: ctx.Err()}
	}
	var errs []error
	for i := range files {
		if err := im.fileError(&files[i]); err != nil {
			errs = append(errs, err)
		}
	}
	if storeErr != nil && !containsErr(errs, storeErr) {
		errs = append(errs, storeErr)
	}
	return errors.Join(errs...)
}

// read adds the documents of one input to the pipeline; its error is the
// input's own (it cannot be opened or read, or is not JSON) or the
// pipeline's.
func (im *Importer) read(ctx context.Context, p *pipeline, f *file) error {
	rc, err := f.in.Open(ctx)
	if err != nil {
		return openError{err}
	}
	defer rc.Close()
	name := f.in.Name
	return zoom.Documents(rc, func(off int64, data []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return p.add(ctx, doc{meeting: f.in.Meeting, source: name, where: fmt.Sprintf("%s (byte %d)", name, off),
			what: fmt.Sprintf("document at byte %d", off), data: bytes.Clone(data), file: f})
	})
}

// Interrupted is the error of an import that its context ended: what was
// committed before stays.
type Interrupted struct {
	Input string // the input being read when it ended
	Err   error  // the context's error
}

func (e *Interrupted) Error() string {
	return "interrupted while importing " + e.Input + ": " + e.Err.Error()
}
func (e *Interrupted) Unwrap() error { return e.Err }

// fileError words what went wrong with one input, or is nil.
func (im *Importer) fileError(f *file) error {
	if f.in == nil {
		return nil // not reached: interrupted, or after the store failed
	}
	err := f.err // a document's, which came before whatever stopped the reading
	if err == nil {
		err = f.readErr
	}
	if le := new(zoom.ListError); im.ListAdvice != "" && errors.As(err, &le) {
		err = fmt.Errorf("%w: %s", err, im.ListAdvice)
	}
	name := f.in.Name
	var oe openError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &oe):
		return oe.err
	case errors.Is(err, zoom.ErrEmpty) && f.committed == 0:
		return fmt.Errorf("%s: %w", name, err)
	case f.committed > 0:
		return fmt.Errorf("%s: %w (the %d document(s) before it were imported)", name, err, f.committed)
	}
	return fmt.Errorf("%s: %w", name, err)
}

func containsErr(errs []error, err error) bool {
	for _, e := range errs {
		if errors.Is(e, err) {
			return true
		}
	}
	return false
}

// meeting returns the report of one meeting.
func (im *Importer) meeting(m store.Meeting) *MeetingImport {
	if mi := im.byID[m.ID]; mi != nil {
		return mi
	}
	if im.byID == nil {
		im.byID = map[string]*MeetingImport{}
	}
	mi := &MeetingImport{Meeting: m}
	im.byID[m.ID] = mi
	im.meetings = append(im.meetings, mi)
	return mi
}

// count adds a committed document to the reports.
func (im *Importer) count(j *job) {
	for _, r := range []*ImportReport{&im.report, &im.meeting(j.meeting).ImportReport} {
		r.Documents++
		if j.res.RawStored {
			r.RawNew++
		}
		r.count(j)
	}
	im.log.Debug("imported document", "where", j.where,
		"participants", len(j.page.Participants), "added", j.res.Added, "present", j.res.Present)
}
