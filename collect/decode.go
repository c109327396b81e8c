package collect

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/zoomqos/zoomqos/store"
)

// decodeOptions make the decoder lenient where Zoom's data may be untidy;
// whatever it accepts is also kept byte for byte in the raw copy.
var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// Parser turns Zoom QoS response documents into Pages. It reuses its
// buffers from one document to the next; it is not safe for concurrent use.
type Parser struct {
	dec   *jsontext.Decoder
	probs *Problems
	unq   []byte // unquoted string scratch
	arena []store.Value

	// where the parser is, for problem paths
	list  bool
	pi    int // participant index in a list page
	si    int // sample index in user_qos
	strm  string
	field string

	// the sample being assembled: values by stream and metric
	vals [store.NumStreams][store.NumMetrics]float64
	mask [store.NumStreams]uint32
}

// NewParser returns a Parser.
func NewParser() *Parser {
	return &Parser{dec: jsontext.NewDecoder(bytes.NewReader(nil), decodeOptions...)}
}

// Parse parses one JSON document. Values it cannot read are absent and
// added to probs; a document that is not a QoS response gets an error
// wrapping ErrNotQoS. The Page does not share memory with doc.
func (p *Parser) Parse(doc []byte, probs *Problems) (Page, error) {
	p.dec.Reset(bytes.NewBuffer(doc), decodeOptions...)
	p.probs = probs
	p.list, p.pi, p.si, p.strm, p.field = false, 0, 0, "", ""
	p.arena = nil
	page, err := p.document()
	if err != nil {
		return Page{}, err
	}
	return page, nil
}

// document reads the top-level object of either shape.
func (p *Parser) document() (Page, error) {
	var page Page
	if k := p.dec.PeekKind(); k != '{' {
		return page, fmt.Errorf("%w: the document is %s, not an object", ErrNotQoS, kindName(k))
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return page, err
	}
	var single wireParticipant
	var code, message string
	for p.dec.PeekKind() != '}' {
		name, err := p.name()
		if err != nil {
			return page, err
		}
		switch string(name) {
		case "participants":
			page.List = true
			p.list = true
			if err := p.participants(&page); err != nil {
				return page, err
			}
		case "next_page_token":
			page.NextPageToken, err = p.str("next_page_token")
		case "page_count":
			page.PageCount, err = p.integer("page_count")
		case "page_size":
			page.PageSize, err = p.integer("page_size")
		case "total_records":
			page.TotalRecords, err = p.integer("total_records")
		case "code":
			code, err = p.str("code")
		case "message":
			message, err = p.str("message")
		case "from", "to":
			err = p.dec.SkipValue()
		default:
			var known bool
			if known, err = p.participantField(&single, name); err == nil && !known {
				p.probs.unknown(string(name))
				err = p.dec.SkipValue()
			}
		}
		if err != nil {
			return page, err
		}
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return page, err
	}
	switch {
	case page.List:
	case single.seen:
		page.Participants = []store.SessionSamples{p.session(&single)}
	case code != "" || message != "":
		return page, fmt.Errorf("%w: it is a Zoom error (code %s: %s)", ErrNotQoS, code, message)
	default:
		return page, fmt.Errorf("%w: it has neither participants nor user_qos", ErrNotQoS)
	}
	return page, nil
}

func (p *Parser) participants(page *Page) error {
	if p.dec.PeekKind() == 'n' {
		return p.dec.SkipValue()
	}
	if k := p.dec.PeekKind(); k != '[' {
		return fmt.Errorf("%w: participants is %s, not an array", ErrNotQoS, kindName(k))
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return err
	}
	for p.pi = 0; p.dec.PeekKind() != ']'; p.pi++ {
		if k := p.dec.PeekKind(); k != '{' {
			p.probs.add(func() string { return fmt.Sprintf("participants[%d]", p.pi) }, p.skip())
			continue
		}
		var w wireParticipant
		if _, err := p.dec.ReadToken(); err != nil {
			return err
		}
		for p.dec.PeekKind() != '}' {
			name, err := p.name()
			if err != nil {
				return err
			}
			known, err := p.participantField(&w, name)
			if err != nil {
				return err
			}
			if !known {
				p.probs.unknown("participants[]." + string(name))
				if err := p.dec.SkipValue(); err != nil {
					return err
				}
			}
		}
		if _, err := p.dec.ReadToken(); err != nil {
			return err
		}
		page.Participants = append(page.Participants, p.session(&w))
	}
	_, err := p.dec.ReadToken()
	return err
}

// wireParticipant is a participant object as read, before it becomes a
// session.
type wireParticipant struct {
	seen      bool
	s         store.Session
	joinText  []byte
	leaveText []byte
	samples   []store.Sample
}

// session turns a participant object into a session and its samples.
func (p *Parser) session(w *wireParticipant) store.SessionSamples {
	s := w.s
	p.field = ""
	if len(w.joinText) > 0 {
		if t, ok := parseTime(w.joinText); ok {
			s.JoinTime = t
		} else {
			p.probs.add(func() string { return p.participantPath() + "join_time" }, w.joinText)
		}
	}
	if len(w.leaveText) > 0 {
		if t, ok := parseTime(w.leaveText); ok {
			s.LeaveTime = t
		} else {
			p.probs.add(func() string { return p.participantPath() + "leave_time" }, w.leaveText)
		}
	}
	for _, id := range []string{s.ID, s.UserID, s.ParticipantUUID, s.UserName} {
		if id != "" {
			s.Participant = id
			break
		}
	}
	if s.Participant == "" {
		s.Participant = "unknown"
		p.probs.add(func() string { return p.participantPath() + "id" }, []byte(`"" (no id, user_id or user_name)`))
	}
	return store.SessionSamples{Session: s, Samples: w.samples}
}

func (p *Parser) participantPath() string {
	if p.list {
		return fmt.Sprintf("participants[%d].", p.pi)
	}
	return ""
}

// participantField reads one member of a participant object into w. It
// returns false, having read nothing, for a name it does not know.
func (p *Parser) participantField(w *wireParticipant, name []byte) (bool, error) {
	s := &w.s
	var dst *string
	switch string(name) {
	case "user_qos":
		w.seen = true
		return true, p.userQoS(w)
	case "join_time":
		w.seen = true
		v, err := p.str("join_time")
		w.joinText = []byte(v)
		return true, err
	case "leave_time":
		v, err := p.str("leave_time")
		w.leaveText = []byte(v)
		return true, err
	case "internal_ip_addresses":
		return true, p.strings(&s.InternalIPAddresses, "internal_ip_addresses")
	case "issue_list":
		return true, p.strings(&s.IssueList, "issue_list")
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
	case "network_type":
		dst = &s.NetworkType
	case "data_center":
		dst = &s.DataCenter
	case "full_data_center":
		dst = &s.FullDataCenter
	case "connection_type":
		dst = &s.ConnectionType
	case "video_connection_type":
		dst = &s.VideoConnectionType
	case "as_connection_type":
		dst = &s.ASConnectionType
	case "health":
		dst = &s.Health
	case "meeting_number":
		dst = &s.MeetingNumber
	default:
		return false, nil
	}
	w.seen = true
	v, err := p.str(string(name))
	*dst = v
	return true, err
}

// userQoS reads a participant's user_qos array.
func (p *Parser) userQoS(w *wireParticipant) error {
	switch k := p.dec.PeekKind(); k {
	case 'n':
		return p.dec.SkipValue()
	case '[':
	default:
		p.field = ""
		p.probs.add(func() string { return p.participantPath() + "user_qos" }, p.skip())
		return nil
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return err
	}
	for p.si = 0; p.dec.PeekKind() != ']'; p.si++ {
		smp, ok, err := p.sample()
		if err != nil {
			return err
		}
		if ok {
			w.samples = append(w.samples, smp)
		}
	}
	_, err := p.dec.ReadToken()
	return err
}

func (p *Parser) samplePath() string {
	return fmt.Sprintf("%suser_qos[%d]", p.participantPath(), p.si)
}

// sample reads one user_qos entry. ok is false when it has no readable time.
func (p *Parser) sample() (smp store.Sample, ok bool, err error) {
	if k := p.dec.PeekKind(); k != '{' {
		p.probs.add(p.samplePath, p.skip())
		return smp, false, nil
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return smp, false, err
	}
	p.mask = [store.NumStreams]uint32{}
	var timeText []byte
	timeSeen := false
	for p.dec.PeekKind() != '}' {
		name, err := p.name()
		if err != nil {
			return smp, false, err
		}
		if string(name) == "date_time" {
			timeSeen = true
			v, err := p.dec.ReadValue()
			if err != nil {
				return smp, false, err
			}
			timeText = append(timeText[:0], v...)
			continue
		}
		st, known := streamByName[string(name)]
		if !known {
			p.probs.unknown(p.participantPattern() + "user_qos[]." + string(name))
			if err := p.dec.SkipValue(); err != nil {
				return smp, false, err
			}
			continue
		}
		if err := p.stream(st); err != nil {
			return smp, false, err
		}
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return smp, false, err
	}
	datePath := func() string { return p.samplePath() + ".date_time" }
	if !timeSeen {
		p.probs.add(datePath, []byte("(missing)"))
		return smp, false, nil
	}
	text, isStr := p.text(timeText)
	t, tok := parseTime(text)
	if !isStr || !tok {
		p.probs.add(datePath, timeText)
		return smp, false, nil
	}
	smp.Time = t
	smp.Values = p.emit()
	return smp, true, nil
}

func (p *Parser) participantPattern() string {
	if p.list {
		return "participants[]."
	}
	return ""
}

// emit turns the assembled values into a Sample's Values, in stream and
// metric order, carved from an arena to spare an allocation per sample.
func (p *Parser) emit() []store.Value {
	n := 0
	for _, m := range p.mask {
		for ; m != 0; m &= m - 1 {
			n++
		}
	}
	if cap(p.arena)-len(p.arena) < n {
		p.arena = make([]store.Value, 0, max(n, 2048))
	}
	start := len(p.arena)
	for st, m := range p.mask {
		for metric := 0; m != 0; metric, m = metric+1, m>>1 {
			if m&1 != 0 {
				p.arena = append(p.arena, store.Value{Stream: store.Stream(st), Metric: store.Metric(metric), V: p.vals[st][metric]})
			}
		}
	}
	return p.arena[start:len(p.arena):len(p.arena)]
}

// streamByName maps Zoom's stream keys to streams.
var streamByName = func() map[string]store.Stream {
	m := map[string]store.Stream{}
	for _, st := range store.Streams() {
		m[st.String()] = st
	}
	return m
}()

// streamFields maps a stream object's field names to metrics and how to
// read them, per stream kind.
var streamFields = [...]map[string]store.Metric{
	store.KindAudio: {"bitrate": store.Bitrate, "latency": store.Latency, "jitter": store.Jitter,
		"avg_loss": store.AvgLoss, "max_loss": store.MaxLoss},
	store.KindVideo: {"bitrate": store.Bitrate, "latency": store.Latency, "jitter": store.Jitter,
		"avg_loss": store.AvgLoss, "max_loss": store.MaxLoss, "frame_rate": store.FrameRate,
		"resolution": store.Width},
	store.KindCPU: {"zoom_min_cpu_usage": store.ZoomMinCPU, "zoom_avg_cpu_usage": store.ZoomAvgCPU,
		"zoom_max_cpu_usage": store.ZoomMaxCPU, "system_max_cpu_usage": store.SystemMaxCPU},
	store.KindRSSI: {"min_rssi": store.RSSIMin, "avg_rssi": store.RSSIAvg, "max_rssi": store.RSSIMax},
	store.KindPressure: {"system_min_cpu_pressure_level": store.PressureMin,
		"system_avg_cpu_pressure_level": store.PressureAvg, "system_max_cpu_pressure_level": store.PressureMax},
}

var metricQuantity = [store.NumMetrics]quantity{
	store.Bitrate: qBitrate, store.Latency: qDuration, store.Jitter: qDuration,
	store.AvgLoss: qPercent, store.MaxLoss: qPercent, store.FrameRate: qFPS,
	store.Width: qCount, store.Height: qCount,
	store.ZoomMinCPU: qPercent, store.ZoomAvgCPU: qPercent, store.ZoomMaxCPU: qPercent, store.SystemMaxCPU: qPercent,
	store.RSSIMin: qRSSI, store.RSSIAvg: qRSSI, store.RSSIMax: qRSSI,
	store.PressureMin: qPressure, store.PressureAvg: qPressure, store.PressureMax: qPressure,
}

func (p *Parser) streamPath() string { return p.samplePath() + "." + p.strm }
func (p *Parser) fieldPath() string  { return p.streamPath() + "." + p.field }

// stream reads one stream object of a sample into the sample being
// assembled.
func (p *Parser) stream(st store.Stream) error {
	p.strm = st.String()
	switch k := p.dec.PeekKind(); k {
	case 'n':
		return p.dec.SkipValue()
	case '{':
	default:
		p.probs.add(p.streamPath, p.skip())
		return nil
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return err
	}
	fields := streamFields[st.Kind()]
	var unit []byte
	for p.dec.PeekKind() != '}' {
		name, err := p.name()
		if err != nil {
			return err
		}
		if st == store.WiFiRSSI && string(name) == "rssi_unit" {
			v, err := p.dec.ReadValue()
			if err != nil {
				return err
			}
			unit = append(unit[:0], v...)
			continue
		}
		m, known := fields[string(name)]
		if !known {
			p.probs.unknown(p.participantPattern() + "user_qos[]." + p.strm + "." + string(name))
			if err := p.dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		p.field = string(name)
		if err := p.metric(st, m); err != nil {
			return err
		}
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return err
	}
	if unit != nil {
		p.checkRSSIUnit(unit)
	}
	return nil
}

// checkRSSIUnit drops the RSSI values of a sample whose rssi_unit is not
// dBm, the only unit Zoom documents.
func (p *Parser) checkRSSIUnit(raw []byte) {
	text, isStr := p.text(raw)
	if t := trimSpace(text); (isStr && (len(t) == 0 || equalFold(t, "dbm"))) || string(raw) == "null" {
		return
	}
	if p.mask[store.WiFiRSSI] != 0 {
		p.mask[store.WiFiRSSI] = 0
		p.field = "rssi_unit"
		p.probs.add(p.fieldPath, raw)
	}
}

// metric reads one metric value.
func (p *Parser) metric(st store.Stream, m store.Metric) error {
	raw, err := p.dec.ReadValue()
	if err != nil {
		return err
	}
	var text []byte
	switch raw.Kind() {
	case 'n':
		return nil // null: absent
	case '"':
		text, _ = p.text(raw)
	case '0':
		text = raw
	default:
		p.probs.add(p.fieldPath, raw)
		return nil
	}
	if m == store.Width {
		w, h, stat := parseResolution(text)
		switch stat {
		case valueOK:
			p.set(st, store.Width, w)
			p.set(st, store.Height, h)
		case valueBad:
			p.probs.add(p.fieldPath, raw)
		}
		return nil
	}
	v, stat := parseQuantity(text, metricQuantity[m])
	switch stat {
	case valueOK:
		p.set(st, m, v)
	case valueBad:
		p.probs.add(p.fieldPath, raw)
	}
	return nil
}

func (p *Parser) set(st store.Stream, m store.Metric, v float64) {
	p.vals[st][m] = v
	p.mask[st] |= 1 << m
}

// name reads an object member name, unquoted. The bytes are valid until the
// next read.
func (p *Parser) name() ([]byte, error) {
	v, err := p.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	text, _ := p.text(v)
	return text, nil
}

// text returns the contents of a raw JSON string without allocating when it
// has no escapes; isStr is false for any other kind of value, whose raw text
// is returned.
func (p *Parser) text(raw []byte) (text []byte, isStr bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return raw, false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, true
	}
	p.unq, _ = jsontext.AppendUnquote(p.unq[:0], raw)
	return p.unq, true
}

// str reads a string value. A number is taken as its text (some fields
// arrive as numbers); null is empty; anything else is a problem.
func (p *Parser) str(field string) (string, error) {
	raw, err := p.dec.ReadValue()
	if err != nil {
		return "", err
	}
	switch raw.Kind() {
	case '"':
		t, _ := p.text(raw)
		return string(t), nil
	case '0':
		return string(raw), nil
	case 'n':
		return "", nil
	}
	p.probs.add(func() string { return p.participantPath() + field }, raw)
	return "", nil
}

// strings reads an array of strings; a single string is taken as one.
func (p *Parser) strings(dst *[]string, field string) error {
	if p.dec.PeekKind() != '[' {
		v, err := p.str(field)
		if v != "" {
			*dst = []string{v}
		}
		return err
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return err
	}
	*dst = nil
	for p.dec.PeekKind() != ']' {
		v, err := p.str(field)
		if err != nil {
			return err
		}
		if v != "" {
			*dst = append(*dst, v)
		}
	}
	_, err := p.dec.ReadToken()
	return err
}

// integer reads a count such as page_count.
func (p *Parser) integer(field string) (int, error) {
	raw, err := p.dec.ReadValue()
	if err != nil {
		return 0, err
	}
	text, _ := p.text(raw)
	if raw.Kind() == 'n' {
		return 0, nil
	}
	n, err := strconv.Atoi(string(trimSpace(text)))
	if err != nil {
		p.probs.add(func() string { return field }, raw)
		return 0, nil
	}
	return n, nil
}

// skip skips a value and returns a copy of its text for a problem report.
func (p *Parser) skip() []byte {
	v, err := p.dec.ReadValue()
	if err != nil {
		return nil
	}
	if len(v) > 80 {
		v = v[:80]
	}
	return bytes.Clone(v)
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "empty"
}

// parseTime parses the timestamps Zoom sends: RFC 3339 with or without
// fractional seconds of any length and with Z or a numeric offset
// ("2021-06-24T20:00:00Z", "2022-03-01T10:16:00.0000000+00:00"). It also
// takes a space for the T and a missing zone, which is UTC. The result is
// in UTC.
func parseTime(b []byte) (time.Time, bool) {
	s := string(trimSpace(b))
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range [...]string{"2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
