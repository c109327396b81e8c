package zoom

import (
	"bytes"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/zoomqos/zoomqos/store"
)

// The Parser's readers of one JSON value where it stands: a name, text,
// whole numbers, booleans, lists of strings, key-value lists, and the
// fields of participants' and meetings' details that are not samples.

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
