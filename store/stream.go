package store

// The streams and metrics of a sample: the names Zoom's API and zoomqos'
// outputs give them, the order the sample encoding relies on, and which
// metrics each kind of stream carries.

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
func (s Stream) String() string { return enumName(streamNames[:], s, "stream") }

// MarshalText writes Zoom's key for the stream: results keyed by stream
// read as Zoom's names in JSON.
func (s Stream) MarshalText() ([]byte, error) { return marshalEnum(streamNames[:], s, "stream") }

// UnmarshalText reads Zoom's key for a stream.
func (s *Stream) UnmarshalText(b []byte) error { return unmarshalEnum(streamNames[:], b, s, "stream") }

// ParseStream returns the stream with Zoom's key name.
func ParseStream(name string) (Stream, bool) { return parseEnum[Stream](streamNames[:], name) }

// Streams returns every stream in canonical order.
func Streams() []Stream { return enumAll(NumStreams) }

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
func (m Metric) String() string { return enumName(metricNames[:], m, "metric") }

// MarshalText writes the metric's column name: results keyed by metric
// read as the dump's and exports' column names in JSON.
func (m Metric) MarshalText() ([]byte, error) { return marshalEnum(metricNames[:], m, "metric") }

// UnmarshalText reads a metric's column name.
func (m *Metric) UnmarshalText(b []byte) error { return unmarshalEnum(metricNames[:], b, m, "metric") }

// ParseMetric returns the metric with the given column name.
func ParseMetric(name string) (Metric, bool) { return parseEnum[Metric](metricNames[:], name) }

// Metrics returns every metric in column order.
func Metrics() []Metric { return enumAll(NumMetrics) }

// PressureLevels names the CPU pressure levels by their stored value: Zoom
// reports words ("normal", ...), the same four states as the W3C Compute
// Pressure API, stored as 0 to 3 so that they can be compared and averaged.
var PressureLevels = [...]string{"normal", "fair", "serious", "critical"}
