package reporttest

import (
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// What Zoom pushes about a synthetic meeting: its alerts, and its own
// summaries of sessions.

// Zoom's words for the issues of its alerts.
const (
	AudioIssue = "Unstable audio quality"
	VideoIssue = "Unstable video quality"
	CPUIssue   = "High CPU occupation"
)

// Alerts are Zoom's alerts on Meeting(n, minutes): the first during its
// incident, naming the given issues (audio and video when none are
// given), the second early in the meeting, naming high CPU, the third
// before its first sample, when zoomqos has none.
func Alerts(minutes int, issues ...string) []store.Alert {
	if len(issues) == 0 {
		issues = []string{AudioIssue, VideoIssue}
	}
	return []store.Alert{
		{Time: Start.Add(-5 * time.Minute), Event: "meeting.alert", Issues: []string{"Call Reconnection"}},
		{Time: Start.Add(3*time.Minute + 10*time.Second), Event: "meeting.alert", Issues: []string{CPUIssue}},
		// Everyone suffers from minute minutes/2 of their session for 3
		// minutes; sessions join up to 2 minutes late and sample at the
		// end of each minute: minutes/2+3 is bad for all.
		{Time: Start.Add(time.Duration(minutes/2+3)*time.Minute + 30*time.Second), Event: "meeting.alert", Issues: issues},
	}
}

// Summary is a Zoom summary of a session of Meeting: audio input's
// latency, jitter, loss and bitrate, video input's frame rate, and CPU,
// where Zoom gave only an average.
func Summary() *store.ZoomSummary {
	f := func(v float64) *float64 { return &v }
	return &store.ZoomSummary{Time: Start.Add(time.Hour), Stats: []store.SummaryStat{
		{Stream: store.AudioInput, Metric: store.Bitrate, Min: f(42), Avg: f(460.5), Max: f(935)},
		{Stream: store.AudioInput, Metric: store.Latency, Min: f(40), Avg: f(88.25), Max: f(268)},
		{Stream: store.AudioInput, Metric: store.Jitter, Min: f(3), Avg: f(9.4), Max: f(50)},
		{Stream: store.AudioInput, Metric: store.AvgLoss, Min: f(0), Avg: f(1.1), Max: f(6.4)},
		{Stream: store.VideoInput, Metric: store.FrameRate, Min: f(20), Avg: f(24.5), Max: f(29)},
		{Stream: store.CPUUsage, Metric: store.SystemMaxCPU, Avg: f(44)},
	}}
}

// AlertedMeeting is Meeting(n, minutes) with Zoom's alerts (Alerts) and
// its summaries (Summary) of sessions 0 and 2.
func AlertedMeeting(n, minutes int) (store.Meeting, []store.SessionSamples) {
	m, sessions := Meeting(n, minutes)
	m.Alerts = Alerts(minutes)
	for _, i := range []int{0, 2} {
		if i < n {
			sessions[i].Session.ZoomSummary = Summary()
		}
	}
	return m, sessions
}
