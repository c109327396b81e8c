package fakezoom

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

// The WebSocket endpoint, as Zoom's wss://ws.zoom.us/ws: a client that
// cannot take webhooks connects with its subscription id and a
// Server-to-Server access token, keeps the connection with heartbeats,
// and gets the events as messages. Zoom keeps nothing for a client that is
// not connected: events produced meanwhile are lost, and a client fills
// the gap from the QoS API.

// Heartbeat answers and messages, as Zoom writes them.
var heartbeatAnswer = []byte(`{"module":"heartbeat","success":true}`)

// eventMessage wraps an event as a WebSocket message: the event's JSON as
// a string in content.
func eventMessage(e Event) []byte {
	b := make([]byte, 0, len(e.Body)+len(e.Body)/8+40)
	b = append(b, `{"module":"message","content":`...)
	b = appendStr(b, string(e.Body))
	return append(b, '}')
}

// tokenValid reports whether tok is an access token the OAuth endpoint
// issued that has not expired.
func (s *Server) tokenValid(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && s.opts.Clock().Before(exp)
}

// nextReplay takes the next event of the replay range (Options.WSReplayFrom
// to WSReplayTo), which the connections share: each goes on where the last
// stopped.
func (s *Server) nextReplay() (Event, bool) {
	s.wsMu.Lock()
	defer s.wsMu.Unlock()
	if s.replay == nil && !s.opts.WSReplayFrom.IsZero() {
		s.replay = s.Events(s.opts.WSReplayFrom, s.opts.WSReplayTo)
		if s.replay == nil {
			s.replay = []Event{}
		}
	}
	if s.replayNext >= len(s.replay) {
		return Event{}, false
	}
	s.replayNext++
	return s.replay[s.replayNext-1], true
}

// websocket serves GET /ws?subscriptionId=ID&access_token=TOKEN: 401 for
// a token the OAuth endpoint did not issue or that has expired, 400 for
// no subscription id, 404 for another than Options.Subscription. Then it
// sends the replay range's events, if any, and the live events from the
// moment of connecting; it answers heartbeats and drops a client silent
// for Options.HeartbeatTimeout. The ws-close fault closes the connection
// after every N messages.
func (s *Server) websocket(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sub := q.Get("subscriptionId")
	switch {
	case !s.tokenValid(q.Get("access_token")):
		s.fail(w, http.StatusUnauthorized, 124, "Invalid access token.")
		return
	case sub == "":
		s.fail(w, http.StatusBadRequest, 300, "The subscriptionId is required.")
		return
	case s.opts.Subscription != "" && sub != s.opts.Subscription:
		s.fail(w, http.StatusNotFound, 404, "Subscription does not exist.")
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	// Live events from the moment of connecting (before a heartbeat can
	// be answered, so that a client knows where it starts).
	from := s.opts.Clock()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() {
		select {
		case <-s.quit:
			cancel()
		case <-ctx.Done():
		}
	}()

	beat := make(chan struct{}, 1)
	go func() {
		defer cancel()
		for {
			_, msg, err := c.Read(ctx)
			if err != nil {
				return
			}
			var m struct {
				Module string `json:"module"`
			}
			if json.Unmarshal(msg, &m) == nil && m.Module == "heartbeat" {
				if c.Write(ctx, websocket.MessageText, heartbeatAnswer) != nil {
					return
				}
				select {
				case beat <- struct{}{}:
				default:
				}
			}
		}
	}()

	sent := 0
	// send writes one event; false when the connection is done with.
	send := func(e Event) bool {
		if c.Write(ctx, websocket.MessageText, eventMessage(e)) != nil {
			return false
		}
		sent++
		if k := s.opts.Faults.WSCloseEvery; k > 0 && sent%k == 0 {
			c.CloseNow()
			return false
		}
		return true
	}
	for {
		e, ok := s.nextReplay()
		if !ok {
			break
		}
		if !send(e) {
			return
		}
	}
	silent := time.NewTimer(s.opts.HeartbeatTimeout)
	defer silent.Stop()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-silent.C:
			c.Close(websocket.StatusPolicyViolation, "no heartbeat")
			return
		case <-beat:
			silent.Reset(s.opts.HeartbeatTimeout)
		case <-tick.C:
			now := s.opts.Clock()
			if !now.After(from) {
				continue
			}
			for _, e := range s.Events(from, now) {
				if !send(e) {
					return
				}
			}
			from = now
		}
	}
}
