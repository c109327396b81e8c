package listen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect"
	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
	"github.com/zoomqos/zoomqos/store/storetest"
)

var testSecret = []byte("whsec-Kq8z2LmN4pR7tV1x")

// qosEvent is a participant_qos event of one minute.
func qosEvent(meeting, user string, minute int, bitrate string) []byte {
	at := time.Date(2026, 12, 1, 10, minute, 0, 0, time.UTC)
	return fmt.Appendf(nil, `{"event":"meeting.participant_qos","event_ts":%d,"payload":{"account_id":"acc","object":{"id":"85000000001","uuid":%q,"host_id":"h","participant":{"user_id":%q,"user_name":"Ada","qos":[{"type":"audio_input","details":{"bitrate":%q,"latency":"12 ms","jitter":"3ms","avg_loss":"0.1%%","max_loss":"1%%"}}]}}}}`,
		at.UnixMilli()+412, meeting, user, bitrate)
}

type hookEnv struct {
	db    *store.DB
	hook  *Webhook
	com   *Committer
	srv   *httptest.Server
	now   time.Time
	mu    sync.Mutex
	alert []*zoom.Event
}

func newHookEnv(t *testing.T) *hookEnv {
	t.Helper()
	e := &hookEnv{db: storetest.MustOpen(t), now: time.Now()}
	e.com = NewCommitter(e.db, nil, 64)
	e.hook = &Webhook{Secret: testSecret, Committer: e.com, MaxBody: 64 << 10,
		OnAlert: func(ev *zoom.Event) { e.mu.Lock(); e.alert = append(e.alert, ev); e.mu.Unlock() }}
	srv := &Server{Webhook: e.hook, Path: "/zoom", Health: func() (any, bool) { return e.com.Stats(), true }}
	e.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(func() { e.srv.Close(); e.com.Close() })
	return e
}

// post sends a body signed at ts (Unix seconds) with the given secret.
func (e *hookEnv) post(t *testing.T, body []byte, secret []byte, ts int64) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/zoom", bytes.NewReader(body))
	s := strconv.FormatInt(ts, 10)
	req.Header.Set(zoom.TimestampHeader, s)
	req.Header.Set(zoom.SignatureHeader, zoom.Sign(secret, s, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (e *hookEnv) send(t *testing.T, body []byte) int {
	code, _ := e.post(t, body, testSecret, time.Now().Unix())
	return code
}

func TestURLValidation(t *testing.T) {
	e := newHookEnv(t)
	code, b := e.post(t, []byte(`{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680}`), testSecret, time.Now().Unix())
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	var v struct{ PlainToken, EncryptedToken string }
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.PlainToken != "qgg8vlvZRS6UYooatFL8Aw" || v.EncryptedToken != zoom.EncryptToken(testSecret, "qgg8vlvZRS6UYooatFL8Aw") || len(v.EncryptedToken) != 64 {
		t.Fatalf("answer %s", b)
	}
	if bytes.Contains(b, testSecret) {
		t.Fatal("the answer holds the secret")
	}
}

// A request that is not Zoom's is refused with the status alone, and
// stores nothing.
func TestRefusals(t *testing.T) {
	e := newHookEnv(t)
	ev := qosEvent("m1==", "16778240", 16, "27kbps")
	now := time.Now().Unix()
	for _, c := range []struct {
		name   string
		body   []byte
		secret []byte
		ts     int64
		want   int
	}{
		{"wrong secret", ev, []byte("another-secret-value"), now, 401},
		{"stale", ev, testSecret, now - 6*60, 401},
		{"from the future", ev, testSecret, now + 6*60, 401},
		{"malformed", []byte(`{"event":"meeting.participant_qos","payload":`), testSecret, now, 400},
		{"no meeting", []byte(`{"event":"meeting.participant_qos","payload":{"object":{"participant":{"user_id":"1"}}}}`), testSecret, now, 400},
		{"not JSON", []byte(`hello`), testSecret, now, 400},
		{"a meeting ID with a control character", []byte(`{"event":"meeting.participant_qos","event_ts":1764584196412,"payload":{"object":{"uuid":"m\u0007==","participant":{"user_id":"1","qos":[]}}}}`), testSecret, now, 400},
		{"a meeting ID the store refuses", []byte("{\"event\":\"meeting.participant_qos\",\"payload\":{\"object\":{\"uuid\":\"m1\x1c=\",\"participant\":{\"user_id\":\"1\"}}}}"), testSecret, now, 400},
		{"too large", append(append([]byte(`{"event":"x","pad":"`), bytes.Repeat([]byte("a"), 70<<10)...), `"}`...), testSecret, now, 413},
	} {
		code, b := e.post(t, c.body, c.secret, c.ts)
		if code != c.want {
			t.Errorf("%s: status %d, want %d", c.name, code, c.want)
		}
		if len(bytes.TrimSpace(b)) != 0 {
			t.Errorf("%s: the answer says %q; it should say nothing", c.name, b)
		}
	}
	// No signature at all.
	resp, err := http.Post(e.srv.URL+"/zoom", "application/json", bytes.NewReader(ev))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("unsigned: %d", resp.StatusCode)
	}
	if ms, _ := e.db.Meetings(context.Background()); len(ms) != 0 {
		t.Fatalf("stored %d meetings", len(ms))
	}
	// GET is not an event; another path is not the endpoint.
	resp, _ = http.Get(e.srv.URL + "/zoom")
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	resp, _ = http.Post(e.srv.URL+"/other", "application/json", bytes.NewReader(ev))
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("other path: %d", resp.StatusCode)
	}
}

// An event is in the database when its answer comes; the same event again,
// and the same request replayed, add nothing.
func TestStoredBeforeAnswered(t *testing.T) {
	e := newHookEnv(t)
	ctx := context.Background()
	ev := qosEvent("m1==", "16778240", 16, "27kbps")
	ts := time.Now().Unix()
	if code, _ := e.post(t, ev, testSecret, ts); code != 204 {
		t.Fatalf("status %d", code)
	}
	m, err := e.db.Meeting(ctx, "m1==")
	if err != nil {
		t.Fatal(err)
	}
	if m.Samples != 1 || m.Documents != 1 || m.Sessions != 1 || m.Type != store.Live || m.Number != "85000000001" {
		t.Fatalf("stored %+v", m)
	}
	// The same request again is a replay.
	if code, _ := e.post(t, ev, testSecret, ts); code != 401 {
		t.Fatalf("replay: %d", code)
	}
	// Zoom's retry of the same event, signed anew, is answered and adds
	// nothing.
	if code, _ := e.post(t, ev, testSecret, ts+1); code != 204 {
		t.Fatalf("retry: %d", code)
	}
	if m2, _ := e.db.Meeting(ctx, "m1=="); m2.Samples != 1 || m2.Documents != 1 {
		t.Fatalf("a retry added: %+v", m2)
	}
	st := e.com.Stats()
	if st.Stored != 1 || st.Present != 1 {
		t.Fatalf("stats %+v", st)
	}
	all, _ := e.db.Load(ctx, "m1==")
	v, ok := all[0].Samples[0].Get(store.AudioInput, store.Bitrate)
	if !ok || v != 27 || !all[0].Session.Pushed {
		t.Fatalf("sample %+v", all[0])
	}
}

func TestAlertsAndIgnoredEvents(t *testing.T) {
	e := newHookEnv(t)
	ctx := context.Background()
	alert := []byte(`{"event":"meeting.alert","event_ts":1764584100000,"payload":{"account_id":"acc","object":{"id":"85000000001","uuid":"m2==","host_id":"h","topic":"All hands","issues":["Unstable audio quality"]}}}`)
	if code := e.send(t, alert); code != 204 {
		t.Fatalf("alert: %d", code)
	}
	if code := e.send(t, []byte(`{"event":"phone.call_qos","event_ts":1764584100000,"payload":{"object":{}}}`)); code != 204 {
		t.Fatalf("phone event: %d", code)
	}
	info, err := e.db.MeetingInfo(ctx, "m2==")
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Alerts) != 1 || info.Alerts[0].Issues[0] != "Unstable audio quality" || info.Topic != "All hands" {
		t.Fatalf("meeting %+v", info)
	}
	for range 100 {
		e.mu.Lock()
		n := len(e.alert)
		e.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.alert) != 1 || e.alert[0].Meeting.ID() != "m2==" {
		t.Fatalf("OnAlert saw %v", e.alert)
	}
	if ms, _ := e.db.Meetings(ctx); len(ms) != 1 {
		t.Fatalf("%d meetings: the phone event was stored", len(ms))
	}
	if s := e.hook.Stats(); s.Ignored != 1 {
		t.Fatalf("stats %+v", s)
	}
}

// What came by webhook is rebuilt from its raw copies by reparse, and
// check finds the stored samples what they give.
func TestEventsReparse(t *testing.T) {
	e := newHookEnv(t)
	ctx := context.Background()
	for i := range 5 {
		for _, u := range []string{"1", "2"} {
			e.send(t, qosEvent("m1==", u, i, strconv.Itoa(20+i)+"kbps"))
		}
	}
	e.send(t, []byte(`{"event":"meeting.participant_qos_summary","event_ts":1764587796000,"payload":{"object":{"uuid":"m1==","participant":{"user_id":"1","qos":[{"type":"audio_input","details":{"min_bitrate":"20kbps","avg_bitrate":"22 kbps","max_bitrate":"24kbps"}}]}}}}`))
	before, _ := e.db.Load(ctx, "m1==")
	res, probs, err := collect.Reparse(ctx, e.db, "m1==")
	if err != nil || probs.Count != 0 {
		t.Fatalf("reparse: %v %+v", err, probs)
	}
	if res.SamplesBefore != 10 || res.SamplesAfter != 10 || res.SessionsAfter != 2 || res.Documents != 11 {
		t.Fatalf("reparse %+v", res)
	}
	after, _ := e.db.Load(ctx, "m1==")
	if b, a := mustJSON(t, before), mustJSON(t, after); b != a {
		t.Fatalf("reparse changed the sessions:\n%v\n%v", before, after)
	}
	if after[0].Session.ZoomSummary == nil && after[1].Session.ZoomSummary == nil {
		t.Fatal("the summary is gone")
	}
	if problems, _, err := collect.Compare(ctx, e.db, "m1==", 10); err != nil || len(problems) != 0 {
		t.Fatalf("compare: %v %v", err, problems)
	}
}

func TestHealthz(t *testing.T) {
	e := newHookEnv(t)
	e.send(t, qosEvent("m1==", "1", 1, "20kbps"))
	resp, err := http.Get(e.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st CommitStats
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&st) != nil || st.Stored != 1 || st.Commits < 1 {
		t.Fatalf("healthz %d %+v", resp.StatusCode, st)
	}
}

// Many senders at once: every answered event is stored, in fewer writes
// than events.
func TestGroupCommit(t *testing.T) {
	e := newHookEnv(t)
	const senders, each = 16, 25
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				body := qosEvent("m1==", strconv.Itoa(1000+s), i, strconv.Itoa(20+i)+" kbps")
				if code, _ := e.post(t, body, testSecret, time.Now().Unix()); code != 204 {
					t.Errorf("status %d", code)
				}
			}
		}()
	}
	wg.Wait()
	m, _ := e.db.Meeting(context.Background(), "m1==")
	if m.Samples != senders*each || m.Sessions != senders {
		t.Fatalf("stored %+v", m)
	}
	if st := e.com.Stats(); st.Commits >= senders*each {
		t.Logf("commits %d for %d events: no grouping on this run", st.Commits, senders*each)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// While another writer holds the database, an event is answered 503 within
// AnswerWithin rather than left hanging, /healthz says the listener is
// failing once a write gave up, and the event sent again afterwards is
// stored once.
func TestDatabaseHeldElsewhere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	db := storetest.MustOpenAt(t, path, store.Options{LockTimeout: 300 * time.Millisecond})
	com := NewCommitter(db, nil, 64)
	defer com.Close()
	hook := &Webhook{Secret: testSecret, Committer: com, AnswerWithin: 100 * time.Millisecond}
	srv := httptest.NewServer((&Server{Webhook: hook, Health: func() (any, bool) { s := com.Stats(); return s, !s.Failing }}).Handler())
	defer srv.Close()
	e := &hookEnv{db: db, hook: hook, com: com, srv: srv}

	other := storetest.MustOpenAt(t, path, store.Options{})
	release, err := other.Hold(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ev := qosEvent("m1==", "7", 3, "30kbps")
	if code := e.send(t, ev); code != 503 {
		t.Fatalf("while held elsewhere: %d, want 503", code)
	}
	// The write gives up after the lock timeout: then the listener says
	// it is failing.
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 503 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/healthz never said the listener was failing")
		}
		time.Sleep(20 * time.Millisecond)
	}
	release()
	if code := e.send(t, ev); code != 204 {
		t.Fatalf("after the other writer let go: %d", code)
	}
	if m, err := db.Meeting(context.Background(), "m1=="); err != nil || m.Samples != 1 || m.Documents != 1 {
		t.Fatalf("stored %+v %v", m, err)
	}
	resp, _ := http.Get(srv.URL + "/healthz")
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz after recovery: %d", resp.StatusCode)
	}
}
