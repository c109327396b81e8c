package analyze

import (
	"math"
	"math/bits"
	"slices"
)

// Dist is an exact distribution of values: every distinct value with how
// often it occurs. It gives exactly the percentiles that sorting every
// value would, in memory that grows with the distinct values only, and
// Dists merge in time proportional to their distinct values: that is how a
// fleet's groups are built without holding their samples.
//
// Zoom's metrics repeat a lot, and most are whole numbers (milliseconds,
// frames, pixels, kbps, percent, dBm) or percentages with a decimal or two
// (loss): those are counted in plain arrays, the rest in a hash table. The
// arrays grow to the largest value seen, not to their limit, so that a
// fleet's hundreds of distributions stay small enough for the CPU caches.
//
// The zero value is an empty distribution.
type Dist struct {
	ints       []uint32 // counts of the whole numbers intLo .. intLo+len(ints)-1
	hundredths []uint32 // counts of the other multiples of 0.01 below len(hundredths)/100
	slots      []slot   // open addressing; a key of 0 marks an empty slot
	used       int      // distinct values in slots
	n          int      // values counted; min, max and sum follow from the counts
}

const (
	intLo           = -256       // RSSI in dBm is negative
	denseInts       = 8192 + 256 // the most whole numbers counted in ints
	denseHundredths = 10000      // loss and CPU percentages with two decimals
	minDense        = 512        // the smallest array: -256 .. 255, 0 .. 5.11
)

// counter returns counts with room for index i (0 ≤ i < limit), grown to a
// power of two or to limit.
func counter(counts []uint32, i, limit int) []uint32 {
	if i < len(counts) {
		return counts
	}
	n := minDense
	for n <= i {
		n *= 2
	}
	n = min(n, limit)
	grown := make([]uint32, n)
	copy(grown, counts)
	return grown
}

type slot struct {
	key   uint64 // math.Float64bits of the value; never 0, which is counted in ints
	count uint32
}

// Add counts one value. NaN is ignored.
func (d *Dist) Add(v float64) { d.addN(v, 1) }

func (d *Dist) addN(v float64, c uint32) {
	if !d.addCounted(v, c) {
		d.addHashed(math.Float64bits(v), c)
	}
}

// addCounted counts v in the arrays, or ignores it when it is NaN, and
// reports whether it did either; the values it leaves are for the hash
// table.
func (d *Dist) addCounted(v float64, c uint32) bool {
	// The common case, a whole number the array already covers, first. A
	// NaN or a value beyond int's range converts to some int that fails the
	// comparison.
	if i := int(v) - intLo; uint(i) < uint(len(d.ints)) && float64(i+intLo) == v {
		d.ints[i] += c
		d.n += int(c)
		return true
	}
	if t := int(v*100 + 0.5); uint(t) < uint(len(d.hundredths)) && hundredth[t] == v {
		d.hundredths[t] += c
		d.n += int(c)
		return true
	}
	return d.addCountedSlow(v, c)
}

// hundredth[t] is the float64 nearest t/100, the value parsing "0.07" or
// "27.15" gives; NaN for whole numbers, which are counted in ints.
var hundredth = func() (h [denseHundredths]float64) {
	for t := range h {
		h[t] = float64(t) / 100
		if t%100 == 0 {
			h[t] = math.NaN()
		}
	}
	return h
}()

func (d *Dist) addCountedSlow(v float64, c uint32) bool {
	if v != v {
		return true
	}
	if v >= intLo && v < intLo+denseInts && v == math.Trunc(v) { // also 0 and -0
		i := int(v) - intLo
		d.ints = counter(d.ints, i, denseInts)
		d.ints[i] += c
		d.n += int(c)
		return true
	}
	if v > 0 && v < denseHundredths/100 {
		if i := int(round(v * 100)); i < denseHundredths && hundredth[i] == v {
			if i >= len(d.hundredths) {
				d.hundredths = counter(d.hundredths, i, denseHundredths)
			}
			d.hundredths[i] += c
			d.n += int(c)
			return true
		}
	}
	return false
}

// addHashed counts c more of the value whose bits are k in the hash table.
func (d *Dist) addHashed(k uint64, c uint32) {
	d.n += int(c)
	if d.used*4 >= len(d.slots)*3 {
		d.grow()
	}
	d.insert(k, c)
}

func (d *Dist) insert(k uint64, c uint32) {
	mask := uint64(len(d.slots) - 1)
	i := (k * 0x9e3779b97f4a7c15) >> (64 - bits.Len64(mask))
	for {
		s := &d.slots[i&mask]
		switch s.key {
		case k:
			s.count += c
			return
		case 0:
			s.key, s.count = k, c
			d.used++
			return
		}
		i++
	}
}

func (d *Dist) grow() {
	old := d.slots
	d.slots = make([]slot, max(16, 2*len(old)))
	d.used = 0
	for _, s := range old {
		if s.key != 0 {
			d.insert(s.key, s.count)
		}
	}
}

// Merge adds every value of o.
func (d *Dist) Merge(o *Dist) {
	if o.n == 0 {
		return
	}
	d.n += o.n
	if len(o.ints) > 0 {
		d.ints = counter(d.ints, len(o.ints)-1, denseInts)
		for i, c := range o.ints {
			d.ints[i] += c
		}
	}
	if len(o.hundredths) > 0 {
		d.hundredths = counter(d.hundredths, len(o.hundredths)-1, denseHundredths)
		for i, c := range o.hundredths {
			d.hundredths[i] += c
		}
	}
	for _, s := range o.slots {
		if s.key != 0 {
			if d.used*4 >= len(d.slots)*3 {
				d.grow()
			}
			d.insert(s.key, s.count)
		}
	}
}

// Count is how many values were added.
func (d *Dist) Count() int { return d.n }

// Stats are the summary zoomqos reports for a metric: count, min, mean, the
// percentiles, max. Percentiles interpolate linearly between the closest
// ranks (Hyndman and Fan's type 7, the default of NumPy, pandas and R, and
// DuckDB's quantile_cont).
type Stats struct {
	Count int     `json:"count"`
	Min   float64 `json:"min"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

// Stats summarises the distribution; Count is 0 when it is empty. The mean
// is the sum over the distinct values of value × count, divided by the
// count.
func (d *Dist) Stats() Stats {
	if d.n == 0 {
		return Stats{}
	}
	vals := d.sorted()
	sum := 0.0
	for _, x := range vals {
		sum += x.v * float64(x.c)
	}
	q := quantiles(vals, d.n, 0.5, 0.9, 0.95, 0.99)
	return Stats{Count: d.n, Min: vals[0].v, Mean: sum / float64(d.n), P50: q[0], P90: q[1], P95: q[2], P99: q[3],
		Max: vals[len(vals)-1].v}
}

// vc is a value and its count.
type vc struct {
	v float64
	c uint32
}

// sorted lists the distinct values and their counts in ascending order:
// the arrays are in order already, only the hash table's values need
// sorting before the three are merged.
func (d *Dist) sorted() []vc {
	hashed := make([]vc, 0, d.used)
	for _, s := range d.slots {
		if s.key != 0 {
			hashed = append(hashed, vc{math.Float64frombits(s.key), s.count})
		}
	}
	slices.SortFunc(hashed, func(a, b vc) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	var ints, hundredths []vc
	for i, c := range d.ints {
		if c > 0 {
			ints = append(ints, vc{float64(i + intLo), c})
		}
	}
	for i, c := range d.hundredths {
		if c > 0 {
			hundredths = append(hundredths, vc{float64(i) / 100, c})
		}
	}
	return mergeSorted(mergeSorted(ints, hundredths), hashed)
}

// mergeSorted merges two ascending lists of distinct values.
func mergeSorted(a, b []vc) []vc {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]vc, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].v < b[0].v {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

// Quantiles returns the type 7 quantiles for ps, each within [0, 1]. It
// returns nil for an empty distribution.
func (d *Dist) Quantiles(ps ...float64) []float64 {
	if d.n == 0 {
		return nil
	}
	return quantiles(d.sorted(), d.n, ps...)
}

// quantiles interpolates the type 7 quantiles of n values, given as their
// distinct values and counts in ascending order.
func quantiles(vals []vc, n int, ps ...float64) []float64 {
	// cum[i] is how many values rank at or below vals[i].
	cum := make([]int, len(vals))
	total := 0
	for i, x := range vals {
		total += int(x.c)
		cum[i] = total
	}
	at := func(r int) float64 { // the value of 0-based rank r
		i, _ := slices.BinarySearch(cum, r+1)
		return vals[i].v
	}
	out := make([]float64, len(ps))
	for j, p := range ps {
		h := float64(n-1) * p
		lo := int(math.Floor(h))
		x := at(lo)
		if frac := h - float64(lo); frac > 0 && lo+1 < n {
			x = interpolate(x, at(lo+1), frac)
		}
		out[j] = x
	}
	return out
}

// appendValues appends every value of d to xs, each as often as it was
// added, in ascending order.
func (d *Dist) appendValues(xs []float64) []float64 {
	for _, x := range d.sorted() {
		for range x.c {
			xs = append(xs, x.v)
		}
	}
	return xs
}

// sortedStats sorts xs in place and summarises it; the mean sums the
// values in the order given. Tests use it as the reference for selectStats.
func sortedStats(xs []float64) Stats {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	slices.Sort(xs)
	q := func(p float64) float64 {
		h := float64(len(xs)-1) * p
		lo := int(math.Floor(h))
		x := xs[lo]
		if frac := h - float64(lo); frac > 0 && lo+1 < len(xs) {
			x = interpolate(x, xs[lo+1], frac)
		}
		return x
	}
	return Stats{Count: len(xs), Min: xs[0], Mean: sum / float64(len(xs)), P50: q(0.5), P90: q(0.9), P95: q(0.95), P99: q(0.99), Max: xs[len(xs)-1]}
}
