package zoom

import (
	"errors"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

func parseEvent(t *testing.T, doc []byte) (Page, Problems) {
	t.Helper()
	var probs Problems
	page, err := NewParser().Parse(doc, &probs)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if page.Event == nil {
		t.Fatal("no event envelope")
	}
	return page, probs
}

// A participant_qos event without date_time is one sample dated at the
// minute of its event_ts, in the QoS API's value shapes, of a pushed
// session keyed by the per-meeting user_id.
func TestEventQoS(t *testing.T) {
	page, probs := parseEvent(t, readTestdata(t, "events/event-qos.json"))
	if probs.Count != 0 || len(probs.Unknown) != 0 {
		t.Fatalf("problems: %+v", probs)
	}
	ev := page.Event
	if ev.Name != "meeting.participant_qos" || ev.Kind() != "participant_qos" || ev.Webinar() || ev.AccountID != "acc" {
		t.Fatalf("event %+v", ev)
	}
	if ev.Meeting.ID() != "4444AAAiAAAAAiAiAiiAii==" || ev.Meeting.Number != "85000000001" {
		t.Fatalf("meeting %+v", ev.Meeting)
	}
	if len(page.Participants) != 1 {
		t.Fatalf("%d participants", len(page.Participants))
	}
	ss := page.Participants[0]
	s := ss.Session
	if !s.Pushed || s.Participant != "16778240" || s.UserID != "16778240" || s.ParticipantUserID != "u-ada" || s.UserName != "Ada" || s.Email != "ada@example.com" {
		t.Fatalf("session %+v", s)
	}
	if len(ss.Samples) != 1 {
		t.Fatalf("%d samples", len(ss.Samples))
	}
	smp := ss.Samples[0]
	if want := time.Date(2025, 12, 1, 10, 16, 0, 0, time.UTC); !smp.Time.Equal(want) {
		t.Fatalf("time %v, want %v", smp.Time, want)
	}
	for _, c := range []struct {
		st   store.Stream
		m    store.Metric
		want float64
	}{
		{store.AudioInput, store.Bitrate, 27.15}, {store.AudioInput, store.Latency, 12}, {store.AudioInput, store.MaxLoss, 1.2},
		{store.VideoInput, store.Bitrate, 900}, {store.VideoInput, store.Width, 1280}, {store.VideoInput, store.Height, 720},
		{store.VideoInput, store.FrameRate, 25}, {store.CPUUsage, store.SystemMaxCPU, 40},
	} {
		if v, ok := smp.Get(c.st, c.m); !ok || v != c.want {
			t.Errorf("%s %s = %v (%v), want %v", c.st, c.m, v, ok, c.want)
		}
	}
}

// Entries with their own date_time make a sample each.
func TestEventQoSDated(t *testing.T) {
	doc := []byte(`{"event":"meeting.participant_qos","event_ts":1764584196412,"payload":{"object":{"uuid":"u1","participant":{"user_id":"7","qos":[
		{"type":"audio_input","date_time":"2025-12-01T10:15:00Z","details":{"bitrate":"20kbps"}},
		{"details":{"bitrate":"30kbps"},"type":"audio_output","date_time":"2025-12-01T10:15:00Z"},
		{"type":"audio_input","date_time":"2025-12-01T10:16:00.0000000+00:00","details":{"bitrate":"21kbps"}}]}}}}`)
	page, _ := parseEvent(t, doc)
	smps := page.Participants[0].Samples
	if len(smps) != 2 || len(smps[0].Values) != 2 || len(smps[1].Values) != 1 {
		t.Fatalf("samples %+v", smps)
	}
	if v, _ := smps[0].Get(store.AudioOutput, store.Bitrate); v != 30 {
		t.Fatalf("audio_output bitrate %v", v)
	}
}

func TestEventSummary(t *testing.T) {
	page, probs := parseEvent(t, readTestdata(t, "events/event-summary.json"))
	if probs.Count != 0 || len(probs.Unknown) != 0 {
		t.Fatalf("problems: %+v", probs)
	}
	if !page.Event.Webinar() {
		t.Fatal("a webinar's event")
	}
	s := page.Participants[0]
	if len(s.Samples) != 0 || s.Session.ZoomSummary == nil {
		t.Fatalf("summary session %+v", s)
	}
	z := s.Session.ZoomSummary
	lat, ok := z.Stat(store.AudioInput, store.Latency)
	if !ok || *lat.Min != 10 || *lat.Avg != 14 || *lat.Max != 90 {
		t.Fatalf("latency %+v", lat)
	}
	loss, _ := z.Stat(store.AudioInput, store.MaxLoss)
	if loss.Max == nil || *loss.Max != 3 || loss.Avg != nil {
		t.Fatalf("max_loss %+v", loss)
	}
	avgLoss, _ := z.Stat(store.AudioInput, store.AvgLoss)
	if avgLoss.Avg == nil || *avgLoss.Avg != 0.2 {
		t.Fatalf("avg_loss %+v", avgLoss)
	}
	w, _ := z.Stat(store.VideoOutput, store.Width)
	if w.Avg == nil || *w.Avg != 640 {
		t.Fatalf("resolution %+v", w)
	}
	// A stream with nothing but zeros (nothing shared) is left out.
	doc := []byte(`{"event":"meeting.participant_qos_summary","event_ts":1764587796000,"payload":{"object":{"uuid":"u1","participant":{"user_id":"1","qos":[{"type":"as_input","details":{"min_bitrate":"","avg_bitrate":"","resolution":"0*0"}},{"type":"audio_input","details":{"avg_bitrate":"0kbps","max_bitrate":"20kbps"}}]}}}}`)
	page, _ = parseEvent(t, doc)
	z = page.Participants[0].Session.ZoomSummary
	if _, ok := z.Stat(store.ASInput, store.Width); ok || len(z.Stats) != 1 {
		t.Fatalf("stats %+v", z.Stats)
	}
}

func TestEventAlert(t *testing.T) {
	page, _ := parseEvent(t, readTestdata(t, "events/event-alert.json"))
	if len(page.Participants) != 0 || len(page.Alerts) != 1 {
		t.Fatalf("page %+v", page)
	}
	a := page.Alerts[0]
	if a.Event != "meeting.alert" || len(a.Issues) != 2 || a.Issues[0] != "Unstable audio quality" || !a.Time.Equal(time.UnixMilli(1764584100000)) {
		t.Fatalf("alert %+v", a)
	}
	// The number arrives as a JSON number here.
	if page.Event.Meeting.Number != "85000000001" || page.Event.Meeting.Topic != "All hands" {
		t.Fatalf("meeting %+v", page.Event.Meeting)
	}
}

func TestEventsNotRead(t *testing.T) {
	for _, doc := range []string{
		`{"event":"endpoint.url_validation","payload":{"plainToken":"x"}}`,
		`{"event":"phone.call_qos","payload":{"object":{}}}`,
		`{"event":"meeting.participant_qos","payload":{"object":{"participant":{"user_id":"1"}}}}`,
		`{"event":"meeting.participant_qos","payload":{"object":{"uuid":"u"}}}`,
		`{"event":"meeting.participant_qos"}`,
		`{"event":"meeting.alert","payload":[]}`,
	} {
		_, err := NewParser().Parse([]byte(doc), &Problems{})
		if !errors.Is(err, ErrNotQoS) {
			t.Errorf("%s: %v, want ErrNotQoS", doc, err)
		}
	}
	if !IsEvent([]byte(`{"payload":{},"event":"x"}`)) || IsEvent([]byte(`{"participants":[]}`)) || IsEvent([]byte(`[]`)) {
		t.Fatal("IsEvent")
	}
}

// A value Zoom wrote oddly is a problem with a path into the event.
func TestEventProblems(t *testing.T) {
	doc := []byte(`{"event":"meeting.participant_qos","event_ts":1764584196412,"payload":{"object":{"uuid":"u1","participant":{"user_id":"7","qos":[{"type":"audio_input","details":{"bitrate":"fast","latency":"12ms"}}]}}}}`)
	page, probs := parseEvent(t, doc)
	if probs.Count != 1 || len(probs.First) != 1 || probs.First[0].Path != "payload.object.participant.qos[time 0].audio_input.bitrate" {
		t.Fatalf("problems %+v", probs)
	}
	if v, ok := page.Participants[0].Samples[0].Get(store.AudioInput, store.Latency); !ok || v != 12 {
		t.Fatal("the rest is read")
	}
	// A meeting number that is not one is a problem, not a number.
	doc = []byte(`{"event":"meeting.alert","event_ts":1764584100000,"payload":{"object":{"id":"</script>","uuid":"u1","issues":["Unstable audio quality"]}}}`)
	page, probs = parseEvent(t, doc)
	if page.Event.Meeting.Number != "" || probs.Count != 1 || probs.First[0].Path != "payload.object.id" {
		t.Fatalf("number %q, problems %+v", page.Event.Meeting.Number, probs)
	}
}
