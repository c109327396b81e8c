package zoom

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
)

var epoch = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// pastOnly is an account of n past meetings of about people people each,
// ten minutes long, seen at epoch: enough for every page and fault, little
// work for a loaded machine.
func pastOnly(n, people int) fakezoom.Options {
	return fakezoom.Options{Seed: 42, Clock: func() time.Time { return epoch }, PastMeetings: n, Participants: people, Minutes: 10}
}

// account starts a fake Zoom account and a client for it, with quick
// retries so that fault tests run fast.
func account(t *testing.T, o fakezoom.Options, tune ...func(*ClientConfig)) (*fakezoom.Running, *Client) {
	t.Helper()
	fz := fakezoom.Start(o)
	t.Cleanup(fz.Close)
	opts := fz.Options()
	cfg := ClientConfig{
		Credentials: Credentials{AccountID: opts.AccountID, ClientID: opts.ClientID, ClientSecret: opts.ClientSecret},
		APIURL:      fz.APIURL, TokenURL: fz.TokenURL,
		Rate: 1000, ListRate: 60000, Backoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond,
	}
	for _, f := range tune {
		f(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return fz, c
}

// wrapped serves a fake account behind a handler that may answer for it,
// and returns a client for it. The wrapper sees every request.
func wrapped(t *testing.T, o fakezoom.Options, wrap func(fake http.Handler) http.Handler, tune ...func(*ClientConfig)) (*fakezoom.Server, *Client, string) {
	t.Helper()
	srv := fakezoom.NewServer(o)
	ts := httptest.NewServer(wrap(srv))
	t.Cleanup(ts.Close)
	so := srv.Options()
	cfg := ClientConfig{Credentials: Credentials{AccountID: so.AccountID, ClientID: so.ClientID, ClientSecret: so.ClientSecret},
		APIURL: ts.URL + "/v2", TokenURL: ts.URL + "/oauth/token", Rate: 1000, Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}
	for _, f := range tune {
		f(&cfg)
	}
	client, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, client, ts.URL
}

// getMeeting asks for a past meeting what a collector asks, in the same
// order: its details, then every page of its QoS list and of its
// participants list, following each next_page_token. It returns the
// sessions the QoS pages held, and the first error. The deadline is only a
// guard for a client that would wait forever: everything here ends in well
// under a second.
func getMeeting(t *testing.T, client *Client, id string) (sessions int, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sessions, err = func() (int, error) {
		path, endpoint := "/metrics/meetings/"+EscapeID(id), "GET /metrics/meetings/{meetingId}"
		if _, err := client.Get(ctx, Request{Path: path, Query: url.Values{"type": {"past"}}, Endpoint: endpoint, Meeting: id, Want: MeetingDetails}); err != nil {
			return 0, err
		}
		n := 0
		for _, l := range []struct {
			suffix, size string
			want         *Answer
		}{{"/participants/qos", "10", QoSPage}, {"/participants", "300", ParticipantsPage}} {
			q := url.Values{"type": {"past"}, "page_size": {l.size}}
			pages := Pager{List: "participants"}
			for page := 1; ; page++ {
				body, err := client.Get(ctx, Request{Path: path + l.suffix, Query: q, Endpoint: endpoint + l.suffix, Meeting: id, Page: page, Want: l.want})
				if err != nil {
					return n, err
				}
				if l.want == QoSPage {
					p, err := NewParser().Parse(body, &Problems{})
					if err != nil {
						return n, fmt.Errorf("QoS page %d: %w", page, err)
					}
					n += len(p.Participants)
				}
				next, err := pages.Next(body, page)
				if err != nil {
					return n, fmt.Errorf("meeting %s: %s: %w", id, endpoint+l.suffix, err)
				}
				if next == "" {
					break
				}
				q.Set("next_page_token", next)
			}
		}
		return n, nil
	}()
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("still waiting after a minute: %v", err)
	}
	return sessions, err
}

// mustLog checks that the logs say each of the words.
func mustLog(t *testing.T, what string, logs string, words ...string) {
	t.Helper()
	for _, w := range words {
		if !strings.Contains(logs, w) {
			t.Errorf("%s: the log does not say %q:\n%s", what, w, logs)
		}
	}
}

// closedURL is a loopback URL on which nothing listens any more.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func hostOf(u string) string {
	p, _ := url.Parse(u)
	return p.Host
}

// silentServer accepts every request and never answers it, until the
// request is given up or the test ends.
func silentServer(t *testing.T) *httptest.Server {
	t.Helper()
	quit := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-quit:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(quit) }) // runs first: no answer is held past the test
	return hang
}
