package store

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Value is one metric of one stream in a sample.
type Value struct {
	Stream Stream
	Metric Metric
	V      float64
}

// Sample is one participant session's QoS at one time (one user_qos entry).
// Values holds only the values Zoom reported, ordered by stream and then by
// metric; an absent value is simply not there, never a zero.
type Sample struct {
	Time   time.Time
	Values []Value
}

// Get returns the value of a metric of a stream and whether it is present.
func (s *Sample) Get(st Stream, m Metric) (float64, bool) {
	for _, v := range s.Values {
		if v.Stream == st && v.Metric == m {
			return v.V, true
		}
		if v.Stream > st {
			break
		}
	}
	return math.NaN(), false
}

// Has reports whether the sample holds any value of the stream.
func (s *Sample) Has(st Stream) bool {
	for _, v := range s.Values {
		if v.Stream == st {
			return true
		}
	}
	return false
}

// Meeting types: the `type` query parameter the data was fetched with.
const (
	Past = "past"
	Live = "live"
)

// Meeting is one meeting (or webinar) instance as zoomqos stores it. ID is
// what the user or the collector named it by: a numeric meeting ID or an
// instance UUID.
type Meeting struct {
	ID      string `json:"id"`
	Type    string `json:"type"` // Past once any past data was stored, else Live
	Webinar bool   `json:"webinar,omitempty"`
	Topic   string `json:"topic,omitempty"`
	Number  string `json:"number,omitempty"` // the meeting number (also when ID is the number itself)
	// Details are Zoom's description of the instance, from the meeting
	// details endpoint or a discovery list entry; nil when none was read.
	Details *MeetingDetails `json:"details,omitempty"`
	// Collected is when every participant's past data was last collected
	// in full; zero until then. Discovery skips such meetings.
	Collected time.Time `json:"collected,omitzero"`
	// FirstStored is when data for the meeting was first written;
	// LastStored when its sessions or samples last changed (a write of
	// details alone, or of what was stored already, does not move it).
	FirstStored time.Time `json:"first_stored"`
	LastStored  time.Time `json:"last_stored"`
	// Alerts are Zoom's meeting.alert (webinar.alert) events for the
	// instance, in time order; each is kept once however often it came.
	Alerts []Alert `json:"alerts,omitempty"`
}

// Alert is one of Zoom's alerts on a meeting: the meeting.alert or
// webinar.alert event Zoom sends when it sees unstable audio, video or
// share, or a high CPU load.
type Alert struct {
	Time   time.Time `json:"time"`   // the event's event_ts
	Event  string    `json:"event"`  // meeting.alert or webinar.alert
	Issues []string  `json:"issues"` // as Zoom words them: "Unstable audio quality", ...
}

// addAlerts adds alerts not yet known, keeping the list in time order, and
// reports whether it added any.
func (m *Meeting) addAlerts(in []Alert) bool {
	added := false
	for _, a := range in {
		if slices.ContainsFunc(m.Alerts, a.equal) {
			continue
		}
		m.Alerts = append(m.Alerts, a)
		added = true
	}
	if added {
		slices.SortStableFunc(m.Alerts, func(a, b Alert) int { return a.Time.Compare(b.Time) })
	}
	return added
}

func (a Alert) equal(b Alert) bool {
	return a.Time.Equal(b.Time) && a.Event == b.Event && slices.Equal(a.Issues, b.Issues)
}

// MeetingDetails is Zoom's description of a meeting or webinar instance:
// GET /metrics/meetings/{meetingId} (or /metrics/webinars/{webinarId}), or
// its entry in GET /metrics/meetings, which has the same fields and Zoom's
// meeting-wide quality ratings besides.
type MeetingDetails struct {
	UUID               string     `json:"uuid,omitempty"`
	Number             string     `json:"id,omitempty"` // Zoom's "id": the meeting number
	Topic              string     `json:"topic,omitempty"`
	Host               string     `json:"host,omitempty"`
	Email              string     `json:"email,omitempty"` // the host's
	UserType           string     `json:"user_type,omitempty"`
	Dept               string     `json:"dept,omitempty"`
	StartTime          time.Time  `json:"start_time,omitzero"`
	EndTime            time.Time  `json:"end_time,omitzero"`  // zero while it runs
	Duration           string     `json:"duration,omitempty"` // as Zoom wrote it: "01:02:03" or minutes
	Participants       int        `json:"participants,omitempty"`
	InRoomParticipants int        `json:"in_room_participants,omitempty"`
	HasPSTN            bool       `json:"has_pstn,omitempty"`
	HasVoIP            bool       `json:"has_voip,omitempty"`
	Has3rdPartyAudio   bool       `json:"has_3rd_party_audio,omitempty"`
	HasVideo           bool       `json:"has_video,omitempty"`
	HasScreenShare     bool       `json:"has_screen_share,omitempty"`
	HasRecording       bool       `json:"has_recording,omitempty"`
	HasSIP             bool       `json:"has_sip,omitempty"`
	HasArchiving       bool       `json:"has_archiving,omitempty"`
	HasManualCaptions  bool       `json:"has_manual_captions,omitempty"`
	HasAutoCaptions    bool       `json:"has_automated_captions,omitempty"`
	CustomKeys         []KeyValue `json:"custom_keys,omitempty"`
	TrackingFields     []KeyValue `json:"tracking_fields,omitempty"`
	// Zoom's meeting-wide ratings (good, fair, poor, bad), in list entries.
	AudioQuality       string `json:"audio_quality,omitempty"`
	VideoQuality       string `json:"video_quality,omitempty"`
	ScreenShareQuality string `json:"screen_share_quality,omitempty"`
}

// KeyValue is one of a meeting's custom keys or tracking fields.
type KeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// maxMeetingID bounds a meeting ID: Zoom's are 9 to 11 digits or a
// 24-character instance UUID.
const maxMeetingID = 256

// ValidMeetingID checks an ID given for a meeting: not empty, at most 256
// bytes of UTF-8, with no spaces at its ends and no control or formatting
// characters (a newline or a right-to-left override in an ID would garble
// every table and file name it lands in).
func ValidMeetingID(id string) error {
	switch {
	case id == "":
		return errors.New("meeting ID is empty")
	case len(id) > maxMeetingID:
		return fmt.Errorf("meeting ID of %d bytes: Zoom's are a number or a 24-character UUID", len(id))
	case !utf8.ValidString(id):
		return fmt.Errorf("meeting ID %q is not valid UTF-8", id)
	case strings.TrimSpace(id) != id:
		return fmt.Errorf("meeting ID %q begins or ends with a space", id)
	}
	for _, r := range id {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return fmt.Errorf("meeting ID %q holds the control character %U", id, r)
		}
	}
	return nil
}

// MeetingSummary is a stored meeting with counts derived from its samples.
type MeetingSummary struct {
	Meeting
	Start        time.Time `json:"start,omitzero"` // first sample; none without samples
	End          time.Time `json:"end,omitzero"`   // last sample
	Participants int       `json:"participants"`
	Sessions     int       `json:"sessions"`
	Samples      int       `json:"samples"`
	Documents    int       `json:"documents"` // raw responses kept
}

// Session is one join of one participant: a person who leaves and rejoins
// has a session per join. Participant and JoinTime identify it within a
// meeting; the rest are Zoom's participant fields as last reported.
type Session struct {
	Participant string    `json:"participant"` // Zoom's id, else user_id
	JoinTime    time.Time `json:"join_time"`   // zero when Zoom did not say
	LeaveTime   time.Time `json:"leave_time,omitzero"`

	ID                  string   `json:"id,omitempty"`
	UserID              string   `json:"user_id,omitempty"`
	ParticipantUUID     string   `json:"participant_uuid,omitempty"`
	UserName            string   `json:"user_name,omitempty"`
	Email               string   `json:"email,omitempty"`
	Device              string   `json:"device,omitempty"`
	IPAddress           string   `json:"ip_address,omitempty"`
	InternalIPAddresses []string `json:"internal_ip_addresses,omitempty"`
	Location            string   `json:"location,omitempty"`
	PCName              string   `json:"pc_name,omitempty"`
	Domain              string   `json:"domain,omitempty"`
	MACAddr             string   `json:"mac_addr,omitempty"`
	HarddiskID          string   `json:"harddisk_id,omitempty"`
	Version             string   `json:"version,omitempty"`
	Client              string   `json:"client,omitempty"`
	OS                  string   `json:"os,omitempty"`
	OSVersion           string   `json:"os_version,omitempty"`
	NetworkType         string   `json:"network_type,omitempty"`
	DataCenter          string   `json:"data_center,omitempty"`
	FullDataCenter      string   `json:"full_data_center,omitempty"`
	ConnectionType      string   `json:"connection_type,omitempty"`
	VideoConnectionType string   `json:"video_connection_type,omitempty"`
	ASConnectionType    string   `json:"as_connection_type,omitempty"`
	Health              string   `json:"health,omitempty"`
	IssueList           []string `json:"issue_list,omitempty"`
	MeetingNumber       string   `json:"meeting_number,omitempty"`
	RCReason            string   `json:"rc_reason,omitempty"` // why the client reconnected
	// SocketBreaks counts the connection's socket breaks per channel; nil
	// when Zoom did not report them.
	SocketBreaks *SocketBreaks `json:"socket_breaks,omitempty"`

	// From the participants list (GET /metrics/meetings/{id}/participants)
	// only; Details says that the list described this session.
	Details            bool        `json:"details,omitempty"`
	AudioQuality       string      `json:"audio_quality,omitempty"` // Zoom's rating: good, fair, poor, bad, or empty
	VideoQuality       string      `json:"video_quality,omitempty"`
	ScreenShareQuality string      `json:"screen_share_quality,omitempty"`
	LeaveReason        string      `json:"leave_reason,omitempty"`
	CustomerKey        string      `json:"customer_key,omitempty"`
	ParticipantUserID  string      `json:"participant_user_id,omitempty"`
	RegistrantID       string      `json:"registrant_id,omitempty"`
	Role               string      `json:"role,omitempty"`
	Status             string      `json:"status,omitempty"`
	Microphone         string      `json:"microphone,omitempty"`
	Speaker            string      `json:"speaker,omitempty"`
	Camera             string      `json:"camera,omitempty"`
	SIPURI             string      `json:"sip_uri,omitempty"`
	FromSIPURI         string      `json:"from_sip_uri,omitempty"`
	BreakoutRoom       string      `json:"bo_mtg_id,omitempty"`
	InRoomParticipants int         `json:"in_room_participants,omitempty"` // people in a Zoom Room
	Recording          bool        `json:"recording,omitempty"`
	SharedApplication  bool        `json:"share_application,omitempty"`
	SharedDesktop      bool        `json:"share_desktop,omitempty"`
	SharedWhiteboard   bool        `json:"share_whiteboard,omitempty"`
	AudioCalls         []AudioCall `json:"audio_call,omitempty"`

	// ZoomSummary is Zoom's own summary of the session's QoS, from the
	// participant_qos_summary event; nil when none came.
	ZoomSummary *ZoomSummary `json:"zoom_summary,omitempty"`
	// Pushed says the session was made from Zoom's pushed events
	// (participant_qos, participant_data), which name a participant by its
	// per-meeting user_id but not its join time: its key is provisional,
	// and a session of the same user_id from the QoS API, which has both,
	// takes it over with its samples (users.go).
	Pushed bool `json:"pushed,omitempty"`
}

// ZoomSummary is Zoom's summary of a session's QoS: the minimum, average
// and maximum of each metric of each stream, as Zoom computed them.
type ZoomSummary struct {
	Time  time.Time     `json:"time"` // when Zoom sent it
	Stats []SummaryStat `json:"stats"`
}

// SummaryStat is Zoom's minimum, average and maximum of one metric of one
// stream; a figure Zoom did not give is nil.
type SummaryStat struct {
	Stream Stream   `json:"stream"`
	Metric Metric   `json:"metric"`
	Min    *float64 `json:"min,omitempty"`
	Avg    *float64 `json:"avg,omitempty"`
	Max    *float64 `json:"max,omitempty"`
}

// Stat returns Zoom's summary figures of a metric of a stream, if given.
func (z *ZoomSummary) Stat(st Stream, m Metric) (SummaryStat, bool) {
	if z == nil {
		return SummaryStat{}, false
	}
	for _, s := range z.Stats {
		if s.Stream == st && s.Metric == m {
			return s, true
		}
	}
	return SummaryStat{}, false
}

// SocketBreaks are Zoom's counters of a session's broken connections.
type SocketBreaks struct {
	Audio   int `json:"audio"`
	Video   int `json:"video"`
	Share   int `json:"as"`
	Command int `json:"command"`
}

// Total is the sum of the counters.
func (b *SocketBreaks) Total() int {
	if b == nil {
		return 0
	}
	return b.Audio + b.Video + b.Share + b.Command
}

// AudioCall is a phone leg of a session (PSTN call-in or call-out).
type AudioCall struct {
	CallNumber string `json:"call_number,omitempty"`
	CallType   string `json:"call_type,omitempty"`
	ZoomNumber string `json:"zoom_number,omitempty"`
}

// ZoomRating returns Zoom's rating of the session's stream of a kind:
// "audio", "video" or "screen_share"; empty when Zoom gave none.
func (s *Session) ZoomRating(kind string) string {
	switch kind {
	case "audio":
		return s.AudioQuality
	case "video":
		return s.VideoQuality
	case "screen_share":
		return s.ScreenShareQuality
	}
	return ""
}

// Key returns what identifies the session within its meeting.
func (s *Session) Key() SessionKey { return SessionKey{s.Participant, s.JoinTime} }

// SessionKey identifies a session within a meeting.
type SessionKey struct {
	Participant string
	JoinTime    time.Time
}

// merge overlays the non-empty fields of n on s: a later response may carry
// fields an earlier one lacked (a leave time once the meeting ended), and an
// empty field in it never erases what was known.
func (s *Session) merge(n *Session) {
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	if !n.LeaveTime.IsZero() {
		s.LeaveTime = n.LeaveTime
	}
	str(&s.ID, n.ID)
	str(&s.UserID, n.UserID)
	str(&s.ParticipantUUID, n.ParticipantUUID)
	str(&s.UserName, n.UserName)
	str(&s.Email, n.Email)
	str(&s.Device, n.Device)
	str(&s.IPAddress, n.IPAddress)
	if len(n.InternalIPAddresses) > 0 {
		s.InternalIPAddresses = n.InternalIPAddresses
	}
	str(&s.Location, n.Location)
	str(&s.PCName, n.PCName)
	str(&s.Domain, n.Domain)
	str(&s.MACAddr, n.MACAddr)
	str(&s.HarddiskID, n.HarddiskID)
	str(&s.Version, n.Version)
	str(&s.Client, n.Client)
	str(&s.OS, n.OS)
	str(&s.OSVersion, n.OSVersion)
	str(&s.NetworkType, n.NetworkType)
	str(&s.DataCenter, n.DataCenter)
	str(&s.FullDataCenter, n.FullDataCenter)
	str(&s.ConnectionType, n.ConnectionType)
	str(&s.VideoConnectionType, n.VideoConnectionType)
	str(&s.ASConnectionType, n.ASConnectionType)
	str(&s.Health, n.Health)
	if len(n.IssueList) > 0 {
		s.IssueList = n.IssueList
	}
	str(&s.MeetingNumber, n.MeetingNumber)
	str(&s.RCReason, n.RCReason)
	if n.SocketBreaks != nil {
		b := *n.SocketBreaks
		if o := s.SocketBreaks; o != nil {
			b = SocketBreaks{max(o.Audio, b.Audio), max(o.Video, b.Video), max(o.Share, b.Share), max(o.Command, b.Command)}
		}
		s.SocketBreaks = &b
	}
	s.Details = s.Details || n.Details
	str(&s.AudioQuality, n.AudioQuality)
	str(&s.VideoQuality, n.VideoQuality)
	str(&s.ScreenShareQuality, n.ScreenShareQuality)
	str(&s.LeaveReason, n.LeaveReason)
	str(&s.CustomerKey, n.CustomerKey)
	str(&s.ParticipantUserID, n.ParticipantUserID)
	str(&s.RegistrantID, n.RegistrantID)
	str(&s.Role, n.Role)
	str(&s.Status, n.Status)
	str(&s.Microphone, n.Microphone)
	str(&s.Speaker, n.Speaker)
	str(&s.Camera, n.Camera)
	str(&s.SIPURI, n.SIPURI)
	str(&s.FromSIPURI, n.FromSIPURI)
	str(&s.BreakoutRoom, n.BreakoutRoom)
	if n.InRoomParticipants > 0 {
		s.InRoomParticipants = n.InRoomParticipants
	}
	s.Recording = s.Recording || n.Recording
	s.SharedApplication = s.SharedApplication || n.SharedApplication
	s.SharedDesktop = s.SharedDesktop || n.SharedDesktop
	s.SharedWhiteboard = s.SharedWhiteboard || n.SharedWhiteboard
	if len(n.AudioCalls) > 0 {
		s.AudioCalls = n.AudioCalls
	}
	if n.ZoomSummary != nil {
		s.ZoomSummary = n.ZoomSummary
	}
	// A session stays pushed only while nothing but events described it.
	s.Pushed = s.Pushed && n.Pushed
}
