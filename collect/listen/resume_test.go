package listen

import (
	"context"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// A listener started again after a crash fills the span since its
// bookmark from the API: a meeting that ended meanwhile is collected; one
// that ended before the bookmark is not.
func TestResumeFillsSinceTheBookmark(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Minute)
	_, client := fakeClient(t, fakezoom.Options{Seed: 4, Epoch: now, Clock: func() time.Time { return now }, Meetings: []fakezoom.MeetingSpec{
		{UUID: "ended-while-down", Start: now.Add(-50 * time.Minute), Duration: 40 * time.Minute, Participants: 3},
		{UUID: "ended-before", Start: now.Add(-4 * time.Hour), Duration: 30 * time.Minute, Participants: 3},
	}})
	db := storetest.MustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	if err := db.SetBookmark(ctx, "websocket", now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	com := NewCommitter(db, nil, 16)
	defer com.Close()
	r := &Resume{DB: db, Bookmark: "websocket", Committer: com, Socket: &WebSocket{}, Gaps: &GapFiller{Client: client, DB: db}}
	r.Start(ctx)
	defer r.Wait()
	defer cancel()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if info, err := db.MeetingInfo(ctx, "ended-while-down"); err == nil && !info.Collected.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the meeting that ended while the listener was down was not collected")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := db.MeetingInfo(ctx, "ended-before"); err == nil {
		t.Error("a meeting that ended before the bookmark was collected")
	}
}
