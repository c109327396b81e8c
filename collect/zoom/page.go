package zoom

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/zoomqos/zoomqos/store"
)

// Page is one Zoom response document in zoomqos' model: a page of a list
// endpoint (`{"page_count",...,"participants":[...]}`: the QoS list or the
// participants list), the answer of the single-participant QoS endpoint
// (one participant object), or a meeting's details.
type Page struct {
	List          bool // the list shape
	NextPageToken string
	PageCount     int
	PageSize      int
	TotalRecords  int
	Participants  []store.SessionSamples // one per participant object: a session
	// Details are the meeting's, when the document is the meeting details
	// answer (GET /metrics/meetings/{meetingId}) or a discovery list entry.
	Details *store.MeetingDetails
	// Event is the envelope of an event notification (event.go), and
	// Alerts what an alert event says of the meeting.
	Event  *Event
	Alerts []store.Alert
}

// Samples counts the samples in the page.
func (p *Page) Samples() int {
	n := 0
	for i := range p.Participants {
		n += len(p.Participants[i].Samples)
	}
	return n
}

// ErrNotQoS means a JSON document is not a Zoom QoS response.
var ErrNotQoS = errors.New("not a Zoom QoS response")

// ListError is a document that is a list of meetings or webinars (the
// answer of GET /metrics/meetings or /metrics/webinars, which discovers
// them) where a meeting's QoS, participants or details were wanted. It is
// ErrNotQoS to errors.Is.
type ListError struct {
	List string // "meetings" or "webinars"
}

func (e *ListError) Error() string {
	return fmt.Sprintf("%s: it is a list of %s (GET /metrics/%s)", ErrNotQoS, e.List, e.List)
}

func (e *ListError) Unwrap() error { return ErrNotQoS }

// maxProblems is how many problems Problems keeps word for word.
const maxProblems = 5

// Problem is one value the parser could not read.
type Problem struct {
	Where string // the document: file or request, and byte offset
	Path  string // where in the document, such as participants[1].user_qos[4].video_input.frame_rate
	Value string // the value as it appeared, shortened
}

func (p Problem) String() string {
	if p.Where == "" {
		return fmt.Sprintf("%s = %s", p.Path, p.Value)
	}
	return fmt.Sprintf("%s: %s = %s", p.Where, p.Path, p.Value)
}

// Problems collects what the parser could not read without stopping: the
// value is then absent. The zero value is ready to use.
type Problems struct {
	Count   int            // values not understood
	First   []Problem      // the first few of them
	Unknown map[string]int // fields the parser does not know, by path pattern, with counts; kept in the raw copy
	Where   string         // the document being parsed, copied into each Problem
}

func (p *Problems) add(path func() string, value []byte) {
	p.Count++
	if len(p.First) < maxProblems {
		p.First = append(p.First, Problem{Where: p.Where, Path: path(), Value: shorten(value)})
	}
}

func (p *Problems) unknown(pattern string) {
	if p.Unknown == nil {
		p.Unknown = map[string]int{}
	}
	p.Unknown[pattern]++
}

// Merge adds q's problems to p.
func (p *Problems) Merge(q *Problems) {
	p.Count += q.Count
	for _, x := range q.First {
		if len(p.First) < maxProblems {
			p.First = append(p.First, x)
		}
	}
	for k, n := range q.Unknown {
		if p.Unknown == nil {
			p.Unknown = map[string]int{}
		}
		p.Unknown[k] += n
	}
}

// UnknownFields lists the unknown field patterns in order.
func (p *Problems) UnknownFields() []string {
	out := make([]string, 0, len(p.Unknown))
	for k := range p.Unknown {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// clip quotes text from the input in a message: its first line, at most n
// bytes of it, cut between characters, "..." where it was cut.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	line, _, more := strings.Cut(s, "\n")
	if len(line) <= n && !more {
		return line
	}
	if len(line) > n {
		line = line[:n]
		for len(line) > 0 && !utf8.ValidString(line) {
			line = line[:len(line)-1]
		}
	}
	return line + "..."
}

// shorten quotes a value for a message, cut to a readable length.
func shorten(v []byte) string {
	s := strings.ToValidUTF8(string(v), "\uFFFD")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}
