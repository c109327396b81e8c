package store

import (
	"encoding/binary"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// counts are a meeting's totals, kept in its bucket under "counts" (sealed,
// seal.go) and updated in the transaction that changes them:
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

// readCounts reads a meeting's counts; a meeting without samples has none
// stored yet.
func readCounts(mb *bbolt.Bucket, s sealer) (counts, error) {
	v := mb.Get(keyCounts)
	if v == nil {
		return counts{}, nil
	}
	p, err := s.open(keyCounts, v, false)
	if err != nil {
		return counts{}, fmt.Errorf("counts: %w", err)
	}
	if len(p) != 32 {
		return counts{}, fmt.Errorf("counts: %d bytes, want 32", len(p))
	}
	c := counts{samples: binary.BigEndian.Uint64(p), documents: binary.BigEndian.Uint64(p[8:])}
	c.first, _ = parseTimeKey(p[16:24])
	c.last, _ = parseTimeKey(p[24:32])
	return c, nil
}

func (c counts) put(mb *bbolt.Bucket, s sealer) error {
	v := binary.BigEndian.AppendUint64(nil, c.samples)
	v = binary.BigEndian.AppendUint64(v, c.documents)
	v = appendTimeKey(v, c.first)
	v = appendTimeKey(v, c.last)
	return mb.Put(keyCounts, s.sealed(keyCounts, v))
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
