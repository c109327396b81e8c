package zoom

import (
	"bytes"
	"fmt"
	"math/bits"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/zoomqos/zoomqos/store"
)

// decodeOptions make the tokenizer in Documents lenient where Zoom's data
// may be untidy; whatever it accepts is also kept byte for byte in the raw
// copy.
var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// Parser turns Zoom QoS response documents into Pages. It reuses its
// buffers from one document to the next; it is not safe for concurrent use.
type Parser struct {
	s     scanner
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
func NewParser() *Parser { return &Parser{} }

// Parse parses one JSON document. Values it cannot read are absent and
// added to probs; a document that is not a QoS response gets an error
// wrapping ErrNotQoS, and malformed JSON another error. The Page does not
// share memory with doc.
func (p *Parser) Parse(doc []byte, probs *Problems) (Page, error) {
	p.s.reset(doc)
	p.probs = probs
	p.list, p.pi, p.si, p.strm, p.field = false, 0, 0, "", ""
	p.arena = nil
	page, err := p.document()
	if p.s.err != nil {
		return Page{}, p.s.err
	}
	if err != nil {
		return Page{}, err
	}
	if p.s.peek() != 0 {
		return Page{}, fmt.Errorf("malformed JSON at byte %d: more after the document", p.s.i)
	}
	return page, nil
}

// document reads the top-level object of any of the shapes: a list page
// (QoS or the participants list), one participant's QoS, or a meeting's
// details.
func (p *Parser) document() (Page, error) {
	var page Page
	if k := p.s.peek(); k != '{' {
		return page, fmt.Errorf("%w: the document is %s, not an object", ErrNotQoS, kindName(k))
	}
	p.s.open('{')
	var single wireParticipant
	var details store.MeetingDetails
	var code, message, id, email string
	var hasID, hasEmail, isDetails bool
	var list string // "meetings" or "webinars": a discovery list
	for first := true; p.s.more('}', first); first = false {
		name := p.name()
		switch string(name) {
		case "participants":
			if k := p.s.peek(); k >= '0' && k <= '9' {
				// The meeting details' count of participants.
				details.Participants = p.participantInt("participants")
				isDetails = true
				continue
			}
			page.List = true
			p.list = true
			if err := p.participants(&page); err != nil {
				return page, err
			}
		case "next_page_token":
			page.NextPageToken = p.str("next_page_token")
		case "page_count":
			page.PageCount = p.integer("page_count")
		case "page_size":
			page.PageSize = p.integer("page_size")
		case "total_records":
			page.TotalRecords = p.integer("total_records")
		case "code":
			code = p.str("code")
		case "message":
			message = p.str("message")
		case "from", "to":
			p.s.value()
		case "meetings", "webinars":
			list = string(name)
			p.s.value()
		case "id":
			// A participant's id, or the meeting number of the details.
			id, hasID = p.str("id"), true
		case "email":
			email, hasEmail = p.str("email"), true
		default:
			if p.detailsField(&details, name) {
				isDetails = true
				continue
			}
			if !p.participantField(&single, name) {
				p.probs.unknown(string(name))
				p.s.value()
			}
		}
	}
	switch {
	case page.List:
	case isDetails && !single.seen:
		details.Number, details.Email = id, email
		page.Details = &details
	case single.seen || hasID:
		single.s.ID = id
		if hasEmail {
			single.s.Email = email
		}
		page.Participants = []store.SessionSamples{p.session(&single)}
	case list != "":
		return page, &ListError{List: list}
	case code != "" || message != "":
		return page, fmt.Errorf("%w: it is a Zoom error (code %s: %s)", ErrNotQoS, clip(code, 40), clip(message, maxQuote))
	default:
		return page, fmt.Errorf("%w: it has neither participants nor user_qos", ErrNotQoS)
	}
	return page, nil
}

func (p *Parser) participants(page *Page) error {
	switch k := p.s.peek(); k {
	case 'n':
		p.s.value()
		return nil
	case '[':
	default:
		return fmt.Errorf("%w: participants is %s, not an array", ErrNotQoS, kindName(k))
	}
	p.s.open('[')
	p.pi = 0
	for first := true; p.s.more(']', first); first = false {
		if p.s.peek() != '{' {
			p.probs.add(func() string { return fmt.Sprintf("participants[%d]", p.pi) }, p.s.value())
			p.pi++
			continue
		}
		var w wireParticipant
		p.s.open('{')
		for first := true; p.s.more('}', first); first = false {
			name := p.name()
			if !p.participantField(&w, name) {
				p.probs.unknown("participants[]." + string(name))
				p.s.value()
			}
		}
		page.Participants = append(page.Participants, p.session(&w))
		p.pi++
	}
	return nil
}

// wireParticipant is a participant object as read, before it becomes a
// session.
type wireParticipant struct {
	seen      bool
	s         store.Session
	joinText  string
	leaveText string
	samples   []store.Sample
}

// session turns a participant object into a session and its samples.
func (p *Parser) session(w *wireParticipant) store.SessionSamples {
	s := w.s
	if w.joinText != "" {
		if t, ok := parseTime([]byte(w.joinText)); ok {
			s.JoinTime = t
		} else {
			p.probs.add(func() string { return p.participantPath() + "join_time" }, quote(w.joinText))
		}
	}
	if w.leaveText != "" {
		if t, ok := parseTime([]byte(w.leaveText)); ok {
			s.LeaveTime = t
		} else {
			p.probs.add(func() string { return p.participantPath() + "leave_time" }, quote(w.leaveText))
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

func quote(s string) []byte { return []byte(`"` + s + `"`) }

func (p *Parser) participantPath() string {
	if p.list {
		return fmt.Sprintf("participants[%d].", p.pi)
	}
	return ""
}

// userQoS reads a participant's user_qos array.
func (p *Parser) userQoS(w *wireParticipant) {
	switch p.s.peek() {
	case 'n':
		p.s.value()
		return
	case '[':
	default:
		p.probs.add(func() string { return p.participantPath() + "user_qos" }, p.s.value())
		return
	}
	p.s.open('[')
	p.si = 0
	for first := true; p.s.more(']', first); first = false {
		if smp, ok := p.sample(); ok {
			w.samples = append(w.samples, smp)
		}
		p.si++
	}
}

func (p *Parser) samplePath() string {
	return fmt.Sprintf("%suser_qos[%d]", p.participantPath(), p.si)
}

// sample reads one user_qos entry. ok is false when it has no readable time.
func (p *Parser) sample() (smp store.Sample, ok bool) {
	if p.s.peek() != '{' {
		p.probs.add(p.samplePath, p.s.value())
		return smp, false
	}
	p.s.open('{')
	p.mask = [store.NumStreams]uint32{}
	var timeRaw []byte
	for first := true; p.s.more('}', first); first = false {
		name := p.name()
		if string(name) == "date_time" {
			timeRaw = p.s.value()
			continue
		}
		st, known := streamByName(name)
		if !known {
			p.probs.unknown(p.participantPattern() + "user_qos[]." + string(name))
			p.s.value()
			continue
		}
		p.stream(st)
	}
	datePath := func() string { return p.samplePath() + ".date_time" }
	if timeRaw == nil {
		p.probs.add(datePath, []byte("(missing)"))
		return smp, false
	}
	text, isStr := p.text(timeRaw)
	t, tok := parseTime(text)
	if !isStr || !tok {
		p.probs.add(datePath, timeRaw)
		return smp, false
	}
	smp.Time = t
	smp.Values = p.emit()
	return smp, true
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
		n += bits.OnesCount32(m)
	}
	if cap(p.arena)-len(p.arena) < n {
		p.arena = make([]store.Value, 0, max(n, 2048))
	}
	start := len(p.arena)
	for st, m := range p.mask {
		for m != 0 {
			metric := bits.TrailingZeros32(m)
			m &= m - 1
			p.arena = append(p.arena, store.Value{Stream: store.Stream(st), Metric: store.Metric(metric), V: p.vals[st][metric]})
		}
	}
	return p.arena[start:len(p.arena):len(p.arena)]
}

func (p *Parser) streamPath() string { return p.samplePath() + "." + p.strm }
func (p *Parser) fieldPath() string  { return p.streamPath() + "." + p.field }

// stream reads one stream object of a sample into the sample being
// assembled.
func (p *Parser) stream(st store.Stream) {
	p.strm = st.String()
	switch p.s.peek() {
	case 'n':
		p.s.value()
		return
	case '{':
	default:
		p.probs.add(p.streamPath, p.s.value())
		return
	}
	p.s.open('{')
	kind := st.Kind()
	var unit []byte
	for first := true; p.s.more('}', first); first = false {
		name := p.name()
		if kind == store.KindRSSI && string(name) == "rssi_unit" {
			unit = p.s.value()
			continue
		}
		m, known := fieldMetric(kind, name)
		if !known {
			p.probs.unknown(p.participantPattern() + "user_qos[]." + p.strm + "." + string(name))
			p.s.value()
			continue
		}
		p.field = wireName[m]
		p.metric(st, m)
	}
	if unit != nil {
		p.checkRSSIUnit(unit)
	}
}

// checkRSSIUnit drops the RSSI values of a sample whose rssi_unit is not
// dBm, the only unit Zoom documents.
func (p *Parser) checkRSSIUnit(raw []byte) {
	text, isStr := p.text(raw)
	if t := trimSpace(text); (isStr && (len(t) == 0 || equalFold(t, "dbm"))) || kind(raw) == 'n' {
		return
	}
	if p.mask[store.WiFiRSSI] != 0 {
		p.mask[store.WiFiRSSI] = 0
		p.field = "rssi_unit"
		p.probs.add(p.fieldPath, raw)
	}
}

// metric reads one metric value.
func (p *Parser) metric(st store.Stream, m store.Metric) {
	raw := p.s.value()
	var text []byte
	switch kind(raw) {
	case 'n':
		return // null: absent
	case '"':
		text, _ = p.text(raw)
	case '0':
		text = raw
	default:
		p.probs.add(p.fieldPath, raw)
		return
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
		return
	}
	v, stat := parseQuantity(text, metricQuantity[m])
	switch stat {
	case valueOK:
		p.set(st, m, v)
	case valueBad:
		p.probs.add(p.fieldPath, raw)
	}
}

func (p *Parser) set(st store.Stream, m store.Metric, v float64) {
	p.vals[st][m] = v
	p.mask[st] |= 1 << m
}

// name reads an object member name, unquoted. The bytes are valid until the
// next name or string is unquoted.
func (p *Parser) name() []byte {
	text, _ := p.text(p.s.name())
	return text
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
func (p *Parser) str(field string) string {
	raw := p.s.value()
	switch kind(raw) {
	case '"':
		t, _ := p.text(raw)
		return string(t)
	case '0':
		return string(raw)
	case 'n', 0:
		return ""
	}
	p.probs.add(func() string { return p.participantPath() + field }, raw)
	return ""
}

// strings reads an array of strings; a single string is taken as one.
func (p *Parser) strings(field string) []string {
	if p.s.peek() != '[' {
		if v := p.str(field); v != "" {
			return []string{v}
		}
		return nil
	}
	p.s.open('[')
	var out []string
	for first := true; p.s.more(']', first); first = false {
		if v := p.str(field); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// integer reads a count such as page_count.
func (p *Parser) integer(field string) int {
	raw := p.s.value()
	if kind(raw) == 'n' {
		return 0
	}
	text, _ := p.text(raw)
	n, err := strconv.Atoi(string(trimSpace(text)))
	if err != nil {
		p.probs.add(func() string { return field }, raw)
		return 0
	}
	return n
}

func kindName(k byte) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case 0:
		return "empty"
	}
	return "a number"
}

// boolean reads a JSON boolean (or "true"/"false"); anything else is a
// problem, and false.
func (p *Parser) boolean(field string) bool {
	raw := p.s.value()
	text, _ := p.text(raw)
	switch string(text) {
	case "true":
		return true
	case "false", "", "null":
		return false
	}
	p.probs.add(func() string { return p.participantPath() + field }, raw)
	return false
}

// participantInt reads a count of a participant or a meeting: a number, or
// a string holding one; null is 0.
func (p *Parser) participantInt(field string) int {
	raw := p.s.value()
	if kind(raw) == 'n' {
		return 0
	}
	text, _ := p.text(raw)
	n, err := strconv.Atoi(string(trimSpace(text)))
	if err != nil || n < 0 {
		p.probs.add(func() string { return p.participantPath() + field }, raw)
		return 0
	}
	return n
}

// socketBreak reads one of Zoom's *_socket_break counters.
func (p *Parser) socketBreak(s *store.Session, name []byte) {
	n := p.participantInt(string(name))
	if s.SocketBreaks == nil {
		s.SocketBreaks = new(store.SocketBreaks)
	}
	switch string(name) {
	case "audio_socket_break":
		s.SocketBreaks.Audio = n
	case "video_socket_break":
		s.SocketBreaks.Video = n
	case "as_socket_break":
		s.SocketBreaks.Share = n
	default:
		s.SocketBreaks.Command = n
	}
}

// audioCalls reads a participant's audio_call array (phone legs).
func (p *Parser) audioCalls() []store.AudioCall {
	if p.s.peek() != '[' {
		if raw := p.s.value(); kind(raw) != 'n' {
			p.probs.add(func() string { return p.participantPath() + "audio_call" }, raw)
		}
		return nil
	}
	p.s.open('[')
	var out []store.AudioCall
	for first := true; p.s.more(']', first); first = false {
		if p.s.peek() != '{' {
			p.probs.add(func() string { return p.participantPath() + "audio_call[]" }, p.s.value())
			continue
		}
		var c store.AudioCall
		p.s.open('{')
		for first := true; p.s.more('}', first); first = false {
			switch name := p.name(); string(name) {
			case "call_number":
				c.CallNumber = p.str("audio_call[].call_number")
			case "call_type":
				c.CallType = p.str("audio_call[].call_type")
			case "zoom_number":
				c.ZoomNumber = p.str("audio_call[].zoom_number")
			default:
				p.probs.unknown(p.participantPattern() + "audio_call[]." + string(name))
				p.s.value()
			}
		}
		out = append(out, c)
	}
	return out
}

// detailsField reads a member of a meeting's details (GET
// /metrics/meetings/{meetingId}, or an entry of GET /metrics/meetings)
// into d. It returns false, having read nothing, for a name that is not
// one; "id" and "email", which participants have too, are the caller's.
func (p *Parser) detailsField(d *store.MeetingDetails, name []byte) bool {
	var dst *string
	var flag *bool
	switch string(name) {
	case "uuid":
		dst = &d.UUID
	case "topic":
		dst = &d.Topic
	case "host":
		dst = &d.Host
	case "user_type":
		dst = &d.UserType
	case "dept":
		dst = &d.Dept
	case "duration":
		dst = &d.Duration
	case "audio_quality":
		dst = &d.AudioQuality
	case "video_quality":
		dst = &d.VideoQuality
	case "screen_share_quality":
		dst = &d.ScreenShareQuality
	case "start_time", "end_time":
		text := p.str(string(name))
		if text == "" {
			return true
		}
		t, ok := parseTime([]byte(text))
		if !ok {
			p.probs.add(func() string { return string(name) }, quote(text))
			return true
		}
		if string(name) == "start_time" {
			d.StartTime = t
		} else {
			d.EndTime = t
		}
		return true
	case "in_room_participants":
		d.InRoomParticipants = p.participantInt("in_room_participants")
		return true
	case "custom_keys":
		d.CustomKeys = p.keyValues("custom_keys", "key")
		return true
	case "tracking_fields":
		d.TrackingFields = p.keyValues("tracking_fields", "field")
		return true
	case "session_key":
		p.s.value() // an SDK session's key: not zoomqos' concern
		return true
	case "has_pstn":
		flag = &d.HasPSTN
	case "has_voip":
		flag = &d.HasVoIP
	case "has_3rd_party_audio":
		flag = &d.Has3rdPartyAudio
	case "has_video":
		flag = &d.HasVideo
	case "has_screen_share":
		flag = &d.HasScreenShare
	case "has_recording":
		flag = &d.HasRecording
	case "has_sip":
		flag = &d.HasSIP
	case "has_archiving":
		flag = &d.HasArchiving
	case "has_manual_captions":
		flag = &d.HasManualCaptions
	case "has_automated_captions":
		flag = &d.HasAutoCaptions
	default:
		return false
	}
	if flag != nil {
		*flag = p.boolean(string(name))
		return true
	}
	*dst = p.str(string(name))
	return true
}

// keyValues reads custom_keys ([{"key","value"}]) or tracking_fields
// ([{"field","value"}]).
func (p *Parser) keyValues(field, keyName string) []store.KeyValue {
	if p.s.peek() != '[' {
		if raw := p.s.value(); kind(raw) != 'n' {
			p.probs.add(func() string { return field }, raw)
		}
		return nil
	}
	p.s.open('[')
	var out []store.KeyValue
	for first := true; p.s.more(']', first); first = false {
		if p.s.peek() != '{' {
			p.probs.add(func() string { return field + "[]" }, p.s.value())
			continue
		}
		var kv store.KeyValue
		p.s.open('{')
		for first := true; p.s.more('}', first); first = false {
			switch name := p.name(); string(name) {
			case keyName:
				kv.Key = p.str(field + "[]." + keyName)
			case "value":
				kv.Value = p.str(field + "[].value")
			default:
				p.probs.unknown(field + "[]." + string(name))
				p.s.value()
			}
		}
		out = append(out, kv)
	}
	return out
}
