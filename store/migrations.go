package store

import (
	"context"
	"encoding/binary"
	"fmt"

	"go.etcd.io/bbolt"
)

// migration upgrades a database from schema version `from` to from+1 inside
// one write transaction.
type migration struct {
	from  uint32
	about string
	apply func(tx *bbolt.Tx) error
}

// migrations lists every schema change in order. SchemaVersion is one past
// the last migration's `from`; a new schema appends a migration here and
// never edits an old one.
var migrations = []migration{}

// SchemaVersion is the schema this zoomqos writes.
const SchemaVersion uint32 = 1

// init marks a new file as a zoomqos database, migrates an old one, and
// refuses a newer one or a bbolt file that some other program wrote.
func (db *DB) init() error {
	var version uint32
	var empty bool
	err := db.view(context.Background(), func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			k, _ := tx.Cursor().First()
			empty = k == nil
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
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case version == 0 && !empty:
		return fmt.Errorf("%s is %w (a bbolt file from another program)", db.path, ErrNotDatabase)
	case version > SchemaVersion:
		return fmt.Errorf("%s was %w (schema %d; this zoomqos reads up to %d): upgrade zoomqos, the file is left as it is",
			db.path, ErrNewerSchema, version, SchemaVersion)
	case version == SchemaVersion:
		return nil
	case db.readOnly && version == 0:
		return fmt.Errorf("%s: %w: the file is empty", db.path, ErrNoDatabase)
	case db.readOnly:
		return fmt.Errorf("%s has schema %d and needs upgrading to %d: run any writing command (such as import) once",
			db.path, version, SchemaVersion)
	}
	return db.update(context.Background(), func(tx *bbolt.Tx) error {
		if version == 0 {
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
		}
		for _, m := range migrations {
			if m.from < version {
				continue
			}
			if err := m.apply(tx); err != nil {
				return fmt.Errorf("migrate %s from schema %d (%s): %w", db.path, m.from, m.about, err)
			}
			version = m.from + 1
		}
		return putSchema(tx, version)
	})
}

func putSchema(tx *bbolt.Tx, v uint32) error {
	return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, v))
}
