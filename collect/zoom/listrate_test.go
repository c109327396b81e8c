package zoom

import (
	"context"
	"net/url"
	"testing"
	"time"
)

// The meeting lists are Zoom's Resource-intensive calls, limited apart
// from the Heavy ones by ListRate a minute: half the minute's allowance at
// once, the rest spread over the minute, so that no 60 seconds see more
// than ListRate of them. A Heavy request never waits for the lists' limit.
func TestMeetingListsHaveTheirOwnLimit(t *testing.T) {
	fz, client := account(t, pastOnly(1, 3), func(c *ClientConfig) { c.Rate, c.ListRate = 1000, 120 })
	ctx := context.Background()
	list := func() time.Duration {
		t.Helper()
		t0 := time.Now()
		_, err := client.Get(ctx, Request{Path: "/metrics/meetings", Query: url.Values{"type": {"past"}, "from": {"2026-11-01"}, "to": {"2026-11-20"}},
			Endpoint: "GET /metrics/meetings", Page: 1, Want: MeetingList, ResourceIntensive: true})
		if err != nil {
			t.Fatal(err)
		}
		return time.Since(t0)
	}
	heavy := func() time.Duration {
		t.Helper()
		t0 := time.Now()
		_, err := client.Get(ctx, Request{Path: "/metrics/meetings/" + EscapeID(fz.Meetings()[0].UUID), Query: url.Values{"type": {"past"}},
			Endpoint: "GET /metrics/meetings/{meetingId}", Want: MeetingDetails})
		if err != nil {
			t.Fatal(err)
		}
		return time.Since(t0)
	}
	// 60 lists (half of 120 a minute) at once.
	t0 := time.Now()
	for range 60 {
		list()
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Fatalf("the first 60 lists took %s", d)
	}
	// The lists' allowance is spent; Heavy requests go at once all the same.
	for range 20 {
		if d := heavy(); d > 500*time.Millisecond {
			t.Errorf("a Heavy request waited %s behind the lists' limit", d)
		}
	}
	// The 61st list waits for its turn: one a second at 120 a minute.
	if d := list(); d < 700*time.Millisecond {
		t.Errorf("the 61st list within a minute went after %s, want about 1s", d)
	}
	if got := fz.Requests(); got != 81 {
		t.Errorf("the fake saw %d requests, want 81", got)
	}
}
