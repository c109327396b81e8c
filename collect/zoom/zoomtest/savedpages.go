package zoomtest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// SavedMeetings describes a folder of saved QoS responses, as a user who
// saves every page of GET /metrics/meetings/{id}/participants/qos with curl
// has: one file per page, named after the meeting.
type SavedMeetings struct {
	Meetings     int // meetings, numbered 85000000001 upwards
	Participants int // per meeting (sessions; one of each ten rejoins)
	Minutes      int // one sample a minute per participant
	PageSize     int // participants a page; Zoom allows at most 10
	Seed         uint64
}

// SavedFile is one file WriteSavedMeetings wrote.
type SavedFile struct {
	Path    string
	Meeting string // its meeting number
	Samples int    // user_qos entries it holds (every one has a readable time)
}

// WriteSavedMeetings writes, into dir, each meeting's QoS list pages
// (NUMBER-qos-PAGE.json) and its details (NUMBER-meeting.json, the answer
// of GET /metrics/meetings/{id}), compact JSON as Zoom sends it. It returns
// the files in the order written.
//
// The pages carry the shapes of ../shared/zoom/README.md ("Value shapes seen
// in real responses") in these proportions, so that a benchmark on them
// pays for what real data costs and not only for the fake's favourite
// shapes:
//
//   - date_time: "2022-03-01T10:16:00Z" in odd-numbered meetings,
//     "2022-03-01T10:16:00.0000000+00:00" (seven fractional digits, numeric
//     offset) in even ones; join and leave times alike.
//   - bitrate, one style a participant: "23 kbps" 35 %, "27.15kbps" (two
//     decimals, no space) 30 %, "23 Kbps" 20 %, "6" (no unit) 15 %.
//   - latency and jitter "126 ms" (and "0ms" when zero), losses "0.3%" or
//     "0.03%", frame rate "12 fps", resolution "1280*720", "640*360" or
//     "0*0", CPU "8%".
//   - every stream: audio_input/output, the four audio_device_{from,to}_
//     {crc,rwg} legs, video_input/output, as_input/output, the eight
//     video_device_ and as_device_ legs, cpu_usage, wifi_rssi (integers,
//     rssi_unit "dBm") and cpu_pressure_level (words: normal, fair,
//     serious, critical).
//   - a desktop client with its camera on (80 %) fills every stream; one
//     with its camera off sends the video streams with every field "" and
//     resolution "0*0" (8 %) or leaves them out (4 %); a phone or tablet
//     (6 %) has no device legs and no cpu_pressure_level; a dial-in (4 %)
//     has audio_input and audio_output only. Screen share (as_*) carries
//     data for the one presenter of a meeting and is "" with "0*0" for
//     everyone else. A wired desktop (one in ten) has no wifi_rssi.
//
// Samples average about 2.8 KB of JSON.
func WriteSavedMeetings(dir string, o SavedMeetings) ([]SavedFile, error) {
	if o.PageSize <= 0 {
		o.PageSize = 10
	}
	var files []SavedFile
	var b []byte
	start := time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC)
	for m := range o.Meetings {
		r := rand.New(rand.NewPCG(o.Seed, uint64(m)))
		number := strconv.Itoa(85000000001 + m)
		begin := start.Add(time.Duration(m) * 26 * time.Hour)
		long := m%2 == 1 // the seven-digit form
		g := pageWriter{r: r, long: long, minutes: o.Minutes, presenter: r.IntN(o.Participants)}
		pages := (o.Participants + o.PageSize - 1) / o.PageSize
		for pg := range pages {
			b = b[:0]
			b = fmt.Appendf(b, `{"from":"%s","to":"%s","page_count":%d,"page_size":%d,"total_records":%d,"next_page_token":"%s","participants":[`,
				begin.Format(time.DateOnly), begin.Format(time.DateOnly), pages, o.PageSize, o.Participants, nextToken(r, pg+1 < pages))
			n := 0
			for i := pg * o.PageSize; i < min(o.Participants, (pg+1)*o.PageSize); i++ {
				if i > pg*o.PageSize {
					b = append(b, ',')
				}
				b = g.participant(b, m, i, begin)
				n += o.Minutes
			}
			b = append(b, "]}"...)
			path := filepath.Join(dir, fmt.Sprintf("%s-qos-%d.json", number, pg+1))
			if err := os.WriteFile(path, b, 0o600); err != nil {
				return nil, err
			}
			files = append(files, SavedFile{Path: path, Meeting: number, Samples: n})
		}
		b = fmt.Appendf(b[:0], `{"uuid":"%s","id":%s,"topic":"Weekly sync %d","host":"Host %d","email":"host%d@example.com","user_type":"Licensed",`+
			`"start_time":"%s","end_time":"%s","duration":"%02d:%02d:00","participants":%d,"has_pstn":true,"has_voip":true,`+
			`"has_3rd_party_audio":false,"has_video":true,"has_screen_share":true,"has_recording":false,"has_sip":false,"has_archiving":false,"dept":"Sales"}`,
			uuid(r), number, m, m, m, begin.Format(time.RFC3339), begin.Add(time.Duration(o.Minutes+1)*time.Minute).Format(time.RFC3339),
			(o.Minutes+1)/60, (o.Minutes+1)%60, o.Participants)
		path := filepath.Join(dir, number+"-meeting.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, err
		}
		files = append(files, SavedFile{Path: path, Meeting: number})
	}
	return files, nil
}

func nextToken(r *rand.Rand, more bool) string {
	if !more {
		return ""
	}
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var t [32]byte
	for i := range t {
		t[i] = letters[r.IntN(len(letters))]
	}
	return string(t[:])
}

// uuid returns a meeting instance UUID in Zoom's shape (base64 of 16 bytes).
func uuid(r *rand.Rand) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var t [24]byte
	for i := range 22 {
		t[i] = letters[r.IntN(len(letters))]
	}
	t[22], t[23] = '=', '='
	return string(t[:])
}

// pageWriter writes one meeting's participants.
type pageWriter struct {
	r         *rand.Rand
	long      bool // dates with seven fractional digits and +00:00
	minutes   int
	presenter int
}

// The kinds of client, by what they send.
const (
	camOn = iota
	camOffEmpty
	camOffMissing
	mobile
	dialIn
)

// The bitrate styles.
const (
	kbpsSpace = iota // "23 kbps"
	kbpsTight        // "27.15kbps"
	kbpsCap          // "23 Kbps"
	kbpsBare         // "6"
)

func (g *pageWriter) time(b []byte, t time.Time) []byte {
	if g.long {
		return t.AppendFormat(b, "2006-01-02T15:04:05.0000000+00:00")
	}
	return t.AppendFormat(b, time.RFC3339)
}

var devices = [...]string{camOn: "Windows", camOffEmpty: "Mac", camOffMissing: "Windows", mobile: "iOS", dialIn: "Phone"}

func (g *pageWriter) participant(b []byte, m, i int, begin time.Time) []byte {
	r := g.r
	var kind int
	switch x := r.IntN(100); {
	case x < 80:
		kind = camOn
	case x < 88:
		kind = camOffEmpty
	case x < 92:
		kind = camOffMissing
	case x < 96:
		kind = mobile
	default:
		kind = dialIn
	}
	var style int
	switch x := r.IntN(100); {
	case x < 35:
		style = kbpsSpace
	case x < 65:
		style = kbpsTight
	case x < 85:
		style = kbpsCap
	default:
		style = kbpsBare
	}
	wired := kind != mobile && kind != dialIn && r.IntN(10) == 0
	id := i
	if i%10 == 9 {
		id = i - 1 // one in ten is someone who left and came back
	}
	join := begin.Add(time.Duration(r.IntN(60)) * time.Second)
	if id != i {
		join = join.Add(time.Duration(g.minutes+2) * time.Minute)
	}
	b = fmt.Appendf(b, `{"id":"p%dx%d-%08x","user_id":"%d","user_name":"Person %d","device":"%s","ip_address":"192.0.2.%d","location":"Berlin (DE)",`,
		m, id, uint32(id)*2654435761, 16778240+id, id, devices[kind], id%250)
	b = append(b, `"join_time":"`...)
	b = g.time(b, join)
	b = append(b, `","leave_time":"`...)
	b = g.time(b, join.Add(time.Duration(g.minutes+1)*time.Minute))
	b = fmt.Appendf(b, `","pc_name":"PC-%d","domain":"corp.example.com","mac_addr":"","harddisk_id":"","version":"6.0.2.33403","user_qos":[`, id)
	for k := range g.minutes {
		if k > 0 {
			b = append(b, ',')
		}
		b = g.sample(b, kind, style, wired, i == g.presenter, join.Truncate(time.Minute).Add(time.Duration(k+1)*time.Minute))
	}
	return append(b, "]}"...)
}

var (
	audioStreams = [...]string{"audio_input", "audio_output"}
	audioLegs    = [...]string{"audio_device_from_crc", "audio_device_to_crc", "audio_device_from_rwg", "audio_device_to_rwg"}
	videoStreams = [...]string{"video_input", "video_output"}
	videoLegs    = [...]string{"video_device_from_crc", "video_device_to_crc", "video_device_from_rwg", "video_device_to_rwg"}
	shareStreams = [...]string{"as_input", "as_output"}
	shareLegs    = [...]string{"as_device_from_crc", "as_device_to_crc", "as_device_from_rwg", "as_device_to_rwg"}
	pressure     = [...]string{"normal", "normal", "normal", "fair", "serious", "critical"}
)

func (g *pageWriter) sample(b []byte, kind, style int, wired, presenter bool, t time.Time) []byte {
	b = append(b, `{"date_time":"`...)
	b = g.time(b, t)
	b = append(b, '"')
	legs := kind != mobile && kind != dialIn
	camera, share := active, noFrame
	if kind == camOffEmpty {
		camera = idle
	}
	if presenter {
		share = active
	}
	for _, s := range audioStreams {
		b = g.stream(b, s, style, false, active)
	}
	if legs {
		for _, s := range audioLegs {
			b = g.stream(b, s, style, false, active)
		}
	}
	if kind == dialIn {
		return append(b, '}')
	}
	if kind != camOffMissing {
		for _, s := range videoStreams {
			b = g.stream(b, s, style, true, camera)
		}
		if legs {
			for _, s := range videoLegs {
				b = g.stream(b, s, style, true, camera)
			}
		}
	}
	for _, s := range shareStreams {
		b = g.stream(b, s, style, true, share)
	}
	if legs {
		for _, s := range shareLegs {
			b = g.stream(b, s, style, true, share)
		}
	}
	r := g.r
	b = fmt.Appendf(b, `,"cpu_usage":{"zoom_min_cpu_usage":"%d%%","zoom_avg_cpu_usage":"%d%%","zoom_max_cpu_usage":"%d%%","system_max_cpu_usage":"%d%%"}`,
		r.IntN(10), 10+r.IntN(20), 30+r.IntN(30), 40+r.IntN(60))
	if !wired {
		b = fmt.Appendf(b, `,"wifi_rssi":{"max_rssi":%d,"avg_rssi":%d,"min_rssi":%d,"rssi_unit":"dBm"}`, -30-r.IntN(10), -50-r.IntN(10), -70-r.IntN(20))
	}
	if legs {
		b = fmt.Appendf(b, `,"cpu_pressure_level":{"system_min_cpu_pressure_level":"normal","system_avg_cpu_pressure_level":"%s","system_max_cpu_pressure_level":"%s"}`,
			pressure[r.IntN(3)], pressure[r.IntN(len(pressure))])
	}
	return append(b, '}')
}

// How a stream object is filled.
const (
	idle    = iota // every field ""
	active         // every field a value
	noFrame        // the network's values, resolution "0*0" and frame_rate "" (share streams when nobody shares, as in Zoom's example)
)

// stream writes one stream object.
func (g *pageWriter) stream(b []byte, name string, style int, video bool, fill int) []byte {
	b = append(b, `,"`...)
	b = append(b, name...)
	b = append(b, `":{`...)
	if fill == idle {
		b = append(b, `"bitrate":"","latency":"","jitter":"","avg_loss":"","max_loss":""`...)
		if video {
			b = append(b, `,"resolution":"0*0","frame_rate":""`...)
		}
		return append(b, '}')
	}
	r := g.r
	b = append(b, `"bitrate":"`...)
	kbps := 20 + r.IntN(1000)
	if !video {
		kbps = 20 + r.IntN(60)
	}
	switch style {
	case kbpsSpace:
		b = append(strconv.AppendInt(b, int64(kbps), 10), " kbps"...)
	case kbpsTight:
		b = append(strconv.AppendFloat(b, float64(kbps)+float64(r.IntN(100))/100, 'f', 2, 64), "kbps"...)
	case kbpsCap:
		b = append(strconv.AppendInt(b, int64(kbps), 10), " Kbps"...)
	case kbpsBare:
		b = strconv.AppendInt(b, int64(kbps), 10)
	}
	b = append(b, `","latency":"`...)
	b = ms(b, 20+r.IntN(200))
	b = append(b, `","jitter":"`...)
	b = ms(b, r.IntN(40))
	b = append(b, `","avg_loss":"`...)
	b = loss(b, r)
	b = append(b, `","max_loss":"`...)
	b = loss(b, r)
	b = append(b, '"')
	if video && fill == noFrame {
		b = append(b, `,"resolution":"0*0","frame_rate":""`...)
	} else if video {
		res := [...]string{"1280*720", "640*360", "1920*1080", "0*0"}[r.IntN(4)]
		b = append(b, `,"resolution":"`...)
		b = append(b, res...)
		b = append(b, `","frame_rate":"`...)
		b = append(strconv.AppendInt(b, int64(r.IntN(31)), 10), ` fps"`...)
	}
	return append(b, '}')
}

func ms(b []byte, v int) []byte {
	if v == 0 {
		return append(b, "0ms"...)
	}
	return append(strconv.AppendInt(b, int64(v), 10), " ms"...)
}

func loss(b []byte, r *rand.Rand) []byte {
	switch x := r.IntN(10); {
	case x < 6:
		return append(b, "0.0%"...)
	case x < 8:
		return append(strconv.AppendFloat(b, float64(r.IntN(30))/10, 'f', 1, 64), '%')
	default:
		return append(strconv.AppendFloat(b, float64(r.IntN(30))/100, 'f', 2, 64), '%')
	}
}
