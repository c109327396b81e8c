package listen

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zoomqos/zoomqos/collect"
	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// AlertWatches start a live watch of a meeting when Zoom alerts on it
// (meeting.alert, webinar.alert: no QoS Subscription needed), through the
// collector and its client, so that the watches share the client's rate
// limits with each other. A meeting already watched is not watched twice.
type AlertWatches struct {
	Client   *zoom.Client
	DB       *store.DB
	Log      *slog.Logger
	Interval time.Duration // between polls; default one minute

	ctx     context.Context
	mu      sync.Mutex
	running map[string]bool
	ended   map[string]time.Time // when a watch of a meeting ended
	wg      sync.WaitGroup
	started atomic.Int64
}

// Start makes the watches run within ctx: they stop when it ends.
func (w *AlertWatches) Start(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ctx = ctx
	w.running = map[string]bool{}
	w.ended = map[string]time.Time{}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.Interval <= 0 {
		w.Interval = time.Minute
	}
}

// StaleAlert is how old an alert may be and still start a watch: an
// alert Zoom sent again (after 5, 20 or 60 minutes), or one replayed,
// most likely is about a meeting that has ended.
const StaleAlert = 10 * time.Minute

// Alert starts watching the meeting an alert is about, unless it is
// watched already, a watch of it ended within StaleAlert (it was over, or
// gave up), or the alert is older than StaleAlert.
func (w *AlertWatches) Alert(ev *zoom.Event) {
	id := ev.Meeting.ID()
	now := time.Now()
	w.mu.Lock()
	if w.ctx == nil || w.ctx.Err() != nil || w.running[id] || now.Sub(w.ended[id]) < StaleAlert {
		w.mu.Unlock()
		return
	}
	if !ev.Time.IsZero() && now.Sub(ev.Time) > StaleAlert {
		w.mu.Unlock()
		w.Log.Debug("alert too old to start a live watch", "meeting", id, "sent", ev.Time)
		return
	}
	w.running[id] = true
	w.wg.Add(1)
	ctx := w.ctx
	w.mu.Unlock()
	w.started.Add(1)
	what := "meeting"
	if ev.Webinar() {
		what = "webinar"
	}
	w.Log.Info("Zoom alert: watching the "+what+" live", what, id, "issues", ev.Name)
	go func() {
		defer w.wg.Done()
		defer func() {
			w.mu.Lock()
			delete(w.running, id)
			w.ended[id] = time.Now()
			for m, t := range w.ended {
				if time.Since(t) > StaleAlert {
					delete(w.ended, m)
				}
			}
			w.mu.Unlock()
		}()
		c := &collect.Collector{Client: w.Client, DB: w.DB, Log: w.Log}
		rep, err := c.Run(ctx, collect.Plan{Mode: collect.ModeLive, Watch: true, Interval: w.Interval, Concurrency: 1,
			Target: collect.Target{ID: id, Webinar: ev.Webinar(), Number: ev.Meeting.Number, Topic: ev.Meeting.Topic}})
		if err != nil && ctx.Err() == nil {
			w.Log.Warn("live watch after an alert ended in an error", what, id, "error", err)
			return
		}
		w.Log.Info("live watch after an alert ended", what, id, "samples added", rep.Added)
	}()
}

// Wait waits for the watches to end (after Start's context ended).
func (w *AlertWatches) Wait() { w.wg.Wait() }

// AlertStats count the watches.
type AlertStats struct {
	Started int64 `json:"started"`
	Running int   `json:"running"`
}

// Stats returns the watches' counts.
func (w *AlertWatches) Stats() AlertStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return AlertStats{Started: w.started.Load(), Running: len(w.running)}
}
