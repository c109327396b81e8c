// Package reporttest makes meetings for the tests of report and the
// packages under it (html, email, export): synthetic meetings of any size,
// names and topics that attack what shows them, text that spreadsheets take
// for formulas, and the checks those tests share.
//
// It imports report, analyze and store, never the packages under report
// (their tests import it); only tests import it.
package reporttest

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

// Names that would run script if any of them reached the page unescaped.
const (
	HostileScript = `</script><script>window.__pwned=1</script>`
	HostileImg    = `<img src=x onerror="window.__pwned=2">`
	HostileTopic  = `Q3 </title><script>window.__pwned=3</script> & "friends"`
)

// Start is when a synthetic meeting starts.
var Start = time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)

// Meeting makes a meeting of n sessions over the given minutes: each
// session has every media stream and CPU each minute, a quarter of them a
// stretch of bad Wi-Fi, and everyone suffers in the middle (an incident).
// Sessions 0 and 1 carry hostile names; the data is the same for the same
// arguments.
func Meeting(n, minutes int) (store.Meeting, []store.SessionSamples) {
	r := rand.New(rand.NewPCG(uint64(n), uint64(minutes)))
	m := store.Meeting{ID: "86000000042", Type: store.Past, Topic: HostileTopic}
	out := make([]store.SessionSamples, n)
	media := []store.Stream{store.AudioInput, store.AudioOutput, store.VideoInput, store.VideoOutput, store.ASInput, store.ASOutput}
	for i := range out {
		// Odd sessions join on a fraction of a second, as Zoom's times can.
		join := Start.Add(time.Duration(r.IntN(3))*time.Minute + time.Duration(i%2)*250*time.Millisecond)
		name := "Person " + strconv.Itoa(i)
		switch i {
		case 0:
			name = HostileScript
		case 1:
			name = HostileImg
		}
		out[i].Session = store.Session{
			Participant: "pid-" + strconv.Itoa(i), JoinTime: join, LeaveTime: join.Add(time.Duration(minutes) * time.Minute),
			UserName: name, Email: "person" + strconv.Itoa(i) + "@example.com",
			IPAddress: "203.0.113." + strconv.Itoa(i%250), MACAddr: "00:11:22:33:44:" + strconv.Itoa(10+i%89),
			HarddiskID: "DISK-" + strconv.Itoa(9000+i), PCName: "LAPTOP-" + strconv.Itoa(i), Domain: "corp.example",
			Device: []string{"Mac", "Windows", "iOS"}[i%3], Location: "Berlin (DE)", NetworkType: []string{"Wifi", "Wired"}[i%2],
			Version: "6.2.0", DataCenter: "Frankfurt (DE)",
		}
		bad := -1
		if i%4 == 0 {
			bad = r.IntN(max(1, minutes-10))
		}
		samples := make([]store.Sample, 0, minutes)
		for k := range minutes {
			t := join.Add(time.Duration(k+1) * time.Minute)
			lat, jit, loss := 40+r.Float64()*30, 3+r.Float64()*8, r.Float64()*0.5
			if (bad >= 0 && k >= bad && k < bad+8) || (k >= minutes/2 && k < minutes/2+3) {
				lat, jit, loss = lat+200, jit+40, loss+6
			}
			var vals []store.Value
			for _, st := range media {
				vals = append(vals,
					store.Value{Stream: st, Metric: store.Bitrate, V: float64(40 + r.IntN(900))},
					store.Value{Stream: st, Metric: store.Latency, V: float64(int(lat))},
					store.Value{Stream: st, Metric: store.Jitter, V: float64(int(jit))},
					store.Value{Stream: st, Metric: store.AvgLoss, V: float64(int(loss*10)) / 10},
				)
				if st >= store.VideoInput {
					vals = append(vals, store.Value{Stream: st, Metric: store.FrameRate, V: float64(20 + r.IntN(10))})
				}
			}
			vals = append(vals, store.Value{Stream: store.CPUUsage, Metric: store.SystemMaxCPU, V: float64(20 + r.IntN(50))})
			samples = append(samples, store.Sample{Time: t, Values: vals})
		}
		out[i].Samples = samples
	}
	return m, out
}

// Report analyses a synthetic meeting of n sessions into a report's input.
func Report(n, minutes int) *report.Meeting {
	m, sessions := Meeting(n, minutes)
	return Document(m, sessions, false)
}

// Document analyses a meeting with the default thresholds into what its
// page and e-mail are drawn from, generated a day after Start.
func Document(m store.Meeting, sessions []store.SessionSamples, redacted bool) *report.Meeting {
	th := analyze.DefaultThresholds()
	doc := &report.Meeting{
		Result:    analyze.AnalyzeMeeting(m, sessions, analyze.Options{Thresholds: th}),
		Timeline:  analyze.NewTimeline(sessions, th),
		Generated: Start.Add(24 * time.Hour),
		Redacted:  redacted,
		Version:   "test",
	}
	for i := range sessions {
		doc.Sessions = append(doc.Sessions, sessions[i].Session)
	}
	return doc
}

// What Zoom's participants list gives RatedMeeting's session 2: a
// microphone named to run script, and the personal fields redaction must
// take.
const (
	HostileMic  = `<script>window.__pwned=4</script>`
	CustomerKey = "ck-secret-4242"
	PartUserID  = "puid-secret-7777"
)

// RatedMeeting is a synthetic meeting whose sessions carry the
// participants list's fields: session 2 everything (HostileMic among
// them), session 3 only Zoom's ratings, the others nothing.
func RatedMeeting() (store.Meeting, []store.SessionSamples) {
	m, sessions := Meeting(6, 30)
	s := &sessions[2].Session
	s.Details = true
	s.AudioQuality, s.VideoQuality, s.ScreenShareQuality = "good", "fair", "bad"
	s.Microphone, s.Speaker, s.Camera = HostileMic, "Jabra Speak 510", "FaceTime HD Camera"
	s.ConnectionType, s.FullDataCenter = "UDP", "Frankfurt (DE) · FRA1"
	s.Health, s.IssueList, s.RCReason = "Warning", []string{"High CPU", "Unstable audio"}, "network change"
	s.SocketBreaks = &store.SocketBreaks{Audio: 1, Video: 2, Command: 1}
	s.LeaveReason, s.Role = "left the meeting", "attendee"
	s.CustomerKey, s.ParticipantUserID = CustomerKey, PartUserID
	t := &sessions[3].Session
	t.Details, t.AudioQuality = true, "poor"
	return m, sessions
}
