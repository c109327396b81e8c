package collect

import (
	"context"
	"fmt"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// Reparse rebuilds a meeting's sessions and samples from the raw responses
// kept in the store, with this version's parser: what an older parser did
// not understand is read again, and nothing Zoom sent is lost. The meeting
// changes all at once or not at all.
func Reparse(ctx context.Context, db *store.DB, meetingID string) (store.RebuildResult, zoom.Problems, error) {
	p := zoom.NewParser()
	var probs zoom.Problems
	res, err := db.Rebuild(ctx, meetingID, rawParser(p, &probs, meetingID))
	return res, probs, err
}

// Compare re-parses a meeting's raw responses with this version's parser,
// without changing anything, and reports where the stored sessions and
// samples differ from what they give (store.DB.CompareRebuild): at most
// limit problems, and how many there were.
func Compare(ctx context.Context, db *store.DB, meetingID string, limit int) ([]string, int, error) {
	p := zoom.NewParser()
	var probs zoom.Problems
	return db.CompareRebuild(ctx, meetingID, limit, rawParser(p, &probs, meetingID))
}

// rawParser parses a meeting's raw documents for the store's rebuilds.
func rawParser(p *zoom.Parser, probs *zoom.Problems, meetingID string) func(store.RawDoc) (store.Parsed, error) {
	return func(doc store.RawDoc) (store.Parsed, error) {
		probs.Where = fmt.Sprintf("meeting %s document %d (from %s)", meetingID, doc.Seq, doc.Source)
		page, err := p.Parse(doc.Data, probs)
		if err != nil {
			return store.Parsed{}, err
		}
		return store.Parsed{Sessions: page.Participants, Details: page.Details, Alerts: page.Alerts}, nil
	}
}
