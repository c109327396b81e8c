package collect

import (
	"context"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
	"github.com/zoomqos/zoomqos/store"
)

// Webinars are counted as webinars, and messages about one say
// "webinar".
func TestWebinarsAreNotMeetings(t *testing.T) {
	o := pastOnly(3, 6)
	o.Webinars = 2
	_, client := account(t, o)
	db := openDB(t)
	web := &Collector{Client: client, DB: db}
	r, err := web.Run(context.Background(), Plan{Mode: ModePast, Webinars: true, From: epoch.AddDate(0, 0, -30), To: epoch})
	if err != nil {
		t.Fatal(err)
	}
	if r.Webinars != 2 || r.Meetings != 0 || r.Summary() != "2 webinars" {
		t.Errorf("webinars collected: %d meetings, %d webinars, %q", r.Meetings, r.Webinars, r.Summary())
	}
	meet := &Collector{Client: client, DB: db}
	r, err = meet.Run(context.Background(), Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch})
	if err != nil {
		t.Fatal(err)
	}
	if r.Webinars != 0 || r.Meetings != 3 || r.Summary() != "3 meetings" {
		t.Errorf("meetings collected: %d meetings, %d webinars, %q", r.Meetings, r.Webinars, r.Summary())
	}
	for _, tc := range []struct {
		r    CollectReport
		want string
	}{
		{CollectReport{Meetings: 12, Webinars: 2}, "12 meetings and 2 webinars"},
		{CollectReport{Meetings: 1, Webinars: 1}, "1 meeting and 1 webinar"},
		{CollectReport{Meetings: 1}, "1 meeting"},
		{CollectReport{}, "0 meetings"},
	} {
		if got := tc.r.Summary(); got != tc.want {
			t.Errorf("Summary of %d and %d = %q, want %q", tc.r.Meetings, tc.r.Webinars, got, tc.want)
		}
	}

	// A webinar that is not there.
	_, err = (&Collector{Client: client, DB: db}).Run(context.Background(),
		Plan{Mode: ModeMeeting, Target: Target{ID: "99999999999", Webinar: true}, Type: store.Past})
	zoomtest.MustSay(t, "unknown webinar", err, "webinar 99999999999: GET /metrics/webinars/{webinarId}: ",
		"the ID is wrong, or the webinar has not ended yet")
	if strings.Contains(err.Error(), "meeting") {
		t.Errorf("a message about a webinar speaks of a meeting: %v", err)
	}
}
