package analyze

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// benchMeeting makes a meeting of `sessions` sessions × `minutes` one-minute
// samples with the streams a desktop client reports (audio, video and
// screen share both ways, CPU: 45 values a sample; the fake Zoom API's
// realistic meetings average 43), and now and then a bad spell. Bitrates
// come with two decimals ("27.15 kbps") from the given share of the
// sessions' clients, as whole kbps from the others.
func benchMeeting(sessions, minutes int, decimals float64) []store.SessionSamples {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]store.SessionSamples, sessions)
	for i := range out {
		s := store.SessionSamples{Session: store.Session{Participant: string(rune('A'+i%26)) + string(rune('a'+i/26%26)) + string(rune('0'+i/676)),
			JoinTime: t0, Device: []string{"Mac", "Windows", "iOS"}[i%3]}}
		base := 20 + r.Float64()*80
		hundredths := float64(i%100) < 100*decimals
		for m := range minutes {
			bad := r.IntN(50) == 0
			smp := store.Sample{Time: t0.Add(time.Duration(m+1) * time.Minute)}
			for _, st := range []store.Stream{store.AudioInput, store.AudioOutput, store.VideoInput, store.VideoOutput, store.ASInput, store.ASOutput} {
				l := float64(int(base) + r.IntN(10))
				if bad {
					l += 200
				}
				bitrate := float64(r.IntN(200000)) / 100
				if !hundredths {
					bitrate = float64(r.IntN(2000))
				}
				smp.Values = append(smp.Values,
					store.Value{Stream: st, Metric: store.Bitrate, V: bitrate},
					store.Value{Stream: st, Metric: store.Latency, V: l},
					store.Value{Stream: st, Metric: store.Jitter, V: float64(r.IntN(12))},
					store.Value{Stream: st, Metric: store.AvgLoss, V: float64(r.IntN(8)) / 10},
					store.Value{Stream: st, Metric: store.MaxLoss, V: float64(r.IntN(30)) / 10})
				if st.Kind() == store.KindVideo {
					smp.Values = append(smp.Values,
						store.Value{Stream: st, Metric: store.FrameRate, V: float64(15 + r.IntN(16))},
						store.Value{Stream: st, Metric: store.Width, V: 1280}, store.Value{Stream: st, Metric: store.Height, V: 720})
				}
			}
			smp.Values = append(smp.Values,
				store.Value{Stream: store.CPUUsage, Metric: store.ZoomMinCPU, V: float64(r.IntN(10))},
				store.Value{Stream: store.CPUUsage, Metric: store.ZoomAvgCPU, V: float64(10 + r.IntN(20))},
				store.Value{Stream: store.CPUUsage, Metric: store.ZoomMaxCPU, V: float64(30 + r.IntN(30))},
				store.Value{Stream: store.CPUUsage, Metric: store.SystemMaxCPU, V: float64(40 + r.IntN(55))})
			s.Samples = append(s.Samples, smp)
		}
		out[i] = s
	}
	return out
}

// BenchmarkAnalyzeMeeting analyses a 300-session × 480-minute meeting
// (144,000 samples, 6.5 million values) held in memory: with a quarter of
// the clients sending bitrates with decimals, as among the fake Zoom API's
// clients, and with all of them doing so, the hardest case for exact
// percentiles.
func BenchmarkAnalyzeMeeting(b *testing.B) {
	for _, c := range []struct {
		name     string
		decimals float64
	}{{"quarter-decimal-bitrates", 0.25}, {"all-decimal-bitrates", 1}} {
		b.Run(c.name, func(b *testing.B) {
			sessions := benchMeeting(300, 480, c.decimals)
			b.ResetTimer()
			for b.Loop() {
				r := AnalyzeMeeting(store.Meeting{ID: "bench"}, sessions, Options{})
				if r.Samples != 300*480 {
					b.Fatal(r.Samples)
				}
			}
			b.ReportMetric(float64(300*480*b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkAnalyzeStoredMeeting is the same meeting as `zoomqos analyze
// --meeting` meets it: stored in a bbolt file, read and decoded session by
// session on every core, analysed, summed up.
func BenchmarkAnalyzeStoredMeeting(b *testing.B) {
	ctx := context.Background()
	db := storetest.MustOpen(b)
	sessions := benchMeeting(300, 480, 0.25)
	for i := 0; i < len(sessions); i += 10 {
		page := &store.Page{Meeting: store.Meeting{ID: "bench", Type: store.Past}, Source: "bench", Raw: []byte("{}"),
			Sessions: sessions[i:min(i+10, len(sessions))]}
		if _, err := db.PutPage(ctx, page); err != nil {
			b.Fatal(err)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	for b.Loop() {
		a := NewMeetingAnalysis(store.Meeting{ID: "bench"}, Options{}, workers)
		a.Expect(300 * 480)
		err := db.ForEachSession(ctx, []string{"bench"}, workers, func(w int, _ string, i int, s *store.Session, samples []store.Sample) error {
			a.AddSession(w, i, s, samples)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if r := a.Result(); r.Samples != 300*480 {
			b.Fatal(r.Samples)
		}
	}
	b.ReportMetric(float64(300*480*b.N)/b.Elapsed().Seconds(), "samples/s")
}
