package fakezoom

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// listMeetings is GET /metrics/meetings (or /metrics/webinars): type past
// (meetings of two people or more) and pastOne (of one person) need from
// and to (yyyy-mm-dd), at most a month apart and within the last six
// months; type live lists what is running now. include_fields=
// tracking_fields adds the meetings' tracking fields.
func (s *Server) listMeetings(webinars bool, q url.Values) (int, []byte) {
	now := s.opts.Clock().UTC()
	typ := q.Get("type")
	if typ == "" {
		typ = "live"
	}
	var from, to time.Time
	switch typ {
	case "past", "pastOne":
		var err1, err2 error
		from, err1 = time.Parse(time.DateOnly, q.Get("from"))
		to, err2 = time.Parse(time.DateOnly, q.Get("to"))
		switch {
		case err1 != nil || err2 != nil:
			return http.StatusBadRequest, zoomError(300, "The from and to dates are required, as yyyy-mm-dd.")
		case to.Before(from):
			return http.StatusBadRequest, zoomError(300, "The to date must not be before the from date.")
		case to.Sub(from) > 31*24*time.Hour:
			return http.StatusBadRequest, zoomError(300, "The date range must be within one month.")
		case from.Before(now.AddDate(0, -6, 0).Truncate(24 * time.Hour)):
			return http.StatusBadRequest, zoomError(300, "The date range must be within the last six months.")
		}
	case "live":
	default:
		return http.StatusBadRequest, zoomError(300, "Invalid type: use past, pastOne or live.")
	}
	var list []*meeting
	for _, m := range s.world.meetings {
		if m.Webinar != webinars {
			continue
		}
		day := m.Start.Truncate(24 * time.Hour)
		if typ == "live" && m.live(now) ||
			typ != "live" && m.ended(now) && !day.Before(from) && !day.After(to) && (m.Participants == 1) == (typ == "pastOne") {
			list = append(list, m)
		}
	}
	key := fmt.Sprintf("list:%v:%s:%s:%s", webinars, typ, q.Get("from"), q.Get("to"))
	view, tracking := viewMeetingList, false
	if webinars {
		view = viewWebinarList
	} else {
		tracking = strings.Contains(q.Get("include_fields"), "tracking_fields")
	}
	off, bad := s.offset(q, key)
	if bad != nil {
		return 300, bad
	}
	size := pageSize(q, 30, 300)
	next := s.nextToken(q, key, off, size, min(off+size, len(list)), len(list))
	end := min(off+size, len(list))
	off = min(off, end)

	b := []byte(`{`)
	if typ != "live" {
		b = field(b, true, "from", q.Get("from"))
		b = field(b, false, "to", q.Get("to"))
		b = append(b, ',')
	}
	b = pageHeader(b, len(list), size, next)
	if webinars {
		b = append(b, `,"webinars":[`...)
	} else {
		b = append(b, `,"meetings":[`...)
	}
	for i, m := range list[off:end] {
		if i > 0 {
			b = append(b, ',')
		}
		b = m.appendMeeting(b, now, view, tracking)
	}
	return http.StatusOK, append(b, "]}"...)
}

// pageHeader appends page_count, page_size, total_records and
// next_page_token.
func pageHeader(b []byte, total, size int, next string) []byte {
	b = append(b, `"page_count":`...)
	b = strconv.AppendInt(b, int64((total+size-1)/size), 10)
	b = append(b, `,"page_size":`...)
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, `,"total_records":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	return field(b, false, "next_page_token", next)
}

// meetingView is which of Zoom's meeting objects appendMeeting writes:
// they differ in a few fields.
type meetingView int

const (
	viewMeetingList    meetingView = iota // a /metrics/meetings entry
	viewWebinarList                       // a /metrics/webinars entry, and the webinar details
	viewMeetingDetails                    // GET /metrics/meetings/{meetingId}
)

// appendMeeting appends a meeting as the view shows it at now: the fields
// the spec gives the view. Meeting-level quality ratings are the lists'
// (and the webinar details'): absent for a stream nobody used, as the
// spec's enums have no "". tracking_fields only when asked for.
func (m *meeting) appendMeeting(b []byte, now time.Time, view meetingView, tracking bool) []byte {
	m.build()
	until := now
	if m.ended(now) {
		until = m.end
	}
	b = append(b, '{')
	b = field(b, true, "uuid", m.UUID)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, m.ID, 10)
	b = field(b, false, "topic", m.Topic)
	b = field(b, false, "host", "Fake Host")
	b = field(b, false, "email", "host@example.com")
	b = field(b, false, "user_type", "Licensed")
	b = append(b, `,"start_time":"`...)
	b = m.Start.AppendFormat(b, time.RFC3339)
	b = append(b, '"')
	d := now.Sub(m.Start)
	if m.ended(now) {
		b = append(b, `,"end_time":"`...)
		b = m.end.AppendFormat(b, time.RFC3339)
		b = append(b, '"')
		d = m.Duration
	}
	b = field(b, false, "duration", fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60))
	b = append(b, `,"participants":`...)
	b = strconv.AppendInt(b, int64(m.Participants), 10)
	var hasPSTN, hasVoIP, hasSIP, hasVideo, hasShare bool
	rooms := 0
	for i := range m.sessions {
		s := &m.sessions[i]
		if s.join.After(until) {
			continue
		}
		pr := &m.people[s.person]
		hasPSTN = hasPSTN || pr.device == "Phone"
		hasVoIP = hasVoIP || pr.device != "Phone"
		hasSIP = hasSIP || pr.device == "H.323/SIP"
		hasVideo = hasVideo || pr.video
		hasShare = hasShare || pr.presents && m.actualQuality(s, until)[2] != unrated
	}
	for i := range m.people {
		if m.people[i].device == "H.323/SIP" {
			rooms++
		}
	}
	b = appendBool(b, "has_pstn", hasPSTN)
	b = appendBool(b, "has_voip", hasVoIP)
	b = appendBool(b, "has_3rd_party_audio", false)
	b = appendBool(b, "has_video", hasVideo)
	b = appendBool(b, "has_screen_share", hasShare)
	b = appendBool(b, "has_recording", m.recorded())
	b = appendBool(b, "has_sip", hasSIP)
	b = appendBool(b, "has_archiving", false)
	b = appendBool(b, "has_manual_captions", false)
	b = appendBool(b, "has_automated_captions", m.index%5 == 2)
	if view != viewWebinarList {
		b = append(b, `,"in_room_participants":`...)
		b = strconv.AppendInt(b, int64(rooms), 10)
	}
	b = field(b, false, "dept", "Engineering")
	if m.index%4 == 0 {
		b = append(b, `,"custom_keys":[{"key":"cost_center","value":"R&D-42"},{"key":"region","value":"EMEA"}]`...)
	}
	if view != viewMeetingDetails {
		for st, r := range m.meetingQuality(until) {
			if r != unrated {
				b = field(b, false, [3]string{"audio_quality", "video_quality", "screen_share_quality"}[st], ratingName(r))
			}
		}
	}
	if tracking && m.index%3 == 0 {
		b = append(b, `,"tracking_fields":[{"field":"Project","value":"Apollo"}]`...)
	}
	return append(b, '}')
}

// meetingDetails is GET /metrics/meetings/{id} (or /metrics/webinars/{id},
// which Zoom has although the spec lacks it; it answers a webinars list
// entry): the meeting's latest instance for a number, that instance for
// a UUID.
func (s *Server) meetingDetails(webinar bool, id string, q url.Values) (int, []byte) {
	m, _, status, body := s.meetingFor(webinar, id, q)
	if m == nil {
		return status, body
	}
	view := viewMeetingDetails
	if webinar {
		view = viewWebinarList
	}
	return http.StatusOK, m.appendMeeting(make([]byte, 0, 1024), s.opts.Clock().UTC(), view, false)
}

// meetingFor finds the meeting of a request about one meeting (QoS,
// participants, details) and checks that the type fits its state,
// answering Zoom's errors if not. pastOne is taken as past; the type
// returned is "past" or "live".
func (s *Server) meetingFor(webinar bool, id string, q url.Values) (*meeting, string, int, []byte) {
	now := s.opts.Clock().UTC()
	typ := q.Get("type")
	if typ == "" {
		typ = "live"
	}
	what := "meeting"
	if webinar {
		what = "webinar"
	}
	if typ == "pastOne" {
		typ = "past"
	}
	m := s.world.lookup(webinar, id)
	switch {
	case typ != "past" && typ != "live":
		return nil, "", http.StatusBadRequest, zoomError(300, "Invalid type: use past, pastOne or live.")
	case m == nil:
		return nil, "", http.StatusNotFound, zoomError(3001, fmt.Sprintf("This %s's detail info is not available.", what))
	case m.end.Before(now.AddDate(-1, 0, 0)):
		return nil, "", http.StatusBadRequest, zoomError(12702, fmt.Sprintf("Can not access a %s a year ago.", what))
	case typ == "past" && !m.ended(now), typ == "live" && !m.live(now):
		return nil, "", http.StatusNotFound, zoomError(3001, fmt.Sprintf("This %s's detail info is not available.", what))
	}
	m.build()
	return m, typ, http.StatusOK, nil
}

// visible returns the sessions a request of the type sees at now: all of
// them once the meeting is over, only those in the meeting while it runs.
func (m *meeting) visible(typ string, now time.Time) []*session {
	var out []*session
	for i := range m.sessions {
		s := &m.sessions[i]
		if typ == "past" || (!s.join.After(now) && now.Before(s.leave)) {
			out = append(out, s)
		}
	}
	return out
}

// listQoS is GET /metrics/meetings/{id}/participants/qos: page_size
// default 1, at most 10.
func (s *Server) listQoS(webinar bool, id string, q url.Values) (int, []byte) {
	return s.sessionPage(webinar, id, q, "qos", 1, 10, 64<<10, func(b []byte, m *meeting, ss *session, until time.Time, typ string) []byte {
		return m.appendParticipant(b, ss, until, typ == "past")
	})
}

// sessionPage answers a page of a meeting's sessions, as both of Zoom's
// participant lists page them: list names the list in the page's token,
// page_size defaults to def and is at most most, and entry appends a
// session's entry (until is when its data ends: the meeting's end, or now
// for live data). perEntry sizes the answer's buffer.
func (s *Server) sessionPage(webinar bool, id string, q url.Values, list string, def, most, perEntry int,
	entry func(b []byte, m *meeting, ss *session, until time.Time, typ string) []byte) (int, []byte) {
	m, typ, status, body := s.meetingFor(webinar, id, q)
	if m == nil {
		return status, body
	}
	now := s.opts.Clock().UTC()
	sessions := m.visible(typ, now)
	key := fmt.Sprintf("%s:%s:%s", list, m.UUID, typ)
	off, bad := s.offset(q, key)
	if bad != nil {
		return 300, bad
	}
	size := pageSize(q, def, most)
	next := s.nextToken(q, key, off, size, min(off+size, len(sessions)), len(sessions))
	end := min(off+size, len(sessions))
	off = min(off, end)
	until := m.end
	if typ == "live" {
		until = now
	}
	b := make([]byte, 0, perEntry*(end-off)+128)
	b = append(b, '{')
	b = pageHeader(b, len(sessions), size, next)
	b = append(b, `,"participants":[`...)
	for i, ss := range sessions[off:end] {
		if i > 0 {
			b = append(b, ',')
		}
		b = entry(b, m, ss, until, typ)
	}
	return http.StatusOK, append(b, "]}"...)
}

// participantQoS is GET /metrics/meetings/{id}/participants/{pid}/qos: pid
// is a session's user_id, or a participant id (its latest session).
func (s *Server) participantQoS(webinar bool, id, pid string, q url.Values) (int, []byte) {
	m, typ, status, body := s.meetingFor(webinar, id, q)
	if m == nil {
		return status, body
	}
	now := s.opts.Clock().UTC()
	var found *session
	for _, ss := range m.visible(typ, now) {
		if ss.userID == pid || (pid != "" && m.people[ss.person].id == pid) {
			found = ss
		}
	}
	if found == nil {
		return http.StatusNotFound, zoomError(3001, "This participant's detail info is not available.")
	}
	until := m.end
	if typ == "live" {
		until = now
	}
	return http.StatusOK, m.appendParticipant(nil, found, until, typ == "past")
}
