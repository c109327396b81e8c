package listen

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// benchEvents are a fleet's events as Zoom sends them: participant_qos of
// every session and minute, data, summaries, alerts; every value shape
// the fake writes (date_time present in half the meetings).
func benchEvents(b *testing.B, want int) []fakezoom.Event {
	epoch := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	// About 130 events a session (an hour of minutes, its data and
	// summary); sessions are about 1.1 per participant.
	meetings := 2 + want/4000
	srv := fakezoom.NewServer(fakezoom.Options{Seed: 7, PastMeetings: meetings, LiveMeetings: 0, Webinars: 0, Participants: 100, Minutes: 60, Epoch: epoch})
	ev := srv.Events(epoch.AddDate(0, 0, -30), epoch)
	if len(ev) < want {
		b.Fatalf("%d events, want %d", len(ev), want)
	}
	return ev[:want]
}

// BenchmarkWebhook sends events at a steady rate (events/s, the rate
// metric) to the webhook on loopback, signed, through the real HTTP
// server, group commit and bbolt file, and reports the answer times (p50,
// p99) and the writes to disk a second (each one fsync). The listener's
// memory is measured as its own process (docs/PERFORMANCE.md): here the
// sender's events share the heap.
func BenchmarkWebhook(b *testing.B) {
	for _, rate := range []float64{2000, 0} {
		name := "rate=2000"
		if rate == 0 {
			name = "rate=max"
		}
		b.Run(name, func(b *testing.B) {
			events := benchEvents(b, b.N)
			db := storetest.MustOpen(b)
			com := NewCommitter(db, nil, 4096)
			defer com.Close()
			hook := &Webhook{Secret: testSecret, Committer: com}
			srv := httptest.NewServer((&Server{Webhook: hook}).Handler())
			defer srv.Close()
			sender, err := fakezoom.NewSender(fakezoom.SenderOptions{URL: srv.URL + "/", Secret: string(testSecret),
				Rate: rate, Concurrency: 64, Retries: []time.Duration{}})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			if err := sender.Send(context.Background(), events); err != nil {
				b.Fatal(err)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			st := sender.Stats()
			if st.Acked != len(events) {
				b.Fatalf("%d of %d events acknowledged (%d dropped)", st.Acked, len(events), st.Dropped)
			}
			cs := com.Stats()
			b.ReportMetric(float64(len(events))/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(st.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(st.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(cs.Commits)/elapsed.Seconds(), "fsyncs/s")
		})
	}
}
