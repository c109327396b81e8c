package listen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
)

// guard bounds how long a test waits for something that must happen; it
// is a hang detector, never a budget the code under test must meet.
const guard = 20 * time.Second

// token is what the tests' token sources hand out: with characters that
// the URL escapes, so that both forms can be looked for.
const token = "tok/SECRET+abc=def0123456789"

// fakeWS is a loopback server speaking Zoom's WebSocket delivery, as far as
// a test needs: it records each upgrade request, refuses those refuse
// names, answers heartbeats, and plays script on each connection.
type fakeWS struct {
	URL        string // ws://…/ws
	play       wsPlay
	heartbeats chan time.Time

	mu       sync.Mutex
	attempts []wsAttempt
	done     chan struct{}
}

type wsAttempt struct {
	at    time.Time
	query url.Values
}

// wsSession is one accepted connection, as the script sees it.
type wsSession struct {
	t    *testing.T
	c    *websocket.Conn
	done <-chan struct{}
}

// send writes one message as it is.
func (s *wsSession) send(msg string) {
	if err := s.c.Write(context.Background(), websocket.MessageText, []byte(msg)); err != nil {
		s.t.Errorf("server: %v", err)
	}
}

// event writes an event as Zoom does: its JSON as the string content of
// a "message".
func (s *wsSession) event(ev string) {
	b, _ := json.Marshal(map[string]string{"module": "message", "content": ev})
	s.send(string(b))
}

// wsPlay is what a fakeWS does with the nth upgrade request (from 1);
// every part may be nil.
type wsPlay struct {
	Refuse  func(n int) int  // the status to refuse it with; 0: accept
	Deaf    func(n int) bool // read nothing on the connection: no heartbeat answered, no ping
	Session func(n int, s *wsSession)
}

// startWS starts a fakeWS.
func startWS(t *testing.T, play wsPlay) *fakeWS {
	t.Helper()
	f := &fakeWS{play: play, heartbeats: make(chan time.Time, 1000), done: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	t.Cleanup(func() {
		close(f.done)
		srv.Close()
	})
	return f
}

func (f *fakeWS) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.attempts = append(f.attempts, wsAttempt{at: time.Now(), query: r.URL.Query()})
	n := len(f.attempts)
	f.mu.Unlock()
	if f.play.Refuse != nil {
		if status := f.play.Refuse(n); status != 0 {
			// A server that quotes the request, token and all.
			http.Error(w, "refused "+r.URL.String(), status)
			return
		}
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	s := &wsSession{c: c, done: f.done}
	if f.play.Deaf != nil && f.play.Deaf(n) {
		<-f.done
		return
	}
	go func() {
		for {
			_, msg, err := c.Read(context.Background())
			if err != nil {
				return
			}
			if string(msg) == `{"module":"heartbeat"}` {
				f.heartbeats <- time.Now()
				c.Write(context.Background(), websocket.MessageText, []byte(`{"module":"heartbeat","success":true}`))
			}
		}
	}()
	if f.play.Session != nil {
		f.play.Session(n, s)
	}
	select {
	case <-f.done:
	case <-r.Context().Done():
	}
}

func (f *fakeWS) attemptsSoFar() []wsAttempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]wsAttempt(nil), f.attempts...)
}

// newWS is a WebSocket for the fake with quick heartbeats and backoffs;
// events delivered arrive on the channel returned.
func newWS(f *fakeWS, log *zoomtest.Log) (*WebSocket, chan string) {
	got := make(chan string, 100)
	return &WebSocket{
		URL: f.URL, Subscription: "sub-1",
		Token: func(context.Context) (string, error) { return token, nil },
		Deliver: func(_ context.Context, ev []byte) error {
			got <- string(ev)
			return nil
		},
		Heartbeat: time.Hour, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond,
		Log: log.Logger(),
	}, got
}

// run starts w.Run. stop cancels it and returns what Run returned; ended
// returns that without cancelling. Both fail the test if Run does not
// return.
func run(t *testing.T, w *WebSocket) (stop, ended func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	var err error
	go func() {
		err = w.Run(ctx)
		close(finished)
	}()
	ended = func() error {
		select {
		case <-finished:
		case <-time.After(guard):
			t.Fatal("Run did not return")
		}
		return err
	}
	stop = func() error {
		cancel()
		return ended()
	}
	t.Cleanup(func() { stop() })
	return stop, ended
}

// receive waits for n events.
func receive(t *testing.T, got <-chan string, n int) []string {
	t.Helper()
	var out []string
	for len(out) < n {
		select {
		case ev := <-got:
			out = append(out, ev)
		case <-time.After(guard):
			t.Fatalf("%d events of %d arrived: %q", len(out), n, out)
		}
	}
	return out
}

func ev(i int) string { return fmt.Sprintf(`{"event":"meeting.participant_qos","event_ts":%d}`, i) }

// The events arrive as Zoom sends them, in order, content unwrapped; a
// Deliver that fails is counted and does not stop the rest; the URL carries
// the subscription and the token.
func TestWebSocketDeliversInOrder(t *testing.T) {
	f := startWS(t, wsPlay{Session: func(n int, s *wsSession) {
		for i := range 50 {
			s.event(ev(i))
		}
	}})
	var log zoomtest.Log
	w, got := newWS(f, &log)
	deliver := w.Deliver
	w.Deliver = func(ctx context.Context, e []byte) error {
		if string(e) == ev(7) {
			return errors.New("disk full")
		}
		return deliver(ctx, e)
	}
	stop, _ := run(t, w)
	events := receive(t, got, 49)
	if err := stop(); err != nil {
		t.Errorf("Run: %v, want nil after its context ended", err)
	}
	for i, j := 0, 0; i < 50; i++ {
		if i == 7 {
			continue
		}
		if events[j] != ev(i) {
			t.Fatalf("event %d: %s, want %s", j, events[j], ev(i))
		}
		j++
	}
	st := w.Stats()
	if st.Delivered != 49 || st.Failed != 1 || st.Messages != 50 || st.Connections != 1 || st.Reconnects != 0 || st.Connected {
		t.Errorf("stats %+v", st)
	}
	if !strings.Contains(log.String(), "disk full") {
		t.Errorf("the failed Deliver is not logged:\n%s", log.String())
	}
	a := f.attemptsSoFar()
	if len(a) != 1 || a[0].query.Get("subscriptionId") != "sub-1" || a[0].query.Get("access_token") != token {
		t.Errorf("upgrade requests %+v", a)
	}
}

// Heartbeats go out every Heartbeat, no faster, and their answers are
// counted.
func TestWebSocketHeartbeats(t *testing.T) {
	f := startWS(t, wsPlay{})
	var log zoomtest.Log
	w, _ := newWS(f, &log)
	w.Heartbeat = 50 * time.Millisecond
	stop, _ := run(t, w)
	var at []time.Time
	for len(at) < 4 {
		select {
		case h := <-f.heartbeats:
			at = append(at, h)
		case <-time.After(guard):
			t.Fatalf("%d heartbeats arrived", len(at))
		}
	}
	stop()
	for i := 1; i < len(at); i++ {
		// A ticker may catch up one tick late, never run ahead: two
		// heartbeats are never closer than half an interval.
		if d := at[i].Sub(at[i-1]); d < w.Heartbeat/2 {
			t.Errorf("heartbeat %d came %s after the one before, want about %s", i, d, w.Heartbeat)
		}
	}
	st := w.Stats()
	if st.HeartbeatsSent < 4 || st.HeartbeatsAcked < 3 || st.Other != st.HeartbeatsAcked || st.Bad != 0 {
		t.Errorf("stats %+v", st)
	}
	if st.Reconnects != 0 {
		t.Errorf("a connection that answers its heartbeats was dropped: %+v\n%s", st, log.String())
	}
}

// A connection that answers neither heartbeats nor pings is dead: the
// listener connects again and goes on receiving.
func TestWebSocketDeadConnectionReplaced(t *testing.T) {
	f := startWS(t, wsPlay{
		Deaf:    func(n int) bool { return n == 1 },
		Session: func(n int, s *wsSession) { s.event(ev(n)) },
	})
	var log zoomtest.Log
	w, got := newWS(f, &log)
	w.Heartbeat = 20 * time.Millisecond
	stop, _ := run(t, w)
	if events := receive(t, got, 1); events[0] != ev(2) {
		t.Errorf("event %q, want the second connection's", events[0])
	}
	stop()
	if st := w.Stats(); st.Reconnects != 1 || st.Gaps != 1 {
		t.Errorf("stats %+v", st)
	}
	if !strings.Contains(log.String(), "no answer to a heartbeat") {
		t.Errorf("the log does not say why the connection was dropped:\n%s", log.String())
	}
}

// When the server closes the connection, the listener connects again and
// hands Gap the span without a connection: from no earlier than the close
// to no earlier than the new connection's request.
func TestWebSocketReconnectsAndReportsTheGap(t *testing.T) {
	closed := make(chan time.Time, 1)
	f := startWS(t, wsPlay{Session: func(n int, s *wsSession) {
		s.event(ev(n))
		if n == 1 {
			closed <- time.Now()
			s.c.Close(websocket.StatusGoingAway, "restarting")
		}
	}})
	var log zoomtest.Log
	w, got := newWS(f, &log)
	type span struct{ from, to time.Time }
	gaps := make(chan span, 10)
	w.Gap = func(_ context.Context, from, to time.Time) { gaps <- span{from, to} }
	stop, _ := run(t, w)
	if events := receive(t, got, 2); events[0] != ev(1) || events[1] != ev(2) {
		t.Errorf("events %q", events)
	}
	var g span
	select {
	case g = <-gaps:
	case <-time.After(guard):
		t.Fatal("no gap reported")
	}
	stop()
	closing := <-closed
	second := f.attemptsSoFar()[1].at
	if g.from.Before(closing) || second.Before(g.from) || g.to.Before(second) {
		t.Errorf("gap %s to %s; the server closed at %s and was asked again at %s",
			g.from.Format(time.StampMicro), g.to.Format(time.StampMicro), closing.Format(time.StampMicro), second.Format(time.StampMicro))
	}
	st := w.Stats()
	if st.Connections != 2 || st.Reconnects != 1 || st.Gaps != 1 || st.GapTime != g.to.Sub(g.from) {
		t.Errorf("stats %+v", st)
	}
	if len(gaps) != 0 {
		t.Errorf("%d more gaps reported", len(gaps))
	}
}

// Attempts refused with 503 or 429 are tried again after waits that
// double (each at least half its nominal length), and Run goes on until it
// connects.
func TestWebSocketBackoffGrows(t *testing.T) {
	const refusals = 6
	f := startWS(t, wsPlay{
		Refuse: func(n int) int {
			switch {
			case n > refusals:
				return 0
			case n%2 == 0:
				return http.StatusTooManyRequests
			}
			return http.StatusServiceUnavailable
		},
		Session: func(n int, s *wsSession) { s.event(ev(n)) },
	})
	var log zoomtest.Log
	w, got := newWS(f, &log)
	w.MinBackoff, w.MaxBackoff = 10*time.Millisecond, time.Second
	stop, _ := run(t, w)
	receive(t, got, 1)
	stop()
	a := f.attemptsSoFar()
	if len(a) != refusals+1 {
		t.Fatalf("%d attempts, want %d", len(a), refusals+1)
	}
	for i := 1; i < len(a); i++ {
		least := w.MinBackoff << (i - 1) / 2
		if d := a[i].at.Sub(a[i-1].at); d < least {
			t.Errorf("attempt %d came %s after the one before, want at least %s", i+1, d, least)
		}
	}
	if st := w.Stats(); st.Refused != refusals || st.Connections != 1 || st.Delivered != 1 {
		t.Errorf("stats %+v", st)
	}
	if n := strings.Count(log.String(), "could not connect; trying again"); n != refusals {
		t.Errorf("%d warnings of a failed attempt, want %d:\n%s", n, refusals, log.String())
	}
}

// The waits double from MinBackoff up to MaxBackoff, each cut by a random
// part of up to half.
func TestReconnectWait(t *testing.T) {
	lo, hi := 100*time.Millisecond, 3*time.Second
	for n, nominal := range []time.Duration{0, 100, 200, 400, 800, 1600, 3000, 3000, 3000} {
		if n == 0 {
			continue
		}
		nominal *= time.Millisecond
		for range 100 {
			if d := reconnectWait(n, lo, hi); d < nominal/2 || d > nominal {
				t.Fatalf("wait after %d failures: %s, want %s to %s", n, d, nominal/2, nominal)
			}
		}
	}
	if d := reconnectWait(1000, lo, hi); d > hi {
		t.Errorf("wait after 1000 failures: %s", d)
	}
}

// Credentials the token URL refuses (HTTP 401) end Run with an error that
// says so and names the endpoint, at the first attempt.
func TestWebSocketTokenRefusedEndsRun(t *testing.T) {
	fz := fakezoom.Start(fakezoom.Options{Seed: 1, PastMeetings: 1})
	t.Cleanup(fz.Close)
	o := fz.Options()
	client, err := zoom.NewClient(zoom.ClientConfig{APIURL: fz.APIURL, TokenURL: fz.TokenURL,
		Credentials: zoom.Credentials{AccountID: o.AccountID, ClientID: o.ClientID, ClientSecret: "wrong-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	f := startWS(t, wsPlay{})
	var log zoomtest.Log
	w, _ := newWS(f, &log)
	w.Token = client.AccessToken
	_, ended := run(t, w)
	err = ended()
	zoomtest.MustSay(t, "Run", err, "refused the Server-to-Server OAuth credentials", f.URL+"?subscriptionId=sub-1&access_token=…")
	if !errors.Is(err, zoom.ErrCredentialsRefused) {
		t.Errorf("%v is not zoom.ErrCredentialsRefused", err)
	}
	if n := len(f.attemptsSoFar()); n != 0 {
		t.Errorf("%d connection attempts without a token", n)
	}
}

// A server that refuses the upgrade with a 4xx other than 401, 408 and
// 429 (an unknown subscription, one the app may not use) ends Run at the
// first attempt, asking again cannot help, and says what to check; the
// log says so at once.
func TestWebSocketUpgradeRefusedEndsRun(t *testing.T) {
	for _, tc := range []struct {
		status int
		words  []string
	}{
		{http.StatusNotFound, []string{"HTTP 404", "no such subscription", "check the subscription ID"}},
		{http.StatusForbidden, []string{"HTTP 403", "may not use this subscription", "check the subscription ID"}},
		{http.StatusBadRequest, []string{"HTTP 400", "check the URL and the subscription ID"}},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			f := startWS(t, wsPlay{Refuse: func(int) int { return tc.status }})
			var log zoomtest.Log
			w, _ := newWS(f, &log)
			_, ended := run(t, w)
			err := ended()
			zoomtest.MustSay(t, "Run", err, append(tc.words, f.URL+"?subscriptionId=sub-1&access_token=…")...)
			if n := len(f.attemptsSoFar()); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
			if !strings.Contains(log.String(), "stopping: "+err.Error()) {
				t.Errorf("the log does not say why Run stops:\n%s", log.String())
			}
		})
	}
}

// tokens is a token source handing out a new token at each renewal, and
// recording the tokens it was told were refused.
type tokens struct {
	mu      sync.Mutex
	n       int
	refused []string
}

func (s *tokens) Token(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("%s-%d", token, s.n), nil
}

func (s *tokens) Renew(_ context.Context, refused string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused = append(s.refused, refused)
	s.n++
	return fmt.Sprintf("%s-%d", token, s.n), nil
}

func (s *tokens) renewed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.refused...)
}

// A 401 on the upgrade means the token expired or was revoked: Run gets
// a new one for the token refused and connects with it. Only when new
// tokens are refused too, twice in a row, does Run end, and then its
// error does not send the user to the subscription ID.
func TestWebSocketTokenRefusedIsRenewed(t *testing.T) {
	t.Run("once", func(t *testing.T) {
		f := startWS(t, wsPlay{
			Refuse:  func(n int) int { return map[bool]int{true: http.StatusUnauthorized}[n == 1] },
			Session: func(n int, s *wsSession) { s.event(ev(n)) },
		})
		var log zoomtest.Log
		w, got := newWS(f, &log)
		src := &tokens{}
		w.Token, w.Renew = src.Token, src.Renew
		stop, _ := run(t, w)
		if events := receive(t, got, 1); events[0] != ev(2) {
			t.Errorf("event %q, want the second connection's", events[0])
		}
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		a := f.attemptsSoFar()
		if r := src.renewed(); len(r) != 1 || r[0] != token+"-0" || len(a) != 2 || a[1].query.Get("access_token") != token+"-1" {
			t.Errorf("renewed for %q; attempts %+v: want the second with the new token", r, a)
		}
		if st := w.Stats(); st.Refused != 1 || st.Connections != 1 {
			t.Errorf("stats %+v", st)
		}
		if !strings.Contains(log.String(), "refused the access token, expired or revoked") {
			t.Errorf("the log does not say the token was refused:\n%s", log.String())
		}
	})
	t.Run("new ones too", func(t *testing.T) {
		f := startWS(t, wsPlay{Refuse: func(int) int { return http.StatusUnauthorized }})
		var log zoomtest.Log
		w, _ := newWS(f, &log)
		src := &tokens{}
		w.Token, w.Renew = src.Token, src.Renew
		_, ended := run(t, w)
		err := ended()
		zoomtest.MustSay(t, "Run", err, "HTTP 401", "refused the access token", "2 new ones", f.URL+"?subscriptionId=sub-1&access_token=…")
		if err != nil && strings.Contains(err.Error(), "subscription ID") {
			t.Errorf("a refused token blamed on the subscription ID: %v", err)
		}
		if r, a := src.renewed(), f.attemptsSoFar(); len(a) != 3 || len(r) != 2 || r[0] != token+"-0" || r[1] != token+"-1" {
			t.Errorf("%d attempts, renewed for %q: want 3 attempts, renewing each token refused but the last", len(a), r)
		}
		if !strings.Contains(log.String(), "stopping: ") {
			t.Errorf("the log does not say why Run stops:\n%s", log.String())
		}
	})
}

// zoomRestarts serves a fake Zoom account on a loopback port that stays
// while the fake behind it is replaced, as a Zoom that forgot the tokens
// it issued (revoked, or expired early): its connections dropped, its
// tokens gone.
type zoomRestarts struct {
	URL  string
	opts fakezoom.Options

	mu    sync.Mutex
	srv   *fakezoom.Server
	conns map[net.Conn]bool
}

func startZoom(t *testing.T, o fakezoom.Options) *zoomRestarts {
	t.Helper()
	z := &zoomRestarts{srv: fakezoom.NewServer(o), conns: map[net.Conn]bool{}}
	z.opts = z.srv.Options()
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		z.mu.Lock()
		srv := z.srv
		z.mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	ts.Config.ConnState = func(c net.Conn, s http.ConnState) {
		z.mu.Lock()
		defer z.mu.Unlock()
		switch s {
		case http.StateNew:
			z.conns[c] = true
		case http.StateClosed:
			delete(z.conns, c)
		}
	}
	ts.Start()
	z.URL = ts.URL
	t.Cleanup(func() {
		z.dropConnections()
		ts.Close()
	})
	return z
}

// restart puts a new fake, with the same options, behind the port.
func (z *zoomRestarts) restart() {
	z.mu.Lock()
	z.srv = fakezoom.NewServer(z.opts)
	z.mu.Unlock()
	z.dropConnections()
}

// dropConnections closes every connection, WebSocket ones too.
func (z *zoomRestarts) dropConnections() {
	z.mu.Lock()
	defer z.mu.Unlock()
	for c := range z.conns {
		c.Close()
	}
	clear(z.conns)
}

func (z *zoomRestarts) issued() []string {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.srv.IssuedTokens()
}

// waitFor waits until cond holds, failing the test if it does not within
// the guard.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(guard); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
	}
}

// The reviewer's case: listen --websocket against zoomqos fakezoom, the
// fake stopped and started again, its tokens forgotten. The zoom.Client
// still holds the token, which the new fake refuses (401, code 124): the
// listener gets a new one and connects again, and goes on.
func TestWebSocketGoesOnWhenZoomForgetsTheToken(t *testing.T) {
	z := startZoom(t, fakezoom.Options{Seed: 1, PastMeetings: 1, Subscription: "sub-1"})
	client, err := zoom.NewClient(zoom.ClientConfig{APIURL: z.URL + "/v2", TokenURL: z.URL + "/oauth/token",
		Credentials: zoom.Credentials{AccountID: z.opts.AccountID, ClientID: z.opts.ClientID, ClientSecret: z.opts.ClientSecret}})
	if err != nil {
		t.Fatal(err)
	}
	var log zoomtest.Log
	w := &WebSocket{URL: "ws" + strings.TrimPrefix(z.URL, "http") + "/ws", Subscription: "sub-1",
		Token: client.AccessToken, Renew: client.RenewToken,
		Deliver:    func(context.Context, []byte) error { return nil },
		MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, Log: log.Logger()}
	stop, _ := run(t, w)
	waitFor(t, "the first connection", func() bool { return w.Stats().Connections == 1 })
	for i := range 2 {
		z.restart()
		waitFor(t, "a connection after the restart", func() bool { return w.Stats().Connections == int64(i+2) })
		if issued := z.issued(); len(issued) != 1 {
			t.Errorf("restart %d: the new fake issued %d tokens, want 1", i+1, len(issued))
		}
	}
	if err := stop(); err != nil {
		t.Errorf("Run: %v\n%s", err, log.String())
	}
	if st := client.Stats(); st.TokenRequests != 3 {
		t.Errorf("%d tokens obtained, want 3", st.TokenRequests)
	}
	if st := w.Stats(); st.Refused < 2 || st.Reconnects != 2 {
		t.Errorf("stats %+v: want two reconnects, each after a refusal", st)
	}
	if logs := log.String(); !strings.Contains(logs, "HTTP 401") || !strings.Contains(logs, "asking for a new one") || strings.Contains(logs, "stopping") {
		t.Errorf("the log does not say the token was refused and renewed:\n%s", logs)
	}
}

// When Run ends for an error, the log says so at once, not only once the
// gap fill under way has ended.
func TestWebSocketSaysItStopsBeforeTheGapFillEnds(t *testing.T) {
	f := startWS(t, wsPlay{
		Refuse: func(n int) int { return map[bool]int{true: http.StatusNotFound}[n == 3] },
		Session: func(n int, s *wsSession) {
			s.event(ev(n))
			s.c.Close(websocket.StatusGoingAway, "restarting")
		},
	})
	var log zoomtest.Log
	w, _ := newWS(f, &log)
	filling, release := make(chan struct{}), make(chan struct{})
	w.Gap = func(context.Context, time.Time, time.Time) {
		close(filling)
		<-release
	}
	_, ended := run(t, w)
	select {
	case <-filling:
	case <-time.After(guard):
		t.Fatal("no gap to fill")
	}
	waitFor(t, "the log to say Run stops", func() bool { return strings.Contains(log.String(), "stopping: ") })
	close(release)
	zoomtest.MustSay(t, "Run", ended(), "HTTP 404")
	if !strings.Contains(log.String(), "gap fill under way") {
		t.Errorf("the log does not say what Run waits for:\n%s", log.String())
	}
}

// A connection that worked (it brought an event) is followed by the next
// attempt at once, however long the backoff: with waits of an hour, the
// events of five connections in a row, each closed after one, still
// arrive.
func TestWebSocketReconnectsAtOnceAfterAConnectionThatWorked(t *testing.T) {
	f := startWS(t, wsPlay{Session: func(n int, s *wsSession) {
		s.event(ev(n))
		if n < 5 {
			s.c.Close(websocket.StatusGoingAway, "restarting")
		}
	}})
	var log zoomtest.Log
	w, got := newWS(f, &log)
	w.MinBackoff, w.MaxBackoff = time.Hour, time.Hour
	stop, _ := run(t, w)
	events := receive(t, got, 5)
	stop()
	for i, e := range events {
		if e != ev(i+1) {
			t.Errorf("event %d: %s, want %s", i, e, ev(i+1))
		}
	}
	if st := w.Stats(); st.Connections != 5 || st.Refused != 0 {
		t.Errorf("stats %+v", st)
	}
}

// After a connection that worked, the waits start over: the first failed
// attempt after it is attempt 1 again, with the shortest wait.
func TestWebSocketBackoffStartsOverAfterAConnectionThatWorked(t *testing.T) {
	f := startWS(t, wsPlay{
		Refuse: func(n int) int {
			if n <= 3 || n == 5 {
				return http.StatusServiceUnavailable
			}
			return 0
		},
		Session: func(n int, s *wsSession) {
			s.event(ev(n))
			if n == 4 {
				s.c.Close(websocket.StatusGoingAway, "restarting")
			}
		},
	})
	var log zoomtest.Log
	w, got := newWS(f, &log)
	w.MinBackoff, w.MaxBackoff = time.Millisecond, time.Hour
	stop, _ := run(t, w)
	if events := receive(t, got, 2); events[0] != ev(4) || events[1] != ev(6) {
		t.Errorf("events %q", events)
	}
	stop()
	var attempts []string
	for line := range strings.SplitSeq(log.String(), "\n") {
		if strings.Contains(line, "could not connect") {
			_, a, _ := strings.Cut(line, "attempt=")
			a, _, _ = strings.Cut(a, " ")
			attempts = append(attempts, a)
		}
	}
	if got, want := strings.Join(attempts, ","), "1,2,3,1"; got != want {
		t.Errorf("failed attempts numbered %s, want %s:\n%s", got, want, log.String())
	}
}

// /healthz shows the stats in snake_case, the gap time in seconds, and
// no zero times.
func TestWSStatsJSON(t *testing.T) {
	b, err := json.Marshal(WSStats{Connections: 3, Reconnects: 2, GapTime: 1500 * time.Millisecond, HeartbeatsSent: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"connected":false,"connections":3,"reconnects":2,"refused":0,"messages":0,"delivered":0,"failed":0,"bad":0,"other":0,"heartbeats_sent":4,"heartbeats_acked":0,"gaps":0,"gap_seconds":1.5}`; got != want {
		t.Errorf("JSON\n%s, want\n%s", got, want)
	}
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	b, _ = json.Marshal(&WSStats{Connected: true, Since: at, LastEvent: at.Add(time.Second)})
	if s := string(b); !strings.Contains(s, `"since":"2026-11-20T12:00:00Z"`) || !strings.Contains(s, `"last_event":"2026-11-20T12:00:01Z"`) || !strings.Contains(s, `"gap_seconds":0`) {
		t.Errorf("JSON %s", s)
	}
}

// The token travels in the URL, and servers, proxies and the HTTP client
// quote URLs in their errors: neither Run's error nor the log shows it, in
// any form.
func TestWebSocketNeverShowsTheToken(t *testing.T) {
	f := startWS(t, wsPlay{Refuse: func(n int) int {
		if n < 3 {
			return http.StatusBadGateway // its body quotes the URL
		}
		return http.StatusForbidden
	}})
	var log zoomtest.Log
	w, _ := newWS(f, &log)
	tries := 0
	w.HTTPClient = &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		if tries++; tries == 1 {
			return nil, errors.New("connection reset") // http.Client quotes the URL
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	_, ended := run(t, w)
	err := ended()
	if err == nil {
		t.Fatal("Run ended without an error")
	}
	logs := log.String()
	for _, form := range []string{token, url.QueryEscape(token), "SECRET"} {
		if strings.Contains(err.Error(), form) || strings.Contains(logs, form) {
			t.Errorf("the token shows as %q:\nerror: %v\nlog:\n%s", form, err, logs)
		}
	}
	if !strings.Contains(logs, "connection reset") || !strings.Contains(logs, "HTTP 502") || !strings.Contains(err.Error(), "HTTP 403") {
		t.Errorf("the reasons are gone with the token:\nerror: %v\nlog:\n%s", err, logs)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Messages that are not an event in Zoom's envelope are counted and
// logged in a line each, showing no more than their start; other modules
// are counted; the connection stays up and the good event arrives.
func TestWebSocketBadMessages(t *testing.T) {
	tail := "TAIL-NEVER-LOGGED"
	long := `{"module":"message","content":"{` + strings.Repeat("x", 200) + tail + `"}`
	huge := `{"module":"message","content":"` + strings.Repeat("y", wsMaxEvent) + `"}`
	f := startWS(t, wsPlay{Session: func(n int, s *wsSession) {
		s.send("not json at all")
		s.send(`{"module":"message","content":{"event":"meeting.alert"}}`)
		s.send(`{"module":"message","content":"{broken"}`)
		s.send(`{"module":"message","content":"42"}`)
		s.send(`{"content":"{}"}`)
		s.send(long)
		s.send(huge)
		s.send(`{"module":"heartbeat","success":true}`)
		s.send(`{"module":"notice","content":"x"}`)
		s.event(ev(1))
	}})
	var log zoomtest.Log
	w, got := newWS(f, &log)
	stop, _ := run(t, w)
	if events := receive(t, got, 1); events[0] != ev(1) {
		t.Errorf("event %q", events[0])
	}
	stop()
	st := w.Stats()
	if st.Bad != 7 || st.Other != 2 || st.HeartbeatsAcked != 1 || st.Messages != 10 || st.Delivered != 1 || st.Connections != 1 {
		t.Errorf("stats %+v", st)
	}
	logs := log.String()
	if n := strings.Count(logs, "bad message skipped"); n != 7 {
		t.Errorf("%d bad messages logged, want 7:\n%s", n, logs)
	}
	if !strings.Contains(logs, fmt.Sprintf("bytes=%d", len(huge))) {
		t.Errorf("the log does not give the size of the message too large:\n%s", logs)
	}
	if strings.Contains(logs, tail) || strings.Contains(logs, strings.Repeat("y", 101)) {
		t.Errorf("a bad message is logged beyond its start:\n%s", logs)
	}
	for line := range strings.SplitSeq(logs, "\n") {
		if strings.Contains(line, "bad message") && len(line) > 600 {
			t.Errorf("a long log line: %s", line)
		}
	}
}

// The end of ctx ends Run with nil: while connected, and while it waits
// to try again.
func TestWebSocketStopsOnCancel(t *testing.T) {
	t.Run("connected", func(t *testing.T) {
		f := startWS(t, wsPlay{Session: func(n int, s *wsSession) { s.event(ev(n)) }})
		var log zoomtest.Log
		w, got := newWS(f, &log)
		stop, _ := run(t, w)
		receive(t, got, 1)
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		if st := w.Stats(); st.Connected || st.Connections != 1 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("waiting", func(t *testing.T) {
		f := startWS(t, wsPlay{Refuse: func(int) int { return http.StatusServiceUnavailable }})
		var log zoomtest.Log
		w, _ := newWS(f, &log)
		w.MinBackoff, w.MaxBackoff = time.Hour, time.Hour
		stop, _ := run(t, w)
		for deadline := time.Now().Add(guard); w.Stats().Refused == 0; {
			if time.Now().After(deadline) {
				t.Fatal("no attempt refused")
			}
			time.Sleep(time.Millisecond) // until it waits the hour
		}
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}
