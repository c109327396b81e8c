package collect

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/store"
)

// wrapped serves a fake account behind a handler that may answer for it,
// and returns a client for it. The wrapper sees every API request.
func wrapped(t *testing.T, o fakezoom.Options, wrap func(fake http.Handler) http.Handler, tune ...func(*zoom.ClientConfig)) (*fakezoom.Server, *zoom.Client, string) {
	t.Helper()
	srv := fakezoom.NewServer(o)
	ts := httptest.NewServer(wrap(srv))
	t.Cleanup(ts.Close)
	so := srv.Options()
	cfg := zoom.ClientConfig{Credentials: zoom.Credentials{AccountID: so.AccountID, ClientID: so.ClientID, ClientSecret: so.ClientSecret},
		APIURL: ts.URL + "/v2", TokenURL: ts.URL + "/oauth/token", Rate: 1000, Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}
	for _, f := range tune {
		f(&cfg)
	}
	client, err := zoom.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, client, ts.URL
}

// A 200 that is not a QoS page (a proxy's glitch) is tried again, like a
// cut-off answer; the run completes.
func TestNotQoSAnswerIsRetried(t *testing.T) {
	opts := pastOnly(2, 25)
	opts.Faults.NotQoSEvery = 3
	var logs logBuffer
	fz, client := account(t, opts, func(c *zoom.ClientConfig) { c.Log = logs.logger() })
	db := openDB(t)
	c := &Collector{Client: client, DB: db}
	if _, err := c.Run(context.Background(), Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch}); err != nil {
		t.Fatal(err)
	}
	for _, m := range fz.Meetings() {
		if sum, err := db.Meeting(context.Background(), m.UUID); err != nil || sum.Sessions != m.Sessions {
			t.Errorf("meeting %s: %+v, %v", m.UUID, sum, err)
		}
	}
	mustLog(t, "non-QoS answers", logs.String(), "level=WARN", "is not a QoS page", "retry 1 of 5 in ")
}

// A 200 that keeps not being a QoS page ends with an error naming the
// meeting, the endpoint and the page, and saying what came instead.
func TestNotQoSAnswerIsNamed(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body, says string
	}{
		{"empty object", "application/json", `{}`, "an empty JSON object"},
		{"Zoom error body", "application/json", `{"code":124,"message":"Invalid access token."}`, "a Zoom error (code 124: Invalid access token.)"},
		{"HTML page", "text/html", "<html><head><title>Access denied</title></head><body>Your proxy says no.</body></html>", `an HTML page ("Access denied")`},
		{"JSON of something else", "application/json", `{"status":"ok","items":[]}`, "a JSON object with status, items"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int64
			srv, client, _ := wrapped(t, pastOnly(1, 25), func(fake http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					// Page 2 of the QoS list, every time it is asked for.
					if strings.HasSuffix(r.URL.Path, "/participants/qos") && r.URL.Query().Get("next_page_token") != "" {
						n.Add(1)
						w.Header().Set("Content-Type", tc.ctype)
						fmt.Fprint(w, tc.body)
						return
					}
					fake.ServeHTTP(w, r)
				})
			})
			m := srv.Meetings()[0]
			db := openDB(t)
			_, err := (&Collector{Client: client, DB: db}).Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: m.UUID}, Type: store.Past})
			mustSay(t, tc.name, err, "meeting "+m.UUID+": GET /metrics/meetings/{meetingId}/participants/qos: page 2: ",
				"not a QoS page but "+tc.says, "6 tries")
			if n.Load() != 6 {
				t.Errorf("page 2 asked for %d times, want 6", n.Load())
			}
			if sum, _ := db.Meeting(context.Background(), m.UUID); sum.Documents != 2 || !sum.Collected.IsZero() {
				t.Errorf("stored %+v: want its details and page 1 kept, the meeting not marked complete", sum)
			}
		})
	}
	// Discovery too.
	_, client, _ := wrapped(t, pastOnly(1, 5), func(fake http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v2/metrics/meetings" {
				fmt.Fprint(w, `{}`)
				return
			}
			fake.ServeHTTP(w, r)
		})
	})
	_, err := (&Collector{Client: client, DB: openDB(t)}).Run(context.Background(), Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -10), To: epoch})
	mustSay(t, "discovery", err, "GET /metrics/meetings", "page 1: ", "not a list of meetings but an empty JSON object")
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
			mustSay(t, tc.name, err, tc.words...)
			if n := requests.Load(); n > 10 {
				t.Errorf("%s: %d requests", tc.name, n)
			}
		})
	}
}
