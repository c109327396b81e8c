package zoom

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Zoom's error codes that callers act on.
const (
	CodeInvalidToken = 124   // 401: the access token is expired or revoked
	CodeNotAvailable = 3001  // 404: wrong id, past data of a running meeting, or a live meeting that ended
	CodeYearAgo      = 12702 // 400: the meeting is more than a year old
	CodeBadPageToken = 300   // next_page_token invalid or expired (also other bad parameters)
	CodeMissingScope = 4711  // 400: the app lacks a scope the endpoint needs
	CodeNoPermission = 104   // 401: the same, in older answers
)

// APIError is an answer from Zoom other than success: it names the meeting
// and endpoint, says in plain words what went wrong, and quotes Zoom's
// tracking id, which Zoom support asks for.
type APIError struct {
	Status     int    // HTTP status
	Code       int    // Zoom's code from the body, 0 if none
	Message    string // Zoom's message
	TrackingID string // the x-zm-trackingid header
	Endpoint   string // such as "GET /metrics/meetings/{meetingId}/participants/qos"
	Meeting    string // the meeting or webinar it was about, if any
	Webinar    bool   // Meeting is a webinar
	Page       int    // the page of a list it answered, from 1; 0 if none
	// fixedToken: the token refused (401) was the fixed one the user
	// gave; renewed: it was a new one, fetched after the last was
	// refused. Either way no other token can be had.
	fixedToken, renewed bool
	// name names the settings the message asks to check (the client's
	// ClientConfig.Name); nil: Setting.String.
	name func(Setting) string
}

// ErrTokenRefused means Zoom refused the access token and no other can be
// had: the fixed token the user gave, or a new one fetched after the last
// was refused. No request of the run can succeed.
var ErrTokenRefused = errors.New("Zoom refused the access token")

// Is makes errors.Is(err, ErrTokenRefused) hold for such a refusal.
func (e *APIError) Is(target error) bool {
	return target == ErrTokenRefused && e.Status == http.StatusUnauthorized && (e.fixedToken || e.renewed)
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Meeting != "" {
		fmt.Fprintf(&b, "%s %s: ", e.what(), e.Meeting)
	}
	b.WriteString(e.Endpoint)
	if e.Page > 1 {
		fmt.Fprintf(&b, ": page %d", e.Page)
	}
	fmt.Fprintf(&b, ": %s (HTTP %d", e.plain(), e.Status)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", Zoom code %d", e.Code)
	}
	if e.TrackingID != "" {
		fmt.Fprintf(&b, ", tracking id %s", e.TrackingID)
	}
	b.WriteByte(')')
	return b.String()
}

// what is "meeting" or "webinar".
func (e *APIError) what() string {
	if e.Webinar {
		return "webinar"
	}
	return "meeting"
}

// scope is the classic scope the app needs for the endpoint.
func (e *APIError) scope() string {
	if e.Webinar || strings.Contains(e.Endpoint, "/webinars") {
		return "dashboard_webinars:read:admin"
	}
	return "dashboard_meetings:read:admin"
}

// MissingScope reports that the app lacks a scope the endpoint needs
// (Zoom code 4711, or 104): no request to it can succeed.
func (e *APIError) MissingScope() bool {
	return e.Code == CodeMissingScope || e.Code == CodeNoPermission
}

// granularScope is the granular scope of the endpoint.
func (e *APIError) granularScope() string {
	thing := "meeting"
	if e.Webinar || strings.Contains(e.Endpoint, "/webinars") {
		thing = "webinar"
	}
	path, _, _ := strings.Cut(strings.TrimPrefix(e.Endpoint, "GET "), "?")
	switch {
	case strings.HasSuffix(path, "/qos"):
		return "dashboard:read:list_" + thing + "_participants_qos:admin"
	case strings.HasSuffix(path, "/participants"):
		return "dashboard:read:list_" + thing + "_participants:admin"
	case strings.HasSuffix(path, "Id}"):
		return "dashboard:read:" + thing + ":admin"
	}
	return "dashboard:read:list_" + thing + "s:admin"
}

// scopeHelp names the scopes zoomqos needs: the classic one, or the
// granular ones of every endpoint it calls, and the one refused.
func (e *APIError) scopeHelp() string {
	thing := "meeting"
	if e.Webinar || strings.Contains(e.Endpoint, "/webinars") {
		thing = "webinar"
	}
	return fmt.Sprintf("the app lacks the %s scope this call needs (Zoom says: %s); give the Server-to-Server OAuth app the classic scope %s, "+
		"or the granular scopes dashboard:read:list_%s_participants_qos:admin, dashboard:read:list_%s_participants:admin, "+
		"dashboard:read:%s:admin and dashboard:read:list_%ss:admin, then run the same command again",
		e.granularScope(), e.Message, e.scope(), thing, thing, thing, thing)
}

// plain says what the answer means for the user.
func (e *APIError) plain() string {
	switch {
	case e.MissingScope():
		return e.scopeHelp()
	case e.NotAvailable():
		return "Zoom has no QoS data for it: the ID is wrong, or the " + e.what() + " has not ended yet (past data), or it is over (live data)"
	case e.Code == CodeYearAgo:
		return "Zoom keeps QoS data for a year, and this " + e.what() + " is older"
	case e.Status == http.StatusUnauthorized && e.fixedToken:
		name := e.name
		if name == nil {
			name = Setting.String
		}
		return "Zoom refused the access token from " + name(SettingAccessToken) + " (" + e.Message + "), and a token given that way cannot be renewed: " + fixedTokenHelp(name)
	case e.Status == http.StatusUnauthorized && e.renewed:
		return "Zoom refused the access token even after getting a new one (" + e.Message + "); check the app's scopes (" + e.scope() + ")"
	case e.Status == http.StatusUnauthorized:
		return "Zoom refused the access token (" + e.Message + ")"
	case e.Status == http.StatusForbidden:
		return "Zoom refused access (" + e.Message + "); the account needs a Business plan or higher with the Dashboard, and the app the " + e.scope() + " scope"
	case e.Code == CodeBadPageToken && strings.Contains(strings.ToLower(e.Message), "token"):
		return "Zoom refused the next_page_token (it expires after 15 minutes)"
	case e.Status >= 500:
		return "Zoom's servers failed (" + strings.TrimSpace(e.Message) + ")"
	case e.Message != "":
		return "Zoom says: " + e.Message
	}
	return http.StatusText(e.Status)
}

// NotAvailable reports Zoom's 404 code 3001.
func (e *APIError) NotAvailable() bool { return e.Code == CodeNotAvailable }

// newAPIError reads Zoom's error body ({"code":..., "message":...}) of an
// answer to req. Zoom's message is scrubbed before it is shortened, so
// that no part of a secret an echoing server quoted is left.
func (c *Client) newAPIError(resp *http.Response, body []byte, req *Request) *APIError {
	e := newAPIError(resp, body, req.Endpoint, req.Meeting, c.secrets.Scrub)
	e.Webinar, e.Page, e.name = req.Webinar, req.Page, c.cfg.Name
	return e
}

func newAPIError(resp *http.Response, body []byte, endpoint, meeting string, scrub func(string) string) *APIError {
	e := &APIError{Status: resp.StatusCode, TrackingID: resp.Header.Get("X-Zm-Trackingid"), Endpoint: endpoint, Meeting: meeting}
	var zb struct {
		Code    json.Number `json:"code"`
		Message string      `json:"message"`
	}
	if json.Unmarshal(body, &zb) == nil {
		if n, err := zb.Code.Int64(); err == nil {
			e.Code = int(n)
		}
		e.Message = firstLine(scrub(zb.Message), 500)
	}
	if e.Message == "" {
		e.Message = strings.TrimSpace(firstLine(scrub(string(body)), 200))
	}
	return e
}

func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > n {
		s = s[:n]
	}
	return s
}

// DailyLimitError means the account used up its daily allowance of Heavy
// requests: retrying before ResumeAt only burns more of nothing.
type DailyLimitError struct {
	ResumeAt   time.Time
	TrackingID string
	Endpoint   string
	Meeting    string
}

func (e *DailyLimitError) Error() string {
	when := e.ResumeAt.UTC().Format(time.RFC3339)
	if d := time.Until(e.ResumeAt).Round(time.Minute); d > 0 {
		when += fmt.Sprintf(" (in %s)", d)
	}
	s := fmt.Sprintf("Zoom's daily limit for Heavy API requests is used up; what was collected is kept; requests may resume at %s: run the same command again then", when)
	if e.TrackingID != "" {
		s += " (tracking id " + e.TrackingID + ")"
	}
	return s
}
