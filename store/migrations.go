package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"go.etcd.io/bbolt"
)

// migration upgrades a database from schema version `from` to from+1. It
// may take several write transactions, so that a large file does not have
// to fit in one; it must be safe to run again after an interruption, since
// the schema version is raised only once it has finished.
type migration struct {
	from  uint32
	about string
	apply func(ctx context.Context, b *bbolt.DB) error
}

// migrations lists every schema change in order. SchemaVersion is one past
// the last migration's `from`; a new schema appends a migration here and
// never edits an old one.
var migrations = []migration{
	{from: 1, about: "seal every record with a checksum", apply: sealRecords},
}

// SchemaVersion is the schema this zoomqos writes.
const SchemaVersion uint32 = 2

// sealedSchema is the first schema whose records are sealed (seal.go).
const sealedSchema uint32 = 2

// init marks a new file as a zoomqos database, migrates an old one (a
// writer), and refuses a newer one or a bbolt file that some other program
// wrote. A reader reads a file of an older schema as it is. It also checks
// that the file holds every page the transaction counts, in case the file
// changed between inspectFile and bbolt's open.
func (db *DB) init(ctx context.Context, b *bbolt.DB, h fileHeader) (err error) {
	defer db.recoverDamage(&err)
	var version, from uint32
	var empty, migrating bool
	err = b.View(func(tx *bbolt.Tx) error {
		if size := tx.Size(); size > db.mapLen {
			return fmt.Errorf("%s is %w: it is cut off: %d bytes, but it counts %d", db.path, ErrNotDatabase, db.mapLen, size)
		}
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			c := tx.Cursor()
			k, v := c.First()
			empty = k == nil
			// The top of a bbolt file holds buckets only: a value there
			// means its header points the root at a page of data.
			for n := 0; k != nil && n < 64; n++ {
				if v != nil {
					return fmt.Errorf("%s is %w: its header's root bucket is a page of data, not the top of the file (run zoomqos check)", db.path, ErrNotDatabase)
				}
				k, v = c.Next()
			}
			return nil
		}
		if string(meta.Get(keyApp)) != string(appName) {
			return fmt.Errorf("%s is %w (no zoomqos marker)", db.path, ErrNotDatabase)
		}
		v := meta.Get(keySchema)
		if len(v) != 4 {
			return fmt.Errorf("%s is %w (schema version unreadable)", db.path, ErrNotDatabase)
		}
		version = binary.BigEndian.Uint32(v)
		if m := meta.Get(keyMigrating); m != nil {
			if len(m) != 4 {
				return fmt.Errorf("%s is %w (migration marker unreadable)", db.path, ErrNotDatabase)
			}
			migrating, from = true, binary.BigEndian.Uint32(m)
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case version == 0 && !empty:
		return fmt.Errorf("%s is %w (no zoomqos marker: a bbolt file from another program, or one whose header's root is damaged; zoomqos check says more)", db.path, ErrNotDatabase)
	case version > SchemaVersion:
		return fmt.Errorf("%s was %w (schema %d; this zoomqos reads up to %d): upgrade zoomqos, the file is left as it is",
			db.path, ErrNewerSchema, version, SchemaVersion)
	}
	if migrating {
		// A migration was cut off: the file holds records of both
		// schemas. It reads as the older one (whose reader takes both),
		// and a writer finishes the migration.
		version = from
	}
	switch {
	case db.readOnly && version == 0:
		return fmt.Errorf("%s: %w: the file is empty", db.path, ErrNoDatabase)
	case version == SchemaVersion, db.readOnly:
		db.schema.Store(version)
		return nil
	}
	if version == 0 {
		err := b.Update(func(tx *bbolt.Tx) error {
			meta, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			if err := meta.Put(keyApp, appName); err != nil {
				return err
			}
			if _, err := tx.CreateBucketIfNotExists(bucketMeetings); err != nil {
				return err
			}
			return putSchema(tx, SchemaVersion)
		})
		if err != nil {
			return fmt.Errorf("initialise %s: %w", db.path, err)
		}
		db.schema.Store(SchemaVersion)
		return nil
	}
	for _, m := range migrations {
		if m.from < version {
			continue
		}
		// The file says the new schema, and that a migration is under way,
		// before anything changes: an older zoomqos then refuses it as
		// newer rather than reading half-migrated records as damage.
		err := b.Update(func(tx *bbolt.Tx) error {
			if err := putSchema(tx, m.from+1); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(keyMigrating, binary.BigEndian.AppendUint32(nil, m.from))
		})
		if err != nil {
			return fmt.Errorf("migrate %s to schema %d: %w", db.path, m.from+1, err)
		}
		if err := m.apply(ctx, b); err != nil {
			return fmt.Errorf("migrate %s from schema %d (%s): %w", db.path, m.from, m.about, err)
		}
		version = m.from + 1
		if err := b.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keyMigrating) }); err != nil {
			return fmt.Errorf("migrate %s to schema %d: %w", db.path, version, err)
		}
	}
	db.schema.Store(version)
	return nil
}

func putSchema(tx *bbolt.Tx, v uint32) error {
	return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, v))
}

// sealRecords (schema 1 to 2) seals every record of every meeting, one
// meeting per transaction; a meeting whose info is sealed already was done
// by an interrupted run.
func sealRecords(ctx context.Context, b *bbolt.DB) error {
	var ids [][]byte
	err := b.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketMeetings).ForEachBucket(func(k []byte) error {
			ids = append(ids, bytes.Clone(k))
			return nil
		})
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := b.Update(func(tx *bbolt.Tx) error {
			mb := tx.Bucket(bucketMeetings).Bucket(id)
			if v := mb.Get(keyInfo); len(v) > 0 && v[0] == sealMark {
				return nil
			}
			s := newSealer(string(id), false)
			for _, r := range meetingRecords {
				bk := r.in(mb)
				if bk == nil {
					continue
				}
				if err := sealBucket(bk, s, r); err != nil {
					return fmt.Errorf("meeting %s %s: %w", id, r.what, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// recordKind is a kind of record in a meeting's bucket: where it lives
// (bucket nil: the meeting's bucket itself), which keys (key nil: every
// key), and whether its schema 1 form began with a format byte.
type recordKind struct {
	bucket    []byte
	key       []byte
	formatted bool
	what      string
}

// in returns the bucket of a meeting's bucket where records of kind r
// live, or nil if it has none.
func (r recordKind) in(mb *bbolt.Bucket) *bbolt.Bucket {
	if r.bucket == nil {
		return mb
	}
	return mb.Bucket(r.bucket)
}

// meetingRecords are the kinds of record in a meeting's bucket.
var meetingRecords = []recordKind{
	{nil, keyInfo, false, "info"},
	{nil, keyCounts, false, "counts"},
	{bucketSessions, nil, false, "sessions"},
	{bucketSamples, nil, true, "samples"},
	{bucketRaw, nil, true, "raw documents"},
	{bucketRawSum, nil, false, "raw document sums"},
}

// sealBucket seals the records of one kind in a bucket, a batch at a time
// (a cursor must be placed again after the bucket changes).
func sealBucket(bk *bbolt.Bucket, s sealer, r recordKind) error {
	reseal := func(k, v []byte) error {
		p, err := legacyPayload(v, r.formatted)
		if err != nil {
			return fmt.Errorf("key %x: %w", k, err)
		}
		return bk.Put(k, s.sealed(k, p))
	}
	if r.key != nil {
		if v := bk.Get(r.key); v != nil {
			return reseal(r.key, bytes.Clone(v))
		}
		return nil
	}
	const batch = 4096
	var keys, vals [][]byte
	var after []byte
	for {
		keys, vals = keys[:0], vals[:0]
		c := bk.Cursor()
		k, v := c.First()
		if after != nil {
			k, v = c.Seek(after)
			if k != nil && bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(keys) < batch; k, v = c.Next() {
			if v == nil {
				continue // a nested bucket
			}
			keys, vals = append(keys, bytes.Clone(k)), append(vals, bytes.Clone(v))
		}
		for i := range keys {
			if err := reseal(keys[i], vals[i]); err != nil {
				return err
			}
		}
		if len(keys) < batch {
			return nil
		}
		after = keys[len(keys)-1]
	}
}
