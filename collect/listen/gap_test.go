package listen

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
	"github.com/zoomqos/zoomqos/store"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// A gap in push delivery is filled from the QoS API: the minutes of a
// meeting live through the gap, and the meetings that ended during it,
// are stored; a meeting that ended before it is not fetched, nor one
// collected in full before.
func TestGapFillerFillsTheGap(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Minute)
	from, to := now.Add(-10*time.Minute), now.Add(-2*time.Minute)
	fz, client := fakeClient(t, fakezoom.Options{Seed: 3, Epoch: now, Clock: func() time.Time { return now }, Meetings: []fakezoom.MeetingSpec{
		{UUID: "live-through", Start: now.Add(-20 * time.Minute), Duration: time.Hour, Participants: 4, NoRejoins: true},
		{UUID: "ended-in-gap", Start: now.Add(-40 * time.Minute), Duration: 35 * time.Minute, Participants: 3},
		{UUID: "ended-before", Start: now.Add(-3 * time.Hour), Duration: 30 * time.Minute, Participants: 3},
		{UUID: "done-before", Start: now.Add(-30 * time.Minute), Duration: 25 * time.Minute, Participants: 3},
	}})
	db := storetest.MustOpen(t)
	ctx := context.Background()
	before := &collect.Collector{Client: client, DB: db}
	if _, err := before.Run(ctx, collect.Plan{Mode: collect.ModeMeeting, Target: collect.Target{ID: "done-before"}, Type: store.Past}); err != nil {
		t.Fatal(err)
	}
	requests := fz.Requests()

	var log zoomtest.Log
	g := &GapFiller{Client: client, DB: db, Log: log.Logger()}
	g.Fill(ctx, from, to)

	// Every participant of the live meeting has a sample for each minute
	// of the gap.
	minutes := map[string]map[time.Time]bool{}
	err := db.ForEachSample(ctx, "live-through", func(s *store.Session, smp *store.Sample) error {
		if minutes[s.Participant] == nil {
			minutes[s.Participant] = map[time.Time]bool{}
		}
		minutes[s.Participant][smp.Time.Truncate(time.Minute)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(minutes) != 4 {
		t.Errorf("samples of %d participants of the live meeting, want 4", len(minutes))
	}
	for p, got := range minutes {
		for m := from; m.Before(to); m = m.Add(time.Minute) {
			if !got[m] {
				t.Errorf("participant %s: no sample for %s", p, m.Format(time.TimeOnly))
			}
		}
	}
	if info, err := db.MeetingInfo(ctx, "live-through"); err != nil || info.Type != store.Live {
		t.Errorf("live meeting: %+v, %v", info, err)
	}
	if info, err := db.MeetingInfo(ctx, "ended-in-gap"); err != nil || info.Collected.IsZero() {
		t.Errorf("the meeting that ended in the gap: %+v, %v; want it collected in full", info, err)
	}
	if _, err := db.MeetingInfo(ctx, "ended-before"); err == nil {
		t.Error("the meeting that ended before the gap was fetched")
	}
	// Two discoveries; the live meeting's QoS and participants lists;
	// the ended one's.
	if got := fz.Requests() - requests; got != 6 {
		t.Errorf("%d requests, want 6:\n%s", got, log.String())
	}
	if logs := log.String(); strings.Count(logs, "gap filled") != 2 || !strings.Contains(logs, "skipped=1") {
		t.Errorf("the log does not say what each collection did:\n%s", logs)
	}
}

// Gaps reach the filler one at a time; those that come while one is being
// filled are merged into the next fill.
func TestGapQueueMerges(t *testing.T) {
	type span struct{ from, to time.Time }
	release := make(chan struct{})
	var mu sync.Mutex
	var filled []span
	q := &gapQueue{fill: func(_ context.Context, from, to time.Time) {
		mu.Lock()
		filled = append(filled, span{from, to})
		first := len(filled) == 1
		mu.Unlock()
		if first {
			<-release
		}
	}}
	at := func(m int) time.Time { return time.Date(2026, 12, 1, 10, m, 0, 0, time.UTC) }
	ctx := context.Background()
	q.add(ctx, at(0), at(1))
	for { // until the first fill is under way
		mu.Lock()
		n := len(filled)
		mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	q.add(ctx, at(5), at(6))
	q.add(ctx, at(8), at(9))
	close(release)
	q.wait()
	if want := []span{{at(0), at(1)}, {at(5), at(9)}}; len(filled) != 2 || filled[0] != want[0] || filled[1] != want[1] {
		t.Errorf("filled %v, want %v", filled, want)
	}
}
