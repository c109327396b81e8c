package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
	"github.com/zoomqos/zoomqos/store"
)

// account starts a fake Zoom account and a client for it, with quick
// retries so that fault tests run fast.
func account(t *testing.T, o fakezoom.Options, tune ...func(*zoom.ClientConfig)) (*fakezoom.Running, *zoom.Client) {
	t.Helper()
	fz := fakezoom.Start(o)
	t.Cleanup(fz.Close)
	opts := fz.Options()
	cfg := zoom.ClientConfig{
		Credentials: zoom.Credentials{AccountID: opts.AccountID, ClientID: opts.ClientID, ClientSecret: opts.ClientSecret},
		APIURL:      fz.APIURL, TokenURL: fz.TokenURL,
		Rate: 1000, ListRate: 60000, Backoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond,
	}
	for _, f := range tune {
		f(&cfg)
	}
	c, err := zoom.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return fz, c
}

// fixedClock is a settable clock for the fake.
type fixedClock struct{ t atomic.Int64 }

func newClock(t time.Time) *fixedClock {
	c := &fixedClock{}
	c.t.Store(t.UnixNano())
	return c
}
func (c *fixedClock) Now() time.Time      { return time.Unix(0, c.t.Load()).UTC() }
func (c *fixedClock) Add(d time.Duration) { c.t.Add(int64(d)) }
func (c *fixedClock) Set(t time.Time)     { c.t.Store(t.UnixNano()) }

var epoch = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// pastOnly is an account of n past meetings of about people people each,
// ten minutes long: enough for every page and fault, little work for a
// loaded machine.
func pastOnly(n, people int) fakezoom.Options {
	clock := newClock(epoch)
	return fakezoom.Options{Seed: 42, Clock: clock.Now, PastMeetings: n, Participants: people, Minutes: 10}
}

// dumpMeeting renders a meeting's sessions and samples for comparisons.
func dumpMeeting(t *testing.T, db *store.DB, id string) string {
	t.Helper()
	var b strings.Builder
	err := db.ForEachSample(context.Background(), id, func(s *store.Session, smp *store.Sample) error {
		fmt.Fprintf(&b, "%s %s %s %s %s\n", s.Participant, s.JoinTime.Format(time.RFC3339), s.UserName, smp.Time.Format(time.RFC3339), formatValues(smp.Values))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCollectMeeting(t *testing.T) {
	fz, client := account(t, pastOnly(3, 23))
	db := openDB(t)
	// One collector, one meeting after the other: each report is its
	// run's own.
	c := &Collector{Client: client, DB: db}
	for _, m := range fz.Meetings() {
		report, err := c.Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: m.UUID}, Type: store.Past})
		if err != nil {
			t.Fatalf("meeting %s: %v", m.UUID, err)
		}
		sum, err := db.Meeting(context.Background(), m.UUID)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Sessions != m.Sessions || sum.Participants < m.Participants*6/7 || sum.Samples == 0 || sum.Collected.IsZero() {
			t.Errorf("meeting %s stored %+v, want %d sessions", m.UUID, sum, m.Sessions)
		}
		// The details, the QoS pages (page_size 10), the participants
		// list (page_size 300).
		if want := 1 + (m.Sessions+9)/10 + (m.Sessions+299)/300; report.Pages != want {
			t.Errorf("meeting %s: %d documents, want %d", m.UUID, report.Pages, want)
		}
		if report.Added != sum.Samples || report.Present != 0 {
			t.Errorf("report %+v for %d stored samples", report, sum.Samples)
		}
	}
	// UUIDs beginning with "/" and holding "//" were among them: the
	// double encoding worked. Single encoding does not, as with Zoom.
	slashed := fz.Meetings()[1].UUID
	if !strings.HasPrefix(slashed, "/") {
		t.Fatalf("fixture changed: %s", slashed)
	}
	_, err := client.Get(context.Background(), zoom.Request{Path: "/metrics/meetings/" + strings.ReplaceAll(slashed, "/", "%2F") + "/participants/qos",
		Endpoint: "GET /metrics/meetings/{meetingId}/participants/qos", Meeting: slashed})
	var ae *zoom.APIError
	if !errors.As(err, &ae) || !ae.NotAvailable() {
		t.Errorf("single-encoded UUID with a leading slash: %v, want 404 code 3001", err)
	}

	// Collecting again adds nothing.
	m := fz.Meetings()[0]
	report, err := c.Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: m.UUID}, Type: store.Past})
	if err != nil {
		t.Fatal(err)
	}
	if report.Added != 0 || report.Present == 0 {
		t.Errorf("second collection: %+v", report)
	}
}

func TestCollectByMeetingNumber(t *testing.T) {
	fz, client := account(t, pastOnly(2, 8))
	db := openDB(t)
	m := fz.Meetings()[0]
	id := fmt.Sprint(m.ID)
	c := &Collector{Client: client, DB: db}
	if _, err := c.Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: id}, Type: store.Past}); err != nil {
		t.Fatal(err)
	}
	// Stored under its instance UUID, with its number and topic, as
	// discovery stores it.
	sum, err := db.Meeting(context.Background(), m.UUID)
	if err != nil || sum.Sessions != m.Sessions || sum.Number != id || sum.Topic != m.Topic || sum.Details == nil || !sum.Details.StartTime.Equal(m.Start) {
		t.Errorf("by number: %+v, %v", sum, err)
	}
	if _, err := db.Meeting(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a copy under the number: %v", err)
	}
	// The same instance again, by UUID, by number and through discovery,
	// adds nothing: one meeting.
	for _, plan := range []Plan{{Mode: ModeMeeting, Target: Target{ID: m.UUID}, Type: store.Past}, {Mode: ModeMeeting, Target: Target{ID: id}, Type: store.Past},
		{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch, Refresh: true}} {
		c := &Collector{Client: client, DB: db}
		report, err := c.Run(context.Background(), plan)
		if err != nil {
			t.Fatal(err)
		}
		if plan.Mode != ModePast && (report.Added != 0 || report.NewSessions != 0) {
			t.Errorf("%+v again: %+v", plan.Target, report)
		}
	}
	list, _ := db.Meetings(context.Background())
	if len(list) != 2 || list[0].ID == id || list[1].ID == id {
		t.Errorf("meetings stored: %+v", list)
	}
}

func TestCollectParticipant(t *testing.T) {
	fz, client := account(t, pastOnly(1, 5))
	db := openDB(t)
	m := fz.Meetings()[0]
	c := &Collector{Client: client, DB: db}
	report, err := c.Run(context.Background(), Plan{Mode: ModeParticipant, Target: Target{ID: m.UUID}, Type: store.Past, Participant: "16778244"})
	if err != nil {
		t.Fatal(err)
	}
	ss, _ := db.Sessions(context.Background(), m.UUID)
	if len(ss) != 1 || ss[0].UserID != "16778244" || report.Added == 0 {
		t.Errorf("sessions %+v, report %+v", ss, report)
	}
	_, err = (&Collector{Client: client, DB: db}).Run(context.Background(), Plan{Mode: ModeParticipant, Target: Target{ID: m.UUID}, Type: store.Past, Participant: "nobody"})
	var ae *zoom.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
		t.Errorf("unknown participant: %v", err)
	}
}

func TestErrorsSpeakPlainly(t *testing.T) {
	clock := newClock(epoch)
	old := fakezoom.MeetingSpec{UUID: "old-instance", ID: 81111111111, Start: epoch.AddDate(-2, 0, 0), Duration: time.Hour, Participants: 3}
	_, client := account(t, fakezoom.Options{Clock: clock.Now, Meetings: []fakezoom.MeetingSpec{old}})
	db := openDB(t)
	for _, tc := range []struct {
		id    string
		words []string
	}{
		{"99999999999", []string{"meeting 99999999999", "GET /metrics/meetings/{meetingId}: ", "the ID is wrong", "HTTP 404", "Zoom code 3001", "tracking id v=2.0;clid=fake;rid="}},
		{"old-instance", []string{"meeting old-instance", "Zoom keeps QoS data for a year", "Zoom code 12702", "tracking id"}},
	} {
		_, err := (&Collector{Client: client, DB: db}).Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: tc.id}, Type: store.Past})
		for _, w := range tc.words {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("error %v does not say %q", err, w)
			}
		}
	}
}

func TestDiscoverPast(t *testing.T) {
	o := pastOnly(6, 6)
	o.Webinars = 2
	fz, client := account(t, o)
	db := openDB(t)
	plan := Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -40), To: epoch, Concurrency: 3}
	c := &Collector{Client: client, DB: db}
	report, err := c.Run(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	meetings := 0
	for _, m := range fz.Meetings() {
		if m.Webinar {
			continue
		}
		meetings++
		sum, err := db.Meeting(context.Background(), m.UUID)
		if err != nil || sum.Sessions != m.Sessions || sum.Topic != m.Topic || sum.Number != fmt.Sprint(m.ID) {
			t.Errorf("meeting %s: %+v, %v", m.UUID, sum, err)
		}
	}
	if report.Meetings != meetings {
		t.Errorf("collected %d meetings, want %d", report.Meetings, meetings)
	}
	// 40 days: two month-long discovery calls, then the pages.
	pages := 0
	for _, m := range fz.Meetings() {
		if !m.Webinar {
			pages += (m.Sessions+9)/10 + (m.Sessions+299)/300
		}
	}
	if got, want := report.Client.Requests, int64(2+pages); got != want {
		t.Errorf("%d requests, want %d (2 discovery calls, %d QoS and participants pages)", got, want, pages)
	}

	// Again: everything is skipped; with Refresh, collected again.
	again := &Collector{Client: client, DB: db}
	if againReport, err := again.Run(context.Background(), plan); err != nil || againReport.Skipped != meetings || againReport.Pages != 0 {
		t.Errorf("second discovery: %+v, %v", againReport, err)
	}
	plan.Refresh = true
	fresh := &Collector{Client: client, DB: db}
	if freshReport, err := fresh.Run(context.Background(), plan); err != nil || freshReport.Meetings != meetings || freshReport.Added != 0 {
		t.Errorf("refresh: %+v, %v", freshReport, err)
	}

	// Webinars the same way.
	plan.Webinars = true
	web := &Collector{Client: client, DB: db}
	if webReport, err := web.Run(context.Background(), plan); err != nil || webReport.Webinars != 2 || webReport.Meetings != 0 {
		t.Errorf("webinars: %+v, %v", webReport, err)
	}
	for _, m := range fz.Meetings() {
		if m.Webinar {
			if info, err := db.MeetingInfo(context.Background(), m.UUID); err != nil || !info.Webinar {
				t.Errorf("webinar %s: %+v %v", m.UUID, info, err)
			}
		}
	}
}

// Faults are retried and the collection completes. No fault here needs a
// wall-clock budget to be met: the client's timeouts stay at their
// defaults (30 s), far beyond any loopback answer, and what is timed is a
// lower bound (a limit that holds requests back), never an upper one.
func TestFaultsAreRetried(t *testing.T) {
	for _, tc := range []struct {
		name             string
		meetings, people int
		faults           func(*fakezoom.Options)
		noRetries        bool // the fault must not cause retries
	}{
		{name: "429 bursts, ISO Retry-After", faults: func(o *fakezoom.Options) { o.Faults.Burst429Every, o.Faults.Burst429Len = 8, 1 }},
		{name: "429 bursts, seconds", faults: func(o *fakezoom.Options) {
			o.Faults.Burst429Every, o.Faults.Burst429Len, o.RetryAfter = 8, 1, "seconds"
		}},
		{name: "429 bursts, no Retry-After", faults: func(o *fakezoom.Options) { o.Faults.Burst429Every, o.RetryAfter = 4, "none" }},
		// Three one-page meetings, fetched at once, after discovery: at 1
		// a second, two of them at least share a wall-clock second
		// unless the three concurrent requests take more than a second
		// to arrive.
		{name: "per-second limit", meetings: 3, people: 6, faults: func(o *fakezoom.Options) { o.QPS = 1 }},
		{name: "5xx", faults: func(o *fakezoom.Options) { o.Faults.ServerErrors = 3 }},
		{name: "truncated bodies", faults: func(o *fakezoom.Options) { o.Faults.TruncateEvery = 2 }},
		{name: "not QoS pages", faults: func(o *fakezoom.Options) { o.Faults.NotQoSEvery = 2 }},
		// A slow answer within the client's timeout is waited for, not
		// abandoned and asked for again.
		{name: "slow answers", faults: func(o *fakezoom.Options) { o.Faults.SlowEvery, o.Faults.Slow = 3, 300*time.Millisecond }, noRetries: true},
		{name: "tokens expiring mid-run", faults: func(o *fakezoom.Options) { o.Faults.ExpireTokens = 5 }},
		{name: "everything at once", faults: func(o *fakezoom.Options) {
			o.Faults, _ = fakezoom.ParseFaults("429=9x1,5xx=5,truncate=6,expire=11,slow=7x100ms,nonqos=8")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := pastOnly(2, 25)
			if tc.meetings > 0 {
				opts = pastOnly(tc.meetings, tc.people)
			}
			tc.faults(&opts)
			var logbuf zoomtest.Log
			fz, client := account(t, opts, func(c *zoom.ClientConfig) {
				c.Log = logbuf.Logger()
				if opts.RetryAfter == "seconds" {
					c.MaxBackoff = 2 * time.Second
				}
			})
			db := openDB(t)
			c := &Collector{Client: client, DB: db}
			report, err := c.Run(context.Background(), Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch, Concurrency: 4})
			if err != nil {
				t.Log(logbuf.String())
				t.Fatal(err)
			}
			for _, m := range fz.Meetings() {
				if sum, err := db.Meeting(context.Background(), m.UUID); err != nil || sum.Sessions != m.Sessions {
					t.Errorf("meeting %s: %+v, %v", m.UUID, sum, err)
				}
			}
			if got := report.Client.Retries; (got == 0) != tc.noRetries {
				t.Errorf("%d retries counted: %+v", got, report.Client)
			}
		})
	}
}

func TestGivesUpWithAClearError(t *testing.T) {
	opts := pastOnly(1, 5)
	opts.Faults.ServerErrors = 1
	fz, client := account(t, opts)
	_, err := (&Collector{Client: client, DB: openDB(t)}).Run(context.Background(),
		Plan{Mode: ModeMeeting, Target: Target{ID: fz.Meetings()[0].UUID}, Type: store.Past})
	for _, w := range []string{"meeting " + fz.Meetings()[0].UUID, "Zoom's servers failed", "gave up after 6 tries", "tracking id"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not say %q", err, w)
		}
	}

	opts = pastOnly(1, 5)
	opts.Faults.Burst429Every, opts.Faults.Burst429Len, opts.RetryAfter = 1, 1000, "none"
	fz, client = account(t, opts)
	_, err = (&Collector{Client: client, DB: openDB(t)}).Run(context.Background(),
		Plan{Mode: ModeMeeting, Target: Target{ID: fz.Meetings()[0].UUID}, Type: store.Past})
	if err == nil || !strings.Contains(err.Error(), "lower ClientConfig.Rate") {
		t.Errorf("429 storm: %v", err)
	}
}

// A fixed access token that Zoom stops taking in the middle of a
// discovery stops the run at once, with the client's advice, rather than
// refusing every meeting in turn.
func TestFixedTokenRefusedStopsTheRun(t *testing.T) {
	opts := pastOnly(8, 25)
	opts.Faults.ExpireTokens = 4
	fz, _ := account(t, opts)
	client, _ := zoom.NewClient(zoom.ClientConfig{Credentials: zoom.Credentials{AccessToken: accessToken(t, fz)}, APIURL: fz.APIURL, Rate: 1000})
	report, err := (&Collector{Client: client, DB: openDB(t)}).Run(context.Background(), Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch, Concurrency: 4})
	zoomtest.MustSay(t, "past", err, "Zoom refused the access token from Credentials.AccessToken", "cannot be renewed")
	if !errors.Is(err, zoom.ErrTokenRefused) {
		t.Errorf("%v is not zoom.ErrTokenRefused", err)
	}
	if n := fz.Requests(); n > 4+4 {
		t.Errorf("%d requests: the run went on after the token was refused", n)
	}
	if len(report.Failed) > 0 {
		t.Errorf("each meeting failed in turn: %v", report.Failed)
	}
}

// A request given up in the middle of a meeting's list (page 2 of its QoS
// list is never a QoS page) keeps what came before it, the details and
// page 1, and leaves the meeting not marked as collected in full.
func TestGivenUpMidListKeepsWhatCame(t *testing.T) {
	srv, client, _ := wrapped(t, pastOnly(1, 25), func(fake http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/participants/qos") && r.URL.Query().Get("next_page_token") != "" {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{}`)
				return
			}
			fake.ServeHTTP(w, r)
		})
	})
	m := srv.Meetings()[0]
	db := openDB(t)
	report, err := (&Collector{Client: client, DB: db}).Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: m.UUID}, Type: store.Past})
	zoomtest.MustSay(t, "page 2", err, "meeting "+m.UUID+": GET /metrics/meetings/{meetingId}/participants/qos: page 2: ", "not a QoS page",
		"; the 2 pages received are stored (10 sessions), but the meeting is not marked as collected in full")
	if sum, _ := db.Meeting(context.Background(), m.UUID); sum.Documents != 2 || !sum.Collected.IsZero() || report.Pages != 2 || report.PartialMeetings != 1 {
		t.Errorf("stored %+v, report %+v: want its details and page 1 kept, the meeting not marked complete", sum, report)
	}
}

// The daily limit stops the run with what was collected kept and the time
// it may resume; the next day the same command finishes the job, and the
// store ends up as an uninterrupted run leaves it.
func TestDailyLimitThenResume(t *testing.T) {
	clock := newClock(epoch)
	var specs []fakezoom.MeetingSpec
	for i := range 3 {
		specs = append(specs, fakezoom.MeetingSpec{Start: epoch.AddDate(0, 0, -3-i), Duration: 40 * time.Minute, Participants: 20, NoRejoins: true})
	}
	// Ten requests do it all: one discovery, two QoS pages and one page of
	// participants a meeting. The limit lets seven through a day.
	opts := fakezoom.Options{Seed: 7, Clock: clock.Now, Meetings: specs, DailyLimit: 7}
	fz, client := account(t, opts)
	db := openDB(t)
	plan := Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch, Concurrency: 1}
	c := &Collector{Client: client, DB: db}
	report, err := c.Run(context.Background(), plan)
	var dl *zoom.DailyLimitError
	if !errors.As(err, &dl) {
		t.Fatalf("run into the daily limit: %v", err)
	}
	if want := epoch.Truncate(24 * time.Hour).Add(24 * time.Hour); !dl.ResumeAt.Equal(want) {
		t.Errorf("resume at %s, want %s", dl.ResumeAt, want)
	}
	// Two meetings in full (their discovery entry, two QoS pages, the
	// participants), and the third's entry.
	if !strings.Contains(err.Error(), "what was collected is kept") || report.Pages != 9 {
		t.Errorf("error %q after %d documents, want 9 stored", err, report.Pages)
	}

	clock.Add(24 * time.Hour)
	again := &Collector{Client: client, DB: db}
	againReport, err := again.Run(context.Background(), plan)
	if err != nil {
		t.Fatalf("the next day: %v", err)
	}
	if againReport.Skipped != 2 || againReport.Pages != 4 {
		t.Errorf("the next day: %+v, want 2 meetings skipped and 4 documents", againReport)
	}

	// An uninterrupted run into another store.
	opts.DailyLimit = 0
	opts.Clock = newClock(epoch).Now
	_, client2 := account(t, opts)
	ref := openDB(t)
	if _, err := (&Collector{Client: client2, DB: ref}).Run(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	for _, m := range fz.Meetings() {
		if got, want := dumpMeeting(t, db, m.UUID), dumpMeeting(t, ref, m.UUID); got != want || got == "" {
			t.Errorf("meeting %s differs from an uninterrupted collection", m.UUID)
		}
	}
}

// Ctrl-C in the middle: every page received is stored; running again
// continues and ends with the same store as an uninterrupted run.
func TestInterruptedThenResumed(t *testing.T) {
	opts := pastOnly(4, 30) // at least two pages each: page 7 comes
	fz, client := account(t, opts)
	db := openDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	c := &Collector{Client: client, DB: db, OnProgress: func(p Progress) {
		if p.Pages == 7 {
			cancel()
		}
	}}
	plan := Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch, Concurrency: 2}
	report, err := c.Run(ctx, plan)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	if report.Pages < 7 {
		t.Errorf("%d pages stored before the interruption", report.Pages)
	}
	if _, err := (&Collector{Client: client, DB: db}).Run(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	ref := openDB(t)
	_, client2 := account(t, opts)
	if _, err := (&Collector{Client: client2, DB: ref}).Run(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	for _, m := range fz.Meetings() {
		if got, want := dumpMeeting(t, db, m.UUID), dumpMeeting(t, ref, m.UUID); got != want || got == "" {
			t.Errorf("meeting %s differs from an uninterrupted collection", m.UUID)
		}
	}
}

// An expired page token (they last 15 minutes) starts the meeting over.
func TestExpiredPageToken(t *testing.T) {
	clock := newClock(epoch)
	opts := fakezoom.Options{Seed: 3, Clock: clock.Now, PastMeetings: 1, Participants: 35}
	fz, client := account(t, opts)
	db := openDB(t)
	// Zoom's answer to an expired token, page by page through the client.
	m := fz.Meetings()[0]
	req := zoom.Request{Path: "/metrics/meetings/" + zoom.EscapeID(m.UUID) + "/participants/qos", Endpoint: "GET qos", Meeting: m.UUID,
		Query: map[string][]string{"type": {"past"}, "page_size": {"10"}}}
	body, err := client.Get(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	next, err := (&zoom.Pager{List: "participants"}).Next(body, 1)
	if err != nil || next == "" {
		t.Fatalf("page 1: next_page_token %q, %v", next, err)
	}
	req.Query.Set("next_page_token", next)
	clock.Add(16 * time.Minute)
	_, err = client.Get(context.Background(), req)
	var ae *zoom.APIError
	if !errors.As(err, &ae) || ae.Code != zoom.CodeBadPageToken || !strings.Contains(err.Error(), "expires after 15 minutes") {
		t.Fatalf("expired page token: %v", err)
	}
	// The collector recovers from it by starting over.
	var once sync.Once
	c := &Collector{Client: client, DB: db, OnProgress: func(Progress) { once.Do(func() { clock.Add(16 * time.Minute) }) }}
	if _, err := c.Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: m.UUID}, Type: store.Past}); err != nil {
		t.Fatal(err)
	}
	if sum, _ := db.Meeting(context.Background(), m.UUID); sum.Sessions != m.Sessions {
		t.Errorf("%d sessions, want %d", sum.Sessions, m.Sessions)
	}
}

// steppedAccount serves a fake account whose clock moves on a minute each
// time step says a request counts: fake time passes with the polls, not
// with the wall clock, so that a slow machine sees the same meetings.
func steppedAccount(t *testing.T, o fakezoom.Options, step func(*http.Request) bool, tune ...func(*zoom.ClientConfig)) *zoom.Client {
	t.Helper()
	clock := newClock(epoch)
	o.Clock, o.Epoch = clock.Now, epoch
	_, client, _ := wrapped(t, o, func(fake http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if step(r) {
				clock.Add(time.Minute)
			}
			fake.ServeHTTP(w, r)
		})
	}, tune...)
	return client
}

func isDiscovery(r *http.Request) bool { return r.URL.Path == "/v2/metrics/meetings" }
func isQoS(r *http.Request) bool       { return strings.HasSuffix(r.URL.Path, "/qos") }

// Live meetings are polled until they end, appending only new samples.
func TestLiveWatch(t *testing.T) {
	// A minute passes with each discovery: live-b ends after the
	// second round, live-a after the fourth, and the fifth finds none.
	var rounds atomic.Int64
	client := steppedAccount(t, fakezoom.Options{Seed: 9, Meetings: []fakezoom.MeetingSpec{
		{UUID: "live-a", Start: epoch.Add(-3 * time.Minute), Duration: 8 * time.Minute, Participants: 12},
		{UUID: "live-b", Start: epoch.Add(-2 * time.Minute), Duration: 5 * time.Minute, Participants: 4},
	}}, func(r *http.Request) bool { return isDiscovery(r) && rounds.Add(1) > 0 })
	db := openDB(t)
	var logs bytes.Buffer
	c := &Collector{Client: client, DB: db, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	report, err := c.Run(context.Background(), Plan{Mode: ModeLive, Watch: true, Interval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"live-a", "live-b"} {
		sum, err := db.Meeting(context.Background(), id)
		if err != nil || sum.Type != store.Live || sum.Samples < 3 {
			t.Errorf("%s: %+v, %v", id, sum, err)
		}
	}
	if report.Present == 0 || report.Added == 0 {
		t.Errorf("polls should have found old and new samples: %+v", report)
	}
	if report.Meetings != 2 || rounds.Load() != 5 {
		t.Errorf("%d meetings in %d rounds, want 2 in 5", report.Meetings, rounds.Load())
	}

	// One meeting, watched until Zoom says it is over (404, code 3001): a
	// minute passes with each poll.
	client = steppedAccount(t, fakezoom.Options{Seed: 9, Meetings: []fakezoom.MeetingSpec{
		{UUID: "live-c", Start: epoch.Add(-time.Minute), Duration: 4 * time.Minute, Participants: 3}}}, isQoS)
	c = &Collector{Client: client, DB: db}
	report, err = c.Run(context.Background(), Plan{Mode: ModeLive, Target: Target{ID: "live-c"}, Watch: true, Interval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// Its details, then two polls of the QoS and the participants lists.
	if report.Ended != 1 || report.Pages != 5 {
		t.Errorf("report %+v, want two polls and the meeting seen ending", report)
	}

	// A meeting asked for that is not live (over, or a wrong ID) is an
	// error, watched or not, not a meeting "seen ending".
	for _, watch := range []bool{false, true} {
		c = &Collector{Client: client, DB: db}
		report, err := c.Run(context.Background(), Plan{Mode: ModeLive, Target: Target{ID: "12345"}, Watch: watch, Interval: 10 * time.Millisecond})
		if err == nil || !strings.Contains(err.Error(), "meeting 12345: ") || !strings.Contains(err.Error(), "the ID is wrong") || report.Ended != 0 {
			t.Errorf("watch %v: a live meeting that is not there: %v, report %+v", watch, err, report)
		}
	}
}

// A token is renewed a minute before it expires, so a long run never sees
// a 401; every answer still uses the one token of the moment.
func TestTokenRenewedBeforeExpiry(t *testing.T) {
	opts := pastOnly(1, 30)
	opts.Clock = time.Now
	opts.Epoch = epoch
	opts.TokenTTL = 61 * time.Second // stale a second after it is issued
	fz, client := account(t, opts, func(c *zoom.ClientConfig) { c.Rate = 2 })
	db := openDB(t)
	m := fz.Meetings()[0]
	c := &Collector{Client: client, DB: db}
	report, err := c.Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: m.UUID}, Type: store.Past})
	if err != nil {
		t.Fatal(err)
	}
	st := report.Client
	if st.TokenRequests < 2 || st.Retries != 0 {
		t.Errorf("stats %+v: want a renewal before expiry and no retry", st)
	}
	if int64(len(fz.IssuedTokens())) != st.TokenRequests || fz.TokenRequests() != st.TokenRequests {
		t.Errorf("tokens issued %d, requested %d", len(fz.IssuedTokens()), st.TokenRequests)
	}
}

func TestCollectWebinar(t *testing.T) {
	opts := pastOnly(1, 5)
	opts.Webinars = 1
	fz, client := account(t, opts)
	db := openDB(t)
	var w fakezoom.MeetingInfo
	for _, m := range fz.Meetings() {
		if m.Webinar {
			w = m
		}
	}
	c := &Collector{Client: client, DB: db}
	if _, err := c.Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: w.UUID, Webinar: true}, Type: store.Past}); err != nil {
		t.Fatal(err)
	}
	if sum, err := db.Meeting(context.Background(), w.UUID); err != nil || !sum.Webinar || sum.Sessions != w.Sessions {
		t.Errorf("webinar: %+v, %v", sum, err)
	}
	// A webinar is not a meeting.
	_, err := (&Collector{Client: client, DB: db}).Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: w.UUID}, Type: store.Past})
	var ae *zoom.APIError
	if !errors.As(err, &ae) || !ae.NotAvailable() {
		t.Errorf("webinar asked for as a meeting: %v", err)
	}
}

// While watching, a poll that fails even after its retries is tried again
// next round instead of ending the watch.
func TestLiveWatchRidesOutAnOutage(t *testing.T) {
	var n atomic.Int64
	clock := newClock(epoch)
	_, client, _ := wrapped(t, fakezoom.Options{Seed: 9, Clock: clock.Now, Epoch: epoch,
		Meetings: []fakezoom.MeetingSpec{{UUID: "live-d", Start: epoch.Add(-time.Minute), Duration: 6 * time.Minute, Participants: 3}}},
		func(fake http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// An outage: API requests 2 to 9 fail. Each poll that
				// gets through moves the fake clock on a minute.
				if r.URL.Path != "/oauth/token" {
					if k := n.Add(1); k >= 2 && k <= 9 {
						http.Error(w, "upstream down", http.StatusBadGateway)
						return
					}
					clock.Add(time.Minute)
				}
				fake.ServeHTTP(w, r)
			})
		}, func(c *zoom.ClientConfig) { c.MaxRetries = 3 })
	db := openDB(t)
	var logs bytes.Buffer
	c := &Collector{Client: client, DB: db, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	report, err := c.Run(context.Background(), Plan{Mode: ModeLive, Target: Target{ID: "live-d"}, Watch: true, Interval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "trying again next round") || report.Ended != 1 {
		t.Errorf("report %+v, logs:\n%s", report, logs.String())
	}
	if sum, err := db.Meeting(context.Background(), "live-d"); err != nil || sum.Samples == 0 {
		t.Errorf("stored %+v, %v", sum, err)
	}
}

// testSecret is the client secret of TestSecretsNeverPrinted.
const testSecret = "s3cr3t-Zoom-Client-Secret-1234"

// Secrets (the client secret, every access token) never appear in logs,
// errors or reports, even at debug level and with every fault on.
func TestSecretsNeverPrinted(t *testing.T) {
	opts := pastOnly(2, 15)
	opts.ClientSecret = testSecret
	opts.Faults, _ = fakezoom.ParseFaults("429=6x1,5xx=5,truncate=7,expire=4")
	opts.RetryAfter = "none"
	var logs bytes.Buffer
	// One handler: it serialises the writes of every goroutine.
	lg := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fz, client := account(t, opts, func(c *zoom.ClientConfig) { c.Log = lg })
	c := &Collector{Client: client, DB: openDB(t), Log: lg}
	report, err := c.Run(context.Background(), Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch})
	var out strings.Builder
	fmt.Fprintf(&out, "%v\n%+v\n%v\n%+v\n%#v\n", err, report, client, client, client)
	slog.New(slog.NewTextHandler(&out, nil)).Info("client", "client", client, "credentials", zoom.Credentials{AccountID: fz.Options().AccountID, ClientID: fz.Options().ClientID, ClientSecret: testSecret})

	// A refused secret and a refused token.
	_, bad := account(t, opts, func(c *zoom.ClientConfig) {
		c.Credentials.ClientSecret = "wrong-" + testSecret
		c.Log = lg
	})
	_, err = bad.Get(context.Background(), zoom.Request{Path: "/metrics/meetings", Endpoint: "GET /metrics/meetings"})
	if err == nil || !strings.Contains(err.Error(), "check Credentials.ClientID and Credentials.ClientSecret") {
		t.Errorf("wrong secret: %v", err)
	}
	fmt.Fprintln(&out, err)
	tokenClient, _ := zoom.NewClient(zoom.ClientConfig{Credentials: zoom.Credentials{AccessToken: "refused-" + testSecret}, APIURL: fz.APIURL, Log: lg})
	_, err = (&Collector{Client: tokenClient, DB: openDB(t)}).Run(context.Background(),
		Plan{Mode: ModeMeeting, Target: Target{ID: fz.Meetings()[0].UUID}, Type: store.Past})
	if err == nil || !strings.Contains(err.Error(), "Credentials.AccessToken") {
		t.Errorf("refused token: %v", err)
	}
	fmt.Fprintln(&out, err)

	tokens := fz.IssuedTokens()
	if len(tokens) < 2 {
		t.Fatalf("the fault run should have renewed tokens: %v", tokens)
	}
	everything := logs.String() + out.String()
	for _, s := range append(tokens, testSecret) {
		if strings.Contains(everything, s) {
			t.Errorf("secret %q printed", s[:6]+"...")
		}
	}
	if !strings.Contains(logs.String(), "level=DEBUG") {
		t.Error("debug logging was not on, the test proves little")
	}
}

// With EndedSince, a past discovery collects only the meetings that ended
// since: what push delivery missed while it was down, not the whole day.
func TestDiscoverPastEndedSince(t *testing.T) {
	clock := newClock(epoch)
	_, client := account(t, fakezoom.Options{Seed: 5, Clock: clock.Now, Epoch: epoch, Meetings: []fakezoom.MeetingSpec{
		{UUID: "early", Start: epoch.Add(-3 * time.Hour), Duration: 30 * time.Minute, Participants: 3},
		{UUID: "in-gap", Start: epoch.Add(-time.Hour), Duration: 50 * time.Minute, Participants: 3},
	}})
	db := openDB(t)
	c := &Collector{Client: client, DB: db}
	report, err := c.Run(context.Background(), Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -1), To: epoch, EndedSince: epoch.Add(-15 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if report.Meetings != 1 {
		t.Errorf("collected %d meetings, want the one that ended since", report.Meetings)
	}
	if _, err := db.MeetingInfo(context.Background(), "early"); err == nil {
		t.Error("the meeting that ended before EndedSince was collected")
	}
	if info, err := db.MeetingInfo(context.Background(), "in-gap"); err != nil || info.Collected.IsZero() {
		t.Errorf("the meeting that ended since: %+v, %v; want it collected in full", info, err)
	}
}
