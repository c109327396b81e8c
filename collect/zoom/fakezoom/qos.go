package fakezoom

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// The wire format, written by hand with strconv so that pages for
// thousands of participants come out fast.

func appendStr(b []byte, s string) []byte {
	out, _ := jsontext.AppendQuote(b, s)
	return out
}

// field appends `,"name":"value"` (without the comma for the first field).
func field(b []byte, first bool, name, value string) []byte {
	if !first {
		b = append(b, ',')
	}
	b = appendStr(b, name)
	b = append(b, ':')
	return appendStr(b, value)
}

func appendTime(b []byte, t time.Time, long bool) []byte {
	if long {
		return t.UTC().AppendFormat(b, "2006-01-02T15:04:05.0000000+00:00")
	}
	return t.UTC().AppendFormat(b, time.RFC3339)
}

func appendInternalIPs(b []byte, pr *person) []byte {
	if len(pr.internalIPs) == 0 {
		return b
	}
	b = append(b, `,"internal_ip_addresses":[`...)
	for i, ip := range pr.internalIPs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStr(b, ip)
	}
	return append(b, ']')
}

// appendJoinLeave appends join_time and, with withLeave, leave_time: the
// same strings in every endpoint, so that a client can match sessions.
func appendJoinLeave(b []byte, s *session, withLeave bool) []byte {
	b = append(b, `,"join_time":"`...)
	b = s.join.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, '"')
	if withLeave {
		b = append(b, `,"leave_time":"`...)
		b = s.leave.UTC().AppendFormat(b, time.RFC3339)
		b = append(b, '"')
	}
	return b
}

// appendWho appends the fields that open both participant lists' entries:
// who joined, from what device and where, the first field first.
func appendWho(b []byte, pr *person, s *session) []byte {
	b = field(b, true, "id", pr.id)
	b = field(b, false, "user_id", s.userID)
	b = field(b, false, "user_name", pr.name)
	b = field(b, false, "device", pr.device)
	b = field(b, false, "ip_address", pr.ip)
	b = appendInternalIPs(b, pr)
	b = field(b, false, "location", pr.location)
	return b
}

// appendMachine appends the fields both lists give of the participant's
// computer and client version.
func appendMachine(b []byte, pr *person) []byte {
	b = field(b, false, "pc_name", pr.pcName)
	b = field(b, false, "domain", pr.domain)
	b = field(b, false, "mac_addr", pr.mac)
	b = field(b, false, "harddisk_id", pr.disk)
	b = field(b, false, "version", pr.version)
	return b
}

// appendParticipant appends the participant object of a session with its
// samples up to until: a QoS list entry, or the single-participant answer.
// It has the spec's fields and, for newer clients, the changelog's; the
// connection details (network type, data center) are the participants
// list's alone, as in Zoom.
func (m *meeting) appendParticipant(b []byte, s *session, until time.Time, withLeave bool) []byte {
	pr := &m.people[s.person]
	b = append(b, '{')
	b = appendWho(b, pr, s)
	b = appendJoinLeave(b, s, withLeave)
	b = appendMachine(b, pr)
	if pr.newer {
		// The fields Zoom's changelog added since the spec (see the
		// package doc); never network_type, data_center or
		// connection_type: only the participants list has those.
		b = field(b, false, "email", pr.email)
		if pr.client != "" {
			b = field(b, false, "client", pr.client)
		}
		if h := health(m.actualQuality(s, until)); h != "" {
			b = field(b, false, "health", h)
		}
		wifi, cpu, incident := m.episodes(s, until)
		b = appendIssues(b, wifi, cpu, incident)
		if pr.conn != "" {
			b = field(b, false, "as_connection_type", pr.conn)
			b = field(b, false, "video_connection_type", pr.conn)
		}
		b = append(b, `,"meeting_number":"`...)
		b = strconv.AppendInt(b, m.ID, 10)
		b = append(b, '"')
		if s.n > 0 {
			b = field(b, false, "rc_reason", "network reconnect")
		}
		b = m.appendSocketBreaks(b, s, wifi)
	}
	b = append(b, `,"user_qos":[`...)
	first := true
	for t := s.join.Truncate(time.Minute).Add(time.Minute); !t.After(until) && !t.After(s.leave); t = t.Add(time.Minute) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = m.appendSample(b, s, t)
	}
	return append(b, "]}"...)
}

// sampleValues is one minute of one session, before formatting.
type sampleValues struct {
	latency, jitter, loss, maxLoss float64
	fps                            int
	sysCPU, zoomCPU                float64
	sharing                        bool
}

// values works out a minute's quality: the person's usual connection, their
// own episodes (bad Wi-Fi, an overloaded CPU) and the meeting's incident.
func (m *meeting) values(r *rand.Rand, s *session, minute int) sampleValues {
	pr := &m.people[s.person]
	v := sampleValues{
		latency: pr.latency + r.NormFloat64()*4,
		jitter:  pr.jitter + math.Abs(r.NormFloat64())*2,
		loss:    pr.loss * r.Float64(),
		fps:     pr.fps - r.IntN(3),
		sysCPU:  25 + r.Float64()*35,
		zoomCPU: 8 + r.Float64()*15,
	}
	if pr.wifiLen > 0 && minute >= pr.wifiFrom && minute < pr.wifiFrom+pr.wifiLen {
		v.latency += 60 + r.Float64()*90
		v.jitter += 35 + r.Float64()*40
		v.loss += 3.5 + r.Float64()*8
	}
	if pr.cpuLen > 0 && minute >= pr.cpuFrom && minute < pr.cpuFrom+pr.cpuLen {
		v.sysCPU = 92 + r.Float64()*8
		v.zoomCPU = 55 + r.Float64()*30
		v.fps = 2 + r.IntN(4)
	}
	total := int(m.Duration.Minutes())
	if incFrom := total * 2 / 5; m.incident && minute >= incFrom && minute < incFrom+3 && s.person%4 != 3 {
		v.latency += 200 + r.Float64()*120
		v.jitter += 35 + r.Float64()*20
		v.loss += 4 + r.Float64()*5
	}
	v.latency = math.Max(1, v.latency)
	v.maxLoss = v.loss * (1.5 + r.Float64()*2)
	v.sharing = minute >= total/3 && minute < 2*total/3
	return v
}

// appendSample appends one user_qos entry.
func (m *meeting) appendSample(b []byte, s *session, t time.Time) []byte {
	b = append(b, `{"date_time":"`...)
	b = appendTime(b, t, m.longTimes)
	b = append(b, '"')
	b = m.appendStreams(b, s, t, apiStreams{}, nil)
	return append(b, '}')
}

// streamWriter frames each stream of a minute's sample: the QoS API's
// user_qos entry writes `,"audio_input":{...}`, a QSS event's qos array
// `{"type":"audio_input","details":{...}}`. What is inside the braces is
// the same for both.
type streamWriter interface {
	open(b []byte, stream string) []byte
	close(b []byte) []byte
}

// apiStreams frames streams as the QoS API's user_qos entries do.
type apiStreams struct{}

func (apiStreams) open(b []byte, stream string) []byte {
	b = append(b, `,"`...)
	b = append(b, stream...)
	return append(b, `":{`...)
}

func (apiStreams) close(b []byte) []byte { return append(b, '}') }

// appendStreams appends the streams of a session's sample at minute t,
// framed by w. Its values depend only on the session and the minute, so
// the QoS API and the QSS events give the same ones. With sum, the numbers
// behind the text are noted too, for the session's summary.
func (m *meeting) appendStreams(b []byte, s *session, t time.Time, w streamWriter, sum *summary) []byte {
	pr := &m.people[s.person]
	minute := int(t.Sub(m.Start) / time.Minute)
	r := rng(m.seed, 3, uint64(s.person), uint64(s.n), uint64(minute))
	v := m.values(r, s, minute)
	f := valueFormat{style: pr.style, r: r, sum: sum}

	audio := func(name string, bitrate float64) {
		sum.stream(name)
		b = w.open(b, name)
		b = f.net(b, bitrate, v)
		b = w.close(b)
	}
	video := func(name string, on bool, bitrate float64, width, height, fps int) {
		sum.stream(name)
		b = w.open(b, name)
		if on {
			b = f.net(b, bitrate, v)
			b = append(b, `,"resolution":"`...)
			n := len(b)
			b = strconv.AppendInt(b, int64(width), 10)
			b = append(b, '*')
			b = strconv.AppendInt(b, int64(height), 10)
			sum.text("resolution", string(b[n:]))
			b = append(b, `","frame_rate":`...)
			b = f.fps(b, fps)
		} else {
			// What Zoom sends for a stream that is not flowing.
			b = append(b, `"bitrate":"","latency":"","jitter":"","avg_loss":"","max_loss":"","resolution":"0*0","frame_rate":""`...)
		}
		b = w.close(b)
	}
	audio("audio_input", pr.bitrateAudio+r.NormFloat64()*2)
	audio("audio_output", pr.bitrateAudio*1.2+r.NormFloat64()*2)
	if !pr.audioOnly {
		video("video_input", pr.video, pr.bitrateVideo*(0.9+0.2*r.Float64()), pr.width, pr.height, v.fps)
		video("video_output", true, pr.bitrateVideo*0.8*(0.9+0.2*r.Float64()), 1280, 720, 20+r.IntN(10))
		video("as_input", pr.presents && v.sharing, 150+r.Float64()*300, 1920, 1080, 5+r.IntN(10))
		video("as_output", v.sharing, 150+r.Float64()*300, 1920, 1080, 5+r.IntN(10))
	}
	if pr.legs != "" {
		for _, dir := range []string{"from", "to"} {
			audio("audio_device_"+dir+"_"+pr.legs, pr.bitrateAudio+r.NormFloat64())
			video("video_device_"+dir+"_"+pr.legs, true, pr.bitrateVideo, pr.width, pr.height, v.fps)
			video("as_device_"+dir+"_"+pr.legs, v.sharing, 200+r.Float64()*100, 1920, 1080, 5+r.IntN(5))
		}
	}
	if !pr.audioOnly && pr.legs != "crc" {
		sum.stream("cpu_usage")
		b = w.open(b, "cpu_usage")
		b = f.percent(b, true, "zoom_min_cpu_usage", v.zoomCPU*0.5)
		b = f.percent(b, false, "zoom_avg_cpu_usage", v.zoomCPU)
		b = f.percent(b, false, "zoom_max_cpu_usage", math.Min(100, v.zoomCPU*1.6))
		b = f.percent(b, false, "system_max_cpu_usage", math.Min(100, v.sysCPU))
		b = w.close(b)
	}
	// The two streams of newer clients below are left out of summaries.
	sum.stream("")
	if pr.newer && pr.network == "Wifi" {
		avg := -55 - int(v.jitter/3) - r.IntN(5)
		b = w.open(b, "wifi_rssi")
		b = append(b, `"max_rssi":`...)
		b = strconv.AppendInt(b, int64(avg+8+r.IntN(4)), 10)
		b = append(b, `,"avg_rssi":`...)
		b = strconv.AppendInt(b, int64(avg), 10)
		b = append(b, `,"min_rssi":`...)
		b = strconv.AppendInt(b, int64(avg-8-r.IntN(6)), 10)
		b = append(b, `,"rssi_unit":"dBm"`...)
		b = w.close(b)
	}
	if pr.newer && (pr.device == "Mac" || pr.device == "Windows") {
		level := func(cpu float64) string {
			switch {
			case cpu >= 95:
				return "critical"
			case cpu >= 85:
				return "serious"
			case cpu >= 60:
				return "fair"
			}
			return "normal"
		}
		b = w.open(b, "cpu_pressure_level")
		b = field(b, true, "system_min_cpu_pressure_level", level(v.sysCPU*0.6))
		b = field(b, false, "system_avg_cpu_pressure_level", level(v.sysCPU*0.85))
		b = field(b, false, "system_max_cpu_pressure_level", level(v.sysCPU))
		b = w.close(b)
	}
	return b
}

// valueFormat writes values in the shapes Zoom sends, the person's client
// choosing one ("23 kbps", "27.15kbps", "23 Kbps", bare numbers), with now
// and then an empty, "-" or "N/A" value.
type valueFormat struct {
	style int
	r     *rand.Rand // nil: never an absent value (summaries)
	sum   *summary   // notes the values written, when set
}

// odd returns an absent-value spelling once in a while, else "".
func (f valueFormat) odd() string {
	if f.r == nil {
		return ""
	}
	switch f.r.IntN(60) {
	case 0:
		return `""`
	case 1:
		return `"-"`
	case 2:
		return `"N/A"`
	}
	return ""
}

func (f valueFormat) net(b []byte, bitrate float64, v sampleValues) []byte {
	b = f.kbps(append(b, `"bitrate":`...), "bitrate", bitrate)
	// Each stream and direction sees the connection a little differently.
	b = f.ms(append(b, `,"latency":`...), "latency", v.latency*(0.92+0.16*f.r.Float64()))
	b = f.ms(append(b, `,"jitter":`...), "jitter", v.jitter*(0.85+0.3*f.r.Float64()))
	b = f.pct(append(b, `,"avg_loss":`...), "avg_loss", v.loss)
	return f.pct(append(b, `,"max_loss":`...), "max_loss", v.maxLoss)
}

// kbps writes a bitrate; name is the field it is noted under.
func (f valueFormat) kbps(b []byte, name string, bitrate float64) []byte {
	if o := f.odd(); o != "" {
		return append(b, o...)
	}
	f.sum.num(name, bitrate)
	b = append(b, '"')
	switch f.style {
	case 0:
		b = strconv.AppendInt(b, int64(math.Round(bitrate)), 10)
		return append(b, ` kbps"`...)
	case 1:
		b = strconv.AppendFloat(b, bitrate, 'f', 2, 64)
		return append(b, `kbps"`...)
	case 2:
		b = strconv.AppendInt(b, int64(math.Round(bitrate)), 10)
		return append(b, ` Kbps"`...)
	}
	b = strconv.AppendInt(b, int64(math.Round(bitrate)), 10)
	return append(b, '"')
}

func (f valueFormat) ms(b []byte, name string, x float64) []byte {
	if o := f.odd(); o != "" {
		return append(b, o...)
	}
	f.sum.num(name, x)
	b = append(b, '"')
	b = strconv.AppendInt(b, int64(math.Round(x)), 10)
	switch f.style {
	case 1:
		return append(b, `ms"`...)
	case 3:
		return append(b, '"')
	}
	return append(b, ` ms"`...)
}

func (f valueFormat) pct(b []byte, name string, x float64) []byte {
	if o := f.odd(); o != "" {
		return append(b, o...)
	}
	f.sum.num(name, math.Min(100, x))
	b = append(b, '"')
	prec := 1
	if f.style == 1 {
		prec = 2
	}
	b = strconv.AppendFloat(b, math.Min(100, x), 'f', prec, 64)
	return append(b, `%"`...)
}

func (f valueFormat) fps(b []byte, fps int) []byte {
	f.sum.num("frame_rate", float64(max(0, fps)))
	b = append(b, '"')
	b = strconv.AppendInt(b, int64(max(0, fps)), 10)
	if f.style == 3 {
		return append(b, '"')
	}
	return append(b, ` fps"`...)
}

func (f valueFormat) percent(b []byte, first bool, name string, x float64) []byte {
	if !first {
		b = append(b, ',')
	}
	f.sum.num(name, x)
	b = appendStr(b, name)
	b = append(b, `:"`...)
	b = strconv.AppendInt(b, int64(math.Round(x)), 10)
	return append(b, `%"`...)
}
