package reporttest

import (
	"strconv"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// PlantedDataCenter is the data center Planted gives the sessions its
// incident hits, and no other.
const PlantedDataCenter = "SC (Singapore)"

// Planted is a meeting of 24 sessions over 30 minutes in which the 16
// sessions on PlantedDataCenter have 400 ms of latency from minute 10 to
// 16 (an incident: two thirds degraded at once) and the 8 others, spread
// over two other data centers, never do: the why of its incident and
// windows names that data center.
func Planted() (store.Meeting, []store.SessionSamples) {
	m := store.Meeting{ID: "86000000077", Type: store.Past, Topic: "Planted"}
	var out []store.SessionSamples
	for i := range 24 {
		s := store.Session{Participant: "p" + strconv.Itoa(i), UserName: "Person " + strconv.Itoa(i), JoinTime: Start,
			DataCenter: []string{"FR (Frankfurt)", "AM (Amsterdam)"}[i%2], Device: []string{"Mac", "Windows"}[i%2],
			NetworkType: []string{"Wifi", "Wired"}[(i/2)%2]}
		bad := i < 16
		if bad {
			s.DataCenter = PlantedDataCenter
		}
		var samples []store.Sample
		for min := range 30 {
			l := 40.0
			if bad && min >= 10 && min < 16 {
				l = 400
			}
			smp := store.Sample{Time: Start.Add(time.Duration(min) * time.Minute), Values: []store.Value{
				{Stream: store.AudioInput, Metric: store.Latency, V: l}, {Stream: store.AudioInput, Metric: store.Jitter, V: 4}}}
			smp.Normalize()
			samples = append(samples, smp)
		}
		out = append(out, store.SessionSamples{Session: s, Samples: samples})
	}
	return m, out
}
