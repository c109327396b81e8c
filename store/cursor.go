package store

import (
	"bytes"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"
)

// A damaged branch page can point a cursor back at pages it has read: a
// walk that trusted it would go round for ever, holding on to what it
// read (a test saw 24 GB). Every walk over a bucket holds its keys to
// rising order, which a sound B-tree always gives.

// each calls fn with every key and value of b in key order (v is nil for a
// nested bucket), and fails when the keys stop rising.
func each(b *bbolt.Bucket, fn func(k, v []byte) error) error {
	c := b.Cursor()
	var prev []byte
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := rising(prev, k); err != nil {
			return err
		}
		prev = k
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// eachMeeting calls fn with every meeting's ID and bucket, in key order.
// A name in the list whose bucket cannot be had was read from a damaged
// page: that is an error naming the file.
func (db *DB) eachMeeting(tx *bbolt.Tx, fn func(id string, mb *bbolt.Bucket) error) error {
	all, err := db.meetings(tx)
	if err != nil {
		return err
	}
	return each(all, func(k, v []byte) error {
		if v != nil {
			return nil
		}
		mb := all.Bucket(k)
		if mb == nil {
			return db.damaged("the list of meetings", fmt.Errorf("meeting %q is listed but cannot be found", k))
		}
		if err := db.sound(mb, "meeting "+string(k)); err != nil {
			return err
		}
		return fn(string(k), mb)
	})
}

// errKeyOrder: keys that stopped rising. view and update name the file.
var errKeyOrder = errors.New("keys out of order: a damaged page leads back to pages read before")

// rising fails unless k comes after prev (nil: the first key).
func rising(prev, k []byte) error {
	if prev != nil && bytes.Compare(k, prev) <= 0 {
		return fmt.Errorf("%w (%x after %x)", errKeyOrder, clip(k), clip(prev))
	}
	return nil
}
