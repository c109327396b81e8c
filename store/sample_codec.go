package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// A sample's values are stored compactly, because a long meeting has
// hundreds of thousands of samples and reading them back is the hot path of
// every analysis. The encoding is the payload of a sealed record (seal.go;
// in schema 1 it followed a format byte of 1):
//
//	per stream present, in stream order:
//	  byte     the Stream
//	  byte     which of the stream kind's metrics follow (bit i = Kind().Metrics()[i])
//	  per metric present, in that order, one value:
//	    uvarint  u; k = u&7. For k < 7 the value is the decimal m/10^k with
//	             m = zigzag(u>>3): the values Zoom sends ("27.15 kbps",
//	             "0.3%") take one to three bytes and decode to the same
//	             float64 as parsing their text. For k = 7 the next 8 bytes
//	             are the float64's bits, little-endian.

// maxSampleRecord bounds a stored sample's record: every stream with every
// metric as a float64 takes about 2 KB.
const maxSampleRecord = 16 << 10

var errSampleFormat = errors.New("unknown sample encoding")

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6}

// streamSlot[s][m] is metric m's position in stream s's metric list, or -1.
var streamSlot = func() (t [NumStreams][NumMetrics]int8) {
	for s := range t {
		for m := range t[s] {
			t[s][m] = -1
		}
		for i, m := range Stream(s).Metrics() {
			t[s][m] = int8(i)
		}
	}
	return t
}()

// streamMetricTable and streamMetricCount are Stream.Metrics as fixed-size
// tables, so that the decoder's inner loop needs no bounds checks.
var (
	streamMetricTable [NumStreams][8]Metric
	streamMetricCount [NumStreams]uint
)

func init() {
	for st := range NumStreams {
		ms := st.Metrics()
		copy(streamMetricTable[st][:], ms)
		streamMetricCount[st] = uint(len(ms))
	}
}

// appendSample appends the encoding of values, which must be ordered by
// stream and metric (Sample.Normalize) and belong to their streams.
func appendSample(b []byte, values []Value) ([]byte, error) {
	for i := 0; i < len(values); {
		st := values[i].Stream
		if st >= NumStreams {
			return nil, fmt.Errorf("encode sample: unknown stream %d", st)
		}
		j := i
		var mask byte
		for ; j < len(values) && values[j].Stream == st; j++ {
			slot := streamSlot[st][values[j].Metric%NumMetrics]
			if values[j].Metric >= NumMetrics || slot < 0 {
				return nil, fmt.Errorf("encode sample: %s has no metric %s", st, values[j].Metric)
			}
			bit := byte(1) << slot
			if mask >= bit {
				return nil, fmt.Errorf("encode sample: %s values out of order", st)
			}
			mask |= bit
		}
		if i > 0 && values[i-1].Stream > st {
			return nil, fmt.Errorf("encode sample: streams out of order")
		}
		b = append(b, byte(st), mask)
		for _, v := range values[i:j] {
			b = appendValue(b, v.V)
		}
		i = j
	}
	return b, nil
}

// appendValue encodes one value as a short decimal when it is one.
func appendValue(b []byte, v float64) []byte {
	for k, p := range pow10 {
		m := math.Round(v * p)
		if math.Abs(m) < 1<<53 && m/p == v && !(m == 0 && math.Signbit(v)) {
			i := int64(m)
			z := uint64(i<<1) ^ uint64(i>>63)
			return binary.AppendUvarint(b, z<<3|uint64(k))
		}
	}
	b = binary.AppendUvarint(b, 7)
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

// decodeSample appends the values encoded in b to dst. It is the hot loop
// of every read: it grows dst once per stream and reads one-byte varints
// without a call.
func decodeSample(dst []Value, b []byte) ([]Value, error) {
	i := 0
	for i < len(b) {
		if i+2 > len(b) || b[i] >= byte(NumStreams) {
			return dst, errSampleFormat
		}
		st := Stream(b[i])
		mask := uint(b[i+1])
		i += 2
		if mask>>streamMetricCount[st] != 0 {
			return dst, errSampleFormat
		}
		metrics := &streamMetricTable[st]
		n := len(dst)
		cnt := bits.OnesCount(mask)
		dst = slices.Grow(dst, cnt)[:n+cnt]
		out := dst[n:]
		for o := range out {
			slot := bits.TrailingZeros(mask) & 7
			mask &= mask - 1
			var u uint64
			if i+1 < len(b) && b[i] < 0x80 {
				u = uint64(b[i])
				i++
			} else if i+1 < len(b) && b[i+1] < 0x80 {
				u = uint64(b[i]&0x7f) | uint64(b[i+1])<<7
				i += 2
			} else {
				var w int
				u, w = binary.Uvarint(b[i:])
				if w <= 0 {
					return dst[:n], errSampleFormat
				}
				i += w
			}
			k := u & 7
			z := u >> 3
			v := float64(int64(z>>1) ^ -int64(z&1))
			if k != 0 {
				if k == 7 {
					if i+8 > len(b) {
						return dst[:n], errSampleFormat
					}
					v = math.Float64frombits(binary.LittleEndian.Uint64(b[i:]))
					i += 8
				} else {
					v /= pow10[k]
				}
			}
			out[o] = Value{Stream: st, Metric: metrics[slot], V: v}
		}
	}
	return dst, nil
}

// Normalize orders the values by stream and metric, as the store keeps
// them, and keeps the last of any duplicates.
func (s *Sample) Normalize() {
	ordered := true
	for i := 1; i < len(s.Values); i++ {
		if !valueLess(s.Values[i-1], s.Values[i]) {
			ordered = false
			break
		}
	}
	if ordered {
		return
	}
	slices.SortStableFunc(s.Values, func(a, b Value) int {
		switch {
		case valueLess(a, b):
			return -1
		case valueLess(b, a):
			return 1
		}
		return 0
	})
	out := s.Values[:0]
	for i, v := range s.Values {
		if i+1 < len(s.Values) && !valueLess(v, s.Values[i+1]) {
			continue // a later duplicate wins
		}
		out = append(out, v)
	}
	s.Values = out
}

func valueLess(a, b Value) bool {
	return a.Stream < b.Stream || (a.Stream == b.Stream && a.Metric < b.Metric)
}
