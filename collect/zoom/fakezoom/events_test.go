package fakezoom

import (
	"bytes"
	"encoding/json"
	"math"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// qssEvent is what the tests read of an event.
type qssEvent struct {
	Event   string `json:"event"`
	EventTS int64  `json:"event_ts"`
	Payload struct {
		AccountID string `json:"account_id"`
		Object    struct {
			ID          string   `json:"id"`
			UUID        string   `json:"uuid"`
			HostID      string   `json:"host_id"`
			Topic       string   `json:"topic"`
			StartTime   string   `json:"start_time"`
			Issues      []string `json:"issues"`
			Participant struct {
				UserID            string `json:"user_id"`
				ParticipantUserID string `json:"participant_user_id"`
				UserName          string `json:"user_name"`
				Email             string `json:"email"`
				JoinTime          string `json:"join_time"`
				Device            string `json:"device"`
				NetworkType       string `json:"network_type"`
				DataCenter        string `json:"data_center"`
				QoS               []struct {
					Type     string         `json:"type"`
					DateTime *string        `json:"date_time"`
					Details  map[string]any `json:"details"`
				} `json:"qos"`
			} `json:"participant"`
		} `json:"object"`
	} `json:"payload"`
}

func parseEvent(t *testing.T, body []byte) qssEvent {
	t.Helper()
	var e qssEvent
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("event: %v: %s", err, body)
	}
	return e
}

// The same seed and epoch give the same events, in the order they are
// sent, and a range split in two gives the same events as the whole.
func TestEventsDeterministic(t *testing.T) {
	o := Options{Seed: 5, Clock: fixed(epoch), PastMeetings: 3, Webinars: 1, Participants: 6, Minutes: 15}
	a, b := NewServer(o), NewServer(o)
	from, to := epoch.AddDate(0, 0, -30), epoch
	ea, eb := a.Events(from, to), b.Events(from, to)
	if len(ea) == 0 || !reflect.DeepEqual(ea, eb) {
		t.Fatalf("two servers with the same seed gave different events (%d, %d)", len(ea), len(eb))
	}
	mid := ea[len(ea)/2].Time
	if split := append(a.Events(from, mid), a.Events(mid, to)...); !reflect.DeepEqual(split, ea) {
		t.Errorf("a range split at %v gives %d events, the whole %d", mid, len(split), len(ea))
	}
	names := map[string]int{}
	for i, e := range ea {
		names[e.Name]++
		if i > 0 && e.Time.Before(ea[i-1].Time) {
			t.Fatalf("event %d (%v) comes before the one ahead of it (%v)", i, e.Time, ea[i-1].Time)
		}
		p := parseEvent(t, e.Body)
		if p.Event != e.Name || p.EventTS != e.Time.UnixMilli() || p.Payload.Object.UUID != e.Meeting {
			t.Errorf("event %d: body says %s at %d of %s, Event %s at %v of %s", i, p.Event, p.EventTS,
				p.Payload.Object.UUID, e.Name, e.Time, e.Meeting)
		}
	}
	for _, n := range []string{"meeting.participant_qos", "meeting.participant_qos_summary", "meeting.participant_data",
		"meeting.alert", "webinar.participant_qos", "webinar.participant_qos_summary", "webinar.participant_data"} {
		if names[n] == 0 {
			t.Errorf("no %s event in four weeks: %v", n, names)
		}
	}
	o.Seed = 6
	if ec := NewServer(o).Events(from, to); len(ec) > 0 && bytes.Equal(ec[0].Body, ea[0].Body) {
		t.Error("another seed gave the same first event")
	}
}

// apiSamples returns a session's user_qos entries from the fake's API,
// by minute: stream name to details.
func apiSamples(t *testing.T, c *apiClient, uuid, userID string) map[time.Time]map[string]any {
	t.Helper()
	path := "/metrics/meetings/" + url.PathEscape(url.PathEscape(uuid)) + "/participants/" + userID + "/qos"
	status, _, body := c.get(path, url.Values{"type": {"past"}})
	var p struct {
		UserQoS []map[string]any `json:"user_qos"`
	}
	if err := json.Unmarshal(body, &p); err != nil || status != 200 {
		t.Fatalf("GET %s: %d %v", path, status, err)
	}
	out := map[time.Time]map[string]any{}
	for _, s := range p.UserQoS {
		dt, err := time.Parse(time.RFC3339, s["date_time"].(string))
		if err != nil {
			t.Fatal(err)
		}
		delete(s, "date_time")
		out[dt.UTC()] = s
	}
	return out
}

// An event's sample is the sample the QoS API gives for the same session
// and minute, field for field; events of meetings without date_time are
// sent within the second after their minute.
func TestEventSamplesMatchTheAPI(t *testing.T) {
	c := newAPIClient(t, Options{Seed: 9, Clock: fixed(epoch), PastMeetings: 2, Participants: 8, Minutes: 12})
	dated := map[bool]int{}
	for _, m := range c.fz.Meetings() {
		samples := map[string]map[time.Time]map[string]any{}
		for _, e := range c.fz.Events(m.Start, m.End.Add(time.Minute)) {
			if e.Name != "meeting.participant_qos" {
				continue
			}
			p := parseEvent(t, e.Body)
			part := p.Payload.Object.Participant
			if p.Payload.Object.ID != strconv.FormatInt(m.ID, 10) || p.Payload.AccountID != "fake-account" {
				t.Fatalf("event of meeting %d says id %s account %s", m.ID, p.Payload.Object.ID, p.Payload.AccountID)
			}
			if samples[part.UserID] == nil {
				samples[part.UserID] = apiSamples(t, c, m.UUID, part.UserID)
			}
			sentAt := time.UnixMilli(p.EventTS).UTC()
			minute := sentAt.Truncate(time.Minute)
			if d := part.QoS[0].DateTime; d != nil {
				dt, _ := time.Parse(time.RFC3339, *d)
				minute = dt.UTC()
			}
			dated[part.QoS[0].DateTime != nil]++
			if lag := sentAt.Sub(minute); lag < 0 || lag >= time.Second {
				t.Errorf("sample of %v sent at %v", minute, sentAt)
			}
			api := samples[part.UserID][minute]
			if api == nil {
				t.Fatalf("session %s: the API has no sample at %v", part.UserID, minute)
			}
			got := map[string]any{}
			for _, q := range part.QoS {
				if (q.DateTime != nil) != (part.QoS[0].DateTime != nil) {
					t.Errorf("an event's entries differ in carrying date_time")
				}
				got[q.Type] = q.Details
			}
			if !reflect.DeepEqual(got, api) {
				t.Fatalf("session %s at %v:\nevent %v\napi   %v", part.UserID, minute, got, api)
			}
			delete(samples[part.UserID], minute)
		}
		for uid, left := range samples {
			if len(left) > 0 {
				t.Errorf("meeting %s session %s: %d API samples with no event", m.UUID, uid, len(left))
			}
		}
	}
	if dated[true] == 0 || dated[false] == 0 {
		t.Errorf("events with and without date_time: %v; want both", dated)
	}
}

var number = regexp.MustCompile(`^[0-9.]+`)

// A session's summary holds the min, avg and max of its samples' values,
// and its participant_data what the participants list says of it.
func TestSummaryAndDataEvents(t *testing.T) {
	c := newAPIClient(t, Options{Seed: 4, Clock: fixed(epoch), PastMeetings: 1, Participants: 6, Minutes: 20})
	m := c.fz.Meetings()[0]
	list, _ := c.all(participantsPath("meetings", m.UUID), url.Values{"type": {"past"}})
	byUser := map[string]entry{}
	for _, e := range list {
		byUser[e.UserID] = e
	}
	summaries, data := 0, 0
	for _, e := range c.fz.Events(m.Start, m.End.Add(time.Minute)) {
		p := parseEvent(t, e.Body)
		part := p.Payload.Object.Participant
		switch e.Name {
		case "meeting.participant_data":
			data++
			le := byUser[part.UserID]
			if part.JoinTime != le.JoinTime || part.Device != le.Device || part.NetworkType != le.NetworkType ||
				part.DataCenter != le.DataCenter || part.UserName != le.UserName {
				t.Errorf("participant_data %+v, the list says %+v", part, le)
			}
		case "meeting.participant_qos_summary":
			summaries++
			api := apiSamples(t, c, m.UUID, part.UserID)
			for _, q := range part.QoS {
				if q.Type != "audio_input" && q.Type != "video_output" {
					continue
				}
				for _, f := range []string{"latency", "bitrate"} {
					lo, hi := math.Inf(1), math.Inf(-1)
					for _, s := range api {
						v, err := strconv.ParseFloat(number.FindString(s[q.Type].(map[string]any)[f].(string)), 64)
						if err == nil {
							lo, hi = min(lo, v), max(hi, v)
						}
					}
					num := func(k string) float64 {
						v, err := strconv.ParseFloat(number.FindString(q.Details[k].(string)), 64)
						if err != nil {
							t.Fatalf("%s %s: %q", q.Type, k, q.Details[k])
						}
						return v
					}
					if num("min_"+f) != lo || num("max_"+f) != hi || num("avg_"+f) < lo || num("avg_"+f) > hi {
						t.Errorf("%s %s: summary %v/%v/%v, samples from %v to %v", q.Type, f,
							q.Details["min_"+f], q.Details["avg_"+f], q.Details["max_"+f], lo, hi)
					}
				}
			}
		}
	}
	if summaries != len(list) || data != len(list) {
		t.Errorf("%d summaries and %d data events for %d sessions", summaries, data, len(list))
	}
}

// An incident meeting raises an alert, with Zoom's issue names only.
func TestAlerts(t *testing.T) {
	s := NewServer(Options{Seed: 2, Clock: fixed(epoch), PastMeetings: 3, Participants: 10, Minutes: 30})
	m := s.Meetings()[0] // every third meeting, the first among them, has an incident
	var issues []string
	for _, e := range s.Events(m.Start, m.End.Add(time.Minute)) {
		if e.Name != "meeting.alert" {
			continue
		}
		p := parseEvent(t, e.Body)
		if p.Payload.Object.Topic != m.Topic || p.Payload.Object.StartTime != m.Start.Format(time.RFC3339) {
			t.Errorf("alert names %q at %s", p.Payload.Object.Topic, p.Payload.Object.StartTime)
		}
		for _, is := range p.Payload.Object.Issues {
			if !slices.Contains(alertIssues[:], is) {
				t.Errorf("unknown issue %q", is)
			}
		}
		issues = append(issues, p.Payload.Object.Issues...)
	}
	if !slices.Contains(issues, "Unstable audio quality") {
		t.Errorf("the incident meeting raised %v", issues)
	}
}
