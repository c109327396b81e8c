package zoom

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
)

// A 200 that is not a QoS page (a proxy's glitch) is tried again, like a
// cut-off answer; every page comes, the right one.
func TestNotQoSAnswerIsRetried(t *testing.T) {
	opts := pastOnly(2, 25)
	opts.Faults.NotQoSEvery = 3
	var logs zoomtest.Log
	fz, client := account(t, opts, func(c *ClientConfig) { c.Log = logs.Logger() })
	for _, m := range fz.Meetings() {
		if n, err := getMeeting(t, client, m.UUID); err != nil || n != m.Sessions {
			t.Errorf("meeting %s: %d sessions of %d, %v", m.UUID, n, m.Sessions, err)
		}
	}
	mustLog(t, "non-QoS answers", logs.String(), "level=WARN", "is not a QoS page", "retry 1 of 5 in ")
}

// A 200 that keeps not being a QoS page ends with an error naming the
// meeting, the endpoint and the page, and saying what came instead.
func TestNotQoSAnswerIsNamed(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body, says string
	}{
		{"empty object", "application/json", `{}`, "an empty JSON object"},
		{"Zoom error body", "application/json", `{"code":124,"message":"Invalid access token."}`, "a Zoom error (code 124: Invalid access token.)"},
		{"HTML page", "text/html", "<html><head><title>Access denied</title></head><body>Your proxy says no.</body></html>", `an HTML page ("Access denied")`},
		{"JSON of something else", "application/json", `{"status":"ok","items":[]}`, "a JSON object with status, items"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int64
			srv, client, _ := wrapped(t, pastOnly(1, 25), func(fake http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					// Page 2 of the QoS list, every time it is asked for.
					if strings.HasSuffix(r.URL.Path, "/participants/qos") && r.URL.Query().Get("next_page_token") != "" {
						n.Add(1)
						w.Header().Set("Content-Type", tc.ctype)
						fmt.Fprint(w, tc.body)
						return
					}
					fake.ServeHTTP(w, r)
				})
			})
			m := srv.Meetings()[0]
			got, err := getMeeting(t, client, m.UUID)
			zoomtest.MustSay(t, tc.name, err, "meeting "+m.UUID+": GET /metrics/meetings/{meetingId}/participants/qos: page 2: ",
				"not a QoS page but "+tc.says, "6 tries")
			if n.Load() != 6 {
				t.Errorf("page 2 asked for %d times, want 6", n.Load())
			}
			if got != 10 {
				t.Errorf("%d sessions before page 2, want page 1's 10", got)
			}
		})
	}
	// The meetings list too.
	_, client, _ := wrapped(t, pastOnly(1, 5), func(fake http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v2/metrics/meetings" {
				fmt.Fprint(w, `{}`)
				return
			}
			fake.ServeHTTP(w, r)
		})
	})
	_, err := client.Get(context.Background(), Request{Path: "/metrics/meetings", Query: url.Values{"type": {"past"}, "page_size": {"300"}},
		Endpoint: "GET /metrics/meetings?type=past", Page: 1, Want: MeetingList, ResourceIntensive: true})
	zoomtest.MustSay(t, "discovery", err, "GET /metrics/meetings?type=past: page 1: ", "not a list of meetings but an empty JSON object")
}
