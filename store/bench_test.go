package store

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// benchDB stores a meeting of `sessions` sessions × `minutes` samples whose
// values carry the given streams, with Zoom-like decimals.
func benchDB(b *testing.B, sessions, minutes int, streams []Stream) *DB {
	b.Helper()
	db := MustOpenDB(b)
	r := rand.New(rand.NewPCG(7, 11))
	for s := 0; s < sessions; s += 10 {
		var page []SessionSamples
		for j := s; j < min(s+10, sessions); j++ {
			ss := SessionSamples{Session: Session{Participant: "p" + string(rune('A'+j%26)) + time.Duration(j).String(), JoinTime: t0}}
			for k := range minutes {
				smp := Sample{Time: t0.Add(time.Duration(k+1) * time.Minute)}
				for _, st := range streams {
					for _, m := range st.Metrics() {
						smp.Values = append(smp.Values, Value{st, m, zoomLike(r, m)})
					}
				}
				ss.Samples = append(ss.Samples, smp)
			}
			page = append(page, ss)
		}
		if _, err := db.PutPage(ctx0, &Page{Meeting: Meeting{ID: "bench", Type: Past}, Sessions: page}); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// zoomLike returns a value with the precision Zoom reports the metric in:
// bitrates with two decimals ("27.15 kbps"), losses with one ("0.3%"),
// the rest whole numbers.
func zoomLike(r *rand.Rand, m Metric) float64 {
	switch m {
	case Bitrate:
		return float64(r.IntN(200000)) / 100
	case AvgLoss, MaxLoss:
		return float64(r.IntN(100)) / 10
	case Width:
		return []float64{0, 640, 1280, 1920}[r.IntN(4)]
	case Height:
		return []float64{0, 360, 720, 1080}[r.IntN(4)]
	case RSSIMin, RSSIAvg, RSSIMax:
		return -float64(30 + r.IntN(60))
	case PressureMin, PressureAvg, PressureMax:
		return float64(r.IntN(4))
	}
	return float64(r.IntN(300))
}

// BenchmarkReadBack reads every sample of a 300-session × 480-minute
// meeting with ForEachSample, in order, as the dump does (the analyzer reads
// with ForEachSession: BenchmarkReadSessions); samples/s is the figure
// docs/PERFORMANCE.md tracks.
func BenchmarkReadBack(b *testing.B) {
	for _, c := range []struct {
		name    string
		streams []Stream
	}{
		{"every-stream", Streams()},
		{"main-streams", []Stream{AudioInput, AudioOutput, VideoInput, VideoOutput, ASInput, ASOutput, CPUUsage}},
	} {
		b.Run(c.name, func(b *testing.B) {
			const sessions, minutes = 300, 480
			db := benchDB(b, sessions, minutes, c.streams)
			b.ResetTimer()
			n := 0
			for b.Loop() {
				err := db.ForEachSample(ctx0, "bench", func(_ *Session, s *Sample) error {
					n += len(s.Values)
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(sessions*minutes*b.N)/b.Elapsed().Seconds(), "samples/s")
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "values/s")
		})
	}
}

// BenchmarkReadSessions reads the same meeting with ForEachSession, a whole
// session per call on every core, as the analyzer does.
func BenchmarkReadSessions(b *testing.B) {
	const sessions, minutes = 300, 480
	db := benchDB(b, sessions, minutes, Streams())
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	var n atomic.Int64
	for b.Loop() {
		err := db.ForEachSession(ctx0, []string{"bench"}, workers, func(_ int, _ string, _ int, _ *Session, samples []Sample) error {
			v := 0
			for i := range samples {
				v += len(samples[i].Values)
			}
			n.Add(int64(v))
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sessions*minutes*b.N)/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(float64(n.Load())/b.Elapsed().Seconds(), "values/s")
}
