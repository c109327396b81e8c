package store

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Stream is one of the QoS streams Zoom reports in a sample (a key of a
// user_qos entry): the participant's audio, video and screen-share legs in
// each direction, the device-to-server legs (*_crc, *_rwg), and the client's
// CPU, Wi-Fi signal and CPU pressure readings.
type Stream uint8

// The streams in the order zoomqos lists them. The order is part of the
// stored encoding: append new streams at the end, never reorder.
const (
	AudioInput Stream = iota
	AudioOutput
	VideoInput
	VideoOutput
	ASInput
	ASOutput
	AudioDeviceFromCRC
	AudioDeviceToCRC
	AudioDeviceFromRWG
	AudioDeviceToRWG
	VideoDeviceFromCRC
	VideoDeviceToCRC
	VideoDeviceFromRWG
	VideoDeviceToRWG
	ASDeviceFromCRC
	ASDeviceToCRC
	ASDeviceFromRWG
	ASDeviceToRWG
	CPUUsage
	WiFiRSSI
	CPUPressure
	NumStreams // number of streams; not a stream
)

var streamNames = [NumStreams]string{
	"audio_input", "audio_output", "video_input", "video_output", "as_input", "as_output",
	"audio_device_from_crc", "audio_device_to_crc", "audio_device_from_rwg", "audio_device_to_rwg",
	"video_device_from_crc", "video_device_to_crc", "video_device_from_rwg", "video_device_to_rwg",
	"as_device_from_crc", "as_device_to_crc", "as_device_from_rwg", "as_device_to_rwg",
	"cpu_usage", "wifi_rssi", "cpu_pressure_level",
}

// String returns Zoom's key for the stream, such as "audio_input".
func (s Stream) String() string {
	if s < NumStreams {
		return streamNames[s]
	}
	return "stream(" + strconv.Itoa(int(s)) + ")"
}

// ParseStream returns the stream with Zoom's key name.
func ParseStream(name string) (Stream, bool) {
	for i, n := range streamNames {
		if n == name {
			return Stream(i), true
		}
	}
	return 0, false
}

// Streams returns every stream in canonical order.
func Streams() []Stream {
	s := make([]Stream, NumStreams)
	for i := range s {
		s[i] = Stream(i)
	}
	return s
}

// StreamKind groups streams that carry the same metrics.
type StreamKind uint8

// The kinds of stream.
const (
	KindAudio    StreamKind = iota // bitrate, latency, jitter, losses
	KindVideo                      // the audio metrics plus frame rate and resolution
	KindCPU                        // Zoom's and the system's CPU usage
	KindRSSI                       // Wi-Fi signal strength
	KindPressure                   // the system's CPU pressure level
)

// Kind returns which metrics the stream carries.
func (s Stream) Kind() StreamKind {
	switch {
	case s == CPUUsage:
		return KindCPU
	case s == WiFiRSSI:
		return KindRSSI
	case s == CPUPressure:
		return KindPressure
	case s == AudioInput || s == AudioOutput || (s >= AudioDeviceFromCRC && s <= AudioDeviceToRWG):
		return KindAudio
	default:
		return KindVideo
	}
}

var kindMetrics = [...][]Metric{
	KindAudio:    {Bitrate, Latency, Jitter, AvgLoss, MaxLoss},
	KindVideo:    {Bitrate, Latency, Jitter, AvgLoss, MaxLoss, FrameRate, Width, Height},
	KindCPU:      {ZoomMinCPU, ZoomAvgCPU, ZoomMaxCPU, SystemMaxCPU},
	KindRSSI:     {RSSIMin, RSSIAvg, RSSIMax},
	KindPressure: {PressureMin, PressureAvg, PressureMax},
}

// Metrics returns the metrics a stream of this kind carries, in column order.
// The slice is shared: do not modify it.
func (k StreamKind) Metrics() []Metric { return kindMetrics[k] }

// Metrics returns the metrics the stream carries, in column order.
func (s Stream) Metrics() []Metric { return kindMetrics[s.Kind()] }

// Metric is one measured quantity, in the unit its column name gives. Values
// are normalised on import: bitrate in kbps, latency and jitter in ms, losses
// and CPU in percent, frame rate in fps, RSSI in dBm, CPU pressure as a level
// (see PressureLevels).
type Metric uint8

// The metrics in column order. The order is part of the stored encoding.
const (
	Bitrate Metric = iota
	Latency
	Jitter
	AvgLoss
	MaxLoss
	FrameRate
	Width
	Height
	ZoomMinCPU
	ZoomAvgCPU
	ZoomMaxCPU
	SystemMaxCPU
	RSSIMin
	RSSIAvg
	RSSIMax
	PressureMin
	PressureAvg
	PressureMax
	NumMetrics // number of metrics; not a metric
)

var metricNames = [NumMetrics]string{
	"bitrate_kbps", "latency_ms", "jitter_ms", "avg_loss_pct", "max_loss_pct",
	"frame_rate_fps", "width", "height",
	"zoom_min_cpu_pct", "zoom_avg_cpu_pct", "zoom_max_cpu_pct", "system_max_cpu_pct",
	"rssi_min_dbm", "rssi_avg_dbm", "rssi_max_dbm",
	"cpu_pressure_min", "cpu_pressure_avg", "cpu_pressure_max",
}

// String returns the metric's column name, such as "latency_ms". The dump,
// the analyzer's JSON and the exports all use these names.
func (m Metric) String() string {
	if m < NumMetrics {
		return metricNames[m]
	}
	return "metric(" + strconv.Itoa(int(m)) + ")"
}

// ParseMetric returns the metric with the given column name.
func ParseMetric(name string) (Metric, bool) {
	for i, n := range metricNames {
		if n == name {
			return Metric(i), true
		}
	}
	return 0, false
}

// Metrics returns every metric in column order.
func Metrics() []Metric {
	m := make([]Metric, NumMetrics)
	for i := range m {
		m[i] = Metric(i)
	}
	return m
}

// PressureLevels names the CPU pressure levels by their stored value: Zoom
// reports words ("normal", ...), the same four states as the W3C Compute
// Pressure API, stored as 0 to 3 so that they can be compared and averaged.
var PressureLevels = [...]string{"normal", "fair", "serious", "critical"}

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
	Number  string `json:"number,omitempty"` // the meeting number, when ID is an instance UUID
	// Collected is when every participant's past data was last collected
	// in full; zero until then. Discovery skips such meetings.
	Collected time.Time `json:"collected,omitzero"`
	// FirstStored and LastStored are when data for the meeting was first and
	// last written.
	FirstStored time.Time `json:"first_stored"`
	LastStored  time.Time `json:"last_stored"`
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
}
