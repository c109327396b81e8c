package store

import (
	"encoding/binary"
	"time"

	"go.etcd.io/bbolt"
)

// counts are a meeting's totals, kept in its bucket under "counts" and
// updated in the transaction that changes them:
//
//	8 bytes  samples stored
//	8 bytes  raw documents stored
//	8 bytes  time key of the first sample
//	8 bytes  time key of the last sample
type counts struct {
	samples, documents uint64
	first, last        time.Time
}

var keyCounts = []byte("counts")

func readCounts(mb *bbolt.Bucket) counts {
	v := mb.Get(keyCounts)
	if len(v) != 32 {
		return counts{}
	}
	c := counts{samples: binary.BigEndian.Uint64(v), documents: binary.BigEndian.Uint64(v[8:])}
	c.first, _ = parseTimeKey(v[16:24])
	c.last, _ = parseTimeKey(v[24:32])
	return c
}

func (c counts) put(mb *bbolt.Bucket) error {
	v := binary.BigEndian.AppendUint64(nil, c.samples)
	v = binary.BigEndian.AppendUint64(v, c.documents)
	v = appendTimeKey(v, c.first)
	v = appendTimeKey(v, c.last)
	return mb.Put(keyCounts, v)
}

// saw widens the span to t.
func (c *counts) saw(t time.Time) {
	if c.first.IsZero() || t.Before(c.first) {
		c.first = t
	}
	if t.After(c.last) {
		c.last = t
	}
}
