package analyze

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// alertMeeting is five sessions over minutes 0..9 (samples 30 s past the
// minute): a, b and c degraded in minutes 2 and 3 (an incident from 2:00
// to 4:00, and a window each from 2:30 to 4:30), a alone again in minutes
// 6 and 7 (a window, 6:30 to 8:30, and no incident).
func alertMeeting() []store.SessionSamples {
	bad, ok := lat(store.AudioInput, 400), lat(store.AudioInput, 30)
	plan := map[string]string{"a": "..BB..BB..", "b": "..BB......", "c": "..BB......", "d": "..........", "e": ".........."}
	var sessions []store.SessionSamples
	for _, p := range []string{"a", "b", "c", "d", "e"} {
		var samples []store.Sample
		for m, c := range plan[p] {
			v := ok
			if c == 'B' {
				v = bad
			}
			samples = append(samples, smp(m*60+30, v))
		}
		sessions = append(sessions, sess(p, 0, samples...))
	}
	return sessions
}

func at(min, sec int) time.Time {
	return t0.Add(time.Duration(min)*time.Minute + time.Duration(sec)*time.Second)
}

func TestAlertsAgainstIncidentsAndWindows(t *testing.T) {
	audio := []string{"Unstable audio quality"}
	tests := []struct {
		name     string
		t        time.Time
		sampled  bool
		incident int // -1: none
		windows  []string
	}{
		{"before the first sample", at(-1, 0), false, -1, nil},
		{"in the incident", at(2, 40), true, 0, []string{"a", "b", "c"}},
		{"a minute after the incident, late as Zoom is", at(4, 50), true, 0, []string{"a", "b", "c"}},
		{"past the lag", at(5, 40), true, -1, nil},
		{"in one session's window", at(6, 30), true, -1, []string{"a"}},
		{"nothing wrong", at(9, 40), true, -1, nil},
		{"after the last sample and the lag", at(11, 0), false, -1, nil},
	}
	m := store.Meeting{ID: "m"}
	for _, tt := range tests {
		m.Alerts = append(m.Alerts, store.Alert{Time: tt.t, Event: "meeting.alert", Issues: audio})
	}
	r := AnalyzeMeeting(m, alertMeeting(), Options{})
	if len(r.Incidents) != 1 || len(r.Windows) != 4 {
		t.Fatalf("%d incidents, %d windows; want 1 and 4", len(r.Incidents), len(r.Windows))
	}
	if len(r.Alerts) != len(tests) {
		t.Fatalf("%d alerts, want %d", len(r.Alerts), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := r.Alerts[i]
			if !a.Time.Equal(tt.t) || a.Event != "meeting.alert" || !slices.Equal(a.Issues, audio) {
				t.Errorf("the alert is %+v", a.Alert)
			}
			if a.Sampled != tt.sampled {
				t.Errorf("sampled = %v, want %v", a.Sampled, tt.sampled)
			}
			switch {
			case tt.incident < 0 && a.Incident != nil:
				t.Errorf("during incident %d, want none", *a.Incident)
			case tt.incident >= 0 && (a.Incident == nil || *a.Incident != tt.incident):
				t.Errorf("incident = %v, want %d", a.Incident, tt.incident)
			}
			var who []string
			for _, k := range a.Windows {
				who = append(who, r.Windows[k].Participant)
			}
			slices.Sort(who)
			if !slices.Equal(who, tt.windows) {
				t.Errorf("during the windows of %v, want %v", who, tt.windows)
			}
		})
	}
}

// The JSON of `analyze --format json`: alerts always (an empty list
// without any), each session's Zoom summary where Zoom sent one.
func TestAlertsAndZoomSummaryInJSON(t *testing.T) {
	sessions := alertMeeting()
	avg, max := 38.5, 412.0
	sessions[0].Session.ZoomSummary = &store.ZoomSummary{Time: at(10, 5), Stats: []store.SummaryStat{
		{Stream: store.AudioInput, Metric: store.Latency, Avg: &avg, Max: &max}}}
	m := store.Meeting{ID: "m", Alerts: []store.Alert{{Time: at(2, 40), Event: "meeting.alert", Issues: []string{"Unstable audio quality"}}}}
	r := AnalyzeMeeting(m, sessions, Options{})
	// The result keeps its own copy of the summary.
	sessions[0].Session.ZoomSummary.Stats[0].Metric = store.Jitter
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, want := range []string{
		`"alerts":[{"time":"2026-11-20T10:02:40Z","event":"meeting.alert","issues":["Unstable audio quality"],"sampled":true,"incident":0,"windows":[0,1,2]}]`,
		`"zoom_summary":{"time":"2026-11-20T10:10:05Z","stats":[{"stream":"audio_input","metric":"latency_ms","avg":38.5,"max":412}]}`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("the JSON lacks %s:\n%s", want, js)
		}
	}
	if n := strings.Count(js, `"zoom_summary"`); n != 1 {
		t.Errorf("%d sessions have a zoom_summary, want the one Zoom sent", n)
	}

	b, err = json.Marshal(AnalyzeMeeting(store.Meeting{ID: "m"}, alertMeeting(), Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"alerts":[]`) {
		t.Errorf("a meeting without alerts: %s", b)
	}
}
