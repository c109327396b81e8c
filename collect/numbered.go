package collect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// Merged is a meeting an older zoomqos stored under its number (it called
// only the QoS endpoints, which do not say which instance they describe),
// moved into the instance stored under its UUID.
type Merged struct {
	Number string // the ID it was stored under
	Into   string // the instance's UUID
	store.RebuildResult
}

// AbsorbNumbered finds meetings stored under a meeting number whose
// samples fall within an instance of that number stored under its UUID
// (from discovery, or from collecting it again now that zoomqos reads the
// meeting's details) and moves each into its instance: the raw documents
// join the instance's, which is rebuilt from them, and the copy under the
// number is deleted. Nothing is counted twice, and nothing is lost: every
// document is kept. A meeting under a number whose samples overlap no
// instance, or several, stays as it is.
func AbsorbNumbered(ctx context.Context, db *store.DB, log *slog.Logger) ([]Merged, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	list, err := db.Meetings(ctx)
	if err != nil {
		return nil, err
	}
	var out []Merged
	var errs []error
	for _, old := range list {
		if !store.IsMeetingNumber(old.ID) || old.Samples == 0 {
			continue
		}
		var into []store.MeetingSummary
		for _, m := range list {
			if m.ID != old.ID && m.Number == old.ID && m.Webinar == old.Webinar && overlaps(old, m) {
				into = append(into, m)
			}
		}
		if len(into) != 1 {
			if len(into) > 1 {
				log.Warn("a meeting stored under its number spans several of its instances: left as it is", "number", old.ID, "instances", len(into))
			}
			continue
		}
		p := zoom.NewParser()
		var probs zoom.Problems
		res, err := db.Absorb(ctx, old.ID, into[0].ID, rawParser(p, &probs, into[0].ID))
		if err != nil {
			errs = append(errs, fmt.Errorf("meeting %s into instance %s: %w", old.ID, into[0].ID, err))
			continue
		}
		log.Debug("moved a meeting stored under its number into its instance", "number", old.ID, "uuid", into[0].ID)
		out = append(out, Merged{Number: old.ID, Into: into[0].ID, RebuildResult: res})
	}
	return out, errors.Join(errs...)
}

// overlaps reports whether the samples of a meeting stored under its
// number fall in the time of an instance: its details' start and end, or
// else the span of its own samples.
func overlaps(old, inst store.MeetingSummary) bool {
	start, end := inst.Start, inst.End
	if d := inst.Details; d != nil && !d.StartTime.IsZero() {
		start = d.StartTime
		if !d.EndTime.IsZero() {
			end = d.EndTime
		} else if end.Before(start) {
			end = start
		}
	}
	if start.IsZero() {
		return false
	}
	return !old.Start.After(end) && !old.End.Before(start)
}
