package html

import (
	"math"
	"strconv"
)

// point is one drawn point: x in minutes from the timeline's start (the
// page's script turns it into a time), y the value; a NaN y breaks the
// line.
type point struct{ x, y float64 }

// points is a series' data. It marshals itself compactly, [[3,41],[4,null]],
// with y rounded to prec decimals: a report draws hundreds of thousands of
// points, and every byte of them is in the file.
type points struct {
	p    []point
	prec int
}

func (ps points) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(ps.p)*10)
	b = append(b, '[')
	for i, p := range ps.p {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendNum(b, p.x, 2)
		b = append(b, ',')
		if math.IsNaN(p.y) || math.IsInf(p.y, 0) {
			b = append(b, "null"...)
		} else {
			b = appendNum(b, p.y, ps.prec)
		}
		b = append(b, ']')
	}
	return append(b, ']'), nil
}

// appendNum appends v rounded to prec decimals, without trailing zeros.
func appendNum(b []byte, v float64, prec int) []byte {
	p := math.Pow10(prec)
	v = math.Round(v*p) / p
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// downsample keeps at most max points of a series, preserving its shape:
// the points fall into max/2 buckets of equal count, and each bucket keeps
// its lowest and highest point in time order, so that every spike and dip
// is still drawn. Gaps (NaN) are dropped: a downsampled line is continuous.
// A series that fits is returned as it is.
func downsample(ps []point, max int) []point {
	if len(ps) <= max || max < 2 {
		return ps
	}
	vals := make([]point, 0, len(ps))
	for _, p := range ps {
		if !math.IsNaN(p.y) {
			vals = append(vals, p)
		}
	}
	if len(vals) <= max {
		return vals
	}
	buckets := max / 2
	out := make([]point, 0, 2*buckets)
	for b := range buckets {
		lo, hi := b*len(vals)/buckets, (b+1)*len(vals)/buckets
		minI, maxI := lo, lo
		for i := lo + 1; i < hi; i++ {
			if vals[i].y < vals[minI].y {
				minI = i
			}
			if vals[i].y > vals[maxI].y {
				maxI = i
			}
		}
		switch {
		case minI == maxI:
			out = append(out, vals[minI])
		case minI < maxI:
			out = append(out, vals[minI], vals[maxI])
		default:
			out = append(out, vals[maxI], vals[minI])
		}
	}
	return out
}
