package parallel

import (
	"sync/atomic"
	"testing"
)

// Every job runs exactly once, whatever the number of workers, and each
// worker index is within Workers.
func TestDoRunsEveryJobOnce(t *testing.T) {
	for _, tc := range []struct{ n, workers int }{{0, 4}, {1, 4}, {7, 1}, {1000, 0}, {1000, 3}, {5, 64}} {
		runs := make([]atomic.Int32, tc.n)
		w := Workers(tc.n, tc.workers)
		var bad atomic.Int32
		Do(tc.n, tc.workers, func(worker, i int) {
			if worker < 0 || worker >= w {
				bad.Add(1)
			}
			runs[i].Add(1)
		})
		for i := range runs {
			if got := runs[i].Load(); got != 1 {
				t.Fatalf("n=%d workers=%d: job %d ran %d times", tc.n, tc.workers, i, got)
			}
		}
		if bad.Load() != 0 {
			t.Errorf("n=%d workers=%d: a worker index outside [0, %d)", tc.n, tc.workers, w)
		}
	}
}

func TestWorkers(t *testing.T) {
	if got := Workers(3, 8); got != 3 {
		t.Errorf("Workers(3, 8) = %d, want 3", got)
	}
	if got := Workers(0, 8); got != 1 {
		t.Errorf("Workers(0, 8) = %d, want 1", got)
	}
	if got := Workers(100, 2); got != 2 {
		t.Errorf("Workers(100, 2) = %d, want 2", got)
	}
}
