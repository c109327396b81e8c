package fakezoom

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testSecret = "s3cret-token"

// receiver is a webhook endpoint written from Zoom's docs, apart from the
// sender: it answers the validation handshake, checks every signature
// with its own HMAC, and keeps the events it answers 2xx for.
type receiver struct {
	t      *testing.T
	secret string
	// fault, when set, may answer a request itself (n counts events from
	// 1, a retry included): it returns true when it did.
	fault func(n int64, body []byte, w http.ResponseWriter, r *http.Request) bool
	// validation, when set, replaces the handshake's answer.
	validation func(plain string) (int, any)

	n         atomic.Int64
	mu        sync.Mutex
	first     string   // the first request's event
	validated bool     // a handshake came before any event
	stored    [][]byte // in the order stored
	badSig    int
}

func newReceiver(t *testing.T) (*receiver, string) {
	rc := &receiver{t: t, secret: testSecret}
	ts := httptest.NewServer(rc)
	t.Cleanup(ts.Close)
	return rc, ts.URL + "/zoom/events"
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ts := r.Header.Get("x-zm-request-timestamp")
	mac := hmac.New(sha256.New, []byte(rc.secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if r.Header.Get("x-zm-signature") != "v0="+hex.EncodeToString(mac.Sum(nil)) || err != nil ||
		time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute || r.Header.Get("Content-Type") != "application/json" {
		rc.mu.Lock()
		rc.badSig++
		rc.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var e struct {
		Event   string `json:"event"`
		Payload struct {
			PlainToken string `json:"plainToken"`
		} `json:"payload"`
	}
	json.Unmarshal(body, &e)
	rc.mu.Lock()
	if rc.first == "" {
		rc.first = e.Event
	}
	rc.mu.Unlock()
	if e.Event == "endpoint.url_validation" {
		m := hmac.New(sha256.New, []byte(rc.secret))
		m.Write([]byte(e.Payload.PlainToken))
		status, answer := http.StatusOK, any(map[string]string{"plainToken": e.Payload.PlainToken, "encryptedToken": hex.EncodeToString(m.Sum(nil))})
		if rc.validation != nil {
			status, answer = rc.validation(e.Payload.PlainToken)
		}
		rc.mu.Lock()
		rc.validated = true
		rc.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(answer)
		return
	}
	n := rc.n.Add(1)
	if rc.fault != nil && rc.fault(n, body, w, r) {
		return
	}
	rc.mu.Lock()
	rc.stored = append(rc.stored, body)
	rc.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) storedIDs() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	ids := map[string]int{}
	for _, b := range rc.stored {
		sum := sha256.Sum256(b)
		ids[hex.EncodeToString(sum[:])]++
	}
	return ids
}

// someEvents returns the first n events of a small account's past.
func someEvents(t *testing.T, n int) (*Server, []Event) {
	t.Helper()
	s := NewServer(Options{Seed: 7, Clock: fixed(epoch), PastMeetings: 1, Participants: 5, Minutes: 20})
	evs := s.Events(epoch.AddDate(0, 0, -30), epoch)
	if len(evs) < n {
		t.Fatalf("%d events, want %d", len(evs), n)
	}
	return s, evs[:n]
}

// The sender validates the URL before any event, signs every request so
// that an independent check accepts it, and posts the events in order.
func TestSenderHandshakeSignaturesOrder(t *testing.T) {
	rc, url := newReceiver(t)
	_, evs := someEvents(t, 40)
	snd, err := NewSender(SenderOptions{URL: url, Secret: testSecret, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := snd.Send(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	if rc.first != "endpoint.url_validation" || rc.badSig != 0 {
		t.Errorf("first request %q, %d bad signatures", rc.first, rc.badSig)
	}
	if len(rc.stored) != len(evs) {
		t.Fatalf("stored %d events of %d", len(rc.stored), len(evs))
	}
	for i, e := range evs {
		if string(rc.stored[i]) != string(e.Body) {
			t.Fatalf("event %d arrived out of order or changed", i)
		}
	}
	st := snd.Stats()
	if st.Acked != len(evs) || st.Attempts != len(evs) || st.P50 <= 0 || st.P99 < st.P50 {
		t.Errorf("stats %+v", st)
	}
	// A second Send does not validate again.
	rc.first = ""
	snd.Send(context.Background(), evs[:1])
	if rc.first == "endpoint.url_validation" {
		t.Error("validated twice")
	}
}

// A wrong answer to the handshake stops the sender before any event.
func TestSenderStopsOnWrongValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(plain string) (int, any)
	}{
		{"wrong encryptedToken", func(p string) (int, any) {
			return 200, map[string]string{"plainToken": p, "encryptedToken": hex.EncodeToString([]byte("nope"))}
		}},
		{"other plainToken", func(p string) (int, any) { return 200, map[string]string{"plainToken": "x" + p, "encryptedToken": ""} }},
		{"unauthorized", func(string) (int, any) { return 401, map[string]string{} }},
		{"not JSON", func(string) (int, any) { return 200, "ok" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc, url := newReceiver(t)
			rc.validation = tc.answer
			_, evs := someEvents(t, 5)
			snd, _ := NewSender(SenderOptions{URL: url, Secret: testSecret})
			err := snd.Send(context.Background(), evs)
			if !errors.Is(err, ErrValidation) {
				t.Fatalf("Send: %v, want ErrValidation", err)
			}
			if n := rc.n.Load(); n != 0 || len(snd.Ledger()) != 0 {
				t.Errorf("%d events posted after a failed handshake", n)
			}
		})
	}
}

// An event answered 500, or not answered in time, is retried; one never
// answered 2xx is dropped after the last retry and is not in Acked.
func TestSenderRetries(t *testing.T) {
	rc, url := newReceiver(t)
	_, evs := someEvents(t, 12)
	doomed := string(evs[7].Body)
	var seen sync.Map
	rc.fault = func(n int64, body []byte, w http.ResponseWriter, r *http.Request) bool {
		_, again := seen.LoadOrStore(string(body), true)
		switch {
		case string(body) == doomed:
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		case again:
			return false
		case n%3 == 0:
			w.WriteHeader(http.StatusInternalServerError)
			return true
		case n%5 == 0:
			<-r.Context().Done() // slower than the sender waits
			return true
		}
		return false
	}
	snd, _ := NewSender(SenderOptions{URL: url, Secret: testSecret, Concurrency: 1,
		Timeout: 300 * time.Millisecond, Retries: []time.Duration{time.Millisecond, time.Millisecond}})
	if err := snd.Send(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	st := snd.Stats()
	if st.Acked != len(evs)-1 || st.Dropped != 1 || st.Unanswered == 0 || st.Attempts <= len(evs)+2 {
		t.Errorf("stats %+v", st)
	}
	for _, d := range snd.Ledger() {
		if d.Time.Equal(evs[7].Time) && d.Event == evs[7].Name {
			if d.Acked || !d.Dropped || d.Attempts != 3 || d.Status != 503 {
				t.Errorf("the doomed event: %+v", d)
			}
		}
	}
	stored := rc.storedIDs()
	for _, d := range snd.Acked() {
		if stored[d.ID] == 0 {
			t.Errorf("acknowledged %s %s is not stored", d.Event, d.ID)
		}
	}
	if len(stored) != len(evs)-1 {
		t.Errorf("stored %d distinct events, want %d", len(stored), len(evs)-1)
	}
}

// Every Nth event goes twice, the copy marked in the ledger; with many
// senders at once, every event that got a 2xx is stored.
func TestSenderDuplicatesAndLedger(t *testing.T) {
	rc, url := newReceiver(t)
	_, evs := someEvents(t, 60)
	rc.fault = func(n int64, _ []byte, w http.ResponseWriter, _ *http.Request) bool {
		if n%7 == 0 {
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	}
	snd, _ := NewSender(SenderOptions{URL: url, Secret: testSecret, Concurrency: 6, Duplicates: 4, Retries: []time.Duration{}})
	if err := snd.Send(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	ledger := snd.Ledger()
	if got, want := len(ledger), len(evs)+len(evs)/4; got != want {
		t.Fatalf("%d deliveries, want %d", got, want)
	}
	dups := 0
	for i, d := range ledger {
		if d.Duplicate {
			dups++
			if ledger[i-1].ID != d.ID || ledger[i-1].Duplicate {
				t.Errorf("delivery %d is a duplicate of another event", i)
			}
		}
	}
	if dups != len(evs)/4 {
		t.Errorf("%d duplicates", dups)
	}
	stored := rc.storedIDs()
	acked := snd.Acked()
	for _, d := range acked {
		if stored[d.ID] == 0 {
			t.Errorf("acknowledged %s is not stored", d.ID)
		}
	}
	if st := snd.Stats(); st.Dropped == 0 || st.Acked != len(acked) || st.Acked+st.Dropped != len(ledger) {
		t.Errorf("stats %+v with no retries and every 7th answer 502", st)
	}
}

// Live sends the events of the live meetings as the clock passes them.
func TestSenderLive(t *testing.T) {
	rc, url := newReceiver(t)
	var now atomic.Int64
	now.Store(epoch.UnixNano())
	s := NewServer(Options{Seed: 3, Epoch: epoch, Clock: func() time.Time { return time.Unix(0, now.Load()).UTC() },
		LiveMeetings: 1, Participants: 4})
	snd, _ := NewSender(SenderOptions{URL: url, Secret: testSecret})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- snd.Live(ctx, s, epoch) }()
	want := s.Events(epoch, epoch.Add(3*time.Minute))
	if len(want) == 0 {
		t.Fatal("no events in three live minutes")
	}
	now.Store(epoch.Add(3 * time.Minute).UnixNano())
	for len(rc.storedIDs()) < len(want) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	stored := rc.storedIDs()
	for _, e := range want {
		sum := sha256.Sum256(e.Body)
		if stored[hex.EncodeToString(sum[:])] != 1 {
			t.Errorf("%s at %v stored %d times", e.Name, e.Time, stored[hex.EncodeToString(sum[:])])
		}
	}
}
