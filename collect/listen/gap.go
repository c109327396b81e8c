package listen

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/zoomqos/zoomqos/collect"
	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// Gaps in push delivery: Zoom keeps nothing for a WebSocket client that is
// not connected, so what it sent meanwhile is collected from the QoS API,
// as `collect --live` and `collect --past` would.

// GapFiller collects from the QoS API what push delivery missed while no
// connection was up. Its Fill is what a WebSocket's Gap calls.
type GapFiller struct {
	Client *zoom.Client
	DB     *store.DB
	Log    *slog.Logger
	// Webinars fills gaps for webinars too: two more Resource-intensive
	// discoveries each time (an account without webinars lists none).
	Webinars bool
	// Concurrency is how many meetings are collected at once (default
	// the collector's, 4), within the client's rate limits, which the
	// rest of the process shares.
	Concurrency int
}

// gapMargin widens the span of the meetings that count as ended during
// a gap: events trail the minute they describe, and a meeting's last ones
// (its summary) come as it ends.
const gapMargin = 2 * time.Minute

// Fill collects what a gap from..to lost: (a) every meeting live now,
// polled once, as `collect --live` does (one that was live during the gap
// is still running, or it ended); (b) the meetings that ended since the
// gap began, through a past discovery from the day before the gap to
// today, skipping those collected in full before. Live comes first, so
// that a meeting ending between the two is found by the second. Errors are
// logged, not returned: the listener goes on receiving; the end of ctx
// ends the collection, what was stored until then kept.
func (g *GapFiller) Fill(ctx context.Context, from, to time.Time) {
	log := g.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("gap_from", from.UTC(), "gap_to", to.UTC())
	today := time.Now().UTC()
	if to.After(today) {
		today = to.UTC()
	}
	kinds := []bool{false}
	if g.Webinars {
		kinds = append(kinds, true)
	}
	for _, webinars := range kinds {
		what := "meetings"
		if webinars {
			what = "webinars"
		}
		plans := []struct {
			name string
			plan collect.Plan
		}{
			{"live " + what, collect.Plan{Mode: collect.ModeLive, Webinars: webinars, Concurrency: g.Concurrency}},
			{what + " ended since the gap began", collect.Plan{Mode: collect.ModePast, Webinars: webinars, Concurrency: g.Concurrency,
				From: day(from.Add(-24 * time.Hour)), To: day(today), EndedSince: from.Add(-gapMargin)}},
		}
		for _, p := range plans {
			c := &collect.Collector{Client: g.Client, DB: g.DB, Log: log}
			r, err := c.Run(ctx, p.plan)
			if ctx.Err() != nil {
				return
			}
			attrs := []any{"what", p.name, "collected", r.Summary(), "samples_added", r.Added, "skipped", r.Skipped, "elapsed", r.Elapsed.Round(time.Millisecond)}
			if err != nil {
				log.Warn("gap filled in part", append(attrs, "error", err)...)
				var dl *zoom.DailyLimitError
				if errors.As(err, &dl) || errors.Is(err, zoom.ErrTokenRefused) || errors.Is(err, zoom.ErrCredentialsRefused) {
					return // nothing more can be had now
				}
				continue
			}
			log.Info("gap filled", attrs...)
		}
	}
}

// day is the UTC date of t, as Zoom's from and to take it.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// gapQueue hands the spans without a connection to a fill function, one
// call at a time in a goroutine of its own, so that receiving never waits
// for a collection. Spans that come while one is being filled are merged
// into one, filled next: the time between them is filled too, at the cost
// of a few samples collected twice (stored once).
type gapQueue struct {
	fill func(ctx context.Context, from, to time.Time)

	mu       sync.Mutex
	from, to time.Time // the span waiting; zero when none
	busy     bool
	wg       sync.WaitGroup
}

// add queues a span to fill, starting the filling if none is under way.
func (q *gapQueue) add(ctx context.Context, from, to time.Time) {
	if q.fill == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.from.IsZero() || from.Before(q.from) {
		q.from = from
	}
	if to.After(q.to) {
		q.to = to
	}
	if q.busy {
		return
	}
	q.busy = true
	q.wg.Go(func() {
		for {
			q.mu.Lock()
			from, to := q.from, q.to
			q.from, q.to = time.Time{}, time.Time{}
			if from.IsZero() || ctx.Err() != nil {
				q.busy = false
				q.mu.Unlock()
				return
			}
			q.mu.Unlock()
			q.fill(ctx, from, to)
		}
	})
}

// wait returns once no fill is under way.
func (q *gapQueue) wait() { q.wg.Wait() }
