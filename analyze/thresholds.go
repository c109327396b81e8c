package analyze

import (
	"fmt"
	"math"

	"github.com/zoomqos/zoomqos/store"
)

// Thresholds decide when a sample is degraded on a stream. A value beyond
// its threshold breaches it; an absent value never does.
type Thresholds struct {
	LatencyMS    float64 `json:"latency_ms"`         // latency above this breaches (ITU-T G.114: 150 ms)
	JitterMS     float64 `json:"jitter_ms"`          // jitter above this (30 ms, as Teams and Twilio)
	AvgLossPct   float64 `json:"avg_loss_pct"`       // average loss above this (3 %, Twilio's warning)
	FrameRateFPS float64 `json:"frame_rate_fps"`     // video_input, video_output: below this while bitrate > 0 (7 fps, Teams)
	SystemCPUPct float64 `json:"system_max_cpu_pct"` // system CPU at or above this (90 %)
	MinSamples   int     `json:"min_window_samples"` // degradation windows need at least this many degraded samples (2)
}

// DefaultThresholds are the defaults, with their sources in the README.
func DefaultThresholds() Thresholds {
	return Thresholds{LatencyMS: 150, JitterMS: 30, AvgLossPct: 3, FrameRateFPS: 7, SystemCPUPct: 90, MinSamples: 2}
}

// Validate rejects thresholds that cannot be meant.
func (t Thresholds) Validate() error {
	for _, th := range []struct {
		name string
		v    float64
	}{{"latency", t.LatencyMS}, {"jitter", t.JitterMS}, {"loss", t.AvgLossPct}, {"frame rate", t.FrameRateFPS}, {"CPU", t.SystemCPUPct}} {
		if th.v < 0 || math.IsNaN(th.v) || math.IsInf(th.v, 0) {
			return fmt.Errorf("the %s threshold must be a number of at least 0, not %v", th.name, th.v)
		}
	}
	for _, th := range []struct {
		name string
		v    float64
	}{{"loss", t.AvgLossPct}, {"CPU", t.SystemCPUPct}} {
		if th.v > 100 {
			return fmt.Errorf("the %s threshold is a percentage: at most 100, not %v", th.name, th.v)
		}
	}
	if t.MinSamples < 1 {
		return fmt.Errorf("windows need at least 1 degraded sample, not %d", t.MinSamples)
	}
	return nil
}

// breach is what one stream of one sample breached: a bit per metric, and
// the values that breached.
type breach struct {
	mask uint32
	vals [store.NumMetrics]float64
}

func (b *breach) set(m store.Metric, v float64) {
	b.mask |= 1 << m
	b.vals[m] = v
}

// check notes a breach of one value; it takes every value of a sample in
// turn. The frame rate rule needs the stream's bitrate too: finish decides
// it once the sample's values are all seen.
func (t *Thresholds) check(st store.Stream, m store.Metric, v float64, b *breach, video *videoCheck) {
	switch m {
	case store.Latency:
		if v > t.LatencyMS {
			b.set(store.Latency, v)
		}
	case store.Jitter:
		if v > t.JitterMS {
			b.set(store.Jitter, v)
		}
	case store.AvgLoss:
		if v > t.AvgLossPct {
			b.set(store.AvgLoss, v)
		}
	case store.Bitrate:
		if st == store.VideoInput || st == store.VideoOutput {
			video.bitrate[st-store.VideoInput] = v
		}
	case store.FrameRate:
		if st == store.VideoInput || st == store.VideoOutput {
			video.fps[st-store.VideoInput] = v
		}
	case store.SystemMaxCPU:
		if st == store.CPUUsage && v >= t.SystemCPUPct {
			b.set(store.SystemMaxCPU, v)
		}
	}
}

// videoCheck holds what the frame rate rule needs of video_input and
// video_output: frame rate below the threshold while bitrate > 0.
type videoCheck struct {
	bitrate, fps [2]float64 // NaN when absent
}

func newVideoCheck() videoCheck {
	nan := math.NaN()
	return videoCheck{bitrate: [2]float64{nan, nan}, fps: [2]float64{nan, nan}}
}

func (t *Thresholds) finishVideo(video *videoCheck, out *[store.NumStreams]breach) {
	for i, st := range [2]store.Stream{store.VideoInput, store.VideoOutput} {
		if video.fps[i] < t.FrameRateFPS && video.bitrate[i] > 0 {
			out[st].set(store.FrameRate, video.fps[i])
		}
	}
}

// streamBreaches checks every stream of a sample at once; out[st] is the
// breach of stream st (mask 0: not degraded; the values are only set for
// the metrics in the mask). present[st] says whether the stream had any
// value.
func (t *Thresholds) streamBreaches(smp *store.Sample, out *[store.NumStreams]breach, present *[store.NumStreams]bool) {
	for st := range out {
		out[st].mask = 0
	}
	*present = [store.NumStreams]bool{}
	video := newVideoCheck()
	for _, v := range smp.Values {
		present[v.Stream] = true
		t.check(v.Stream, v.Metric, v.V, &out[v.Stream], &video)
	}
	t.finishVideo(&video, out)
}

// Limit is the threshold a metric's values breach, if it has one.
func (t *Thresholds) Limit(m store.Metric) (float64, bool) {
	switch m {
	case store.Latency:
		return t.LatencyMS, true
	case store.Jitter:
		return t.JitterMS, true
	case store.AvgLoss:
		return t.AvgLossPct, true
	case store.FrameRate:
		return t.FrameRateFPS, true
	case store.SystemMaxCPU:
		return t.SystemCPUPct, true
	}
	return 0, false
}

// worse reports whether v is a worse value of m than w: a lower frame
// rate, a higher anything else.
func worse(m store.Metric, v, w float64) bool {
	if m == store.FrameRate {
		return v < w
	}
	return v > w
}

// Worse reports whether v is a worse value than w of the metric with the
// given column name (such as a window's breached "frame_rate_fps").
func Worse(m store.Metric, v, w float64) bool {
	return worse(m, v, w)
}
