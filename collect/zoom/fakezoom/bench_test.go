package fakezoom

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// The fake's own cost of answering a 1,000-participant meeting (one hour,
// 1,000 sessions), in process: a QoS page of 10, a participants page of
// 300, the meeting details and the meetings list.
func BenchmarkServe1000(b *testing.B) {
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	s := NewServer(Options{Seed: 1, Clock: fixed(start.Add(2 * time.Hour)), Meetings: []MeetingSpec{
		{UUID: "bench/1000==", Start: start, Duration: time.Hour, Participants: 1000, NoRejoins: true}}})
	tok := s.issueAccessToken()
	for _, bc := range []struct {
		name, path string
		q          url.Values
	}{
		{"qos-page-10", "/v2/metrics/meetings/bench%252F1000%3D%3D/participants/qos", url.Values{"type": {"past"}, "page_size": {"10"}}},
		{"participants-page-300", "/v2/metrics/meetings/bench%252F1000%3D%3D/participants", url.Values{"type": {"past"}, "page_size": {"300"}}},
		{"details", "/v2/metrics/meetings/bench%252F1000%3D%3D", url.Values{"type": {"past"}}},
		{"list", "/v2/metrics/meetings", url.Values{"type": {"past"}, "from": {"2026-11-01"}, "to": {"2026-11-20"}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, bc.path+"?"+bc.q.Encode(), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			for b.Loop() {
				w := httptest.NewRecorder()
				s.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
				b.SetBytes(int64(w.Body.Len()))
			}
		})
	}
}
