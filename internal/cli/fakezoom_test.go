package cli

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
)

// webhookReceiver is a loopback endpoint that answers Zoom's validation
// handshake for secret and acknowledges every event, counting them.
type webhookReceiver struct {
	URL    string
	events atomic.Int64
}

func startReceiver(t *testing.T, secret string) *webhookReceiver {
	t.Helper()
	rc := &webhookReceiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct {
			Event   string `json:"event"`
			Payload struct {
				PlainToken string `json:"plainToken"`
			} `json:"payload"`
		}
		json.Unmarshal(body, &ev)
		if ev.Event == "endpoint.url_validation" {
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write([]byte(ev.Payload.PlainToken))
			json.NewEncoder(w).Encode(map[string]string{"plainToken": ev.Payload.PlainToken, "encryptedToken": hex.EncodeToString(mac.Sum(nil))})
			return
		}
		rc.events.Add(1)
	}))
	t.Cleanup(srv.Close)
	rc.URL = srv.URL + "/zoom/events"
	return rc
}

// waitEvents waits until the receiver has n events.
func (rc *webhookReceiver) waitEvents(t *testing.T, n int64) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); rc.events.Load() < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d events arrived, want %d", rc.events.Load(), n)
		}
	}
}

// lateWriter is a standard error that notes what is written after the
// command returned.
type lateWriter struct {
	mu       sync.Mutex
	b        bytes.Buffer
	returned bool
	late     []string
}

func (w *lateWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.returned {
		w.late = append(w.late, string(p))
	}
	return w.b.Write(p)
}

func (w *lateWriter) end() (string, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.returned = true
	return w.b.String(), w.late
}

// zoomqos fakezoom --send-to, stopped by Ctrl-C in the middle of a
// replay, exits 0 with the sender's summary: the events the endpoint
// acknowledged are said before the command returns, and nothing is
// written after.
func TestFakezoomSenderSummaryOnCtrlC(t *testing.T) {
	const secret = "receiver-s3cret-for-the-test"
	t.Setenv("ZOOM_WEBHOOK_SECRET_TOKEN", secret)
	t.Setenv("ZOOMQOS_CONFIG", filepath.Join(t.TempDir(), "none"))
	rc := startReceiver(t, secret)
	for run := range 3 { // the summary was lost in about half the runs
		ctx, cancel := context.WithCancel(context.Background())
		stderr := &lateWriter{}
		done := make(chan int)
		go func() {
			done <- Run(ctx, "", []string{"zoomqos", "fakezoom", "--addr", "127.0.0.1:0", "--meetings", "4", "--live", "0", "--webinars", "0",
				"--send-to", rc.URL, "--send-rate", "500", "--replay-from", time.Now().UTC().AddDate(0, 0, -28).Format(time.DateOnly)}, nil, io.Discard, stderr)
		}()
		rc.waitEvents(t, int64(20*(run+1)))
		cancel()
		var code int
		select {
		case code = <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("fakezoom did not return after Ctrl-C")
		}
		out, _ := stderr.end()
		if code != 0 {
			t.Errorf("run %d: exit status %d after Ctrl-C:\n%s", run, code, out)
		}
		m := regexp.MustCompile(`msg="webhook sender done" events=\d+ acked=(\d+) dropped=\d+ pending=\d+ .*p50=\S+ p99=\S+`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("run %d: no summary of the sender:\n%s", run, out)
		}
		if acked, _ := strconv.Atoi(m[1]); acked == 0 {
			t.Errorf("run %d: the summary says nothing was acknowledged: %s", run, m[0])
		}
		if strings.Contains(out, secret) {
			t.Errorf("run %d: the secret shows:\n%s", run, out)
		}
		time.Sleep(10 * time.Millisecond) // a straggler has its chance to show
		if _, late := stderr.end(); len(late) > 0 {
			t.Errorf("run %d: written after the command returned: %q", run, late)
		}
	}
}

// During a replay the sender says every so often how far it got (events,
// acked, dropped, p50/p99), and the summary comes last.
func TestSenderStatusDuringReplay(t *testing.T) {
	const secret = "status-s3cret"
	rc := startReceiver(t, secret)
	srv := fakezoom.NewServer(fakezoom.Options{Seed: 4, PastMeetings: 3})
	snd, err := fakezoom.NewSender(fakezoom.SenderOptions{URL: rc.URL, Secret: secret, Rate: 200})
	if err != nil {
		t.Fatal(err)
	}
	var logs lateWriter
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	to := time.Now().UTC()
	go func() { done <- sendEvents(ctx, log, snd, srv, to.AddDate(0, 0, -28), to, 5*time.Millisecond) }()
	rc.waitEvents(t, 30)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		logs.mu.Lock()
		seen := strings.Contains(logs.b.String(), `msg="webhook sender" events=`)
		logs.mu.Unlock()
		if seen {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no status line")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("sendEvents: %v", err)
	}
	out, _ := logs.end()
	status := regexp.MustCompile(`msg="webhook sender" events=\d+ acked=\d+ dropped=\d+ pending=\d+ p50=\S+ p99=\S+`)
	if !status.MatchString(out) {
		t.Errorf("the status line lacks counts or percentiles:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, `msg="webhook sender done"`) {
		t.Errorf("the last line is not the summary: %s", last)
	}
}
