package listen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/internal/secret"
)

// Zoom's WebSocket delivery: one connection carrying every event of a
// subscription, kept up with heartbeats, reconnected with backoff, and
// each span without a connection handed on to be filled from the QoS API.

const (
	// wsMaxEvent bounds one message: larger ones are counted as bad and
	// skipped, the connection kept. Zoom's events are a few kilobytes.
	wsMaxEvent = 1 << 20
	// wsMaxFrame bounds what is read of one message at all: beyond it
	// the library closes the connection, and Run connects again.
	wsMaxFrame = 16 << 20
	// wsQueue is how many events received wait for Deliver, so that a
	// slow commit does not stop the reading (and the heartbeats' answers).
	wsQueue = 256
	// wsDialTimeout bounds a connection attempt, token included.
	wsDialTimeout = 30 * time.Second
	// wsDrain is how long events received before ctx ended may still take
	// to be delivered.
	wsDrain = 10 * time.Second
	// wsExcerpt is how much of a bad message a log line shows.
	wsExcerpt = 100
	// wsWorked is how long a connection must stay up, if it brought no
	// event, to count as one that worked: after it, the next attempt
	// comes at once and the waits start over from MinBackoff. Zoom's
	// connections last for hours; one that breaks within seconds and
	// brought nothing is a failure like a refused attempt.
	wsWorked = 10 * time.Second
	// wsFreshRefusals is how many new tokens in a row the server may
	// refuse (HTTP 401) before Run gives up: one refusal of a token held
	// for a while is an expiry or a revocation, mended by a new token;
	// new ones refused too will not get better.
	wsFreshRefusals = 2
)

var wsHeartbeat = []byte(`{"module":"heartbeat"}`)

// WebSocket receives Zoom's events over Zoom's WebSocket delivery.
type WebSocket struct {
	URL          string // e.g. wss://ws.zoom.us/ws
	Subscription string
	Token        func(ctx context.Context) (string, error) // a Server-to-Server access token; called at every (re)connect
	// Renew is called instead of Token after the server refused the
	// upgrade with HTTP 401 (the token expired or was revoked), with the
	// token refused; it returns a new one (zoom.Client.RenewToken). When
	// nil, Token is asked again, and the same token refused twice ends Run.
	Renew func(ctx context.Context, refused string) (string, error)
	// Deliver stores one event (the content string's bytes); it returns once the event is durable. An error from it is logged and the event counted as failed; it does not end Run.
	Deliver func(ctx context.Context, event []byte) error
	// Gap is called (in its own goroutine, one at a time, never blocking the receive loop) after a reconnect with the span during which no connection was up: from the moment the previous connection broke to the moment the new one was established.
	Gap                    func(ctx context.Context, from, to time.Time)
	Heartbeat              time.Duration // default 55 s
	MinBackoff, MaxBackoff time.Duration // defaults 1 s and 1 min; exponential with jitter; reset after a connection that worked (brought an event, or stayed up 10 s)
	Log                    *slog.Logger
	HTTPClient             *http.Client     // optional
	Clock                  func() time.Time // optional, default time.Now

	mu      sync.Mutex
	stats   WSStats
	secrets secret.Set // every token handed out, for the logs
	// set by Run from the fields and their defaults
	heartbeat, minBackoff, maxBackoff time.Duration
	clock                             func() time.Time
	log                               *slog.Logger
	base                              string // the URL with subscriptionId, without access_token
}

// WSStats says what a WebSocket did so far. In JSON (the listener's
// /healthz) its names are snake_case, GapTime is gap_seconds, and the
// times are left out while zero.
type WSStats struct {
	Connected       bool          `json:"connected"`           // a connection is up now
	Since           time.Time     `json:"since,omitzero"`      // when the connection up now was established
	Connections     int64         `json:"connections"`         // connections established
	Reconnects      int64         `json:"reconnects"`          // of them, those after a connection was lost
	Refused         int64         `json:"refused"`             // connection attempts that failed
	Messages        int64         `json:"messages"`            // messages received, of every kind
	Delivered       int64         `json:"delivered"`           // events stored
	Failed          int64         `json:"failed"`              // events Deliver could not store
	Bad             int64         `json:"bad"`                 // messages that were not an envelope holding an event in JSON
	Other           int64         `json:"other"`               // messages of another module than "message", heartbeat answers among them
	HeartbeatsSent  int64         `json:"heartbeats_sent"`     // heartbeats written
	HeartbeatsAcked int64         `json:"heartbeats_acked"`    // heartbeat answers received
	Gaps            int64         `json:"gaps"`                // spans without a connection, handed to Gap
	GapTime         time.Duration `json:"-"`                   // their length in all; gap_seconds in JSON
	LastEvent       time.Time     `json:"last_event,omitzero"` // when the last event was received
}

// MarshalJSON writes the stats with their tags, and GapTime as
// gap_seconds, a number of seconds, last.
func (s WSStats) MarshalJSON() ([]byte, error) {
	type fields WSStats // the same tags, without this method
	return json.Marshal(struct {
		fields
		GapSeconds float64 `json:"gap_seconds"`
	}{fields(s), s.GapTime.Seconds()})
}

// Stats says what happened so far (connections, reconnects, messages, delivered, failed, heartbeats sent/acked, gaps) for the listener's /healthz and its status line.
func (w *WebSocket) Stats() WSStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stats
}

func (w *WebSocket) count(f func(*WSStats)) {
	w.mu.Lock()
	f(&w.stats)
	w.mu.Unlock()
}

// Run connects and receives until ctx ends; it returns nil on ctx end, or
// an error that will not get better by retrying, naming the endpoint: the
// token source refuses the credentials (zoom.ErrCredentialsRefused) or
// has only a fixed token that was refused (zoom.ErrTokenRefused); the
// server refuses new tokens (HTTP 401) twice in a row; it refuses the
// upgrade with another 4xx than 401, 408 and 429 (404: no such
// subscription). A token refused with 401 is renewed (Renew) and the
// attempt made again. Such an error is logged ("stopping: …") at once,
// before Run waits for the gap fill under way.
//
// A connection lost is followed by another at once if it worked (it
// brought an event, or stayed up 10 s), then with growing waits while
// attempts fail; each span without a connection goes to Gap once the
// next is up. The time before the first connection is no gap: what
// happened before Run is the caller's to collect. Events received are
// delivered in the order they came, also those still waiting when ctx
// ends (for up to ten seconds). The access token is in the URL's query:
// no error or log line shows it.
func (w *WebSocket) Run(ctx context.Context) error {
	if err := w.setup(); err != nil {
		return err
	}
	events := make(chan []byte, wsQueue)
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		w.deliver(ctx, events)
	}()
	gaps := &gapQueue{fill: w.Gap}
	defer func() {
		close(events)
		<-delivered
		gaps.wait()
	}()
	stop := func(err error) error {
		gaps.mu.Lock()
		filling := gaps.busy
		gaps.mu.Unlock()
		if filling {
			w.log.Error("stopping: "+err.Error(), "then", "once the gap fill under way ends")
		} else {
			w.log.Error("stopping: " + err.Error())
		}
		return err
	}

	fails := 0 // attempts in a row that failed, and connections that did not work
	var wait time.Duration
	var lost time.Time
	refused := "" // the token the last attempt was refused with (HTTP 401)
	fresh := 0    // of the 401s in a row, those to a token got after the one before
	for {
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil
			}
		}
		c, tok, err := w.connect(ctx, refused)
		if ctx.Err() != nil {
			if c != nil {
				c.CloseNow()
			}
			return nil
		}
		if err != nil {
			var pe *permanentError
			var ue *unauthorizedError
			switch {
			case errors.As(err, &pe):
				return stop(pe.err)
			case errors.As(err, &ue):
				if refused != "" && tok != refused {
					fresh++
				}
				if fresh >= wsFreshRefusals {
					return stop(fmt.Errorf("websocket %s: the server refused the access token (%s), and %d new ones after it: the app's tokens are not good for Zoom's WebSocket: check that the app is activated and has the scopes of the subscription's events",
						w.endpoint(""), ue.status, fresh))
				}
				refused = tok
				err = fmt.Errorf("the server refused the access token, expired or revoked (%s); asking for a new one", ue.status)
			case tok != "":
				// Not a refusal of the token: it may be good.
				refused, fresh = "", 0
			}
			fails++
			wait = reconnectWait(fails, w.minBackoff, w.maxBackoff)
			w.count(func(s *WSStats) { s.Refused++ })
			w.log.Warn("could not connect; trying again", "attempt", fails, "in", wait.Round(time.Millisecond), "error", err)
			continue
		}
		refused, fresh = "", 0
		up := w.clock()
		w.count(func(s *WSStats) {
			s.Connected, s.Since = true, up
			s.Connections++
			if !lost.IsZero() {
				s.Reconnects++
				s.Gaps++
				s.GapTime += up.Sub(lost)
			}
		})
		if lost.IsZero() {
			w.log.Info("connected; receiving Zoom's events")
		} else {
			w.log.Info("connected again; filling the gap from the QoS API", "gap_from", lost, "gap_to", up, "gap", up.Sub(lost).Round(time.Millisecond))
			gaps.add(ctx, lost, up)
		}
		got, err := w.receive(ctx, c, events)
		lost = w.clock()
		w.count(func(s *WSStats) { s.Connected, s.Since = false, time.Time{} })
		if ctx.Err() != nil {
			return nil
		}
		// A connection that worked was lost by chance: the next attempt
		// comes at once, and the waits start over. One that broke soon
		// after it came up, bringing nothing, is a failure like a refused
		// attempt, and the waits grow.
		wait = 0
		if got > 0 || lost.Sub(up) >= wsWorked {
			fails = 0
		} else {
			fails++
			wait = reconnectWait(fails, w.minBackoff, w.maxBackoff)
		}
		w.log.Warn("connection lost; connecting again", "error", err, "up", lost.Sub(up).Round(time.Millisecond), "events", got, "in", wait.Round(time.Millisecond))
	}
}

// setup checks the fields and fills in the defaults.
func (w *WebSocket) setup() error {
	switch {
	case w.URL == "":
		return errors.New("websocket: no URL")
	case w.Subscription == "":
		return fmt.Errorf("websocket %s: no subscription", w.URL)
	case w.Token == nil || w.Deliver == nil:
		return fmt.Errorf("websocket %s: Token and Deliver must be set", w.URL)
	}
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "wss" && u.Scheme != "ws") || u.Host == "" {
		return fmt.Errorf("websocket %q: not a ws:// or wss:// URL", w.URL)
	}
	q := u.Query()
	q.Del("access_token")
	q.Set("subscriptionId", w.Subscription)
	u.RawQuery = q.Encode()
	w.base = u.String()
	w.heartbeat = orDefault(w.Heartbeat, 55*time.Second)
	w.minBackoff = orDefault(w.MinBackoff, time.Second)
	w.maxBackoff = max(orDefault(w.MaxBackoff, time.Minute), w.minBackoff)
	w.clock = w.Clock
	if w.clock == nil {
		w.clock = time.Now
	}
	log := w.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w.log = slog.New(secret.NewHandler(log.Handler(), &w.secrets)).With("endpoint", w.endpoint(""))
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// endpoint is the URL to connect to with the token tok; with tok "" the
// URL as logs and errors show it, the token replaced by "…".
func (w *WebSocket) endpoint(tok string) string {
	if tok == "" {
		return w.base + "&access_token=…"
	}
	return w.base + "&access_token=" + url.QueryEscape(tok)
}

// scrub takes the token out of a text: as it is, as the URL holds it,
// and in any other form the secret set knows.
func (w *WebSocket) scrub(s, tok string) string {
	if tok != "" {
		s = strings.ReplaceAll(s, url.QueryEscape(tok), "…")
		s = strings.ReplaceAll(s, tok, "…")
	}
	return w.secrets.Scrub(s)
}

// permanentError is a failure to connect that another try will not mend.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }

// unauthorizedError is the server's refusal of the access token (HTTP
// 401): expired or revoked, which a new token mends, or not good for the
// WebSocket at all.
type unauthorizedError struct{ status string }

func (e *unauthorizedError) Error() string {
	return "the server refused the access token (" + e.status + ")"
}

// connect gets a token, a new one for refused when that is not "" (the
// token the last attempt was refused with), and opens a connection with
// it. It returns the token it used, also when the connection failed; ""
// when it got none.
func (w *WebSocket) connect(ctx context.Context, refused string) (*websocket.Conn, string, error) {
	ctx, cancel := context.WithTimeout(ctx, wsDialTimeout)
	defer cancel()
	var tok string
	var err error
	if refused != "" && w.Renew != nil {
		tok, err = w.Renew(ctx, refused)
	} else {
		tok, err = w.Token(ctx)
	}
	if err != nil {
		err = w.secrets.Error(err)
		if errors.Is(err, zoom.ErrCredentialsRefused) || errors.Is(err, zoom.ErrTokenRefused) {
			return nil, "", &permanentError{fmt.Errorf("websocket %s: no access token: %w", w.endpoint(""), err)}
		}
		return nil, "", fmt.Errorf("no access token: %w", err)
	}
	if tok == "" {
		return nil, "", errors.New("no access token: the token source gave an empty one")
	}
	w.secrets.Add(tok)
	c, resp, err := websocket.Dial(ctx, w.endpoint(tok), &websocket.DialOptions{HTTPClient: w.HTTPClient})
	if err == nil {
		c.SetReadLimit(wsMaxFrame)
		return c, tok, nil
	}
	// The library's error may quote the URL, token and all: its text is
	// taken, scrubbed, and the error itself left behind.
	msg := w.scrub(err.Error(), tok)
	if resp == nil {
		return nil, tok, errors.New(msg)
	}
	code := resp.StatusCode
	status := fmt.Sprintf("HTTP %d %s", code, http.StatusText(code))
	if resp.Body != nil {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		if said := strings.TrimSpace(strings.ToValidUTF8(string(b), "?")); said != "" {
			status += ": " + w.scrub(firstLine(said), tok)
		}
	}
	refusal := func(hint string) error {
		return &permanentError{fmt.Errorf("websocket %s: the server refused the connection (%s): %s", w.endpoint(""), status, hint)}
	}
	switch {
	case code == http.StatusUnauthorized:
		return nil, tok, &unauthorizedError{status}
	case code == http.StatusNotFound:
		return nil, tok, refusal("no such subscription: check the subscription ID")
	case code == http.StatusForbidden:
		return nil, tok, refusal("the app may not use this subscription: check the subscription ID and that the subscription is the app's")
	case code/100 == 4 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests:
		return nil, tok, refusal("check the URL and the subscription ID")
	}
	return nil, tok, fmt.Errorf("the server refused the connection (%s)", status)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// receive reads a connection's messages until it breaks or ctx ends,
// heartbeats going out meanwhile, and says how many events it brought and
// why it ended.
func (w *WebSocket) receive(ctx context.Context, c *websocket.Conn, events chan<- []byte) (got int64, err error) {
	cctx, kill := context.WithCancelCause(ctx)
	var alive liveness
	var hb sync.WaitGroup
	hb.Go(func() { w.heartbeats(cctx, c, kill, &alive) })
	defer func() {
		kill(nil)
		hb.Wait()
		c.CloseNow()
	}()
	for {
		_, r, err := c.Reader(cctx)
		if err != nil {
			if cause := context.Cause(cctx); ctx.Err() == nil && cause != nil && !errors.Is(cause, context.Canceled) {
				return got, cause // the heartbeats found the connection dead
			}
			return got, errors.New(w.scrub(err.Error(), ""))
		}
		data, err := io.ReadAll(io.LimitReader(r, wsMaxEvent+1))
		if err != nil {
			return got, errors.New(w.scrub(err.Error(), ""))
		}
		alive.reads.Add(1)
		if len(data) > wsMaxEvent {
			w.count(func(s *WSStats) { s.Messages++ })
			rest, err := io.Copy(io.Discard, r)
			if err != nil {
				return got, errors.New(w.scrub(err.Error(), ""))
			}
			w.bad(fmt.Sprintf("larger than %d bytes", wsMaxEvent), data, int64(len(data))+rest)
			continue
		}
		if w.handle(ctx, data, events, &alive) {
			got++
		}
	}
}

// liveness is what the heartbeats see of the reading: messages read, and
// whether it waits for Deliver (then it reads no answer to a ping).
type liveness struct {
	reads   atomic.Int64
	waiting atomic.Bool
}

// heartbeats sends Zoom's heartbeat every interval, and a ping after it.
// A connection that answers neither within an interval, and sends
// nothing else meanwhile, is dead: kill ends it, so that Run reconnects.
func (w *WebSocket) heartbeats(ctx context.Context, c *websocket.Conn, kill context.CancelCauseFunc, alive *liveness) {
	t := time.NewTicker(w.heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		before := alive.reads.Load()
		hctx, cancel := context.WithTimeout(ctx, w.heartbeat)
		err := c.Write(hctx, websocket.MessageText, wsHeartbeat)
		if err == nil {
			w.count(func(s *WSStats) { s.HeartbeatsSent++ })
			err = c.Ping(hctx)
		}
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil && alive.reads.Load() == before && !alive.waiting.Load() {
			kill(fmt.Errorf("no answer to a heartbeat within %s: %s", w.heartbeat, w.scrub(err.Error(), "")))
			return
		}
	}
}

// wsEnvelope is what Zoom's WebSocket sends: a module, and for
// "message" the event as a string of JSON.
type wsEnvelope struct {
	Module  string          `json:"module"`
	Content json.RawMessage `json:"content"`
}

// handle counts a message and queues the event it carries; it reports
// whether it did.
func (w *WebSocket) handle(ctx context.Context, data []byte, events chan<- []byte, alive *liveness) bool {
	w.count(func(s *WSStats) { s.Messages++ })
	var env wsEnvelope
	if err := json.Unmarshal(data, &env); err != nil || env.Module == "" {
		w.bad("not an envelope with a module", data, int64(len(data)))
		return false
	}
	switch env.Module {
	case "message":
	case "heartbeat":
		w.count(func(s *WSStats) { s.Other++; s.HeartbeatsAcked++ })
		return false
	default:
		w.count(func(s *WSStats) { s.Other++ })
		w.log.Debug("message of another module", "module", excerpt([]byte(env.Module)))
		return false
	}
	var content string
	if err := json.Unmarshal(env.Content, &content); err != nil {
		w.bad("its content is not a string", data, int64(len(data)))
		return false
	}
	event := []byte(content)
	if !json.Valid(event) || !bytes.HasPrefix(bytes.TrimLeft(event, " \t\r\n"), []byte("{")) {
		w.bad("its content is not an event in JSON", data, int64(len(data)))
		return false
	}
	w.count(func(s *WSStats) { s.LastEvent = w.clock() })
	alive.waiting.Store(true)
	defer alive.waiting.Store(false)
	select {
	case events <- event:
		return true
	case <-ctx.Done():
		w.count(func(s *WSStats) { s.Failed++ })
		w.log.Warn("an event received as the listener stopped was not stored")
		return false
	}
}

// bad counts a message that is not what Zoom sends and logs it in one
// line, with no more than its start.
func (w *WebSocket) bad(why string, data []byte, size int64) {
	w.count(func(s *WSStats) { s.Bad++ })
	w.log.Warn("bad message skipped: "+why, "bytes", size, "start", excerpt(data))
}

// excerpt is the start of a message, cut on a character boundary.
func excerpt(b []byte) string {
	if len(b) > wsExcerpt {
		b = b[:wsExcerpt]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
		return strings.ToValidUTF8(string(b), "?") + "…"
	}
	return strings.ToValidUTF8(string(b), "?")
}

// deliver hands the events to Deliver, one at a time, in order, until
// events is closed. Once ctx ends, those still queued have wsDrain to be
// stored; then Deliver's context ends too.
func (w *WebSocket) deliver(ctx context.Context, events <-chan []byte) {
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(wsDrain, cancel) })
	defer stop()
	for ev := range events {
		if err := w.Deliver(dctx, ev); err != nil {
			w.count(func(s *WSStats) { s.Failed++ })
			w.log.Error("could not store an event", "error", err)
			continue
		}
		w.count(func(s *WSStats) { s.Delivered++ })
	}
}

// reconnectWait is the wait before the next attempt after n failures in a
// row (n ≥ 1): lo doubled with each failure, up to hi, less a random part
// of up to half of it, so that listeners cut off together do not come
// back together.
func reconnectWait(n int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	return d - rand.N(d/2+1)
}
