package store

import (
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Absorb moves the meeting stored as from into the meeting stored as into
// and rebuilds into from the raw documents of both (see Rebuild): from's
// documents are added after into's, a document into has already is kept
// once, and from is deleted. It is how a meeting stored under its number
// by an older zoomqos joins the instance it is (stored under its UUID).
// It is one write transaction: it happens completely or not at all.
func (db *DB) Absorb(ctx context.Context, from, into string, parse func(RawDoc) (Parsed, error)) (RebuildResult, error) {
	if from == into {
		return RebuildResult{}, fmt.Errorf("store: absorb meeting %s into itself", from)
	}
	var res RebuildResult
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		res = RebuildResult{}
		src, err := db.meetingBucket(tx, from)
		if err != nil {
			return err
		}
		dst, err := db.meetingBucket(tx, into)
		if err != nil {
			return err
		}
		srcSeal, dstSeal := newSealer(from, false), newSealer(into, false)
		var fromInfo, intoInfo Meeting
		if err := readInfo(src, srcSeal, &fromInfo); err != nil {
			return db.damaged("meeting "+from, err)
		}
		if err := readInfo(dst, dstSeal, &intoInfo); err != nil {
			return db.damaged("meeting "+into, err)
		}
		err = db.forEachRaw(ctx, src, srcSeal, from, func(d RawDoc) error {
			r := packRaw(d.Type, d.Source, d.Data, d.StoredAt)
			_, err := putRaw(dst, dstSeal, r, false)
			return err
		})
		if err != nil {
			return err
		}
		// What the meeting was is the sum of both: past once either was,
		// stored from the earlier first write to the later last one.
		if fromInfo.Type == Past {
			intoInfo.Type = Past
		}
		intoInfo.Webinar = intoInfo.Webinar || fromInfo.Webinar
		intoInfo.Topic = firstNonEmpty(intoInfo.Topic, fromInfo.Topic)
		intoInfo.Number = firstNonEmpty(intoInfo.Number, fromInfo.Number)
		intoInfo.FirstStored = earlier(intoInfo.FirstStored, fromInfo.FirstStored)
		if fromInfo.LastStored.After(intoInfo.LastStored) {
			intoInfo.LastStored = fromInfo.LastStored
		}
		if err := putInfo(dst, dstSeal, &intoInfo); err != nil {
			return err
		}
		if err := tx.Bucket(bucketMeetings).DeleteBucket([]byte(from)); err != nil {
			return fmt.Errorf("delete meeting %s: %w", from, err)
		}
		return db.rebuild(ctx, dst, into, parse, &res)
	})
	if err != nil {
		return RebuildResult{}, wrapUnlessDamage(err, "move meeting %s into %s", from, into)
	}
	return res, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// earlier is the earlier of two times, a zero one not counting.
func earlier(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
