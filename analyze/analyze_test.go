package analyze

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// smp makes a sample at t0+sec seconds with the given values.
func smp(sec int, vals ...store.Value) store.Sample {
	s := store.Sample{Time: t0.Add(time.Duration(sec) * time.Second), Values: vals}
	s.Normalize()
	return s
}

func lat(st store.Stream, v float64) store.Value {
	return store.Value{Stream: st, Metric: store.Latency, V: v}
}
func val(st store.Stream, m store.Metric, v float64) store.Value {
	return store.Value{Stream: st, Metric: m, V: v}
}

func sess(p string, joinSec int, samples ...store.Sample) store.SessionSamples {
	return store.SessionSamples{Session: store.Session{Participant: p, UserName: "name " + p, JoinTime: t0.Add(time.Duration(joinSec) * time.Second)},
		Samples: samples}
}

func analyzeOne(t *testing.T, opts Options, sessions ...store.SessionSamples) *MeetingResult {
	t.Helper()
	return AnalyzeMeeting(store.Meeting{ID: "m"}, sessions, opts)
}

func TestMOS(t *testing.T) {
	tests := []struct {
		lat, jit, loss, want float64
	}{
		{20, 5, 0, 4.389098664},       // eff 40: R = 93.2 - 1 = 92.2
		{126, 6, 0.3, 4.307185546875}, // eff 148: R = 93.2 - 3.7 - 0.75 = 88.75
		{150, 30, 3, 3.851662149},     // eff 220 ≥ 160: R = 93.2 - 10 - 7.5 = 75.7
		{1000, 100, 50, 1},            // R = -140.8, clamped to 0: MOS 1 (unclamped it would be 43.7)
	}
	for _, tt := range tests {
		if got := MOS(tt.lat, tt.jit, tt.loss); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("MOS(%v, %v, %v) = %v, want %v", tt.lat, tt.jit, tt.loss, got, tt.want)
		}
	}
	for mos, want := range map[float64]Quality{4.0: Good, 4.39: Good, 3.99: Fair, 3.6: Fair, 3.59: Poor, 1: Poor} {
		if got := bucket(mos, true); got != want {
			t.Errorf("bucket(%v) = %s, want %s", mos, got, want)
		}
	}
	if bucket(0, false) != Unclassified {
		t.Error("no MOS is not unclassified")
	}
}

// Windows: Δ is 60 s here. Degraded samples at 0, 60 and 180 s form one
// window (180 - 60 = 120 s = 2Δ: joins); 361 s is 181 s after 180 (just
// past 2Δ): a new window, joined by 420 s; 600 s alone is dropped.
func TestWindows(t *testing.T) {
	bad, good := lat(store.AudioInput, 200), lat(store.AudioInput, 40)
	times := []int{0, 60, 120, 180, 240, 300, 361, 420, 480, 540, 600, 660}
	degraded := map[int]bool{0: true, 60: true, 180: true, 361: true, 420: true, 600: true}
	var samples []store.Sample
	for _, s := range times {
		v := good
		if degraded[s] {
			v = bad
		}
		samples = append(samples, smp(s, v))
	}
	r := analyzeOne(t, Options{}, sess("a", 0, samples...))
	if len(r.Windows) != 2 {
		t.Fatalf("windows = %+v, want 2", r.Windows)
	}
	w1, w2 := r.Windows[0], r.Windows[1]
	if !w1.Start.Equal(t0) || !w1.End.Equal(t0.Add(240*time.Second)) || w1.Samples != 3 || w1.DurationS != 240 {
		t.Errorf("first window = %+v, want 0 s to 240 s (180 + Δ), 3 samples", w1)
	}
	if !w2.Start.Equal(t0.Add(361*time.Second)) || !w2.End.Equal(t0.Add(480*time.Second)) || w2.Samples != 2 {
		t.Errorf("second window = %+v, want 361 s to 480 s, 2 samples", w2)
	}
	if len(w1.Breached) != 1 || w1.Breached[0] != store.Latency || w1.Worst[store.Latency] != 200 || w1.Stream != store.AudioInput ||
		w1.Participant != "a" || w1.UserName != "name a" || w1.Session != t0.Format(time.RFC3339) {
		t.Errorf("first window = %+v", w1)
	}

	// With --min-samples 1 the lone degraded sample is a window too.
	r = analyzeOne(t, Options{Thresholds: Thresholds{LatencyMS: 150, JitterMS: 30, AvgLossPct: 3, FrameRateFPS: 7, SystemCPUPct: 90, MinSamples: 1}},
		sess("a", 0, samples...))
	if len(r.Windows) != 3 || !r.Windows[2].End.Equal(t0.Add(660*time.Second)) {
		t.Errorf("min samples 1: %+v", r.Windows)
	}
}

// A session of one sample has Δ = 60 s.
func TestSingleSample(t *testing.T) {
	r := analyzeOne(t, Options{Thresholds: Thresholds{LatencyMS: 150, JitterMS: 30, AvgLossPct: 3, FrameRateFPS: 7, SystemCPUPct: 90, MinSamples: 1}},
		sess("a", 0, smp(30, lat(store.AudioInput, 400))))
	if len(r.Windows) != 1 || r.Windows[0].DurationS != 60 {
		t.Errorf("windows = %+v, want one of 60 s", r.Windows)
	}
	s := r.SessionResults[0].Streams[store.AudioInput][store.Latency]
	if s.Count != 1 || s.P50 != 400 || s.P99 != 400 || s.Min != 400 || s.Max != 400 {
		t.Errorf("stats of one value = %+v", s)
	}
}

// What breaches and what does not: thresholds are strict (above, below)
// except CPU (at or above); absent values never breach; the frame rate
// counts on video_input and video_output only, and only while bitrate > 0.
func TestDegradedSample(t *testing.T) {
	th := DefaultThresholds()
	cases := []struct {
		name   string
		values []store.Value
		stream store.Stream
		want   uint32
	}{
		{"latency at the threshold", []store.Value{lat(store.AudioInput, 150)}, store.AudioInput, 0},
		{"latency above", []store.Value{lat(store.AudioInput, 150.5)}, store.AudioInput, 1 << store.Latency},
		{"jitter above", []store.Value{val(store.AudioOutput, store.Jitter, 31)}, store.AudioOutput, 1 << store.Jitter},
		{"loss above", []store.Value{val(store.ASInput, store.AvgLoss, 3.1)}, store.ASInput, 1 << store.AvgLoss},
		{"max loss does not count", []store.Value{val(store.AudioInput, store.MaxLoss, 50)}, store.AudioInput, 0},
		{"low frame rate while sending", []store.Value{val(store.VideoInput, store.Bitrate, 500), val(store.VideoInput, store.FrameRate, 6)}, store.VideoInput, 1 << store.FrameRate},
		{"frame rate at the threshold", []store.Value{val(store.VideoOutput, store.Bitrate, 500), val(store.VideoOutput, store.FrameRate, 7)}, store.VideoOutput, 0},
		{"low frame rate, bitrate 0", []store.Value{val(store.VideoInput, store.Bitrate, 0), val(store.VideoInput, store.FrameRate, 0)}, store.VideoInput, 0},
		{"low frame rate, bitrate absent", []store.Value{val(store.VideoInput, store.FrameRate, 2)}, store.VideoInput, 0},
		{"low frame rate on screen share", []store.Value{val(store.ASInput, store.Bitrate, 300), val(store.ASInput, store.FrameRate, 2)}, store.ASInput, 0},
		{"CPU at 90", []store.Value{val(store.CPUUsage, store.SystemMaxCPU, 90)}, store.CPUUsage, 1 << store.SystemMaxCPU},
		{"CPU at 89.9", []store.Value{val(store.CPUUsage, store.SystemMaxCPU, 89.9)}, store.CPUUsage, 0},
		{"Zoom's own CPU does not count", []store.Value{val(store.CPUUsage, store.ZoomMaxCPU, 99)}, store.CPUUsage, 0},
		{"nothing there", nil, store.AudioInput, 0},
	}
	for _, c := range cases {
		s := smp(0, c.values...)
		var out [store.NumStreams]breach
		var present [store.NumStreams]bool
		th.streamBreaches(&s, &out, &present)
		if out[c.stream].mask != c.want {
			t.Errorf("%s: breached %b, want %b", c.name, out[c.stream].mask, c.want)
		}
	}
}

// A participant who leaves and rejoins has two sessions: figures and
// windows of each, no window across the gap.
func TestRejoinedSessions(t *testing.T) {
	bad := lat(store.AudioInput, 300)
	r := analyzeOne(t, Options{},
		sess("ada", 0, smp(60, bad), smp(120, bad)),
		sess("ada", 200, smp(240, bad), smp(300, lat(store.AudioInput, 20))))
	if r.Participants != 1 || r.Sessions != 2 || len(r.SessionResults) != 2 {
		t.Fatalf("participants %d, sessions %d", r.Participants, r.Sessions)
	}
	// The second session has only one degraded sample: no window.
	if len(r.Windows) != 1 || r.Windows[0].Session != t0.Format(time.RFC3339) {
		t.Errorf("windows = %+v, want one, in the first session", r.Windows)
	}
	if got := r.SessionResults[1].Degraded[store.AudioInput]; got.Samples != 2 || got.Degraded != 1 || got.Share != 0.5 {
		t.Errorf("second session degraded = %+v", got)
	}
	if r.Degraded[store.AudioInput].Degraded != 3 || r.DegradedShare != 0.75 {
		t.Errorf("meeting degraded = %+v, share %v", r.Degraded, r.DegradedShare)
	}
}

// Absent values are not counted: they neither pull a percentile down nor
// make a stream look good. A stream without values has no figures at all
// and its MOS is unclassified.
func TestAbsentValues(t *testing.T) {
	r := analyzeOne(t, Options{}, sess("a", 0,
		smp(60, lat(store.AudioInput, 100), val(store.AudioInput, store.Jitter, 10), val(store.AudioInput, store.AvgLoss, 5)),
		smp(120, val(store.AudioInput, store.Bitrate, 20)), // latency absent
		smp(180, lat(store.AudioInput, 300)),
	))
	s := r.SessionResults[0]
	if st := s.Streams[store.AudioInput][store.Latency]; st.Count != 2 || st.P50 != 200 || st.Min != 100 {
		t.Errorf("latency with an absent value: %+v", st)
	}
	// One sample has all three of latency, jitter and loss: one MOS.
	if s.MOS == nil || s.MOS.Count != 1 || math.Abs(s.MOS.P50-3.9240846696250005) > 1e-12 {
		t.Errorf("MOS = %+v", s.MOS)
	}
	if s.MOSQuality[store.AudioInput] != Fair || s.MOSQuality[store.AudioOutput] != Unclassified {
		t.Errorf("MOS quality = %v", s.MOSQuality)
	}
	if _, ok := s.Streams[store.AudioOutput]; ok {
		t.Error("a stream without values has figures")
	}
	if q := r.MOSQuality[store.AudioOutput]; q[Unclassified] != 1 || q[Good] != 0 {
		t.Errorf("meeting MOS quality = %v", r.MOSQuality)
	}
}

// The pooled table is the percentiles of every session's values together.
func TestPooledPercentiles(t *testing.T) {
	var a, b []store.Sample
	var all []float64
	for i := range 7 {
		a = append(a, smp(60*(i+1), lat(store.VideoInput, float64(10*i))))
		all = append(all, float64(10*i))
	}
	for i := range 4 {
		b = append(b, smp(60*(i+1), lat(store.VideoInput, float64(100+i))))
		all = append(all, float64(100+i))
	}
	r := analyzeOne(t, Options{}, sess("a", 0, a...), sess("b", 0, b...))
	got := r.Streams[store.VideoInput][store.Latency]
	for p, v := range map[float64]float64{0.5: got.P50, 0.9: got.P90, 0.95: got.P95, 0.99: got.P99} {
		if want := type7(all, p); v != want {
			t.Errorf("pooled p%v = %v, want %v", p, v, want)
		}
	}
	if got.Count != 11 {
		t.Errorf("pooled count %d", got.Count)
	}
}

// Incidents: minutes in which at least half of the active sessions, and at
// least three, were degraded; consecutive minutes are one incident.
func TestIncidents(t *testing.T) {
	bad, ok := lat(store.AudioInput, 400), lat(store.AudioInput, 30)
	// Five sessions over minutes 0..5 (samples at 30 s past the minute).
	// Degraded:
	//   minute 1: a b c     of 5 active -> incident (3 ≥ 3, 3 ≥ 2.5)
	//   minute 2: a b c     of 5        -> incident, continues
	//   minute 3: a b       of 5        -> no (only 2)
	//   minute 4: a b c d   of 5        -> incident, a new one
	//   minute 5: a b c     of 7 active (f and g join) -> no (3 < 3.5)
	plan := map[string]string{"a": ".BBBBB", "b": ".BBBBB", "c": ".BB.BB", "d": "....B.", "e": "......", "f": ".....", "g": "....."}
	var sessions []store.SessionSamples
	for _, p := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		var samples []store.Sample
		for m, c := range plan[p] {
			v := ok
			if c == 'B' {
				v = bad
			}
			if p == "f" || p == "g" {
				if m == 0 {
					samples = append(samples, smp(5*60+30, ok))
				}
				continue
			}
			samples = append(samples, smp(m*60+30, v))
		}
		sessions = append(sessions, sess(p, 0, samples...))
	}
	r := analyzeOne(t, Options{}, sessions...)
	if len(r.Incidents) != 2 {
		t.Fatalf("incidents = %+v, want 2", r.Incidents)
	}
	i1, i2 := r.Incidents[0], r.Incidents[1]
	if !i1.Start.Equal(t0.Add(time.Minute)) || !i1.End.Equal(t0.Add(3*time.Minute)) || i1.Minutes != 2 || i1.Sessions != 3 || i1.PeakShare != 0.6 {
		t.Errorf("first incident = %+v", i1)
	}
	if !i2.Start.Equal(t0.Add(4*time.Minute)) || i2.Minutes != 1 || i2.Sessions != 4 || i2.PeakShare != 0.8 {
		t.Errorf("second incident = %+v", i2)
	}
}

func TestFiltersAndResolutions(t *testing.T) {
	sessions := []store.SessionSamples{
		sess("a", 0, smp(60, lat(store.AudioInput, 10), val(store.VideoInput, store.Width, 1280), val(store.VideoInput, store.Height, 720)),
			smp(120, val(store.VideoInput, store.Width, 640), val(store.VideoInput, store.Height, 360)),
			smp(180, val(store.VideoInput, store.Width, 1280), val(store.VideoInput, store.Height, 720)),
			smp(240, val(store.VideoInput, store.Width, 0), val(store.VideoInput, store.Height, 0))),
		sess("b", 0, smp(60, lat(store.AudioInput, 20))),
	}
	r := analyzeOne(t, Options{}, sessions...)
	if got := r.SessionResults[0].Resolutions[store.VideoInput]; got["1280x720"] != 0.5 || got["640x360"] != 0.25 || got["0x0"] != 0.25 {
		t.Errorf("resolutions = %v", got)
	}
	r = analyzeOne(t, Options{Participant: "b"}, sessions...)
	if r.Sessions != 1 || r.SessionResults[0].Participant != "b" {
		t.Errorf("participant filter: %+v", r.SessionResults)
	}
	r = analyzeOne(t, Options{Streams: []store.Stream{store.VideoInput}}, sessions...)
	if _, ok := r.Streams[store.AudioInput]; ok || r.Streams[store.VideoInput] == nil {
		t.Errorf("stream filter: %v", r.Streams)
	}
}

func TestFleet(t *testing.T) {
	f := NewFleet(ByDevice, Options{}, 2)
	session := func(p, device string, latencies ...float64) store.SessionSamples {
		s := store.SessionSamples{Session: store.Session{Participant: p, Device: device, JoinTime: t0}}
		for i, l := range latencies {
			s.Samples = append(s.Samples, smp(60*(i+1), lat(store.AudioInput, l), val(store.AudioInput, store.Jitter, 1), val(store.AudioInput, store.AvgLoss, 0)))
		}
		return s
	}
	add := func(worker int, meeting string, s store.SessionSamples) {
		f.AddSession(worker, meeting, &s.Session, s.Samples)
	}
	add(0, "m1", session("a", "Mac", 10, 20))
	add(1, "m1", session("b", "Windows", 500, 500)) // eff 512: R 54, MOS 2.78: poor
	add(1, "m2", session("a", "Mac", 30))
	add(0, "m2", session("c", "", 40))
	r := f.Result(t0, t0)
	if r.Meetings != 2 || r.Sessions != 4 || r.Samples != 6 || len(r.Groups) != 3 {
		t.Fatalf("fleet = %+v", r)
	}
	mac := r.Groups[0]
	if mac.Group != "Mac" || mac.Sessions != 2 || mac.Meetings != 2 || mac.Streams[store.AudioInput][store.Latency].P50 != 20 {
		t.Errorf("Mac group = %+v", mac)
	}
	for _, g := range r.Groups {
		switch g.Group {
		case "Windows":
			if g.DegradedShare != 1 || g.MOSQuality[store.AudioInput][Poor] != 1 {
				t.Errorf("Windows group = %+v", g)
			}
		case Unknown:
			if g.Sessions != 1 {
				t.Errorf("unknown group = %+v", g)
			}
		}
	}
	if _, err := ParseGroupBy("colour"); err == nil {
		t.Error("--by colour accepted")
	}
}

// The same meeting analysed again gives the same result to the last digit,
// whichever core took which session: means add up in join order.
func TestMeetingResultIsDeterministic(t *testing.T) {
	sessions := benchMeeting(60, 30, 1) // decimals everywhere: the pooled values are summed, not counted
	first := AnalyzeMeeting(store.Meeting{ID: "m"}, sessions, Options{})
	for range 5 {
		again := AnalyzeMeeting(store.Meeting{ID: "m"}, sessions, Options{})
		if !reflect.DeepEqual(first, again) {
			t.Fatalf("two analyses differ: pooled bitrate %+v, then %+v",
				first.Streams[store.VideoInput][store.Bitrate], again.Streams[store.VideoInput][store.Bitrate])
		}
	}
	if len(first.SessionResults) != 60 || first.Samples != 60*30 {
		t.Fatalf("%d sessions, %d samples", len(first.SessionResults), first.Samples)
	}
}
