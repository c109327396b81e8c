package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

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

	parser *Parser
	parts  map[string]struct{}
	sess   map[store.SessionKey]struct{}
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

// File imports every document of one input. name is used in messages.
// It returns an error naming the input and the byte offset for malformed
// JSON or a document that is not a QoS response; documents before it stay
// imported.
func (im *Importer) File(ctx context.Context, name string, r io.Reader) error {
	if im.parser == nil {
		im.parser = NewParser()
		im.parts = map[string]struct{}{}
		im.sess = map[store.SessionKey]struct{}{}
	}
	if im.Log == nil {
		im.Log = slog.New(slog.DiscardHandler)
	}
	im.Report.Files++
	docs := 0
	err := Documents(r, func(off int64, doc []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		where := fmt.Sprintf("%s (byte %d)", name, off)
		var probs Problems
		probs.Where = where
		page, err := im.parser.Parse(doc, &probs)
		if err != nil {
			return fmt.Errorf("document at byte %d: %w", off, err)
		}
		res, err := im.DB.PutPage(ctx, &store.Page{
			Meeting:  im.Meeting,
			Source:   name,
			Raw:      doc,
			Sessions: page.Participants,
		})
		if err != nil {
			return err
		}
		docs++
		im.count(&page, res)
		im.Report.Problems.Merge(&probs)
		im.Log.Debug("imported document", "file", name, "offset", off,
			"participants", len(page.Participants), "added", res.Added, "present", res.Present)
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrEmpty) && docs == 0 {
			return fmt.Errorf("%s: %w", name, err)
		}
		if docs > 0 {
			return fmt.Errorf("%s: %w (the %d document(s) before it were imported)", name, err, docs)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func (im *Importer) count(page *Page, res store.PageResult) {
	r := &im.Report
	r.Documents++
	if res.RawStored {
		r.RawNew++
	}
	for i := range page.Participants {
		s := &page.Participants[i].Session
		im.parts[s.Participant] = struct{}{}
		im.sess[s.Key()] = struct{}{}
	}
	r.Participants, r.Sessions = len(im.parts), len(im.sess)
	r.NewSessions += res.NewSessions
	r.Added += res.Added
	r.Present += res.Present
	r.Replaced += res.Replaced
}
