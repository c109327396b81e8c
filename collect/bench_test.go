package collect

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/store"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// BenchmarkImport imports list pages whose samples carry every stream (10
// participants a page, 60 samples each: 12,000 samples, 30 MB of JSON) into
// a new database, as `zoomqos import` does. samples/s is the figure
// docs/PERFORMANCE.md tracks.
func BenchmarkImport(b *testing.B) {
	pages := fakezoom.ListPages(20, 10, 60, time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC))
	var input bytes.Buffer
	for _, p := range pages {
		input.Write(p)
		input.WriteByte('\n')
	}
	samples := 20 * 10 * 60
	b.SetBytes(int64(input.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storetest.MustOpen(b)
		b.StartTimer()
		im := &Importer{DB: db, Meeting: store.Meeting{ID: "bench", Type: store.Past}}
		if err := im.File(context.Background(), "bench.ndjson", bytes.NewReader(input.Bytes())); err != nil {
			b.Fatal(err)
		}
		if im.Report().Added != samples {
			b.Fatalf("added %d samples, want %d", im.Report().Added, samples)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(samples*b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkCollectPast1000 collects a past meeting of 1,000 participants
// (60 minutes, no rejoins: 1,000 sessions) from the fake Zoom API, which
// answers 429 past 40 Heavy requests a second (Zoom's limit on Business
// accounts), with the client at the same rate. The minimum is 105 requests:
// the meeting's details, 100 QoS pages (10 a page) and 4 pages of the
// participants list (300 a page); at 40/s they cannot take less than
// 104/40 s. vs-limit is the time taken over that bound.
func BenchmarkCollectPast1000(b *testing.B) {
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return start.Add(2 * time.Hour) }
	fz := fakezoom.Start(fakezoom.Options{Seed: 1, Clock: clock, QPS: 40, Meetings: []fakezoom.MeetingSpec{
		{UUID: "bench/1000==", Start: start, Duration: time.Hour, Participants: 1000, NoRejoins: true}}})
	defer fz.Close()
	o := fz.Options()
	var requests, retries int64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storetest.MustOpen(b)
		client, err := zoom.NewClient(zoom.ClientConfig{Credentials: zoom.Credentials{AccountID: o.AccountID, ClientID: o.ClientID, ClientSecret: o.ClientSecret},
			APIURL: fz.APIURL, TokenURL: fz.TokenURL, Rate: 40})
		if err != nil {
			b.Fatal(err)
		}
		c := &Collector{Client: client, DB: db}
		b.StartTimer()
		t0 := time.Now()
		report, err := c.Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: "bench/1000=="}, Type: store.Past})
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(t0)
		b.StopTimer()
		if report.Sessions != 1000 || report.Pages != 105 {
			b.Fatalf("collected %d sessions in %d documents", report.Sessions, report.Pages)
		}
		requests += report.Client.Requests
		retries += report.Client.Retries
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	// A second of the server's may see one request more than 40 of the
	// client's 25 ms apart: its 429 is one retry, after Retry-After.
	b.ReportMetric(float64(retries)/float64(b.N), "retries/op")
	bound := 104.0 / 40
	b.ReportMetric(elapsed.Seconds()/float64(b.N)/bound, "vs-limit")
}
