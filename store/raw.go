package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/klauspost/compress/s2"
	"go.etcd.io/bbolt"
)

// A raw record keeps one response document exactly as Zoom sent it. Its
// payload (sealed, seal.go; in schema 1 after a format byte of 1):
//
//	byte     'p' past or 'l' live: the type it was fetched with
//	8 bytes  when it was stored, Unix nanoseconds, big-endian
//	uvarint  length of the source name, then the name (file or request)
//	rest     the document, s2-compressed (github.com/klauspost/compress/s2:
//	         about three times as fast as zstd's fastest level, which kept
//	         import below its throughput target, at some 70% of its ratio)
//
// The raw-sum bucket maps the SHA-256 of each document to the sequence
// number of its latest copy (8 bytes, sealed).

// RawDoc is one stored response document.
type RawDoc struct {
	Seq      uint64    // storage order within the meeting
	Type     string    // Past or Live
	StoredAt time.Time // when it was first stored
	Source   string    // the file or request it came from
	Data     []byte    // the document's bytes as received
}

// rawRecord is a compressed document ready to store.
type rawRecord struct {
	sum   [sha256.Size]byte
	value []byte
}

// packRaw compresses a document into a raw record; outside any transaction,
// because compression is the slow part.
func packRaw(typ, source string, data []byte, at time.Time) rawRecord {
	t := byte('l')
	if typ == Past {
		t = 'p'
	}
	head := make([]byte, 0, 20+len(source))
	head = append(head, t)
	head = binary.BigEndian.AppendUint64(head, uint64(at.UnixNano()))
	head = binary.AppendUvarint(head, uint64(len(source)))
	head = append(head, source...)
	v := make([]byte, len(head)+s2.MaxEncodedLen(len(data)))
	copy(v, head)
	z := s2.Encode(v[len(head):], data)
	return rawRecord{sum: sha256.Sum256(data), value: v[:len(head)+len(z)]}
}

// unpackRaw decodes a raw record's payload. The result does not share
// memory with v.
func unpackRaw(seq uint64, v []byte) (RawDoc, error) {
	bad := errors.New("unknown raw record format")
	if len(v) < 9 || (v[0] != 'p' && v[0] != 'l') {
		return RawDoc{}, bad
	}
	d := RawDoc{Seq: seq, Type: Live}
	if v[0] == 'p' {
		d.Type = Past
	}
	d.StoredAt = time.Unix(0, int64(binary.BigEndian.Uint64(v[1:9]))).UTC()
	n, w := binary.Uvarint(v[9:])
	if w <= 0 || uint64(len(v)-9-w) < n {
		return RawDoc{}, bad
	}
	d.Source = string(v[9+w : 9+w+int(n)])
	data, err := s2.Decode(nil, v[9+w+int(n):])
	if err != nil {
		return RawDoc{}, fmt.Errorf("decompress: %w", err)
	}
	d.Data = data
	return d, nil
}

// putRaw stores a raw record in a meeting bucket unless the same document is
// there already and changed nothing now; it reports whether it stored it.
// A document stored before that changed what is stored again (an older
// copy of samples sent once more) is stored again, so that rebuilding from
// the documents in their order gives back what is stored.
func putRaw(mb *bbolt.Bucket, s sealer, r rawRecord, changed bool) (bool, error) {
	sums, err := mb.CreateBucketIfNotExists(bucketRawSum)
	if err != nil {
		return false, err
	}
	if sums.Get(r.sum[:]) != nil && !changed {
		return false, nil
	}
	raw, err := mb.CreateBucketIfNotExists(bucketRaw)
	if err != nil {
		return false, err
	}
	seq, err := raw.NextSequence()
	if err != nil {
		return false, err
	}
	raw.FillPercent = 1 // keys only ever grow
	k := seqKey(seq)
	if err := raw.Put(k, s.sealed(k, r.value)); err != nil {
		return false, err
	}
	return true, sums.Put(r.sum[:], s.sealed(r.sum[:], k))
}

// RawDocs calls fn with each raw document of a meeting in storage order.
func (db *DB) RawDocs(ctx context.Context, meetingID string, fn func(RawDoc) error) error {
	return db.view(ctx, func(tx *bbolt.Tx) error {
		mb, err := db.meetingBucket(tx, meetingID)
		if err != nil {
			return err
		}
		seal := db.sealer(meetingID)
		c, err := readCounts(mb, seal)
		if err != nil {
			return db.damaged("meeting "+meetingID, err)
		}
		n := uint64(0)
		err = db.forEachRaw(ctx, mb, seal, meetingID, func(d RawDoc) error {
			n++
			return fn(d)
		})
		if err == nil && n != c.documents {
			return db.damaged("meeting "+meetingID, fmt.Errorf("%d raw documents read, but its counts say %d", n, c.documents))
		}
		return err
	})
}

// forEachRaw calls fn with each raw document in a meeting bucket, in
// storage order.
func (db *DB) forEachRaw(ctx context.Context, mb *bbolt.Bucket, s sealer, meetingID string, fn func(RawDoc) error) error {
	raw := mb.Bucket(bucketRaw)
	if raw == nil {
		return nil
	}
	return each(raw, func(k, v []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(k) != 8 {
			return db.damaged(fmt.Sprintf("meeting %s raw document key %x", meetingID, k), errors.New("not a sequence number"))
		}
		seq := binary.BigEndian.Uint64(k)
		p, err := s.open(k, v, true)
		var d RawDoc
		if err == nil {
			d, err = unpackRaw(seq, p)
		}
		if err != nil {
			return db.damaged(fmt.Sprintf("meeting %s raw document %d", meetingID, seq), err)
		}
		return fn(d)
	})
}
