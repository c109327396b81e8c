package analyze

import (
	"math"
	"math/bits"
	"slices"
)

// selectStats summarises xs in place: it reorders xs (a session's values
// keep their multiset, so pooled figures computed later from the same
// memory are unaffected) and costs a few passes over it instead of a sort.
// The mean sums the values in the order given, before any reordering.
func selectStats(xs []float64) Stats { return selectStatsBuf(xs, nil) }

// selectStatsBuf is selectStats with a buffer for counting, reused from
// call to call by the caller (it may grow it).
func selectStatsBuf(xs []float64, counts *[]uint32) Stats {
	n := len(xs)
	if n == 0 {
		return Stats{}
	}
	sum, lo, hi, whole := scan(xs)
	ps := [4]float64{0.5, 0.9, 0.95, 0.99}
	var q [4]float64
	if scale, ok := countable(xs, lo, hi, whole); ok {
		// Decimals with at most two places in a narrow range (milliseconds,
		// frames, pixels, percent, tenths of a percent loss): count them
		// instead of selecting.
		q = countQuantiles(xs, lo, hi, scale, ps, counts)
	} else {
		q = selectQuantiles(xs, ps)
	}
	return Stats{Count: n, Min: lo, Mean: sum / float64(n), P50: q[0], P90: q[1], P95: q[2], P99: q[3], Max: hi}
}

// scan sums xs in order and finds its extremes, and whether every value is
// a whole number: one pass, before counting or selecting.
func scan(xs []float64) (sum, lo, hi float64, whole bool) {
	lo, hi, whole = xs[0], xs[0], true
	for _, x := range xs {
		sum += x
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
		whole = whole && x == math.Trunc(x)
	}
	return sum, lo, hi, whole
}

// addStats adds a session's values xs to a meeting's pool and summarises
// them (reordering xs); it also returns their sum in the order given.
// Countable values go into d as their counts, one insert per distinct
// value; others are appended to raw (made with room for hint values).
func addStats(xs []float64, counts *[]uint32, d *Dist, raw *[]float64, hint int) (Stats, float64) {
	n := len(xs)
	sum, lo, hi, whole := scan(xs)
	var q [4]float64
	if scale, ok := countable(xs, lo, hi, whole); ok {
		c, base := countValues(xs, lo, hi, scale, counts)
		for v, k := range c {
			if k > 0 {
				d.addN((base+float64(v))/scale, k)
			}
		}
		q = quantilesFromCounts(c, base, scale, n, [4]float64{0.5, 0.9, 0.95, 0.99})
	} else {
		if *raw == nil {
			*raw = make([]float64, 0, max(hint, len(xs)))
		}
		*raw = append(*raw, xs...)
		q = selectQuantiles(xs, [4]float64{0.5, 0.9, 0.95, 0.99})
	}
	return Stats{Count: n, Min: lo, Mean: sum / float64(n), P50: q[0], P90: q[1], P95: q[2], P99: q[3], Max: hi}, sum
}

// countable reports whether every value is a multiple of 1/scale (scale
// 1, 10 or 100) that scale·value gives back exactly, with few enough steps
// between lo and hi to count them.
func countable(xs []float64, lo, hi float64, whole bool) (float64, bool) {
	limit := float64(max(4*len(xs), 1024))
	small := func(p float64) bool { return math.Abs(lo)*p < 1<<52 && math.Abs(hi)*p < 1<<52 }
	if whole {
		return 1, hi-lo <= limit && small(1)
	}
	for _, p := range [...]float64{10, 100} {
		if (hi-lo)*p > limit || !small(p) {
			return 0, false
		}
		ok := true
		for _, x := range xs {
			if round(x*p)/p != x {
				ok = false
				break
			}
		}
		if ok {
			return p, true
		}
	}
	return 0, false
}

// interpolate goes d of the way from lo to hi (lo ≤ hi, 0 < d < 1) the way
// DuckDB's quantile_cont and R's quantile do, lo·(1−d) + hi·d, so that
// zoomqos' percentiles are theirs to the last bit (NumPy's differ by a
// rounding now and then). Equal neighbours give their value, and the
// result never strays outside [lo, hi] by a rounding.
func interpolate(lo, hi, d float64) float64 {
	if lo == hi {
		return lo
	}
	return min(max(lo*(1-d)+hi*d, lo), hi)
}

// round rounds half away from zero, by a conversion rather than
// math.Round's bit twiddling: the values here are far below 2^53.
func round(x float64) float64 { return float64(int64(x + math.Copysign(0.5, x))) }

// countQuantiles gives the type 7 quantiles of values that countable
// accepted, by counting them.
func countQuantiles(xs []float64, lo, hi, scale float64, ps [4]float64, buf *[]uint32) [4]float64 {
	counts, base := countValues(xs, lo, hi, scale, buf)
	return quantilesFromCounts(counts, base, scale, len(xs), ps)
}

// countValues counts values that countable accepted: counts[v] is how many
// equal (base+v)/scale.
func countValues(xs []float64, lo, hi, scale float64, buf *[]uint32) ([]uint32, float64) {
	base := round(lo * scale)
	span := int(round(hi*scale)-base) + 1
	var counts []uint32
	if buf != nil && cap(*buf) >= span {
		counts = (*buf)[:span]
		clear(counts)
	} else {
		counts = make([]uint32, span)
		if buf != nil {
			*buf = counts
		}
	}
	if scale == 1 {
		for _, x := range xs {
			counts[int(x-base)]++
		}
	} else {
		for _, x := range xs {
			counts[int(round(x*scale)-base)]++
		}
	}
	return counts, base
}

// quantilesFromCounts gives the type 7 quantiles of n counted values.
func quantilesFromCounts(counts []uint32, base, scale float64, n int, ps [4]float64) [4]float64 {
	value := func(v int) float64 { return (base + float64(v)) / scale }
	// at returns the value of rank r, walking up from the last one asked
	// (ranks are asked in ascending order).
	v, below := 0, 0
	at := func(r int) float64 {
		for r >= below+int(counts[v]) {
			below += int(counts[v])
			v++
		}
		return value(v)
	}
	var out [4]float64
	for i, p := range ps {
		h := float64(n-1) * p
		k := int(h)
		x := at(k)
		if frac := h - float64(k); frac > 0 && k+1 < n {
			// Rank k+1 is at v or beyond; peek without moving the walk,
			// which the next, larger p may still need at rank k.
			nv, nb := v, below
			for k+1 >= nb+int(counts[nv]) {
				nb += int(counts[nv])
				nv++
			}
			x = interpolate(x, value(nv), frac)
		}
		out[i] = x
	}
	return out
}

// selectQuantiles returns the type 7 quantiles of xs for ascending ps,
// reordering xs.
func selectQuantiles(xs []float64, ps [4]float64) [4]float64 {
	var out [4]float64
	n := len(xs)
	done := 0 // xs[:done] holds no rank still needed
	for i, p := range ps {
		h := float64(n-1) * p
		k := int(h)
		frac := h - float64(k)
		nth(xs[done:], k-done)
		x := xs[k]
		done = k
		if frac > 0 && k+1 < n {
			// The next rank is the smallest of what lies above k.
			next := xs[k+1]
			for _, y := range xs[k+2:] {
				next = min(next, y)
			}
			x = interpolate(x, next, frac)
		}
		out[i] = x
	}
	return out
}

// nth reorders xs so that xs[k] is the value of rank k, with nothing
// larger before it and nothing smaller after it: quickselect with a
// median-of-three pivot, falling back to sorting when it goes badly.
func nth(xs []float64, k int) {
	lo, hi := 0, len(xs)-1
	budget := 2 * bits.Len(uint(len(xs)))
	for hi-lo > 16 {
		if budget--; budget < 0 {
			slices.Sort(xs[lo : hi+1])
			return
		}
		mid := lo + (hi-lo)/2
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return // j < k < i: xs[k] equals the pivot, in place
		}
	}
	// Insertion sort of what is left.
	for i := lo + 1; i <= hi; i++ {
		for j := i; j > lo && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}
