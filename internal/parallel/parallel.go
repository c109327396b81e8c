// Package parallel owns zoomqos' one way of running independent jobs on
// every core: workers that each take the next job not yet taken, so that
// a slow core or a heavy job holds no other up. It imports nothing of
// zoomqos.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers is how many goroutines Do starts for n jobs when asked for
// workers (0 or less: one per core): never more than there are jobs, and
// at least one.
func Workers(n, workers int) int {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return max(1, min(workers, n))
}

// Do calls fn(worker, i) once for every job i in [0, n), on Workers(n,
// workers) goroutines; worker (0 to Workers-1) names the goroutine, for
// scratch memory of its own. It returns when every call has returned.
func Do(n, workers int, fn func(worker, i int)) {
	if n <= 0 {
		return
	}
	w := Workers(n, workers)
	if w == 1 {
		for i := range n {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for worker := range w {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(worker, i)
			}
		})
	}
	wg.Wait()
}
