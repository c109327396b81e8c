package store

import (
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Bookmarks are named instants kept in the meta bucket (meta/bookmark:NAME,
// RFC 3339 text): the digest keeps there when it last reported, so that
// the next one reports what was stored since.

func bookmarkKey(name string) []byte { return []byte("bookmark:" + name) }

// Bookmark returns the instant kept under name; the zero time when none is.
func (db *DB) Bookmark(ctx context.Context, name string) (time.Time, error) {
	var t time.Time
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return nil
		}
		v := meta.Get(bookmarkKey(name))
		if v == nil {
			return nil
		}
		var err error
		if t, err = time.Parse(time.RFC3339Nano, string(v)); err != nil {
			return db.damaged("the bookmark "+name, fmt.Errorf("%q is not a time", clipKey(v)))
		}
		return nil
	})
	return t, err
}

// SetBookmark keeps t under name.
func (db *DB) SetBookmark(ctx context.Context, name string, t time.Time) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		return meta.Put(bookmarkKey(name), []byte(t.UTC().Format(time.RFC3339Nano)))
	})
}
