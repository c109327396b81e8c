package fakezoom

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func wsURL(fz *Running, sub, tok string) string {
	return "ws" + strings.TrimPrefix(fz.URL, "http") + "/ws?subscriptionId=" + sub + "&access_token=" + tok
}

// dial connects to the fake's WebSocket endpoint, or fails the test.
func dial(t *testing.T, fz *Running, sub, tok string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(context.Background(), wsURL(fz, sub, tok), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// readMessage reads one message: its module, and the event in content.
func readMessage(t *testing.T, c *websocket.Conn) (string, []byte, error) {
	t.Helper()
	_, b, err := c.Read(context.Background())
	if err != nil {
		return "", nil, err
	}
	var m struct {
		Module  string `json:"module"`
		Content string `json:"content"`
		Success bool   `json:"success"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("message %s: %v", b, err)
	}
	if m.Module == "heartbeat" && !m.Success {
		t.Errorf("heartbeat answer %s", b)
	}
	return m.Module, []byte(m.Content), nil
}

func replayOptions(sub string) Options {
	return Options{Seed: 7, Clock: fixed(epoch), PastMeetings: 1, Participants: 3, Minutes: 10, Subscription: sub,
		WSReplayFrom: epoch.AddDate(0, 0, -30), WSReplayTo: epoch}
}

// Only a token the OAuth endpoint issued and that has not expired, with
// the subscription id, opens the WebSocket.
func TestWebSocketRefuses(t *testing.T) {
	var now atomic.Int64
	now.Store(epoch.UnixNano())
	o := replayOptions("sub-1")
	o.Clock = func() time.Time { return time.Unix(0, now.Load()) }
	fz := Start(o)
	t.Cleanup(fz.Close)
	tok := fetchToken(t, fz)
	for _, tc := range []struct {
		name, sub, tok string
		status         int
	}{
		{"no token", "sub-1", "", 401},
		{"unknown token", "sub-1", "fz.0123", 401},
		{"no subscription", "", tok, 400},
		{"other subscription", "sub-2", tok, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, resp, err := websocket.Dial(context.Background(), wsURL(fz, tc.sub, tc.tok), nil)
			if err == nil || resp == nil || resp.StatusCode != tc.status {
				t.Fatalf("dial: %v, %v; want HTTP %d", err, resp, tc.status)
			}
		})
	}
	now.Store(epoch.Add(2 * time.Hour).UnixNano()) // past the token's hour
	if _, resp, err := websocket.Dial(context.Background(), wsURL(fz, "sub-1", tok), nil); err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an expired token: %v", err)
	}
}

// The endpoint sends the events as Zoom's messages, in order, answers
// heartbeats, and drops a client that sends none.
func TestWebSocketMessagesAndHeartbeats(t *testing.T) {
	o := replayOptions("")
	o.HeartbeatTimeout = time.Hour
	fz := Start(o)
	t.Cleanup(fz.Close)
	want := fz.Events(o.WSReplayFrom, o.WSReplayTo)
	c := dial(t, fz, "any", fetchToken(t, fz))
	if err := c.Write(context.Background(), websocket.MessageText, []byte(`{"module":"heartbeat"}`)); err != nil {
		t.Fatal(err)
	}
	var got [][]byte
	beats := 0
	for len(got) < len(want) || beats == 0 {
		module, content, err := readMessage(t, c)
		if err != nil {
			t.Fatalf("after %d messages: %v", len(got), err)
		}
		switch module {
		case "message":
			got = append(got, content)
		case "heartbeat":
			beats++
		default:
			t.Fatalf("module %q", module)
		}
	}
	for i, e := range want {
		if string(got[i]) != string(e.Body) {
			t.Fatalf("message %d is not event %d: %.100s", i, i, got[i])
		}
	}

	// A client that sends no heartbeat is dropped.
	o.HeartbeatTimeout = 50 * time.Millisecond
	o.WSReplayFrom = time.Time{}
	quiet := Start(o)
	t.Cleanup(quiet.Close)
	c = dial(t, quiet, "any", fetchToken(t, quiet))
	_, _, err := c.Read(context.Background())
	if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Errorf("a silent client: %v, want closed for policy", err)
	}
}

// The ws-close fault closes every connection after N messages; the next
// connection goes on with the events after them, and nothing is sent
// twice.
func TestWebSocketCloseEvery(t *testing.T) {
	o := replayOptions("")
	o.Faults.WSCloseEvery = 7
	fz := Start(o)
	t.Cleanup(fz.Close)
	want := fz.Events(o.WSReplayFrom, o.WSReplayTo)
	tok := fetchToken(t, fz)
	var got []string
	conns := 0
	for len(got) < len(want) {
		c := dial(t, fz, "any", tok)
		conns++
		n := 0
		for {
			_, content, err := readMessage(t, c)
			if err != nil {
				var ce websocket.CloseError
				if n != 7 && !errors.As(err, &ce) && len(got) < len(want) {
					t.Fatalf("connection %d closed after %d messages: %v", conns, n, err)
				}
				break
			}
			n++
			got = append(got, string(content))
			if len(got) == len(want) {
				break
			}
		}
	}
	if wantConns := (len(want) + 6) / 7; conns != wantConns {
		t.Errorf("%d connections for %d events, want %d", conns, len(want), wantConns)
	}
	for i, e := range want {
		if got[i] != string(e.Body) {
			t.Fatalf("event %d differs or is out of order", i)
		}
	}
}

// Live events go to the connected client as the clock passes them; those
// produced while no client is connected are lost.
func TestWebSocketLive(t *testing.T) {
	var now atomic.Int64
	now.Store(epoch.UnixNano())
	fz := Start(Options{Seed: 3, Epoch: epoch, Clock: func() time.Time { return time.Unix(0, now.Load()).UTC() },
		LiveMeetings: 1, Participants: 4})
	t.Cleanup(fz.Close)
	tok := fetchToken(t, fz)
	// Nobody connected for the first two minutes.
	now.Store(epoch.Add(2 * time.Minute).UnixNano())
	c := dial(t, fz, "any", tok)
	// The server takes its start from the moment the client connected:
	// wait for one heartbeat answer, so that the connection is set up,
	// then let a minute pass.
	c.Write(context.Background(), websocket.MessageText, []byte(`{"module":"heartbeat"}`))
	if m, _, err := readMessage(t, c); err != nil || m != "heartbeat" {
		t.Fatalf("%q %v", m, err)
	}
	want := fz.Events(epoch.Add(2*time.Minute), epoch.Add(3*time.Minute))
	now.Store(epoch.Add(3 * time.Minute).UnixNano())
	for i := range want {
		_, content, err := readMessage(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if string(content) != string(want[i].Body) {
			t.Fatalf("live message %d is not the event of %v", i, want[i].Time)
		}
	}
}
