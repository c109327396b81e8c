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
		before := readCounts(mb)
		res.SessionsBefore, res.SamplesBefore = keyCount(mb.Bucket(bucketSessions)), int(before.samples)
		for _, name := range [][]byte{bucketSessions, bucketSamples} {
			if mb.Bucket(name) != nil {
				if err := mb.DeleteBucket(name); err != nil {
					return err
				}
			}
		}
		after := counts{documents: before.documents}
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
			return putSessions(mb, enc, &PageResult{}, &after)
		})
		if err != nil {
			return err
		}
		res.SessionsAfter, res.SamplesAfter = keyCount(mb.Bucket(bucketSessions)), int(after.samples)
		return after.put(mb)
	})
	if err != nil {
		return RebuildResult{}, fmt.Errorf("rebuild meeting %s: %w", meetingID, err)
	}
	return res, nil
}

// keyCount counts a bucket's keys with a cursor, which unlike Bucket.Stats
// also sees what the current write transaction changed.
func keyCount(b *bbolt.Bucket) int {
	if b == nil {
		return 0
	}
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}
