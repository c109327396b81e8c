package zoom

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Answer is what a request expects in a 200 answer. A 200 that is not one
// (an empty object, an error body, a proxy's HTML page) is tried again,
// like a cut-off answer, then reported with what came instead.
type Answer struct {
	Name string // for messages: "a QoS page"
	// List is the array a page of it holds ("participants",
	// "meetings"); empty for the single-participant answer.
	List string
	// Details: the answer is a meeting's details (it has its uuid).
	Details bool
}

// The answers of the endpoints zoomqos calls.
var (
	QoSPage          = &Answer{Name: "a QoS page", List: "participants"}
	ParticipantsPage = &Answer{Name: "a page of participants", List: "participants"}
	ParticipantQoS   = &Answer{Name: "a participant's QoS", List: ""}
	MeetingDetails   = &Answer{Name: "a meeting's details", Details: true}
	MeetingList      = &Answer{Name: "a list of meetings", List: "meetings"}
	WebinarList      = &Answer{Name: "a list of webinars", List: "webinars"}
)

// check says what body is instead of the answer expected, or "" when it
// is one. cut reports JSON that ends too early: a cut-off answer. What it
// quotes from the body goes through scrub before it is shortened, so that
// no part of a secret is left.
func (a *Answer) check(body []byte, contentType string, scrub func(string) string) (instead string, cut bool) {
	if !jsontext.Value(body).IsValid(decodeOptions...) {
		return describeBody(body, contentType, scrub)
	}
	// The body is valid JSON: a scan of its top level, skipping values,
	// is enough, and costs a fraction of decoding it again (the pages of
	// a large meeting are megabytes each).
	var sc scanner
	sc.reset(body)
	if k := kind(bytes.TrimLeft(body, " \t\r\n")); k != '{' {
		return "a JSON " + map[byte]string{'[': "array", '"': "string", '0': "number", 'b': "boolean", 'n': "null"}[k], false
	}
	sc.open('{')
	var keys []string
	var code, message string
	hasList, paged := false, false
	var p Parser
	for first := true; sc.more('}', first); first = false {
		n, _ := p.text(sc.name())
		name := string(n)
		v := sc.value()
		if sc.err != nil {
			return "JSON that cannot be read", false
		}
		keys = append(keys, name)
		switch {
		case a.List != "" && name == a.List && kind(v) == '[':
			hasList = true
		case a.Details && (name == "uuid" || name == "topic" || name == "start_time"):
			hasList = true
		case a.List == "" && !a.Details && (name == "user_qos" || name == "user_id" || name == "user_name" || name == "id"):
			hasList = true
		case name == "page_count" || name == "total_records":
			paged = true
		case name == "code":
			code = strings.Trim(string(v), `"`)
		case name == "message" && kind(v) == '"':
			t, _ := p.text(v)
			message = string(t)
		}
	}
	switch {
	case hasList:
		return "", false
	case a.List != "" && paged && code == "":
		return "", false // a page of an empty list may leave the array out
	case code != "" && message != "":
		return fmt.Sprintf("a Zoom error (code %s: %s)", code, firstLine(scrub(message), 200)), false
	case len(keys) == 0:
		return "an empty JSON object", false
	}
	if len(keys) > 5 {
		keys = append(keys[:5], "...")
	}
	return "a JSON object with " + scrub(strings.Join(keys, ", ")), false
}

var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// describeBody says in a few words what a body that is not JSON is. cut
// reports JSON that ends too early.
func describeBody(body []byte, contentType string, scrub func(string) string) (what string, cut bool) {
	t := bytes.TrimSpace(body)
	switch {
	case len(t) == 0:
		return "an empty body", false
	case strings.Contains(strings.ToLower(contentType), "html") || t[0] == '<':
		if m := htmlTitle.FindSubmatch(t); m != nil {
			if title := strings.Join(strings.Fields(scrub(string(m[1]))), " "); title != "" {
				return fmt.Sprintf("an HTML page (%q)", firstLine(title, 80)), false
			}
		}
		return "an HTML page", false
	case t[0] == '{' || t[0] == '[':
		_, err := jsontext.NewDecoder(bytes.NewReader(t), decodeOptions...).ReadValue()
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Sprintf("JSON that ends after %d bytes", len(body)), true
		}
		return "malformed JSON", false
	}
	return fmt.Sprintf("text (%q)", firstLine(scrub(string(t)), 80)), false
}
