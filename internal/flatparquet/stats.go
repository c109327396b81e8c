package flatparquet

import (
	"encoding/binary"
	"math"

	"github.com/parquet-go/parquet-go/format"
)

// pageStats are the statistics of a page or, merged, of a column chunk:
// the NULLs, and the least and greatest values in the column's order
// (signed for timestamps, numeric for doubles with NaN left out, bytewise
// for strings).
type pageStats struct {
	nulls      int64
	typ        Type // of min and max; 0 while there are none
	minF, maxF float64
	minI, maxI int64
	minS, maxS string
}

func (s *pageStats) floats(vals []float64) {
	for _, v := range vals {
		switch {
		case math.IsNaN(v):
		case s.typ == 0:
			s.typ, s.minF, s.maxF = Double, v, v
		case v < s.minF:
			s.minF = v
		case v > s.maxF:
			s.maxF = v
		}
	}
}

func (s *pageStats) ints(vals []int64) {
	if len(vals) == 0 {
		return
	}
	if s.typ == 0 {
		s.typ, s.minI, s.maxI = Timestamp, vals[0], vals[0]
	}
	for _, v := range vals {
		s.minI = min(s.minI, v)
		s.maxI = max(s.maxI, v)
	}
}

// strings takes the least and greatest of the dictionary values idx
// points at, going by their rank in the sorted dictionary.
func (s *pageStats) strings(idx, rank, order []int32, values []string) {
	if len(idx) == 0 {
		return
	}
	lo, hi := rank[idx[0]], rank[idx[0]]
	last := idx[0]
	for _, i := range idx {
		if i == last {
			continue // runs are common: a session's rows
		}
		last = i
		lo = min(lo, rank[i])
		hi = max(hi, rank[i])
	}
	s.minS, s.maxS = values[order[lo]], values[order[hi]]
	s.typ = String
}

// merge adds a page's statistics to a column chunk's.
func (s *pageStats) merge(p *pageStats) {
	s.nulls += p.nulls
	switch {
	case p.typ == 0:
	case s.typ == 0:
		nulls := s.nulls
		*s = *p
		s.nulls = nulls
	default:
		s.minF, s.maxF = min(s.minF, p.minF), max(s.maxF, p.maxF)
		s.minI, s.maxI = min(s.minI, p.minI), max(s.maxI, p.maxI)
		s.minS, s.maxS = min(s.minS, p.minS), max(s.maxS, p.maxS)
	}
}

// format encodes the statistics: min_value and max_value in the type's
// plain encoding, which the footer's column orders declare, never the
// deprecated min and max.
func (s *pageStats) format() format.Statistics {
	st := format.Statistics{NullCount: s.nulls}
	switch s.typ {
	case Double:
		lo, hi := s.minF, s.maxF
		// Parquet's rule for zeros, whose sign a reader cannot trust.
		if lo == 0 {
			lo = math.Copysign(0, -1)
		}
		if hi == 0 {
			hi = 0
		}
		st.MinValue = binary.LittleEndian.AppendUint64(nil, math.Float64bits(lo))
		st.MaxValue = binary.LittleEndian.AppendUint64(nil, math.Float64bits(hi))
	case Timestamp:
		st.MinValue = binary.LittleEndian.AppendUint64(nil, uint64(s.minI))
		st.MaxValue = binary.LittleEndian.AppendUint64(nil, uint64(s.maxI))
	case String:
		st.MinValue, st.MaxValue = []byte(s.minS), []byte(s.maxS)
	}
	return st
}
