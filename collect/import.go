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

// Importer loads saved Zoom QoS responses into the store, one write
// transaction per document, so that an interrupted import keeps every
// document finished before it and a re-run adds only what is missing.
type Importer struct {
	DB      *store.DB
	Meeting store.Meeting // ID and Type of the meeting the responses belong to
	Log     *slog.Logger
	// ListAdvice, if set, follows what the error says of a document that
	// is a list of meetings or webinars (zoom.ListError): the caller's
	// word on what reads such lists.
	ListAdvice string

	report ImportReport
	log    *slog.Logger // Log, or none
}

// Report says what the files imported so far did.
func (im *Importer) Report() ImportReport { return im.report }

// ImportReport says what an import did.
type ImportReport struct {
	Files     int
	Documents int // documents stored
	RawNew    int // documents not seen before
	Counts
}

// File imports every document of one input; name is used in messages. The
// documents are parsed and compressed on every core and committed in input
// order, each in its own transaction. Malformed JSON, or a document that is
// not a QoS response, stops the input with an error naming it and the byte
// offset; the documents before it stay imported.
func (im *Importer) File(ctx context.Context, name string, r io.Reader) error {
	im.log = im.Log
	if im.log == nil {
		im.log = slog.New(slog.DiscardHandler)
	}
	im.report.Files++
	committed := 0
	p := newPipeline(ctx, im.DB, func(j *job) {
		committed++
		im.count(name, j)
	}).logTo(im.log)
	readErr := zoom.Documents(r, func(off int64, data []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return p.add(ctx, doc{meeting: im.Meeting, source: name, where: fmt.Sprintf("%s (byte %d)", name, off),
			what: fmt.Sprintf("document at byte %d", off), data: bytes.Clone(data)})
	})
	err := p.close()
	switch {
	case ctx.Err() != nil:
		err = ctx.Err()
	case err == nil:
		err = readErr
	}
	if le := new(zoom.ListError); im.ListAdvice != "" && errors.As(err, &le) {
		err = fmt.Errorf("%w: %s", err, im.ListAdvice)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, zoom.ErrEmpty) && committed == 0:
		return fmt.Errorf("%s: %w", name, err)
	case committed > 0:
		return fmt.Errorf("%s: %w (the %d document(s) before it were imported)", name, err, committed)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// count adds a committed document to the report.
func (im *Importer) count(name string, j *job) {
	r := &im.report
	r.Documents++
	if j.res.RawStored {
		r.RawNew++
	}
	r.count(j)
	im.log.Debug("imported document", "where", j.where,
		"participants", len(j.page.Participants), "added", j.res.Added, "present", j.res.Present)
}
