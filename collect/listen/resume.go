package listen

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// Resume keeps, in the database, how far a WebSocket's events are stored,
// and at start fills the span since the last listener stopped (a crash, a
// restart) through the QoS API: Zoom keeps nothing for a client that was
// not connected.
type Resume struct {
	DB        *store.DB
	Bookmark  string // the store's bookmark name
	Committer *Committer
	Socket    *WebSocket
	Gaps      *GapFiller
	Log       *slog.Logger
	Every     time.Duration // how often the bookmark moves (default 30 s)

	wg sync.WaitGroup
}

// Start fills the span since the bookmark, if it is more than a minute
// old, and moves the bookmark every Every until ctx ends: to a minute
// before the last write to disk, while the connection is up and no event
// waits for the disk.
func (r *Resume) Start(ctx context.Context) {
	if r.Every <= 0 {
		r.Every = 30 * time.Second
	}
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
	if since, err := r.DB.Bookmark(ctx, r.Bookmark); err == nil && !since.IsZero() && time.Since(since) > time.Minute {
		r.Log.Info("filling the span since the last listener stopped", "from", since.UTC().Format(time.RFC3339))
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.Gaps.Fill(ctx, since, time.Now())
		}()
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		t := time.NewTicker(r.Every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			cs, ws := r.Committer.Stats(), r.Socket.Stats()
			if !ws.Connected || cs.Queued != 0 || cs.LastCommit.IsZero() {
				continue
			}
			if err := r.DB.SetBookmark(ctx, r.Bookmark, cs.LastCommit.Add(-time.Minute)); err != nil && ctx.Err() == nil {
				r.Log.Warn("could not note how far events were received", "error", err)
			}
		}
	}()
}

// Wait waits for the fill and the bookmark's mover to end, after the
// context given to Start ended.
func (r *Resume) Wait() { r.wg.Wait() }
