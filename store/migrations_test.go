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
	if err != nil || !rep.OK() || rep.Schema != 1 {
		t.Errorf("check of the schema 1 file: %+v %v", rep, err)
	}
	// Nor does the comparison with the raw documents (check without
	// --quick), for the meeting still in schema 1's form and for the one
	// sealed already.
	same := func(d RawDoc) (Parsed, error) {
		p := int(d.Data[8] - '0')
		return Parsed{Sessions: []SessionSamples{session(string(rune('a'+p)), t0, 20, float64(p))}}, nil
	}
	for _, m := range []string{"m1", "m2"} {
		if problems, n, err := r.CompareRebuild(ctx0, m, 10, same); err != nil || n != 0 {
			t.Errorf("%s of the schema 1 file against its raw documents: %d problems %q, %v", m, n, problems, err)
		}
	}
	r.Close()

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

// A migration cut off (Ctrl-C, kill -9) leaves a file that says the new
// schema, so that an older zoomqos refuses it as newer, and that a
// migration is under way: it reads as before, and the next writer
// finishes the migration.
func TestMigrationCutOff(t *testing.T) {
	path := checkedDB(t)
	want := everything(t, path)
	downgrade(t, path, "m2") // m2 sealed, m1 not
	boltUpdate(t, path, func(tx *bbolt.Tx) error {
		if err := putSchema(tx, 2); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyMigrating, []byte{0, 0, 0, 1})
	})
	if got := everything(t, path); got != want {
		t.Error("a reader reads the file of a cut-off migration differently")
	}
	r, err := Open(ctx0, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Check(ctx0, nil)
	r.Close()
	if err != nil || !rep.OK() {
		t.Errorf("check of the file of a cut-off migration: %+v %v", rep, err)
	}
	w, err := Open(ctx0, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if got := everything(t, path); got != want {
		t.Error("the finished migration reads differently")
	}
	r, _ = Open(ctx0, path, Options{ReadOnly: true})
	defer r.Close()
	if rep, err := r.Check(ctx0, nil); err != nil || !rep.OK() || rep.Schema != SchemaVersion {
		t.Errorf("check after the migration was finished: %+v %v", rep, err)
	}
	r.view(ctx0, func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketMeta).Get(keyMigrating) != nil {
			t.Error("the migration marker is still there")
		}
		if v := tx.Bucket(bucketMeetings).Bucket([]byte("m1")).Get(keyInfo); len(v) == 0 || v[0] != sealMark {
			t.Error("m1 is not sealed")
		}
		return nil
	})
}
