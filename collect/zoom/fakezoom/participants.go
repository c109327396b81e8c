package fakezoom

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// listParticipants is GET /metrics/meetings/{id}/participants (or
// /metrics/webinars/{id}/participants): one entry per session, page_size
// default 30, at most 300. The entries carry what the QoS answers lack:
// network type, data center, connection type, Zoom's quality ratings.
func (s *Server) listParticipants(webinar bool, id string, q url.Values) (int, []byte) {
	// registrant_id only when asked for, and never for live data.
	asked := strings.Contains(q.Get("include_fields"), "registrant_id")
	return s.sessionPage(webinar, id, q, "participants", 30, 300, 1024, func(b []byte, m *meeting, ss *session, until time.Time, typ string) []byte {
		return m.appendListEntry(b, ss, until, typ == "past", asked && typ == "past")
	})
}

// appendListEntry appends a session's participants list entry: the fields
// the spec gives the path (meetings have camera, status,
// in_room_participants and bo_mtg_id; webinars do not), with the changelog's
// video_connection_type and as_connection_type for newer clients.
func (m *meeting) appendListEntry(b []byte, s *session, until time.Time, withLeave, registrants bool) []byte {
	pr := &m.people[s.person]
	b = append(b, '{')
	b = appendWho(b, pr, s)
	b = field(b, false, "network_type", pr.network)
	b = field(b, false, "data_center", pr.dc)
	b = field(b, false, "full_data_center", pr.fullDC)
	if pr.conn != "" {
		b = field(b, false, "connection_type", pr.conn)
	}
	b = appendJoinLeave(b, s, withLeave)
	if withLeave {
		b = field(b, false, "leave_reason", m.leaveReason(s))
	}
	q := m.zoomQuality(s, until)
	shared := q[2] != unrated
	b = appendBool(b, "share_application", shared && pr.shareApp)
	b = appendBool(b, "share_desktop", shared && !pr.shareApp)
	b = appendBool(b, "share_whiteboard", shared && pr.whiteboard)
	b = appendBool(b, "recording", s.person == 0 && m.recorded())
	b = appendMachine(b, pr)
	if pr.email != "" {
		b = field(b, false, "email", pr.email)
	}
	if pr.customerKey != "" {
		b = field(b, false, "customer_key", pr.customerKey)
	}
	if pr.id != "" {
		b = field(b, false, "participant_user_id", pr.id)
	}
	if registrants && pr.registrantID != "" {
		b = field(b, false, "registrant_id", pr.registrantID)
	}
	role := "attendee"
	switch {
	case s.person == 0:
		role = "host"
	case pr.panelist:
		role = "panelist"
	}
	b = field(b, false, "role", role)
	if pr.microphone != "" {
		b = field(b, false, "microphone", pr.microphone)
		b = field(b, false, "speaker", pr.speaker)
	}
	if !m.Webinar {
		if pr.camera != "" {
			b = field(b, false, "camera", pr.camera)
		}
		b = field(b, false, "status", "in_meeting")
	}
	b = field(b, false, "audio_quality", ratingName(q[0]))
	b = field(b, false, "video_quality", ratingName(q[1]))
	b = field(b, false, "screen_share_quality", ratingName(q[2]))
	if pr.sipURI != "" {
		if !m.Webinar {
			b = append(b, `,"in_room_participants":1`...)
		}
		b = field(b, false, "sip_uri", pr.sipURI)
		b = field(b, false, "from_sip_uri", pr.fromSIPURI)
	}
	if !m.Webinar && pr.boMtgID != "" {
		b = field(b, false, "bo_mtg_id", pr.boMtgID)
	}
	if pr.device == "Phone" {
		b = append(b, `,"audio_call":[{`...)
		b = field(b, true, "call_number", pr.name)
		b = field(b, false, "call_type", "call-in")
		b = field(b, false, "zoom_number", "+1 669 900 6833")
		b = append(b, "}]"...)
	}
	if pr.newer && pr.conn != "" {
		b = field(b, false, "video_connection_type", pr.conn)
		b = field(b, false, "as_connection_type", pr.conn)
	}
	return append(b, '}')
}

func appendBool(b []byte, name string, v bool) []byte {
	b = append(b, ',')
	b = appendStr(b, name)
	return strconv.AppendBool(append(b, ':'), v)
}

// leaveReason is Zoom's text for why a session ended, from the spec's list
// with $name filled in: a rejoiner's first session was disconnected; who
// stayed to the last half minute saw the host end it; the rest left.
func (m *meeting) leaveReason(s *session) string {
	pr := &m.people[s.person]
	what := "meeting"
	if m.Webinar {
		what = "webinar"
	}
	switch {
	case s.n == 0 && pr.rejoined:
		if pr.name == "" {
			return "Network connection error."
		}
		return pr.name + " got disconnected from the " + what + "."
	case m.end.Sub(s.leave) < 30*time.Second:
		return "Host ended the " + what + "."
	case pr.name == "":
		return "Unknown reason."
	}
	return pr.name + " left the " + what + "."
}

// recorded tells whether the meeting was recorded (the host's sessions say
// recording, the lists has_recording): every fourth.
func (m *meeting) recorded() bool { return m.index%4 == 1 }
