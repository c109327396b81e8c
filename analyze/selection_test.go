package analyze

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// Selection gives exactly what sorting gives, on data with and without
// ties, sorted, reversed and adversarial for naive pivots.
func TestSelectStats(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 2000 {
		n := 1 + r.IntN(2000)
		xs := make([]float64, n)
		for i := range xs {
			switch trial % 5 {
			case 0:
				xs[i] = float64(r.IntN(5))
			case 1:
				xs[i] = float64(i)
			case 2:
				xs[i] = float64(n - i)
			case 3:
				xs[i] = float64(i % 7)
			default:
				xs[i] = r.NormFloat64()
			}
		}
		want := sortedStats(slices.Clone(xs))
		got := selectStats(slices.Clone(xs))
		if got != want {
			t.Fatalf("trial %d (n %d): select %+v, sort %+v", trial, n, got, want)
		}
		// The multiset is kept.
		c := slices.Clone(xs)
		selectStats(c)
		slices.Sort(c)
		s := slices.Clone(xs)
		slices.Sort(s)
		if !slices.Equal(c, s) {
			t.Fatalf("trial %d: values changed", trial)
		}
	}
}

// Decimals (tenths, hundredths) take the counting path and still give
// exactly what sorting gives.
func TestSelectStatsDecimals(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 500 {
		n := 1 + r.IntN(3000)
		xs := make([]float64, n)
		for i := range xs {
			switch trial % 3 {
			case 0:
				xs[i] = float64(r.IntN(1000)) / 10 // losses: 0.0 to 99.9
			case 1:
				xs[i] = float64(r.IntN(20000)) / 100 // bitrates: 27.15
			default:
				xs[i] = float64(r.IntN(200)-100) / 100 // negative hundredths
			}
		}
		if got, want := selectStats(slices.Clone(xs)), sortedStats(slices.Clone(xs)); got != want {
			t.Fatalf("trial %d (n %d): %+v, sorting gives %+v", trial, n, got, want)
		}
	}
}

// Huge values never take the counting path's integer conversion.
func TestSelectStatsHuge(t *testing.T) {
	for _, xs := range [][]float64{{1e300, 1e300}, {-1e300, -1e300, -1e300}, {1e17, 1e17 + 16}, {4.5e15, 4.5e15}} {
		if got, want := selectStats(slices.Clone(xs)), sortedStats(slices.Clone(xs)); got != want {
			t.Errorf("%v: %+v, sorting gives %+v", xs, got, want)
		}
	}
}
