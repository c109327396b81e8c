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
// (loss): those are counted in plain arrays, the rest in a hash table.
//
// The zero value is an empty distribution.
type Dist struct {
	ints       []uint32 // counts of the whole numbers intLo .. intLo+denseInts-1
	hundredths []uint32 // counts of the other multiples of 0.01 below denseHundredths/100
	slots      []slot   // open addressing; a key of 0 marks an empty slot
	used       int      // distinct values in slots
	n          int
	sum        float64
	min        float64
	max        float64
}

const (
	intLo           = -256 // RSSI in dBm is negative
	denseInts       = 8192 + 256
	denseHundredths = 10000 // loss and CPU percentages with two decimals
)

type slot struct {
	key   uint64 // math.Float64bits of the value; never 0, which is counted in ints
	count uint32
}

// Add counts one value. NaN is ignored.
func (d *Dist) Add(v float64) { d.addN(v, 1) }

func (d *Dist) addN(v float64, c uint32) {
	if v != v {
		return
	}
	if d.n == 0 || v < d.min {
		d.min = v
	}
	if d.n == 0 || v > d.max {
		d.max = v
	}
	d.n += int(c)
	d.sum += v * float64(c)
	if v >= intLo && v < intLo+denseInts && v == math.Trunc(v) { // also 0 and -0
		if d.ints == nil {
			d.ints = make([]uint32, denseInts)
		}
		d.ints[int(v)-intLo] += c
		return
	}
	if v > 0 && v < denseHundredths/100 {
		if t := round(v * 100); t/100 == v {
			if d.hundredths == nil {
				d.hundredths = make([]uint32, denseHundredths)
			}
			d.hundredths[int(t)] += c
			return
		}
	}
	if d.used*4 >= len(d.slots)*3 {
		d.grow()
	}
	d.insert(math.Float64bits(v), c)
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
	if d.n == 0 || o.min < d.min {
		d.min = o.min
	}
	if d.n == 0 || o.max > d.max {
		d.max = o.max
	}
	d.n += o.n
	d.sum += o.sum
	if o.ints != nil {
		if d.ints == nil {
			d.ints = make([]uint32, denseInts)
		}
		for i, c := range o.ints {
			d.ints[i] += c
		}
	}
	if o.hundredths != nil {
		if d.hundredths == nil {
			d.hundredths = make([]uint32, denseHundredths)
		}
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

// Stats summarises the distribution; Count is 0 when it is empty.
func (d *Dist) Stats() Stats {
	if d.n == 0 {
		return Stats{}
	}
	q := d.Quantiles(0.5, 0.9, 0.95, 0.99)
	return Stats{Count: d.n, Min: d.min, Mean: d.sum / float64(d.n), P50: q[0], P90: q[1], P95: q[2], P99: q[3], Max: d.max}
}

// vc is a value and its count.
type vc struct {
	v float64
	c uint32
}

// sorted lists the distinct values and their counts in ascending order.
func (d *Dist) sorted() []vc {
	vals := make([]vc, 0, d.used+64)
	for _, s := range d.slots {
		if s.key != 0 {
			vals = append(vals, vc{math.Float64frombits(s.key), s.count})
		}
	}
	for i, c := range d.ints {
		if c > 0 {
			vals = append(vals, vc{float64(i + intLo), c})
		}
	}
	for i, c := range d.hundredths {
		if c > 0 {
			vals = append(vals, vc{float64(i) / 100, c})
		}
	}
	slices.SortFunc(vals, func(a, b vc) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	return vals
}

// Quantiles returns the type 7 quantiles for ps, each within [0, 1]. It
// returns nil for an empty distribution.
func (d *Dist) Quantiles(ps ...float64) []float64 {
	if d.n == 0 {
		return nil
	}
	vals := d.sorted()
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
		h := float64(d.n-1) * p
		lo := int(math.Floor(h))
		x := at(lo)
		if frac := h - float64(lo); frac > 0 && lo+1 < d.n {
			x += (at(lo+1) - x) * frac
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
			x += (xs[lo+1] - x) * frac
		}
		return x
	}
	return Stats{Count: len(xs), Min: xs[0], Mean: sum / float64(len(xs)), P50: q(0.5), P90: q(0.9), P95: q(0.95), P99: q(0.99), Max: xs[len(xs)-1]}
}
