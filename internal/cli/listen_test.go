package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/store"
)

const testWebhookSecret = "whsec-Zq81mPx4LrT7vN2k"

// freeAddr returns a loopback address no one listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startListener runs `zoomqos listen` in a process of its own and waits
// until it serves.
func startListener(t *testing.T, db, addr string, extra ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := zoomqosProcess(t, []string{"ZOOM_WEBHOOK_SECRET_TOKEN=" + testWebhookSecret},
		append([]string{"--db", db, "listen", "--addr", addr, "--alert-watch=false"}, extra...)...)
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(errPipe)
		once := false
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if !once && strings.Contains(sc.Text(), "listening for Zoom's events") {
				once = true
				close(ready)
			}
		}
		if !once {
			close(ready)
		}
	}()
	<-ready
	return cmd, &log
}

// Killed with SIGKILL at random moments while the fake sends (more than
// twenty times), the listener keeps every event it answered 2xx, and no
// event twice: the raw copies are distinct, and the samples are what the
// raw copies give (check's rebuild comparison).
func TestListenSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the listener 22 times")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	srv := fakezoom.NewServer(fakezoom.Options{Seed: 15, PastMeetings: 3, LiveMeetings: 0, Webinars: 1, Participants: 12, Minutes: 30,
		Epoch: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)})
	events := srv.Events(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	if len(events) < 1000 {
		t.Fatalf("only %d events", len(events))
	}
	acked := map[string]bool{}
	r := rand.New(rand.NewPCG(15, 15))
	t.Logf("%d events", len(events))
	const kills = 22
	next, cut := 0, 0 // cut: kills that came while events were answered
	for k := 0; k < kills || next < len(events); k++ {
		addr := freeAddr(t)
		cmd, log := startListener(t, db, addr)
		sender, err := fakezoom.NewSender(fakezoom.SenderOptions{URL: "http://" + addr + "/", Secret: testWebhookSecret,
			Concurrency: 8, Retries: []time.Duration{}, Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		// Each round resends some of what the last round may have
		// lost, and goes on.
		from := max(0, next-20)
		to := min(len(events), from+150)
		go func() { done <- sender.Send(ctx, events[from:to]) }()
		if k < kills {
			// Kill once a random number of events were answered: a
			// moment in the traffic, not on the clock.
			target := 1 + r.IntN(to-from-20)
			for sender.Stats().Acked < target && len(done) == 0 {
				time.Sleep(200 * time.Microsecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
		} else {
			<-done
			done <- nil
			cmd.Process.Signal(syscall.SIGTERM)
		}
		cmd.Wait()
		<-done
		cancel()
		n := 0
		for _, d := range sender.Acked() {
			acked[d.ID] = true
			n++
		}
		next = from + n
		if k < kills && n > 0 && n < to-from {
			cut++
		}
		if k >= kills && next < to {
			t.Fatalf("round %d with no kill acknowledged %d of %d events; listener said:\n%s", k, n, to-from, log.String())
		}
		if strings.Contains(log.String(), testWebhookSecret) {
			t.Fatal("the listener printed the secret")
		}
	}
	// Everything answered is stored, once.
	sdb, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	ms, err := sdb.Meetings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, m := range ms {
		err := sdb.RawDocs(context.Background(), m.ID, func(d store.RawDoc) error {
			sum := sha256.Sum256(d.Data)
			id := hex.EncodeToString(sum[:])
			if stored[id] {
				t.Errorf("event %s stored twice", id[:12])
			}
			stored[id] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	missing := 0
	for id := range acked {
		if !stored[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged events are not in the database", missing, len(acked))
	}
	t.Logf("%d kills, %d of them between two answers; %d events acknowledged, %d stored", kills, cut, len(acked), len(stored))
	if cut < kills/2 {
		t.Errorf("only %d of %d kills came while events were being answered", cut, kills)
	}
	sdb.Close()
	if r := zoomqos(t, "", "--db", db, "check"); r.code != 0 {
		t.Fatalf("check: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// listener is `zoomqos listen` running in a process of its own.
type listener struct {
	cmd  *exec.Cmd
	addr string // where it serves, from what it printed
	out  *strings.Builder

	mu     sync.Mutex
	stderr strings.Builder
	exited chan struct{}
}

// log returns what the listener wrote to stderr so far.
func (l *listener) log() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stderr.String()
}

var servingRE = regexp.MustCompile(`(?:listening for Zoom's events on https?|health on http)://([0-9.]+:[0-9]+)`)

// runListener starts zoomqos with args (listen among them, --addr
// 127.0.0.1:0) and waits until it says where it serves.
func runListener(t *testing.T, env []string, args ...string) *listener {
	t.Helper()
	l := &listener{cmd: zoomqosProcess(t, env, args...), out: &strings.Builder{}, exited: make(chan struct{})}
	l.cmd.Stdout = l.out
	errPipe, err := l.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		defer close(l.exited)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			l.mu.Lock()
			l.stderr.WriteString(sc.Text() + "\n")
			l.mu.Unlock()
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() {
		l.cmd.Process.Kill()
		l.cmd.Wait()
	})
	select {
	case l.addr = <-addr:
	case <-l.exited:
		t.Fatalf("the listener ended before serving:\n%s", l.log())
	case <-time.After(time.Minute):
		t.Fatalf("the listener did not say where it serves in a minute:\n%s", l.log())
	}
	return l
}

// stop sends SIGTERM and waits for the listener to end; it returns the
// exit status.
func (l *listener) stop(t *testing.T) int {
	t.Helper()
	l.cmd.Process.Signal(syscall.SIGTERM)
	waited := make(chan error, 1)
	go func() { <-l.exited; waited <- l.cmd.Wait() }()
	select {
	case err := <-waited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(time.Minute):
		t.Fatalf("the listener did not end in a minute after SIGTERM:\n%s", l.log())
		return -1
	}
}

// post sends body to url signed with secret at ts.
func post(t *testing.T, url, secret string, ts int64, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	s := strconv.FormatInt(ts, 10)
	req.Header.Set(zoom.TimestampHeader, s)
	req.Header.Set(zoom.SignatureHeader, zoom.Sign([]byte(secret), s, body))
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// noConfig points the config file at one that does not exist, and clears
// the webhook secret from the environment, for the rest of the test.
func noConfig(t *testing.T) {
	t.Helper()
	t.Setenv("ZOOMQOS_CONFIG", filepath.Join(t.TempDir(), "none"))
	t.Setenv("ZOOM_WEBHOOK_SECRET_TOKEN", "")
}

// What listen cannot run with is refused before it opens anything: exit
// status 2 and one line saying what to do.
func TestListenRefusals(t *testing.T) {
	noConfig(t)
	dir := t.TempDir()
	cert := filepath.Join(dir, "cert.pem")
	os.WriteFile(cert, []byte("not read"), 0o600)
	for _, tc := range []struct {
		name   string
		secret bool
		args   []string
		says   []string
	}{
		{"no secret token", false, nil, []string{"ZOOM_WEBHOOK_SECRET_TOKEN"}},
		{"websocket without subscription", true, []string{"--websocket"}, []string{"--websocket needs --subscription"}},
		{"subscription without websocket", true, []string{"--subscription", "sub-1"}, []string{"--subscription goes with --websocket"}},
		{"certificate without key", true, []string{"--tls-cert", cert}, []string{"--tls-cert", "--tls-key"}},
		{"key without certificate", true, []string{"--tls-key", cert}, []string{"--tls-cert", "--tls-key"}},
		{"path without a slash", true, []string{"--path", "zoom/events"}, []string{"--path", "begins with /"}},
		{"ws-url not a WebSocket URL", true, []string{"--websocket", "--subscription", "sub-1", "--ws-url", "https://ws.zoom.us/ws"}, []string{"--ws-url", "ws://"}},
		{"ws-url without a host", true, []string{"--websocket", "--subscription", "sub-1", "--ws-url", "ws:///ws"}, []string{"--ws-url"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.secret {
				t.Setenv("ZOOM_WEBHOOK_SECRET_TOKEN", testWebhookSecret)
			}
			db := filepath.Join(t.TempDir(), "q.db")
			r := zoomqos(t, "", append([]string{"--db", db, "listen", "--addr", "127.0.0.1:0"}, tc.args...)...)
			oneLine(t, r, 2, tc.says...)
			if strings.Contains(r.stderr+r.stdout, testWebhookSecret) {
				t.Error("the refusal shows the secret token")
			}
			if _, err := os.Stat(db); err == nil {
				t.Error("the database was created for a command that was refused")
			}
		})
	}
}

// What fails at the start fails in one line, before anything is opened,
// with no summary of a run that never was.
func TestListenStartFailures(t *testing.T) {
	noConfig(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		secret string
		args   []string
		code   int
		says   []string
	}{
		{"port in use", testWebhookSecret, []string{"--addr", busy.Addr().String()}, 1, []string{"listen on " + busy.Addr().String(), "address already in use"}},
		{"certificate missing", testWebhookSecret, []string{"--addr", "127.0.0.1:0", "--tls-cert", filepath.Join(dir, "no.pem"), "--tls-key", filepath.Join(dir, "no.key")}, 1, []string{"--tls-cert", "no.pem"}},
		{"secret token too short", "abc", []string{"--addr", "127.0.0.1:0"}, 2, []string{"only 3 characters", "ZOOM_WEBHOOK_SECRET_TOKEN"}},
		{"secret token with a space", " " + testWebhookSecret, []string{"--addr", "127.0.0.1:0"}, 2, []string{"begins or ends with a space"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("ZOOM_WEBHOOK_SECRET_TOKEN", tc.secret)
			db := filepath.Join(t.TempDir(), "q.db")
			r := zoomqos(t, "", append([]string{"--db", db, "listen"}, tc.args...)...)
			oneLine(t, r, tc.code, tc.says...)
			if strings.Contains(r.stderr, "listened") || strings.Contains(r.stderr+r.stdout, strings.TrimSpace(tc.secret)) {
				t.Errorf("says %q", r.stderr)
			}
			if _, err := os.Stat(db); err == nil {
				t.Error("the database was created")
			}
		})
	}
}

func TestListenHelp(t *testing.T) {
	r := zoomqos(t, "", "listen", "--help")
	if r.code != 0 {
		t.Fatalf("listen --help: %d %s", r.code, r.stderr)
	}
	for _, want := range []string{"ZOOM_WEBHOOK_SECRET_TOKEN", "/healthz", "--tls-cert", "--websocket"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("listen --help does not mention %s:\n%s", want, r.stdout)
		}
	}
}

// The secret token can come from the config file; with it the listener
// stores signed events, refuses others, answers Zoom's URL validation, and
// never shows the token, even at debug level; SIGTERM ends it with exit
// status 0 and its summary.
func TestListenSecretFromConfigAndSIGTERM(t *testing.T) {
	noConfig(t)
	dir := t.TempDir()
	db, cfg := filepath.Join(dir, "q.db"), filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("ZOOM_WEBHOOK_SECRET_TOKEN="+testWebhookSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l := runListener(t, []string{"ZOOMQOS_CONFIG=" + cfg, "ZOOM_WEBHOOK_SECRET_TOKEN="},
		"--db", db, "--log-level", "debug", "listen", "--addr", "127.0.0.1:0", "--path", "/zoom", "--alert-watch=false")
	url := "http://" + l.addr + "/zoom"
	now := time.Now().Unix()
	srv := fakezoom.NewServer(fakezoom.Options{Seed: 4, PastMeetings: 1, LiveMeetings: 0, Participants: 3, Minutes: 5})
	m := srv.Meetings()[0]
	events := srv.Events(m.Start, m.End.Add(time.Hour))
	if len(events) < 5 {
		t.Fatalf("%d events", len(events))
	}
	for i, e := range events {
		if code := post(t, url, testWebhookSecret, now, e.Body); code != 204 {
			t.Fatalf("event %d: status %d\n%s", i, code, l.log())
		}
	}
	// Zoom's retry of one (a new timestamp) adds nothing.
	if code := post(t, url, testWebhookSecret, now+1, events[0].Body); code != 204 {
		t.Fatalf("a retry: status %d", code)
	}
	if code := post(t, url, "not-the-secret-token", now, events[1].Body); code != 401 {
		t.Fatalf("signed with another secret: status %d", code)
	}
	if code := post(t, url, testWebhookSecret, now, []byte(`{"event":"endpoint.url_validation","payload":{"plainToken":"p1"}}`)); code != 200 {
		t.Fatalf("URL validation: status %d", code)
	}
	if code := l.stop(t); code != 0 {
		t.Fatalf("SIGTERM: exit status %d\n%s", code, l.log())
	}
	log := l.log()
	want := fmt.Sprintf(": %d events stored, 1 were stored before", len(events))
	if !regexp.MustCompile(`(?m)^listened \d+s` + regexp.QuoteMeta(want)).MatchString(log) {
		t.Errorf("no summary line %q in:\n%s", "listened Ns"+want, log)
	}
	if !strings.Contains(log, "level=DEBUG") && !strings.Contains(log, `"level":"DEBUG"`) {
		t.Errorf("nothing logged at debug level:\n%s", log)
	}
	if !strings.Contains(log, "request refused") {
		t.Errorf("the refused request is not logged:\n%s", log)
	}
	if strings.Contains(log+l.out.String(), testWebhookSecret) {
		t.Errorf("the listener showed the secret token:\n%s", log)
	}
	if r := zoomqos(t, "", "--db", db, "check"); r.code != 0 {
		t.Fatalf("check: %d %s", r.code, r.stderr)
	}
	sdb, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if s, err := sdb.Meeting(context.Background(), m.UUID); err != nil || s.Sessions != m.Sessions {
		t.Errorf("the meeting stored: %+v, %v; want %d sessions", s, err, m.Sessions)
	}
}
