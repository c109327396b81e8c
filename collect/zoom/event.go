package zoom

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// Zoom's event notifications (webhooks and WebSocket messages) share one
// envelope:
//
//	{"event": "meeting.participant_qos", "event_ts": 1732000000000,
//	 "payload": {"account_id": "...", "object": {"id", "uuid", "host_id",
//	   "topic", "start_time", "participant": {"user_id",
//	   "participant_user_id", "user_name", "email",
//	   "qos": [{"type": "audio_input", "date_time": "...",
//	            "details": {"bitrate": "27.15kbps", ...}}]},
//	   "issues": [...]}}}
//
// The events zoomqos reads, for meetings and (webinar.*) webinars:
//
//   - participant_qos: a sample of each stream in qos, in the QoS API's
//     value shapes. An entry's date_time dates it when present; without
//     one (Zoom's documents do not promise it), the event's event_ts,
//     cut to the minute, as the API dates its one sample a minute.
//   - participant_qos_summary: Zoom's own min_, avg_ and max_ figures of
//     the session's streams (store.ZoomSummary).
//   - participant_data, participant_data_summary: the participant's
//     details (device, network type, data center, ...), no samples.
//   - alert: Zoom's issues with the meeting ("Unstable audio quality").
//
// A participant of an event is a pushed session (store.Session.Pushed):
// events name the per-meeting user_id, not the join time.

// Event is the envelope of one of Zoom's event notifications.
type Event struct {
	Name      string    // such as meeting.participant_qos
	Time      time.Time // event_ts
	AccountID string
	Meeting   EventMeeting
}

// Webinar reports whether the event is about a webinar.
func (e *Event) Webinar() bool { return strings.HasPrefix(e.Name, "webinar.") }

// Kind is the event's name without its meeting. or webinar. prefix:
// participant_qos, participant_qos_summary, participant_data,
// participant_data_summary or alert.
func (e *Event) Kind() string {
	_, k, _ := strings.Cut(e.Name, ".")
	return k
}

// EventMeeting is the meeting (or webinar) instance an event is about.
type EventMeeting struct {
	UUID   string
	Number string // Zoom's "id": the meeting number
	HostID string
	Topic  string
	Start  time.Time
}

// ID is what zoomqos stores the meeting under: its instance UUID, or its
// number when the event has no UUID.
func (m EventMeeting) ID() string {
	if m.UUID != "" {
		return m.UUID
	}
	return m.Number
}

// ErrNotMeetingEvent is an event that is not about a meeting's or a
// webinar's QoS (a phone call's, the URL validation, an event zoomqos does
// not read): it is ErrNotQoS to errors.Is.
type ErrNotMeetingEvent struct{ Name string }

func (e *ErrNotMeetingEvent) Error() string {
	return fmt.Sprintf("%s: event %q is not one of a meeting's or webinar's QoS", ErrNotQoS, clip(e.Name, maxQuote))
}

func (e *ErrNotMeetingEvent) Unwrap() error { return ErrNotQoS }

// readEvents are the events Parse reads, without their meeting. or
// webinar. prefix.
var readEvents = []string{"participant_qos", "participant_qos_summary", "participant_data", "participant_data_summary", "alert"}

// IsEvent reports whether a document is an event notification rather than
// an API response: a top-level "event" member. It reads only as far as it
// needs to.
func IsEvent(doc []byte) bool {
	var s scanner
	s.reset(doc)
	if !s.open('{') {
		return false
	}
	for first := true; s.more('}', first); first = false {
		if string(bytes.Trim(s.name(), `"`)) == "event" {
			return true
		}
		s.value()
	}
	return false
}

// eventDoc reads an event envelope, its members in any order: the payload
// is read once the event's name says what it holds.
func (p *Parser) eventDoc(name string, ts []byte, payload []byte, page *Page) error {
	ev := &Event{Name: name}
	page.Event = ev
	if ts != nil {
		ms, err := strconv.ParseInt(string(bytes.Trim(ts, `"`)), 10, 64)
		if err != nil || ms <= 0 {
			p.probs.add(func() string { return "event_ts" }, ts)
		} else {
			ev.Time = time.UnixMilli(ms).UTC()
		}
	}
	family, kind, _ := strings.Cut(name, ".")
	if (family != "meeting" && family != "webinar") || !slices.Contains(readEvents, kind) {
		return &ErrNotMeetingEvent{Name: name}
	}
	if payload == nil {
		return fmt.Errorf("%w: event %s has no payload", ErrNotQoS, name)
	}
	p.event = true
	defer func() { p.event = false }()
	saved := p.s
	defer func() { p.s.i, p.s.b = saved.i, saved.b }()
	p.s.reset(payload)
	if p.s.peek() != '{' {
		return fmt.Errorf("%w: event %s: payload is %s, not an object", ErrNotQoS, name, kindName(p.s.peek()))
	}
	p.s.open('{')
	var object []byte
	for first := true; p.s.more('}', first); first = false {
		switch n := p.name(); string(n) {
		case "account_id":
			ev.AccountID = p.str("payload.account_id")
		case "object":
			object = p.s.value()
		default:
			p.probs.unknown("payload." + string(n))
			p.s.value()
		}
	}
	if object == nil || kindOf(object) != '{' {
		return fmt.Errorf("%w: event %s has no payload.object", ErrNotQoS, name)
	}
	p.s.reset(object)
	return p.eventObject(ev, kind, page)
}

func kindOf(raw []byte) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

// eventObject reads payload.object: the meeting, and its participant or
// its issues.
func (p *Parser) eventObject(ev *Event, kind string, page *Page) error {
	m := &ev.Meeting
	var participant []byte
	var issues []string
	p.s.open('{')
	for first := true; p.s.more('}', first); first = false {
		switch n := p.name(); string(n) {
		case "id":
			raw := p.s.value()
			text, _ := p.text(raw)
			if n := store.NormalizeNumber(string(text)); store.IsMeetingNumber(n) {
				m.Number = n
			} else if kindOf(raw) != 'n' && len(text) > 0 {
				p.probs.add(func() string { return "payload.object.id" }, raw)
			}
		case "uuid":
			m.UUID = p.str("payload.object.uuid")
		case "host_id":
			m.HostID = p.str("payload.object.host_id")
		case "topic":
			m.Topic = p.str("payload.object.topic")
		case "start_time":
			raw := p.s.value()
			if t, ok := parseTime(bytes.Trim(raw, `"`)); ok {
				m.Start = t
			} else if kindOf(raw) != 'n' && string(raw) != `""` {
				p.probs.add(func() string { return "payload.object.start_time" }, raw)
			}
		case "participant":
			participant = p.s.value()
		case "issues":
			issues = p.strings("payload.object.issues")
		default:
			p.probs.unknown("payload.object." + string(n))
			p.s.value()
		}
	}
	if p.s.err != nil {
		return p.s.err
	}
	if m.ID() == "" {
		return fmt.Errorf("%w: event %s names no meeting (payload.object has no uuid or id)", ErrNotQoS, ev.Name)
	}
	if kind == "alert" {
		if ev.Time.IsZero() {
			return fmt.Errorf("%w: alert without a readable event_ts", ErrNotQoS)
		}
		page.Alerts = []store.Alert{{Time: ev.Time, Event: ev.Name, Issues: issues}}
		return nil
	}
	if participant == nil || kindOf(participant) != '{' {
		return fmt.Errorf("%w: event %s has no payload.object.participant", ErrNotQoS, ev.Name)
	}
	p.s.reset(participant)
	return p.eventParticipant(ev, kind, page)
}

// eventQoS is one entry of an event participant's qos array.
type eventQoS struct {
	typ     string
	at      time.Time
	details []byte
}

// eventParticipant reads payload.object.participant into a pushed session.
func (p *Parser) eventParticipant(ev *Event, kind string, page *Page) error {
	var w wireParticipant
	var entries []eventQoS
	p.s.open('{')
	for first := true; p.s.more('}', first); first = false {
		switch n := p.name(); string(n) {
		case "qos":
			entries = p.eventQoSList(ev)
		case "as_quality":
			w.s.ScreenShareQuality = p.str("as_quality")
		default:
			if !p.participantField(&w, n) {
				p.probs.unknown("payload.object.participant." + string(n))
				p.s.value()
			}
		}
	}
	if p.s.err != nil {
		return p.s.err
	}
	ss := p.session(&w)
	ss.Session.Pushed = true
	switch kind {
	case "participant_qos":
		ss.Samples = p.eventSamples(entries)
	case "participant_qos_summary":
		ss.Session.ZoomSummary = p.eventSummary(ev, entries)
	}
	page.Participants = []store.SessionSamples{ss}
	return nil
}

// eventQoSList reads a qos array, keeping each entry's details to read once
// its type is known.
func (p *Parser) eventQoSList(ev *Event) []eventQoS {
	if p.s.peek() != '[' {
		p.probs.add(func() string { return "payload.object.participant.qos" }, p.s.value())
		return nil
	}
	var out []eventQoS
	p.s.open('[')
	for i, first := 0, true; p.s.more(']', first); i, first = i+1, false {
		if p.s.peek() != '{' {
			p.probs.add(func() string { return fmt.Sprintf("payload.object.participant.qos[%d]", i) }, p.s.value())
			continue
		}
		e := eventQoS{at: ev.Time.Truncate(time.Minute)}
		p.s.open('{')
		for first := true; p.s.more('}', first); first = false {
			switch n := p.name(); string(n) {
			case "type":
				e.typ = p.str("type")
			case "date_time":
				raw := p.s.value()
				text, isStr := p.text(raw)
				if t, ok := parseTime(text); isStr && ok {
					e.at = t
				} else if kindOf(raw) != 'n' {
					p.probs.add(func() string { return fmt.Sprintf("payload.object.participant.qos[%d].date_time", i) }, raw)
				}
			case "details":
				e.details = p.s.value()
			default:
				p.probs.unknown("payload.object.participant.qos[]." + string(n))
				p.s.value()
			}
		}
		out = append(out, e)
	}
	return out
}

// withDetails runs read over an entry's details object, then goes back to
// where the parser was.
func (p *Parser) withDetails(details []byte, read func()) {
	saved := p.s
	p.s.reset(details)
	read()
	p.s.i, p.s.b = saved.i, saved.b
}

// eventSamples turns a participant_qos event's entries into samples: the
// entries of one time make one sample.
func (p *Parser) eventSamples(entries []eventQoS) []store.Sample {
	slices.SortStableFunc(entries, func(a, b eventQoS) int { return a.at.Compare(b.at) })
	var out []store.Sample
	for i := 0; i < len(entries); {
		at := entries[i].at
		p.mask = [store.NumStreams]uint32{}
		p.si = len(out)
		for ; i < len(entries) && entries[i].at.Equal(at); i++ {
			e := entries[i]
			st, ok := streamByName([]byte(e.typ))
			switch {
			case ok && e.details != nil:
				p.withDetails(e.details, func() { p.stream(st) })
			case e.typ == "audio_quality" || e.typ == "video_quality" || e.typ == "as_quality":
				// Zoom's rating of the minute: the session's ratings are
				// the participants list's and the summary's.
			case !ok:
				p.probs.unknown("payload.object.participant.qos[].type=" + clip(e.typ, 40))
			}
		}
		if at.IsZero() {
			p.probs.add(func() string { return "payload.object.participant.qos[].date_time" }, []byte("(missing, and no event_ts)"))
			continue
		}
		out = append(out, store.Sample{Time: at, Values: p.emit()})
	}
	return out
}

// eventSummary reads a participant_qos_summary event's entries: min_,
// avg_ and max_ figures of each stream's metrics.
func (p *Parser) eventSummary(ev *Event, entries []eventQoS) *store.ZoomSummary {
	z := &store.ZoomSummary{Time: ev.Time}
	stat := func(st store.Stream, m store.Metric) *store.SummaryStat {
		for i := range z.Stats {
			if z.Stats[i].Stream == st && z.Stats[i].Metric == m {
				return &z.Stats[i]
			}
		}
		z.Stats = append(z.Stats, store.SummaryStat{Stream: st, Metric: m})
		return &z.Stats[len(z.Stats)-1]
	}
	for _, e := range entries {
		st, ok := streamByName([]byte(e.typ))
		if !ok || e.details == nil {
			if !ok {
				p.probs.unknown("payload.object.participant.qos[].type=" + clip(e.typ, 40))
			}
			continue
		}
		p.withDetails(e.details, func() {
			if p.s.peek() != '{' {
				p.s.value()
				return
			}
			p.s.open('{')
			for first := true; p.s.more('}', first); first = false {
				name := string(p.name())
				raw := p.s.value()
				which, m, known := summaryField(st.Kind(), name)
				if !known {
					p.probs.unknown("payload.object.participant.qos[].details." + name)
					continue
				}
				text, _ := p.text(raw)
				path := func() string { return "payload.object.participant.qos[" + e.typ + "].details." + name }
				if m == store.Width {
					w, h, s := parseResolution(text)
					if s == valueBad {
						p.probs.add(path, raw)
					}
					if s == valueOK {
						setStat(stat(st, store.Width), which, w)
						setStat(stat(st, store.Height), which, h)
					}
					continue
				}
				v, s := parseQuantity(text, metricQuantity[m])
				if s == valueBad {
					p.probs.add(path, raw)
				}
				if s == valueOK {
					setStat(stat(st, m), which, v)
				}
			}
		})
	}
	// A stream of which Zoom gave nothing but zeros (a resolution of
	// "0*0" and empty figures: nothing was shared) says nothing.
	said := map[store.Stream]bool{}
	for _, st := range z.Stats {
		for _, v := range []*float64{st.Min, st.Avg, st.Max} {
			said[st.Stream] = said[st.Stream] || (v != nil && *v != 0)
		}
	}
	z.Stats = slices.DeleteFunc(z.Stats, func(st store.SummaryStat) bool { return !said[st.Stream] })
	slices.SortFunc(z.Stats, func(a, b store.SummaryStat) int {
		if a.Stream != b.Stream {
			return int(a.Stream) - int(b.Stream)
		}
		return int(a.Metric) - int(b.Metric)
	})
	return z
}

// summaryField reads a summary's field name: min_, avg_ or max_ and a
// metric's name ("avg_latency"), or a metric's own name, which is its
// average, except max_loss, a maximum. The most common resolution has no
// prefix and counts as the average.
func summaryField(k store.StreamKind, name string) (which string, m store.Metric, ok bool) {
	for _, pre := range []string{"min", "avg", "max"} {
		if rest, found := strings.CutPrefix(name, pre+"_"); found {
			if m, ok := fieldMetric(k, []byte(rest)); ok {
				return pre, m, true
			}
		}
	}
	m, ok = fieldMetric(k, []byte(name))
	if ok && m == store.MaxLoss {
		return "max", m, true
	}
	return "avg", m, ok
}

// setStat sets one figure of a summary statistic: which is min, avg or
// max.
func setStat(s *store.SummaryStat, which string, v float64) {
	x := v
	switch which {
	case "min":
		s.Min = &x
	case "avg":
		s.Avg = &x
	case "max":
		s.Max = &x
	}
}
