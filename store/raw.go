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

// A raw record keeps one response document exactly as Zoom sent it:
//
//	byte     record format (1)
//	byte     'p' past or 'l' live: the type it was fetched with
//	8 bytes  when it was stored, Unix nanoseconds, big-endian
//	uvarint  length of the source name, then the name (file or request)
//	rest     the document, s2-compressed (github.com/klauspost/compress/s2:
//	         about three times as fast as zstd's fastest level, which kept
//	         import below its throughput target, at some 70% of its ratio)
const rawFormat = 1

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
	head = append(head, rawFormat, t)
	head = binary.BigEndian.AppendUint64(head, uint64(at.UnixNano()))
	head = binary.AppendUvarint(head, uint64(len(source)))
	head = append(head, source...)
	v := make([]byte, len(head)+s2.MaxEncodedLen(len(data)))
	copy(v, head)
	z := s2.Encode(v[len(head):], data)
	return rawRecord{sum: sha256.Sum256(data), value: v[:len(head)+len(z)]}
}

// unpackRaw decodes a raw record. The result does not share memory with v.
func unpackRaw(seq uint64, v []byte) (RawDoc, error) {
	bad := errors.New("unknown raw record format")
	if len(v) < 10 || v[0] != rawFormat {
		return RawDoc{}, bad
	}
	d := RawDoc{Seq: seq, Type: Live}
	if v[1] == 'p' {
		d.Type = Past
	}
	d.StoredAt = time.Unix(0, int64(binary.BigEndian.Uint64(v[2:10]))).UTC()
	n, w := binary.Uvarint(v[10:])
	if w <= 0 || uint64(len(v)-10-w) < n {
		return RawDoc{}, bad
	}
	d.Source = string(v[10+w : 10+w+int(n)])
	data, err := s2.Decode(nil, v[10+w+int(n):])
	if err != nil {
		return RawDoc{}, fmt.Errorf("decompress: %w", err)
	}
	d.Data = data
	return d, nil
}

// putRaw stores a raw record in a meeting bucket unless the same document is
// there already; it reports whether it stored it.
func putRaw(mb *bbolt.Bucket, r rawRecord) (bool, error) {
	sums, err := mb.CreateBucketIfNotExists(bucketRawSum)
	if err != nil {
		return false, err
	}
	if sums.Get(r.sum[:]) != nil {
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
	if err := raw.Put(seqKey(seq), r.value); err != nil {
		return false, err
	}
	return true, sums.Put(r.sum[:], seqKey(seq))
}

// RawDocs calls fn with each raw document of a meeting in storage order.
func (db *DB) RawDocs(ctx context.Context, meetingID string, fn func(RawDoc) error) error {
	return db.view(ctx, func(tx *bbolt.Tx) error {
		mb, err := meetingBucket(tx, meetingID)
		if err != nil {
			return err
		}
		return db.forEachRaw(ctx, mb, meetingID, fn)
	})
}

// forEachRaw calls fn with each raw document in a meeting bucket, in
// storage order.
func (db *DB) forEachRaw(ctx context.Context, mb *bbolt.Bucket, meetingID string, fn func(RawDoc) error) error {
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
		d, err := unpackRaw(seq, v)
		if err != nil {
			return db.damaged(fmt.Sprintf("meeting %s raw document %d", meetingID, seq), err)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}
