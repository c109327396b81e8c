package analyze

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

func audio(latency, jitter, loss float64) []store.Value {
	return []store.Value{lat(store.AudioInput, latency), val(store.AudioInput, store.Jitter, jitter),
		val(store.AudioInput, store.AvgLoss, loss)}
}

func TestTimeline(t *testing.T) {
	a := sess("a", 0,
		smp(60, audio(40, 5, 0)...),                           // good
		smp(120, audio(150, 30, 2.9)...),                      // at the thresholds: no breach, but MOS 3.86, fair
		smp(240, audio(300, 5, 0)...),                         // latency breached; minute 3 has none
		smp(270, val(store.CPUUsage, store.SystemMaxCPU, 95)), // same minute: CPU breached too
	)
	b := sess("b", 100,
		smp(180, audio(60, 5, 1)...),
		smp(240, append(audio(80, 5, 0), val(store.VideoInput, store.Bitrate, 800), val(store.VideoInput, store.FrameRate, 3))...),
	)
	tl := NewTimeline([]store.SessionSamples{a, b}, Thresholds{})
	if !tl.Start.Equal(t0.Add(time.Minute)) || tl.Minutes != 4 || len(tl.Sessions) != 2 {
		t.Fatalf("timeline %v + %d minutes, %d sessions", tl.Start, tl.Minutes, len(tl.Sessions))
	}
	sa, sb := tl.Sessions[0], tl.Sessions[1]
	if sa.Participant != "a" || sa.First != 0 || !reflect.DeepEqual(sa.Levels, []Level{LevelGood, LevelFair, LevelAbsent, LevelDegraded}) {
		t.Errorf("a: first %d, levels %v", sa.First, sa.Levels)
	}
	// b's frame rate of 3 fps while sending video is a breach.
	if sb.First != 2 || !reflect.DeepEqual(sb.Levels, []Level{LevelGood, LevelDegraded}) {
		t.Errorf("b: first %d, levels %v", sb.First, sb.Levels)
	}
	latIn := Line{QLatency, store.AudioInput}
	got := sa.Values(latIn)
	if len(got) != 4 || got[0] != 40 || got[1] != 150 || !math.IsNaN(float64(got[2])) || got[3] != 300 {
		t.Errorf("a's latency %v", got)
	}
	if mos := sa.Values(Line{QMOS, store.AudioInput}); float64(mos[0]) != float64(float32(MOS(40, 5, 0))) {
		t.Errorf("a's MOS %v, want %v first", mos, MOS(40, 5, 0))
	}
	if v := sb.Values(Line{QFrameRate, store.VideoInput}); len(v) != 2 || !math.IsNaN(float64(v[0])) || v[1] != 3 {
		t.Errorf("b's frame rate %v", v)
	}
	if sa.Values(Line{QFrameRate, store.VideoInput}) != nil {
		t.Error("a has a frame rate line without any frame rate")
	}
	want := []Line{{QLatency, store.AudioInput}, {QJitter, store.AudioInput}, {QLoss, store.AudioInput},
		{QBitrate, store.VideoInput}, {QFrameRate, store.VideoInput}, {QMOS, store.AudioInput}, {QCPU, store.CPUUsage}}
	if lines := tl.Lines(); !reflect.DeepEqual(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}

	// Minute by minute: the median and the maximum over the sessions there.
	sp := tl.Spread(latIn, 0.5, 1)
	if sp[0][0] != 40 || sp[0][1] != 150 || sp[0][2] != 60 || sp[0][3] != 190 || sp[1][3] != 300 {
		t.Errorf("spread %v", sp)
	}
	if empty := NewTimeline(nil, Thresholds{}); empty.Minutes != 0 || len(empty.Lines()) != 0 {
		t.Errorf("an empty meeting's timeline: %+v", empty)
	}
}

func TestQuantityRules(t *testing.T) {
	th := DefaultThresholds()
	if got := QFrameRate.Threshold(th, store.ASInput); got != nil {
		t.Errorf("screen share has no frame rate rule, got %v", got)
	}
	if got := QFrameRate.Threshold(th, store.VideoOutput); len(got) != 1 || got[0] != 7 {
		t.Errorf("video frame rate threshold %v", got)
	}
	if !QLatency.Breaches([]store.Metric{store.Latency, store.Jitter}) || QLatency.Breaches([]store.Metric{store.Jitter}) || !QMOS.Breaches([]store.Metric{store.AvgLoss}) {
		t.Error("a chart shades the windows of its own metric; MOS every window of its stream")
	}
	if QBitrate.Breaches([]store.Metric{store.Latency, store.Bitrate}) {
		t.Error("a bitrate chart shades windows, but bitrate has no threshold")
	}
}
