package store

import (
	"bytes"
	"slices"
	"testing"

	"go.etcd.io/bbolt"
)

// downgrade turns a file back into schema 1, as zoomqos up to 2026-11
// wrote it: records unsealed, samples and raw documents behind a format
// byte of 1. Meetings in keep stay sealed, as an interrupted migration
// leaves them.
func downgrade(t *testing.T, path string, keep ...string) {
	t.Helper()
	boltUpdate(t, path, func(tx *bbolt.Tx) error {
		err := tx.Bucket(bucketMeetings).ForEachBucket(func(id []byte) error {
			if slices.Contains(keep, string(id)) {
				return nil
			}
			mb := tx.Bucket(bucketMeetings).Bucket(id)
			s := newSealer(string(id), false)
			for _, r := range meetingRecords {
				bk := r.in(mb)
				if bk == nil {
					continue
				}
				var keys, vals [][]byte
				c := bk.Cursor()
				for k, v := c.First(); k != nil; k, v = c.Next() {
					if v != nil && (r.key == nil || bytes.Equal(k, r.key)) {
						p, err := s.open(k, v, r.formatted)
						if err != nil {
							return err
						}
						if r.formatted {
							p = append([]byte{1}, p...)
						}
						keys, vals = append(keys, bytes.Clone(k)), append(vals, bytes.Clone(p))
					}
				}
				for i := range keys {
					if err := bk.Put(keys[i], vals[i]); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return putSchema(tx, 1)
	})
}

// everything reads a file as a reader does.
func everything(t *testing.T, path string) string {
	t.Helper()
	db, err := Open(ctx0, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := snapshot(db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMigrateSchema1(t *testing.T) {
	path := checkedDB(t)
	want := everything(t, path)
	downgrade(t, path, "m2") // m2 sealed already: an interrupted migration

	// A reader reads a schema 1 file as it is, and check has nothing to
	// say against it but its schema.
	if got := everything(t, path); got != want {
		t.Error("a reader reads the schema 1 file differently")
	}
	r, err := Open(ctx0, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Check(ctx0, nil)
	r.Close()
	if err != nil || !rep.OK() || rep.Schema != 1 {
		t.Errorf("check of the schema 1 file: %+v %v", rep, err)
	}

	// A writer seals it, and nothing else changes.
	w, err := Open(ctx0, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if got := everything(t, path); got != want {
		t.Error("the migrated file reads differently")
	}
	r, _ = Open(ctx0, path, Options{ReadOnly: true})
	defer r.Close()
	rep, err = r.Check(ctx0, nil)
	if err != nil || !rep.OK() || rep.Schema != SchemaVersion {
		t.Errorf("check of the migrated file: %+v %v", rep, err)
	}
	err = r.view(ctx0, func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketMeetings).Bucket([]byte("m1")).Get(keyInfo)
		if len(v) == 0 || v[0] != sealMark {
			t.Error("m1's info is not sealed after the migration")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Releasing the map never reaches past what was mapped, whatever the
// file's header counts.
func TestReleaseStaysInTheMap(t *testing.T) {
	db := MustOpenDB(t)
	db.PutPage(ctx0, testPage("m", Past, "{}", session("a", t0, 200, 1)))
	ro := reopenReadOnly(t, db)
	ro.view(ctx0, func(tx *bbolt.Tx) error {
		if got, want := ro.mappedLen(tx), tx.Size(); got != want {
			t.Errorf("mappedLen = %d, want the transaction's %d", got, want)
		}
		ro.mapLen = tx.Size() / 2 // as if the file were cut short
		if got, want := ro.mappedLen(tx), tx.Size()/2; got != want {
			t.Errorf("mappedLen = %d, want the mapped %d", got, want)
		}
		return nil
	})
}
