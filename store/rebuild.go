package store

import (
	"context"
	"fmt"

	"go.etcd.io/bbolt"
)

// RebuildResult says what Rebuild did to a meeting.
type RebuildResult struct {
	Documents      int // raw documents parsed
	SessionsBefore int
	SessionsAfter  int
	SamplesBefore  int
	SamplesAfter   int
}

// Rebuild replaces a meeting's sessions and samples with what parse makes of
// its raw documents, taken in the order they were stored (so a newer copy of
// a sample still replaces an older one). It is one write transaction: if
// parse fails on any document, nothing changes.
func (db *DB) Rebuild(ctx context.Context, meetingID string, parse func(RawDoc) ([]SessionSamples, error)) (RebuildResult, error) {
	var res RebuildResult
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		res = RebuildResult{}
		mb, err := meetingBucket(tx, meetingID)
		if err != nil {
			return err
		}
		res.SessionsBefore, res.SamplesBefore = countSessions(mb)
		if mb.Bucket(bucketSessions) != nil {
			if err := mb.DeleteBucket(bucketSessions); err != nil {
				return err
			}
		}
		sb, err := mb.CreateBucket(bucketSessions)
		if err != nil {
			return err
		}
		err = db.forEachRaw(ctx, mb, meetingID, func(doc RawDoc) error {
			sessions, err := parse(doc)
			if err != nil {
				return fmt.Errorf("raw document %d (from %s): %w", doc.Seq, doc.Source, err)
			}
			enc, err := encodeSessions(sessions)
			if err != nil {
				return fmt.Errorf("raw document %d (from %s): %w", doc.Seq, doc.Source, err)
			}
			res.Documents++
			return putSessions(sb, enc, &PageResult{})
		})
		if err != nil {
			return err
		}
		res.SessionsAfter, res.SamplesAfter = countSessions(mb)
		return nil
	})
	if err != nil {
		return RebuildResult{}, fmt.Errorf("rebuild meeting %s: %w", meetingID, err)
	}
	return res, nil
}

// countSessions counts a meeting's sessions and samples with cursors, which
// unlike Bucket.Stats also see what the current write transaction changed.
func countSessions(mb *bbolt.Bucket) (sessions, samples int) {
	forEachSession(mb, func(_ SessionKey, b *bbolt.Bucket) error {
		sessions++
		if s := b.Bucket(bucketSamples); s != nil {
			c := s.Cursor()
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				samples++
			}
		}
		return nil
	})
	return sessions, samples
}
