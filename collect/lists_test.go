package collect

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
	"github.com/zoomqos/zoomqos/store"
)

// counted serves a fake account and counts the API requests it gets; past
// 60 it cancels the run, so that a client that would never stop fails the
// test instead of hanging it.
func counted(t *testing.T, opts fakezoom.Options, cancel context.CancelFunc) (*fakezoom.Server, *zoom.Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv, client, _ := wrapped(t, opts, func(fake http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/oauth/token" && n.Add(1) > 60 {
				cancel()
			}
			fake.ServeHTTP(w, r)
		})
	})
	return srv, client, &n
}

// An empty list whose page_count and total_records say 0 has no page
// after the first: a next_page_token on it stops the list at once, naming
// the endpoint and the page, however many empty pages the server would
// send.
func TestEmptyListsEnd(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plan  Plan
		words []string
	}{
		{"live, nothing running", Plan{Mode: ModeLive},
			[]string{"GET /metrics/meetings?type=live: page 1: ", "page_count is 0 (total_records 0, page_size 300)"}},
		{"past, nothing in the range", Plan{Mode: ModePast, From: epoch.AddDate(0, -4, 0), To: epoch.AddDate(0, -4, 4)},
			[]string{"GET /metrics/meetings?type=past&from=2026-07-20&to=2026-07-24: page 1: ", "page_count is 0"}},
		{"live webinars, nothing running", Plan{Mode: ModeLive, Webinars: true},
			[]string{"GET /metrics/webinars?type=live: page 1: ", "page_count is 0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := pastOnly(2, 5)
			opts.Faults.EndlessPages = true
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, client, requests := counted(t, opts, cancel)
			c := &Collector{Client: client, DB: openDB(t)}
			_, err := c.Run(ctx, tc.plan)
			zoomtest.MustSay(t, tc.name, err, tc.words...)
			if n := requests.Load(); n != 1 {
				t.Errorf("%s: %d requests, want 1", tc.name, n)
			}
		})
	}
}

// emptyPages is how many empty pages in a row, each with a
// next_page_token, stop a list (zoom.Pager's limit).
const emptyPages = 3

// A list whose pages do not say how many there are (no page_count, no
// total_records) and that sends empty pages with new next_page_tokens
// stops after a few of them, not after maxPages; a list without counts
// whose pages hold items is followed to its end.
func TestEmptyPagesWithoutCountsEnd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		items   func(page int) int // participants on a page
		pages   int                // the server's last page; 0: never ends
		want    int                // requests
		wantErr string
	}{
		{"empty from the start", func(int) int { return 0 }, 0, emptyPages, "page 3: the last 3 pages held no participants"},
		{"empty past the end", func(p int) int { return map[bool]int{true: 2}[p <= 4] }, 0, 4 + emptyPages, "page 7: the last 3 pages held no participants"},
		{"empty pages between full ones", func(p int) int { return map[bool]int{true: 2}[p%3 == 0] }, 12, 12, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var requests atomic.Int64
			_, client, _ := wrapped(t, pastOnly(1, 5), func(fake http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/oauth/token" {
						fake.ServeHTTP(w, r)
						return
					}
					if otherThanQoS(w, r) {
						return
					}
					page := int(requests.Add(1))
					if page > 60 {
						cancel()
					}
					var parts []string
					for i := range tc.items(page) {
						parts = append(parts, fmt.Sprintf(`{"id":"p%d-%d","user_id":"%d","user_name":"P","join_time":"2026-11-20T10:00:00Z","user_qos":[]}`, page, i, page*10+i))
					}
					next := fmt.Sprintf("token-%d", page)
					if page == tc.pages {
						next = ""
					}
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprintf(w, `{"page_size":10,"next_page_token":%q,"participants":[%s]}`, next, strings.Join(parts, ","))
				})
			})
			_, err := (&Collector{Client: client, DB: openDB(t)}).Run(ctx, Plan{Mode: ModeMeeting, Target: Target{ID: "M"}, Type: store.Past})
			if tc.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != "" {
				zoomtest.MustSay(t, tc.name, err, "meeting M: GET /metrics/meetings/{meetingId}/participants/qos: "+tc.wantErr)
			}
			if n := int(requests.Load()); n != tc.want {
				t.Errorf("%s: %d requests, want %d", tc.name, n, tc.want)
			}
		})
	}
}

// listFaults are lists that do not end: a repeated next_page_token, and
// pages past the last.
var listFaults = []struct {
	name   string
	faults fakezoom.Faults
}{
	{"repeat-token", fakezoom.Faults{RepeatTokenEvery: 3}},
	{"endless-pages", fakezoom.Faults{EndlessPages: true}},
}

// When lists do not end, the summary says how many meetings were collected
// in full and how many only in part, and so does the error.
func TestSummarySaysWhatIsPartial(t *testing.T) {
	for _, tc := range listFaults {
		t.Run(tc.name, func(t *testing.T) {
			opts := pastOnly(6, 25) // two to four pages a meeting
			opts.Faults = tc.faults
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, client, _ := counted(t, opts, cancel)
			c := &Collector{Client: client, DB: openDB(t)}
			report, err := c.Run(ctx, Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch})
			r := &report
			if r.PartialMeetings == 0 || r.PartialMeetings > r.Meetings || len(r.Failed) < r.PartialMeetings {
				t.Fatalf("%d meetings, %d in part, %d failed: %v", r.Meetings, r.PartialMeetings, len(r.Failed), err)
			}
			full := r.Meetings - r.PartialMeetings
			want := fmt.Sprintf("%d meetings in full and %d only in part", full, r.PartialMeetings)
			if full == 1 {
				want = fmt.Sprintf("1 meeting in full and %d only in part", r.PartialMeetings)
			}
			if got := r.Summary(); got != want {
				t.Errorf("summary %q, want %q", got, want)
			}
			zoomtest.MustSay(t, tc.name, err, fmt.Sprintf("%d of ", len(r.Failed)), " meetings could not be collected in full",
				fmt.Sprintf("%d of them only in part", r.PartialMeetings), "fetches them again")
			if rest := strings.Contains(err.Error(), "(the rest were)"); rest != (len(r.Failed) < r.Meetings) {
				t.Errorf("%d of %d failed, and the error says the rest were collected: %v", len(r.Failed), r.Meetings, rest)
			}
			if ctx.Err() != nil {
				t.Errorf("the run did not stop by itself")
			}
		})
	}
	// Without failures, the summary is as before.
	r := CollectReport{Meetings: 12}
	if got := r.Summary(); got != "12 meetings" {
		t.Errorf("summary %q", got)
	}
	r = CollectReport{Webinars: 2, PartialWebinars: 1}
	if got := r.Summary(); got != "1 webinar in full and 1 only in part" {
		t.Errorf("summary %q", got)
	}
}

// A discovery whose list stops being trustworthy after its first page
// still collects the meetings that page listed, then reports the
// discovery's failure.
func TestDiscoveryThatDoesNotEndStillCollects(t *testing.T) {
	opts := pastOnly(5, 5)
	opts.Faults.EndlessPages = true
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, client, _ := counted(t, opts, cancel)
	db := openDB(t)
	c := &Collector{Client: client, DB: db}
	report, err := c.Run(ctx, Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch})
	zoomtest.MustSay(t, "endless discovery", err, "GET /metrics/meetings?type=past&from=", "page 1: ", "page_count is 1 (total_records 5, page_size 300)",
		"the 5 meetings it did list were still collected",
		// Their own lists do not end either.
		"5 of 5 meetings could not be collected in full, ")
	if strings.Contains(err.Error(), "the rest were") {
		t.Errorf("no meeting was collected in full, but the error says the rest were: %v", err)
	}
	if report.Meetings != 5 {
		t.Errorf("%d meetings collected, want the 5 discovery listed: %v", report.Meetings, err)
	}
	for _, m := range srv.Meetings() {
		if sum, err := db.Meeting(context.Background(), m.UUID); err != nil || sum.Sessions != m.Sessions {
			t.Errorf("meeting %s: %d sessions stored, want %d (%v)", m.UUID, sum.Sessions, m.Sessions, err)
		}
	}
}

// A meeting whose list does not end keeps every page it sent and says so,
// with exit status 1: the meeting is not marked collected, so that the
// next run fetches it again.
func TestMeetingThatDoesNotEnd(t *testing.T) {
	for _, tc := range listFaults {
		t.Run(tc.name, func(t *testing.T) {
			opts := pastOnly(1, 25)
			opts.Faults = tc.faults
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			srv, client, _ := counted(t, opts, cancel)
			db := openDB(t)
			m := srv.Meetings()[0]
			c := &Collector{Client: client, DB: db}
			report, err := c.Run(ctx, Plan{Mode: ModeMeeting, Target: Target{ID: m.UUID}, Type: store.Past})
			zoomtest.MustSay(t, tc.name, err, "meeting "+m.UUID+": GET /metrics/meetings/{meetingId}/participants/qos: page ",
				fmt.Sprintf("the %d pages received are stored (%d sessions)", report.Pages, report.Sessions),
				"not marked as collected in full", "running the same command again fetches it again")
			info, ierr := db.MeetingInfo(context.Background(), m.UUID)
			if ierr != nil || !info.Collected.IsZero() {
				t.Errorf("meeting marked collected (%v): %+v", ierr, info)
			}
			if report.PartialMeetings != 1 || report.Summary() != "0 meetings in full and 1 only in part" {
				t.Errorf("report %q: %+v", report.Summary(), report)
			}
			if tc.faults.EndlessPages {
				sum, _ := db.Meeting(context.Background(), m.UUID)
				if sum.Sessions != m.Sessions {
					t.Errorf("%d sessions stored, want all %d", sum.Sessions, m.Sessions)
				}
			}
		})
	}
}

// A live list under endless pages: every running meeting is polled, then
// the discovery's failure is reported.
func TestLiveDiscoveryThatDoesNotEnd(t *testing.T) {
	clock := newClock(epoch)
	opts := fakezoom.Options{Seed: 7, Clock: clock.Now, PastMeetings: 1, LiveMeetings: 2, Participants: 5}
	opts.Faults.EndlessPages = true
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, client, _ := counted(t, opts, cancel)
	c := &Collector{Client: client, DB: openDB(t)}
	report, err := c.Run(ctx, Plan{Mode: ModeLive})
	zoomtest.MustSay(t, "live", err, "GET /metrics/meetings?type=live: page 1: ", "the 2 meetings it did list were still collected")
	if report.Meetings != 2 {
		t.Errorf("%d live meetings polled, want 2: %v", report.Meetings, err)
	}
}

// A list endpoint whose next_page_token repeats, or that has more pages
// than its page_count, stops that meeting or that discovery with an error,
// after a handful of requests.
func TestListsThatNeverEnd(t *testing.T) {
	discoveryPagesOfOne := func(fake http.Handler) http.Handler {
		// A server that pages discovery one meeting at a time, as it may.
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v2/metrics/meetings" {
				q := r.URL.Query()
				q.Set("page_size", "1")
				r.URL.RawQuery = q.Encode()
			}
			fake.ServeHTTP(w, r)
		})
	}
	for _, tc := range []struct {
		name   string
		faults fakezoom.Faults
		plan   Plan
		words  []string
	}{
		{"meeting, the same token", fakezoom.Faults{RepeatTokenEvery: 1}, Plan{Mode: ModeMeeting, Type: store.Past},
			[]string{"meeting M: GET /metrics/meetings/{meetingId}/participants/qos: page 2: ", "the same next_page_token as page 1"}},
		{"meeting, pages without end", fakezoom.Faults{EndlessPages: true}, Plan{Mode: ModeMeeting, Type: store.Past},
			[]string{"meeting M: GET /metrics/meetings/{meetingId}/participants/qos: page 3: ", "page_count is 3 (total_records 25, page_size 10)"}},
		{"webinar, the same token", fakezoom.Faults{RepeatTokenEvery: 1}, Plan{Mode: ModeMeeting, Type: store.Past, Target: Target{Webinar: true}},
			[]string{"webinar W: GET /metrics/webinars/{webinarId}/participants/qos: page 2: "}},
		{"discovery, the same token", fakezoom.Faults{RepeatTokenEvery: 1}, Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch},
			[]string{"GET /metrics/meetings", "page 2: ", "the same next_page_token as page 1"}},
		{"discovery, pages without end", fakezoom.Faults{EndlessPages: true}, Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch},
			[]string{"GET /metrics/meetings", "page 3: ", "page_count is 3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock(epoch)
			opts := fakezoom.Options{Seed: 3, Clock: clock.Now, Faults: tc.faults, Meetings: []fakezoom.MeetingSpec{
				{UUID: "M", Start: epoch.Add(-5 * time.Hour), Duration: time.Hour, Participants: 25, NoRejoins: true},
				{UUID: "W", Webinar: true, Start: epoch.Add(-4 * time.Hour), Duration: time.Hour, Participants: 25, NoRejoins: true},
				{UUID: "M2", Start: epoch.Add(-3 * time.Hour), Duration: time.Hour, Participants: 5, NoRejoins: true},
				{UUID: "M3", Start: epoch.Add(-2 * time.Hour), Duration: time.Hour, Participants: 5, NoRejoins: true},
			}}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var requests atomic.Int64
			_, client, _ := wrapped(t, opts, func(fake http.Handler) http.Handler {
				inner := discoveryPagesOfOne(fake)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if requests.Add(1) > 50 {
						cancel() // a client that would never stop
					}
					inner.ServeHTTP(w, r)
				})
			})
			plan := tc.plan
			if plan.Mode == ModeMeeting {
				plan.Target.ID = map[bool]string{false: "M", true: "W"}[plan.Target.Webinar]
			}
			_, err := (&Collector{Client: client, DB: openDB(t)}).Run(ctx, plan)
			zoomtest.MustSay(t, tc.name, err, tc.words...)
			if n := requests.Load(); n > 10 {
				t.Errorf("%s: %d requests", tc.name, n)
			}
		})
	}
}
