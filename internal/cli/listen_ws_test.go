package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/store"
)

// wsHealth is what /healthz of listen --websocket shows, as far as the
// test reads it.
type wsHealth struct {
	Store struct {
		Stored int64 `json:"stored"`
	} `json:"store"`
	Socket struct {
		Connected  bool
		Reconnects int64
		Delivered  int64
	} `json:"websocket"`
}

// listen --websocket against the fake, whose WebSocket drops the
// connection every few events: the listener reconnects, fills each gap
// from the QoS API while the events go on arriving, and alerts start live
// watches through the same API; the database is sound afterwards, and
// every join of the meeting is one session, however many ways its
// samples came in (events, gap filling, live watches after alerts).
func TestListenWebSocketEndToEnd(t *testing.T) {
	noConfig(t)
	// The fake's clock runs a minute a second, so that a live meeting
	// sends its per-minute events while the test watches.
	start := time.Now()
	epoch := start.UTC().Truncate(time.Minute)
	var stopped atomic.Int64 // the Unix nanoseconds the clock stopped at
	clock := func() time.Time {
		if n := stopped.Load(); n != 0 {
			return time.Unix(0, n).UTC()
		}
		return epoch.Add(time.Since(start) * 60)
	}
	const sub = "sub-e2e-15"
	fz := fakezoom.Start(fakezoom.Options{Seed: 15, Clock: clock, Epoch: epoch, Subscription: sub,
		Meetings: []fakezoom.MeetingSpec{{UUID: "ws-live==", Topic: "Live all hands", Start: epoch.Add(-10 * time.Minute),
			Duration: 3 * time.Hour, Participants: 8}},
		Faults: fakezoom.Faults{WSCloseEvery: 20}})
	t.Cleanup(fz.Close)

	db := filepath.Join(t.TempDir(), "q.db")
	env := []string{"ZOOM_ACCOUNT_ID=fake-account", "ZOOM_CLIENT_ID=fake-client", "ZOOM_CLIENT_SECRET=fake-secret",
		"ZOOM_API_URL=" + fz.APIURL, "ZOOM_TOKEN_URL=" + fz.TokenURL, "ZOOM_WEBHOOK_SECRET_TOKEN="}
	l := runListener(t, env, "--db", db, "listen", "--websocket", "--subscription", sub,
		"--ws-url", "ws"+strings.TrimPrefix(fz.URL, "http")+"/ws", "--addr", "127.0.0.1:0", "--interval", "1s", "--rate", "100", "--list-rate", "6000")

	// Wait for events stored, reconnects, and a gap filled from the API
	// while events came.
	var h wsHealth
	deadline := time.Now().Add(time.Minute)
	for {
		h = wsHealth{}
		if resp, err := http.Get("http://" + l.addr + "/healthz"); err == nil {
			json.NewDecoder(resp.Body).Decode(&h)
			resp.Body.Close()
		}
		log := l.log()
		if h.Socket.Delivered >= 30 && h.Socket.Reconnects >= 2 && strings.Contains(log, `msg="gap filled"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a minute: %+v\n%s", h, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	stopped.Store(clock().UnixNano()) // what the fake said stays true
	if code := l.stop(t); code != 0 {
		t.Fatalf("SIGTERM: exit status %d\n%s", code, l.log())
	}
	log := l.log()
	if !strings.Contains(log, "listened ") {
		t.Errorf("no summary line:\n%s", log)
	}
	if strings.Contains(log, "fake-secret") {
		t.Error("the listener showed the client secret")
	}
	for _, tok := range fz.IssuedTokens() {
		if strings.Contains(log, tok) {
			t.Fatal("the listener showed an access token")
		}
	}
	if r := zoomqos(t, "", "--db", db, "check"); r.code != 0 {
		t.Fatalf("check: %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	sdb, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	sessions, err := sdb.Sessions(context.Background(), "ws-live==")
	if err != nil {
		t.Fatal(err)
	}
	joins := map[string]fakezoom.SessionDetail{}
	for _, d := range fz.SessionDetails("ws-live==") {
		joins[d.UserID] = d
	}
	seen := map[string]bool{}
	pushed := 0
	for _, s := range sessions {
		if _, ok := joins[s.UserID]; !ok {
			t.Errorf("session %+v is no join of the meeting", s)
		}
		if seen[s.UserID] {
			t.Errorf("two sessions of user_id %s (join %s): events and the API doubled it", s.UserID, s.JoinTime)
		}
		seen[s.UserID] = true
		if s.Pushed {
			pushed++
		}
	}
	if len(sessions) == 0 || len(sessions) > len(joins) {
		t.Errorf("%d sessions stored for %d joins", len(sessions), len(joins))
	}
	t.Logf("%d sessions of %d joins (%d from events alone); %+v", len(sessions), len(joins), pushed, h)
}
