package analyze

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// type7 is the textbook definition, on a sorted copy: the reference the
// Dist must match exactly.
func type7(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	h := float64(len(s)-1) * p
	lo := int(math.Floor(h))
	if lo+1 >= len(s) {
		return s[lo]
	}
	return interpolate(s[lo], s[lo+1], h-float64(lo))
}

func distOf(xs ...float64) *Dist {
	var d Dist
	for _, x := range xs {
		d.Add(x)
	}
	return &d
}

// DuckDB's own answers (quantile_cont(x, [0.5, 0.9, 0.95, 0.99]) and
// avg(x) over the same DOUBLEs, DuckDB 1.5.6 through @duckdb/node-api on this
// machine): zoomqos' percentiles are the same to the last bit. A mean's
// last bit depends on the order of summing (DuckDB sums in scan order, a
// Dist its distinct values in ascending order), so means are checked to
// within a rounding.
func TestPercentilesAsDuckDB(t *testing.T) {
	for _, tt := range []struct {
		x    []float64
		want [5]float64 // p50, p90, p95, p99, mean
	}{
		{[]float64{27.15, 31.4, 0.3, 12.07, 99.99, 45.5, 3.33}, [5]float64{27.15, 67.29600000000002, 83.64299999999996, 96.72059999999996, 31.39142857142857}},
		{[]float64{0.1, 0.2, 0.3, 0.4, 0.7, 1.1, 2.9, 0.05, 0.08, 0.15, 0.38}, [5]float64{0.3, 1.1, 2.0, 2.72, 0.5781818181818181}},
	} {
		for name, got := range map[string]Stats{"dist": distOf(tt.x...).Stats(), "selection": selectStats(slices.Clone(tt.x))} {
			if q := [4]float64{got.P50, got.P90, got.P95, got.P99}; q != [4]float64(tt.want[:4]) || math.Abs(got.Mean-tt.want[4]) > 1e-15*tt.want[4] {
				t.Errorf("%s of %v: percentiles %v mean %v, DuckDB %v", name, tt.x, q, got.Mean, tt.want)
			}
		}
	}
}

// Figures computed independently of this code: NumPy's documented example
// (numpy.percentile of [[10, 7, 4], [3, 2, 1]] at 50 is 3.5), and the others
// by hand from the type 7 definition, h = (n-1)p, x[floor h] + (h - floor h)
// (x[floor h + 1] - x[floor h]), which is what numpy.percentile (method
// "linear") and DuckDB's quantile_cont compute.
func TestPercentilesKnownValues(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		want Stats
	}{
		{"numpy documentation", []float64{10, 7, 4, 3, 2, 1}, Stats{Count: 6, Min: 1, Mean: 4.5, P50: 3.5, P90: 8.5, P95: 9.25, P99: 9.85, Max: 10}},
		{"one value", []float64{42}, Stats{Count: 1, Min: 42, Mean: 42, P50: 42, P90: 42, P95: 42, P99: 42, Max: 42}},
		// h = 1.5, 2.7, 2.85, 2.97
		{"1 to 4", []float64{4, 1, 3, 2}, Stats{Count: 4, Min: 1, Mean: 2.5, P50: 2.5, P90: 3.7, P95: 3.85, P99: 3.97, Max: 4}},
		// sorted 126 129 134 135 135 300; h = 2.5, 4.5, 4.75, 4.95
		{"latencies", []float64{126, 134, 129, 135, 135, 300}, Stats{Count: 6, Min: 126, Mean: 959.0 / 6, P50: 134.5, P90: 217.5, P95: 258.75, P99: 291.75, Max: 300}},
		// sorted 0 0 0 0.03 0.3 1.9; h = 2.5, 4.5, 4.75, 4.95
		{"losses with zeros", []float64{0, 0, 0.3, 0.03, 1.9, 0}, Stats{Count: 6, Min: 0, Mean: 2.23 / 6, P50: 0.015, P90: 1.1, P95: 1.5, P99: 1.82, Max: 1.9}},
		// h = 4.5, 8.1, 8.55, 8.91
		{"1 to 10", []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, Stats{Count: 10, Min: 1, Mean: 5.5, P50: 5.5, P90: 9.1, P95: 9.55, P99: 9.91, Max: 10}},
		// RSSI, negative; h = 1, 1.8, 1.9, 1.98
		{"negative", []float64{-75, -69, -35}, Stats{Count: 3, Min: -75, Mean: -179.0 / 3, P50: -69, P90: -41.8, P95: -38.4, P99: -35.68, Max: -35}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := distOf(tt.x...).Stats()
			near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
			if got.Count != tt.want.Count || !near(got.Min, tt.want.Min) || !near(got.Mean, tt.want.Mean) ||
				!near(got.P50, tt.want.P50) || !near(got.P90, tt.want.P90) || !near(got.P95, tt.want.P95) ||
				!near(got.P99, tt.want.P99) || !near(got.Max, tt.want.Max) {
				t.Errorf("Stats = %+v\nwant    %+v", got, tt.want)
			}
		})
	}
	if s := (&Dist{}).Stats(); s != (Stats{}) {
		t.Errorf("empty Stats = %+v", s)
	}
}

// Property: on any data the Dist equals the sorted-copy definition, and
// its percentiles are monotone in p and within [min, max]. Merging equals
// adding everything to one.
func TestDistProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 500 {
		n := 1 + r.IntN(300)
		xs := make([]float64, n)
		for i := range xs {
			switch trial % 4 {
			case 0:
				xs[i] = float64(r.IntN(20)) // many ties
			case 1:
				xs[i] = float64(r.IntN(1000)) / 10
			case 2:
				xs[i] = r.NormFloat64() * 100
			default:
				xs[i] = []float64{0, math.Copysign(0, -1), 1e-300, -7, 3.25}[r.IntN(5)]
			}
		}
		d := distOf(xs...)
		ps := []float64{0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1}
		qs := d.Quantiles(ps...)
		st := d.Stats()
		for i, p := range ps {
			if want := type7(xs, p); qs[i] != want {
				t.Fatalf("trial %d: p%v = %v, sorting gives %v", trial, p, qs[i], want)
			}
			if i > 0 && qs[i] < qs[i-1] {
				t.Fatalf("trial %d: quantiles not monotone: %v", trial, qs)
			}
			if qs[i] < st.Min || qs[i] > st.Max {
				t.Fatalf("trial %d: p%v = %v outside [%v, %v]", trial, p, qs[i], st.Min, st.Max)
			}
		}
		// Split in two, merge: the same distribution.
		cut := r.IntN(n + 1)
		a, b := distOf(xs[:cut]...), distOf(xs[cut:]...)
		a.Merge(b)
		if got, want := a.Quantiles(ps...), qs; !slices.Equal(got, want) || a.Count() != n || a.Stats() != st {
			t.Fatalf("trial %d: merged %v, whole %v", trial, got, want)
		}
	}
}

func TestDistIgnoresNaN(t *testing.T) {
	d := distOf(1, math.NaN(), 3)
	if s := d.Stats(); s.Count != 2 || s.P50 != 2 {
		t.Errorf("Stats with a NaN = %+v", s)
	}
}

// Values counted per session in a tally and flushed give the same
// distribution as adding them one by one, however the tally grew.
func TestTallyFlush(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var direct, viaTally Dist
	var tl tally
	for session := range 50 {
		for range r.IntN(2000) {
			x := float64(r.IntN(300000))/100 + 0.001*float64(r.IntN(3)) // decimals a Dist hashes
			if session%7 == 0 {
				x = float64(r.IntN(500)) // some the arrays count
			}
			direct.Add(x)
			if !viaTally.addCounted(x, 1) {
				tl.add(x)
			}
		}
		tl.flush(&viaTally)
		if len(tl.used) != 0 {
			t.Fatalf("session %d: tally not empty after flush", session)
		}
	}
	if got, want := viaTally.Stats(), direct.Stats(); got != want {
		t.Errorf("via tally %+v, direct %+v", got, want)
	}
	if got, want := viaTally.Quantiles(0.1, 0.33, 0.999), direct.Quantiles(0.1, 0.33, 0.999); !slices.Equal(got, want) {
		t.Errorf("quantiles via tally %v, direct %v", got, want)
	}
}

// The arrays grow to the largest value seen: values at both ends of each
// array's range, added in any order, are all counted where they belong.
func TestDistArraysGrow(t *testing.T) {
	xs := []float64{3, -256, 8191, 0.07, 99.99, 8192, 100.5, 512, 5.11, 5.12, -257, 1e300, -0.5}
	d := distOf(xs...)
	if d.Count() != len(xs) {
		t.Fatalf("count %d, want %d", d.Count(), len(xs))
	}
	for _, p := range []float64{0, 0.1, 0.25, 0.5, 0.75, 0.9, 1} {
		if got, want := d.Quantiles(p)[0], type7(xs, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if len(d.ints) > denseInts || len(d.hundredths) > denseHundredths {
		t.Errorf("arrays beyond their limits: %d ints, %d hundredths", len(d.ints), len(d.hundredths))
	}
}
