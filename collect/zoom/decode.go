package zoom

import (
	"fmt"
	"math/bits"

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
	event bool // in an event notification's participant (event.go)
	pi    int  // participant index in a list page
	si    int  // sample index in user_qos
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
	var event string
	var eventTS, payload []byte
	for first := true; p.s.more('}', first); first = false {
		name := p.name()
		switch string(name) {
		case "event":
			event = p.str("event")
		case "event_ts":
			eventTS = p.s.value()
		case "payload":
			payload = p.s.value()
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
	case event != "" || payload != nil:
		if err := p.eventDoc(event, eventTS, payload, &page); err != nil {
			return page, err
		}
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
	if p.event {
		return "payload.object.participant."
	}
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
	if p.event {
		return fmt.Sprintf("payload.object.participant.qos[time %d]", p.si)
	}
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
	if p.event {
		return "payload.object.participant."
	}
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

func (p *Parser) fieldPath() string { return p.streamPath() + "." + p.field }

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
