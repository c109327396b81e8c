package zoom

import "github.com/zoomqos/zoomqos/store"

// The names in Zoom's QoS objects, mapped to zoomqos' streams and metrics.
// Switches rather than maps: the parser looks a name up for every value, and
// a switch on a []byte converted in place neither hashes nor allocates.

// streamByName returns the stream with Zoom's key name.
func streamByName(name []byte) (store.Stream, bool) {
	switch string(name) {
	case "audio_input":
		return store.AudioInput, true
	case "audio_output":
		return store.AudioOutput, true
	case "video_input":
		return store.VideoInput, true
	case "video_output":
		return store.VideoOutput, true
	case "as_input":
		return store.ASInput, true
	case "as_output":
		return store.ASOutput, true
	case "audio_device_from_crc":
		return store.AudioDeviceFromCRC, true
	case "audio_device_to_crc":
		return store.AudioDeviceToCRC, true
	case "audio_device_from_rwg":
		return store.AudioDeviceFromRWG, true
	case "audio_device_to_rwg":
		return store.AudioDeviceToRWG, true
	case "video_device_from_crc":
		return store.VideoDeviceFromCRC, true
	case "video_device_to_crc":
		return store.VideoDeviceToCRC, true
	case "video_device_from_rwg":
		return store.VideoDeviceFromRWG, true
	case "video_device_to_rwg":
		return store.VideoDeviceToRWG, true
	case "as_device_from_crc":
		return store.ASDeviceFromCRC, true
	case "as_device_to_crc":
		return store.ASDeviceToCRC, true
	case "as_device_from_rwg":
		return store.ASDeviceFromRWG, true
	case "as_device_to_rwg":
		return store.ASDeviceToRWG, true
	case "cpu_usage":
		return store.CPUUsage, true
	case "wifi_rssi":
		return store.WiFiRSSI, true
	case "cpu_pressure_level":
		return store.CPUPressure, true
	}
	return 0, false
}

// fieldMetric maps a field of a stream object to its metric; "resolution"
// maps to Width and also fills Height.
func fieldMetric(k store.StreamKind, name []byte) (store.Metric, bool) {
	switch k {
	case store.KindAudio, store.KindVideo:
		switch string(name) {
		case "bitrate":
			return store.Bitrate, true
		case "latency":
			return store.Latency, true
		case "jitter":
			return store.Jitter, true
		case "avg_loss":
			return store.AvgLoss, true
		case "max_loss":
			return store.MaxLoss, true
		}
		if k == store.KindVideo {
			switch string(name) {
			case "frame_rate":
				return store.FrameRate, true
			case "resolution":
				return store.Width, true
			}
		}
	case store.KindCPU:
		switch string(name) {
		case "zoom_min_cpu_usage":
			return store.ZoomMinCPU, true
		case "zoom_avg_cpu_usage":
			return store.ZoomAvgCPU, true
		case "zoom_max_cpu_usage":
			return store.ZoomMaxCPU, true
		case "system_max_cpu_usage":
			return store.SystemMaxCPU, true
		}
	case store.KindRSSI:
		switch string(name) {
		case "min_rssi":
			return store.RSSIMin, true
		case "avg_rssi":
			return store.RSSIAvg, true
		case "max_rssi":
			return store.RSSIMax, true
		}
	case store.KindPressure:
		switch string(name) {
		case "system_min_cpu_pressure_level":
			return store.PressureMin, true
		case "system_avg_cpu_pressure_level":
			return store.PressureAvg, true
		case "system_max_cpu_pressure_level":
			return store.PressureMax, true
		}
	}
	return 0, false
}

// wireName is each metric's field name in Zoom's stream objects, for
// problem paths.
var wireName = [store.NumMetrics]string{
	store.Bitrate: "bitrate", store.Latency: "latency", store.Jitter: "jitter",
	store.AvgLoss: "avg_loss", store.MaxLoss: "max_loss", store.FrameRate: "frame_rate",
	store.Width: "resolution", store.Height: "resolution",
	store.ZoomMinCPU: "zoom_min_cpu_usage", store.ZoomAvgCPU: "zoom_avg_cpu_usage",
	store.ZoomMaxCPU: "zoom_max_cpu_usage", store.SystemMaxCPU: "system_max_cpu_usage",
	store.RSSIMin: "min_rssi", store.RSSIAvg: "avg_rssi", store.RSSIMax: "max_rssi",
	store.PressureMin: "system_min_cpu_pressure_level", store.PressureAvg: "system_avg_cpu_pressure_level",
	store.PressureMax: "system_max_cpu_pressure_level",
}

var metricQuantity = [store.NumMetrics]quantity{
	store.Bitrate: qBitrate, store.Latency: qDuration, store.Jitter: qDuration,
	store.AvgLoss: qPercent, store.MaxLoss: qPercent, store.FrameRate: qFPS,
	store.Width: qCount, store.Height: qCount,
	store.ZoomMinCPU: qPercent, store.ZoomAvgCPU: qPercent, store.ZoomMaxCPU: qPercent, store.SystemMaxCPU: qPercent,
	store.RSSIMin: qRSSI, store.RSSIAvg: qRSSI, store.RSSIMax: qRSSI,
	store.PressureMin: qPressure, store.PressureAvg: qPressure, store.PressureMax: qPressure,
}

// participantField reads one member of a participant object into w. It
// returns false, having read nothing, for a name it does not know.
func (p *Parser) participantField(w *wireParticipant, name []byte) bool {
	s := &w.s
	var dst *string
	switch string(name) {
	case "user_qos":
		w.seen = true
		p.userQoS(w)
		return true
	case "join_time":
		w.seen = true
		w.joinText = p.str("join_time")
		return true
	case "leave_time":
		w.leaveText = p.str("leave_time")
		return true
	case "internal_ip_addresses":
		s.InternalIPAddresses = p.strings("internal_ip_addresses")
		return true
	case "issue_list":
		s.IssueList = p.strings("issue_list")
		return true
	case "audio_socket_break", "video_socket_break", "as_socket_break", "command_socket_break":
		w.seen = true
		p.socketBreak(s, name)
		return true
	case "recording", "share_application", "share_desktop", "share_whiteboard":
		var dst *bool
		switch string(name) {
		case "recording":
			dst = &s.Recording
		case "share_application":
			dst = &s.SharedApplication
		case "share_desktop":
			dst = &s.SharedDesktop
		default:
			dst = &s.SharedWhiteboard
		}
		*dst = p.boolean(string(name))
		s.Details = true
		return true
	case "in_room_participants":
		s.InRoomParticipants = p.participantInt("in_room_participants")
		return true
	case "audio_call":
		s.AudioCalls = p.audioCalls()
		s.Details = true
		return true
	case "id":
		dst = &s.ID
	case "user_id":
		dst = &s.UserID
	case "participant_uuid":
		dst = &s.ParticipantUUID
	case "user_name":
		dst = &s.UserName
	case "email":
		dst = &s.Email
	case "device":
		dst = &s.Device
	case "ip_address":
		dst = &s.IPAddress
	case "location":
		dst = &s.Location
	case "pc_name":
		dst = &s.PCName
	case "domain":
		dst = &s.Domain
	case "mac_addr":
		dst = &s.MACAddr
	case "harddisk_id":
		dst = &s.HarddiskID
	case "version":
		dst = &s.Version
	case "client":
		dst = &s.Client
	case "os":
		dst = &s.OS
	case "os_version":
		dst = &s.OSVersion
	case "video_connection_type":
		dst = &s.VideoConnectionType
	case "as_connection_type":
		dst = &s.ASConnectionType
	case "health":
		dst = &s.Health
	case "meeting_number":
		dst = &s.MeetingNumber
	case "rc_reason":
		dst = &s.RCReason
	default:
		if dst = listOnlyField(s, name); dst == nil {
			return false
		}
		s.Details = true
	}
	w.seen = true
	*dst = p.str(string(name))
	return true
}

// listOnlyField returns where a field that only the participants list
// (GET /metrics/meetings/{meetingId}/participants) has goes, or nil.
func listOnlyField(s *store.Session, name []byte) *string {
	switch string(name) {
	case "network_type":
		return &s.NetworkType
	case "data_center":
		return &s.DataCenter
	case "full_data_center":
		return &s.FullDataCenter
	case "connection_type":
		return &s.ConnectionType
	case "audio_quality":
		return &s.AudioQuality
	case "video_quality":
		return &s.VideoQuality
	case "screen_share_quality":
		return &s.ScreenShareQuality
	case "leave_reason":
		return &s.LeaveReason
	case "customer_key":
		return &s.CustomerKey
	case "participant_user_id":
		return &s.ParticipantUserID
	case "registrant_id":
		return &s.RegistrantID
	case "role":
		return &s.Role
	case "status":
		return &s.Status
	case "microphone":
		return &s.Microphone
	case "speaker":
		return &s.Speaker
	case "camera":
		return &s.Camera
	case "sip_uri":
		return &s.SIPURI
	case "from_sip_uri":
		return &s.FromSIPURI
	case "bo_mtg_id":
		return &s.BreakoutRoom
	}
	return nil
}
