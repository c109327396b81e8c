package store

import (
	"context"
	"encoding/binary"
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
		raw := mb.Bucket(bucketRaw)
		if raw == nil {
			return nil
		}
		c := raw.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			seq := binary.BigEndian.Uint64(k)
			doc, err := unpackRaw(seq, v)
			if err != nil {
				return db.damaged(fmt.Sprintf("meeting %s raw document %d", meetingID, seq), err)
			}
			sessions, err := parse(doc)
			if err != nil {
				return fmt.Errorf("raw document %d (from %s): %w", seq, doc.Source, err)
			}
			enc, err := encodeSessions(sessions)
			if err != nil {
				return fmt.Errorf("raw document %d (from %s): %w", seq, doc.Source, err)
			}
			if err := putSessions(sb, enc, &PageResult{}); err != nil {
				return err
			}
			res.Documents++
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
