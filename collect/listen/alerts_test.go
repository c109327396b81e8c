package listen

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// fakeClient starts a fake Zoom with the options and returns it with a
// client of its API.
func fakeClient(t *testing.T, o fakezoom.Options) (*fakezoom.Running, *zoom.Client) {
	t.Helper()
	fz := fakezoom.Start(o)
	t.Cleanup(fz.Close)
	o = fz.Options()
	client, err := zoom.NewClient(zoom.ClientConfig{APIURL: fz.APIURL, TokenURL: fz.TokenURL, Rate: 1000, ListRate: 60000,
		Credentials: zoom.Credentials{AccountID: o.AccountID, ClientID: o.ClientID, ClientSecret: o.ClientSecret}})
	if err != nil {
		t.Fatal(err)
	}
	return fz, client
}

// liveMeeting returns the fake's meeting running now.
func liveMeeting(t *testing.T, fz *fakezoom.Running) fakezoom.MeetingInfo {
	t.Helper()
	now := time.Now()
	for _, m := range fz.Meetings() {
		if !m.Start.After(now) && m.End.After(now.Add(10*time.Minute)) {
			return m
		}
	}
	t.Fatalf("the fake has no meeting live now: %+v", fz.Meetings())
	return fakezoom.MeetingInfo{}
}

// alertBody is a meeting.alert about m, sent at at.
func alertBody(m fakezoom.MeetingInfo, at time.Time, issues ...string) []byte {
	b, _ := json.Marshal(map[string]any{"event": "meeting.alert", "event_ts": at.UnixMilli(), "payload": map[string]any{
		"account_id": "fake-account", "object": map[string]any{"id": strconv.FormatInt(m.ID, 10), "uuid": m.UUID, "host_id": "h",
			"topic": m.Topic, "start_time": m.Start.UTC().Format(time.RFC3339), "issues": issues}}})
	return b
}

// An alert about a live meeting is stored, and starts a live watch of it
// through the collector, whose samples arrive in the database; a second
// alert about the same meeting starts no second watch; the watches end
// with the listener's context.
func TestAlertStartsLiveWatch(t *testing.T) {
	fz, client := fakeClient(t, fakezoom.Options{Seed: 21, LiveMeetings: 1, Participants: 3})
	m := liveMeeting(t, fz)
	db := storetest.MustOpen(t)
	com := NewCommitter(db, nil, 64)
	t.Cleanup(com.Close)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watches := &AlertWatches{Client: client, DB: db, Interval: 200 * time.Millisecond}
	watches.Start(ctx)
	alerted := make(chan *zoom.Event, 10)
	hook := &Webhook{Secret: testSecret, Committer: com,
		OnAlert: func(ev *zoom.Event) { watches.Alert(ev); alerted <- ev }}
	srv := httptest.NewServer((&Server{Webhook: hook}).Handler())
	t.Cleanup(srv.Close)
	e := &hookEnv{db: db, hook: hook, com: com, srv: srv}

	if code := e.send(t, alertBody(m, time.Now(), "Unstable audio quality")); code != 204 {
		t.Fatalf("alert: status %d", code)
	}
	info, err := db.MeetingInfo(ctx, m.UUID)
	if err != nil {
		t.Fatalf("the alerted meeting is not stored: %v", err)
	}
	if len(info.Alerts) != 1 || len(info.Alerts[0].Issues) != 1 || info.Alerts[0].Issues[0] != "Unstable audio quality" {
		t.Fatalf("alerts stored: %+v", info.Alerts)
	}
	waitAlert(t, alerted)

	// The watch polls the QoS API: samples of every participant arrive.
	deadline := time.Now().Add(guard)
	for {
		s, err := db.Meeting(ctx, m.UUID)
		if err == nil && s.Samples > 0 && s.Participants == m.Participants {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no samples of the alerted meeting came: %+v, %v (API requests %d)", s, err, fz.Requests())
		}
		time.Sleep(20 * time.Millisecond)
	}
	sessions, err := db.Sessions(ctx, m.UUID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sessions {
		if s.Pushed {
			t.Errorf("session %s is marked pushed; its samples came from the API", s.UserID)
		}
	}

	// An alert sent again by Zoom an hour later (or replayed) starts
	// nothing of its own.
	stale := &zoom.Event{Name: "meeting.alert", Time: time.Now().Add(-time.Hour), Meeting: zoom.EventMeeting{UUID: "another-meeting=="}}
	watches.Alert(stale)
	if st := watches.Stats(); st.Started != 1 {
		t.Errorf("a stale alert started a watch: %+v", st)
	}

	// Another alert about the same meeting, while it is watched: stored,
	// but no second watch.
	if code := e.send(t, alertBody(m, time.Now().Add(time.Second), "Unstable video quality")); code != 204 {
		t.Fatalf("second alert: status %d", code)
	}
	waitAlert(t, alerted)
	if st := watches.Stats(); st.Started != 1 || st.Running != 1 {
		t.Errorf("after two alerts about one meeting: %+v, want one watch started and running", st)
	}
	if info, _ := db.MeetingInfo(ctx, m.UUID); len(info.Alerts) != 2 {
		t.Errorf("%d alerts stored, want 2", len(info.Alerts))
	}

	// The listener stops: so do the watches, and an alert now starts none.
	cancel()
	ended := make(chan struct{})
	go func() { watches.Wait(); close(ended) }()
	select {
	case <-ended:
	case <-time.After(guard):
		t.Fatal("the watches did not end with the context")
	}
	watches.Alert(&zoom.Event{Name: "meeting.alert", Time: time.Now(), Meeting: zoom.EventMeeting{UUID: m.UUID, Number: strconv.FormatInt(m.ID, 10)}})
	if st := watches.Stats(); st.Running != 0 || st.Started != 1 {
		t.Errorf("after the end: %+v, want none running and none started anew", st)
	}
}

// waitAlert waits for OnAlert to be called once.
func waitAlert(t *testing.T, alerted <-chan *zoom.Event) {
	t.Helper()
	select {
	case <-alerted:
	case <-time.After(guard):
		t.Fatal("OnAlert was not called")
	}
}
