package fakezoom

import (
	"slices"
	"strconv"
	"time"
)

// The QSS and alert events: what Zoom posts to a webhook endpoint or sends
// down a WebSocket about the same meetings the API describes. Each session
// gives a participant_data event when it joins, a participant_qos event a
// minute while it is in the meeting (the very sample the QoS API gives for
// that minute), and a participant_qos_summary event when it leaves; a
// meeting gives an alert when an episode of bad quality begins.

// Event is one event notification, as Zoom sends it.
type Event struct {
	Name    string    // "meeting.participant_qos", "webinar.alert", ...
	Time    time.Time // when Zoom sends it: its event_ts, to the millisecond
	Meeting string    // the meeting's instance UUID
	Body    []byte    // the JSON Zoom posts
}

// The event kinds, in the order events of the same millisecond go out.
const (
	kindData = iota
	kindQoS
	kindAlert
	kindSummary
)

var eventNames = [...]string{"participant_data", "participant_qos", "alert", "participant_qos_summary"}

// Alert issues, as meeting.alert names them.
var alertIssues = [...]string{"Unstable audio quality", "Unstable video quality", "Unstable screen share quality",
	"High CPU occupation", "Call Reconnection"}

const (
	issueAudio = 1 << iota
	issueVideo
	issueShare
	issueCPU
	issueReconnect
)

// Events returns the events Zoom sends from from (inclusive) to to
// (exclusive), in the order it sends them. The same seed and epoch give
// the same events, byte for byte.
func (s *Server) Events(from, to time.Time) []Event {
	type keyed struct {
		Event
		mi, kind, si, minute int
	}
	var out []keyed
	for _, m := range s.world.meetings {
		// Summaries go out up to a second after the last leave.
		if !m.Start.Before(to) || m.end.Add(time.Minute).Before(from) {
			continue
		}
		m.build()
		m.events(s.opts.AccountID, from, to, func(kind, si, minute int, t time.Time, body []byte) {
			name := "meeting."
			if m.Webinar {
				name = "webinar."
			}
			out = append(out, keyed{Event{Name: name + eventNames[kind], Time: t, Meeting: m.UUID, Body: body}, m.index, kind, si, minute})
		})
	}
	slices.SortFunc(out, func(a, b keyed) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		for _, d := range [...]int{a.mi - b.mi, a.kind - b.kind, a.si - b.si, a.minute - b.minute} {
			if d != 0 {
				return d
			}
		}
		return 0
	})
	evs := make([]Event, len(out))
	for i := range out {
		evs[i] = out[i].Event
	}
	return evs
}

// events calls emit for each of the meeting's events sent in [from, to),
// in no particular order.
func (m *meeting) events(account string, from, to time.Time, emit func(kind, si, minute int, t time.Time, body []byte)) {
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	for si := range m.sessions {
		s := &m.sessions[si]
		if t := m.sendTime(s.join, kindData, s, 0); in(t) {
			emit(kindData, si, 0, t, m.dataEvent(account, s, t))
		}
		for t := s.join.Truncate(time.Minute).Add(time.Minute); !t.After(s.leave) && t.Before(to); t = t.Add(time.Minute) {
			if t.Add(time.Second).Before(from) {
				continue
			}
			minute := int(t.Sub(m.Start) / time.Minute)
			if et := m.sendTime(t, kindQoS, s, minute); in(et) {
				emit(kindQoS, si, minute, et, m.qosEvent(account, s, t, et))
			}
		}
		if t := m.sendTime(s.leave, kindSummary, s, 0); in(t) {
			emit(kindSummary, si, 0, t, m.summaryEvent(account, s, t))
		}
	}
	for _, a := range m.alerts() {
		at := m.Start.Add(time.Duration(a.minute+1) * time.Minute)
		if t := m.sendTime(at, kindAlert, nil, a.minute); in(t) {
			emit(kindAlert, -1, a.minute, t, m.alertEvent(account, a.issues, t))
		}
	}
}

// sendTime is when Zoom sends an event about what happened at t: a few
// hundred milliseconds later, the same every time.
func (m *meeting) sendTime(t time.Time, kind int, s *session, minute int) time.Time {
	person, n := uint64(1<<32), uint64(0)
	if s != nil {
		person, n = uint64(s.person), uint64(s.n)
	}
	d := time.Duration(100+rng(m.seed, 8, uint64(kind), person, n, uint64(minute)).IntN(800)) * time.Millisecond
	return t.Add(d).Truncate(time.Millisecond).UTC()
}

// hostID is the host's user id: the first person's, as in the lists, or
// one of its own when the host joined as a guest.
func (m *meeting) hostID() string {
	if id := m.people[0].id; id != "" {
		return id
	}
	return "host" + strconv.FormatUint(m.seed%1e12, 36)
}

// appendObject opens an event: the envelope and the meeting object's id,
// uuid and host_id. The caller closes it with "}}}".
func (m *meeting) appendObject(b []byte, account, name string, t time.Time) []byte {
	b = append(b, `{"event":"`...)
	if m.Webinar {
		b = append(b, "webinar."...)
	} else {
		b = append(b, "meeting."...)
	}
	b = append(b, name...)
	b = append(b, `","event_ts":`...)
	b = strconv.AppendInt(b, t.UnixMilli(), 10)
	b = append(b, `,"payload":{"account_id":`...)
	b = appendStr(b, account)
	b = append(b, `,"object":{"id":"`...)
	b = strconv.AppendInt(b, m.ID, 10)
	b = append(b, '"')
	b = field(b, false, "uuid", m.UUID)
	return field(b, false, "host_id", m.hostID())
}

// appendEventParticipant opens the participant object of a session's
// events: who it is, as the QoS API and the participants list name them.
// The caller closes it with "}".
func (m *meeting) appendEventParticipant(b []byte, s *session) []byte {
	pr := &m.people[s.person]
	b = append(b, `,"participant":{`...)
	b = field(b, true, "user_id", s.userID)
	b = field(b, false, "participant_user_id", pr.id)
	b = field(b, false, "user_name", pr.name)
	return field(b, false, "email", pr.email)
}

// eventStreams frames a sample's streams as a QSS event's qos entries,
// each with the sample's date_time when dateTime is set.
type eventStreams struct {
	n        int
	dateTime []byte
}

func (e *eventStreams) open(b []byte, stream string) []byte {
	if e.n > 0 {
		b = append(b, ',')
	}
	e.n++
	b = append(b, `{"type":`...)
	b = appendStr(b, stream)
	if e.dateTime != nil {
		b = append(b, `,"date_time":"`...)
		b = append(b, e.dateTime...)
		b = append(b, '"')
	}
	return append(b, `,"details":{`...)
}

func (e *eventStreams) close(b []byte) []byte { return append(b, "}}"...) }

// datedEvents tells whether the meeting's qos entries carry date_time:
// Zoom's docs do not say, so half the meetings have it and half leave the
// receiver to go by event_ts.
func (m *meeting) datedEvents() bool { return m.index%2 == 0 }

// qosEvent is the participant_qos event of a session's sample at minute t,
// sent at et.
func (m *meeting) qosEvent(account string, s *session, t, et time.Time) []byte {
	b := make([]byte, 0, 2048)
	b = m.appendObject(b, account, "participant_qos", et)
	b = m.appendEventParticipant(b, s)
	b = append(b, `,"qos":[`...)
	w := &eventStreams{}
	if m.datedEvents() {
		w.dateTime = t.UTC().AppendFormat(nil, time.RFC3339)
	}
	b = m.appendStreams(b, s, t, w, nil)
	return append(b, "]}}}}"...)
}

// summaryEvent is the participant_qos_summary event of a session, sent at
// t: the min_, avg_ and max_ of its samples.
func (m *meeting) summaryEvent(account string, s *session, t time.Time) []byte {
	sum := &summary{}
	scratch := make([]byte, 0, 2048)
	for st := s.join.Truncate(time.Minute).Add(time.Minute); !st.After(s.leave); st = st.Add(time.Minute) {
		scratch = m.appendStreams(scratch[:0], s, st, &eventStreams{}, sum)
	}
	b := make([]byte, 0, 4096)
	b = m.appendObject(b, account, "participant_qos_summary", t)
	b = m.appendEventParticipant(b, s)
	b = append(b, `,"qos":[`...)
	b = sum.appendQoS(b, valueFormat{style: m.people[s.person].style})
	return append(b, "]}}}}"...)
}

// dataEvent is the participant_data event of a session, sent at t when it
// joins: what the participants list tells of it.
func (m *meeting) dataEvent(account string, s *session, t time.Time) []byte {
	pr := &m.people[s.person]
	b := make([]byte, 0, 1024)
	b = m.appendObject(b, account, "participant_data", t)
	b = m.appendEventParticipant(b, s)
	b = appendJoinLeave(b, s, false)
	for _, f := range [...][2]string{
		{"device", pr.device}, {"ip_address", pr.ip}, {"location", pr.location}, {"network_type", pr.network},
		{"data_center", pr.dc}, {"microphone", pr.microphone}, {"speaker", pr.speaker}, {"camera", pr.camera},
		{"version", pr.version},
	} {
		b = field(b, false, f[0], f[1])
	}
	return append(b, "}}}}"...)
}

// alertEvent is an alert about the meeting, sent at t.
func (m *meeting) alertEvent(account string, issues int, t time.Time) []byte {
	b := make([]byte, 0, 512)
	b = m.appendObject(b, account, "alert", t)
	b = field(b, false, "topic", m.Topic)
	b = append(b, `,"start_time":"`...)
	b = m.Start.AppendFormat(b, time.RFC3339)
	b = append(b, `","issues":[`...)
	n := 0
	for i, name := range alertIssues {
		if issues&(1<<i) == 0 {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendStr(b, name)
	}
	return append(b, "]}}}"...)
}

// alert is an episode of bad quality beginning at a minute of the meeting.
type alert struct {
	minute int
	issues int // issueAudio | ...
}

// alerts are the meeting's episodes of bad quality, by the minute they
// begin in, from what quality.go plans: the meeting's incident, the
// people's Wi-Fi and CPU episodes while they are in it, and rejoins.
func (m *meeting) alerts() []alert {
	at := map[int]int{}
	total := int(m.Duration.Minutes())
	sharing := func(minute int) bool { return minute >= total/3 && minute < 2*total/3 }
	for i := range m.sessions {
		s := &m.sessions[i]
		n := len(m.minuteClasses(i))
		if n == 0 {
			continue
		}
		pr := &m.people[s.person]
		m0 := int(s.join.Truncate(time.Minute).Add(time.Minute).Sub(m.Start) / time.Minute)
		m1 := m0 + n - 1
		episode := func(from, length, issues int) {
			if length > 0 && from <= m1 && from+length-1 >= m0 {
				at[max(from, m0)] |= issues
			}
		}
		net := issueAudio
		if !pr.audioOnly {
			net |= issueVideo
		}
		if m.incident && s.person%4 != 3 {
			episode(total*2/5, 3, net)
		}
		wifi := net
		if pr.presents && sharing(max(pr.wifiFrom, m0)) {
			wifi |= issueShare
		}
		episode(pr.wifiFrom, pr.wifiLen, wifi)
		episode(pr.cpuFrom, pr.cpuLen, issueCPU)
		if s.n > 0 {
			at[m0] |= issueReconnect
		}
	}
	out := make([]alert, 0, len(at))
	for minute, issues := range at {
		out = append(out, alert{minute, issues})
	}
	slices.SortFunc(out, func(a, b alert) int { return a.minute - b.minute })
	return out
}
