package zoom

import (
	"fmt"
	"net/url"
	"strings"
)

// A request to Zoom's API, as the collector describes it and logs and
// errors name it.

// Request is one GET of the API.
type Request struct {
	Path     string     // below the API URL, escaped (see EscapeID)
	Query    url.Values // may be nil
	Endpoint string     // for messages, such as "GET /metrics/meetings/{meetingId}/participants/qos"
	Meeting  string     // for messages: the meeting or webinar it is about
	Webinar  bool       // Meeting is a webinar
	Page     int        // for messages: the page of a list, from 1
	// Want is what a 200 answer must be; nil: any JSON.
	Want *Answer
	// ResourceIntensive marks Zoom's Resource-intensive endpoints (the
	// meeting and webinar lists), limited by ListRate instead of Rate.
	ResourceIntensive bool
}

// where names the request in messages: the meeting or webinar, the
// endpoint and, after the first, the page (always with page).
func (r *Request) where(page bool) string {
	s := r.Endpoint
	if r.Meeting != "" {
		what := "meeting "
		if r.Webinar {
			what = "webinar "
		}
		s = what + r.Meeting + ": " + s
	}
	if r.Page > 1 || page && r.Page > 0 {
		s += fmt.Sprintf(": page %d", r.Page)
	}
	return s
}

// logAttrs are the attributes a log line about the request carries.
func (r *Request) logAttrs(more ...any) []any {
	a := []any{"endpoint", r.Endpoint}
	if r.Meeting != "" {
		a = append(a, map[bool]string{false: "meeting", true: "webinar"}[r.Webinar], r.Meeting)
	}
	if r.Page > 0 {
		a = append(a, "page", r.Page)
	}
	return append(a, more...)
}

// EscapeID escapes a meeting or webinar id for a path: UUIDs that begin
// with "/" or hold "//" are encoded twice, as Zoom requires; numeric ids
// and other UUIDs once.
func EscapeID(id string) string {
	if strings.HasPrefix(id, "/") || strings.Contains(id, "//") {
		return url.PathEscape(url.PathEscape(id))
	}
	return url.PathEscape(id)
}
