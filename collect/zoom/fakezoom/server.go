package fakezoom

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a fake Zoom account behind Zoom's API: the Server-to-Server
// OAuth token endpoint and the /metrics endpoints, with Zoom's pagination,
// error bodies and codes, rate limits and headers. Use it as an
// http.Handler, or Start one on loopback.
type Server struct {
	opts  Options
	world *world

	mu          sync.Mutex
	tokens      map[string]time.Time // access token -> expiry (Clock time)
	issued      []string
	windowStart time.Time // the current one-second window of Heavy requests (real time)
	windowCount int
	listStart   time.Time // the current one-minute window of Resource-intensive requests (real time)
	listCount   int
	day         string // Clock's UTC date of dayCount
	dayCount    int
	burstLeft   int

	requests      atomic.Int64 // API requests, answered or not
	tokenRequests atomic.Int64
	served        atomic.Int64 // 200 answers

	faultMu     sync.Mutex
	lastFaulted map[string]bool // requests whose last answer was a fault (spare)
	paged       atomic.Int64    // list requests that carried a next_page_token

	quit     chan struct{} // closed when a Running server stops: hung answers end
	quitOnce sync.Once

	wsMu       sync.Mutex
	replay     []Event // Options.WSReplayFrom to WSReplayTo, made when first asked for
	replayNext int     // the next replay event to send
}

// NewServer makes a fake account from the options.
func NewServer(o Options) *Server {
	o.defaults()
	return &Server{opts: o, world: newWorld(o), tokens: map[string]time.Time{}, quit: make(chan struct{})}
}

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Requests counts API requests received, TokenRequests token requests.
func (s *Server) Requests() int64 { return s.requests.Load() }

func (s *Server) TokenRequests() int64 { return s.tokenRequests.Load() }

// IssuedTokens returns every access token handed out so far, for tests that
// check that none is ever printed.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// MeetingInfo describes one meeting of the fake account.
type MeetingInfo struct {
	UUID         string
	ID           int64
	Topic        string
	Webinar      bool
	Start, End   time.Time
	Participants int // people
	Sessions     int // joins: people plus rejoins
}

// Meetings lists the account's meetings in schedule order. A past meeting
// of one person (Participants 1) is listed under type=pastOne, not past.
func (s *Server) Meetings() []MeetingInfo {
	var out []MeetingInfo
	for _, m := range s.world.meetings {
		m.build()
		out = append(out, MeetingInfo{UUID: m.UUID, ID: m.ID, Topic: m.Topic, Webinar: m.Webinar,
			Start: m.Start, End: m.end, Participants: m.Participants, Sessions: len(m.sessions)})
	}
	return out
}

// SessionDetail is one session (join) of a meeting as the participants
// list describes it, for tests that check what a collector stored from it.
type SessionDetail struct {
	MeetingUUID   string
	ParticipantID string // id: the participant UUID, "" for guests and phones
	UserID        string // user_id: per join
	UserName      string
	Device        string
	// JoinTime and LeaveTime as every endpoint writes them (RFC 3339, UTC).
	JoinTime, LeaveTime string
	Join, Leave         time.Time
	Rejoin              bool // the person's second session
	NetworkType         string
	DataCenter          string
	FullDataCenter      string
	ConnectionType      string // "" for phones
	// Zoom's ratings of the whole session, as type=past answers them:
	// good, fair, poor, bad, or "" for a stream not used.
	AudioQuality, VideoQuality, ScreenShareQuality string
}

// SessionDetails returns every session of the meeting (or webinar) with
// that UUID, in the order the participants list and the QoS list give
// them; nil for an unknown UUID.
func (s *Server) SessionDetails(uuid string) []SessionDetail {
	var m *meeting
	for _, x := range s.world.meetings {
		if x.UUID == uuid {
			m = x
		}
	}
	if m == nil {
		return nil
	}
	m.build()
	out := make([]SessionDetail, 0, len(m.sessions))
	for i := range m.sessions {
		ss := &m.sessions[i]
		pr := &m.people[ss.person]
		q := m.zoomQuality(ss, m.end)
		out = append(out, SessionDetail{
			MeetingUUID: m.UUID, ParticipantID: pr.id, UserID: ss.userID, UserName: pr.name, Device: pr.device,
			JoinTime: ss.join.UTC().Format(time.RFC3339), LeaveTime: ss.leave.UTC().Format(time.RFC3339),
			Join: ss.join, Leave: ss.leave, Rejoin: ss.n > 0,
			NetworkType: pr.network, DataCenter: pr.dc, FullDataCenter: pr.fullDC, ConnectionType: pr.conn,
			AudioQuality: ratingName(q[0]), VideoQuality: ratingName(q[1]), ScreenShareQuality: ratingName(q[2]),
		})
	}
	return out
}

// Running is a Server listening on loopback.
type Running struct {
	*Server
	URL      string // the server's root
	APIURL   string // URL + "/v2", what the client calls Zoom's base URL
	TokenURL string // URL + "/oauth/token"
	ts       *httptest.Server
}

// Start serves a new fake account on a loopback port until Close.
func Start(o Options) *Running {
	s := NewServer(o)
	ts := httptest.NewServer(s)
	return &Running{Server: s, URL: ts.URL, APIURL: ts.URL + "/v2", TokenURL: ts.URL + "/oauth/token", ts: ts}
}

// Close stops the server; answers held back by the hang and stall faults
// end first.
func (r *Running) Close() {
	r.quitOnce.Do(func() { close(r.quit) })
	r.ts.Close()
}

// The routes, tried in this order. The meeting id is matched greedily, as
// Zoom's router does; each route is anchored at its own last segments, so
// that .../participants is never taken for .../participants/qos or
// .../participants/{participantId}/qos, and a details request never for
// any of them.
var (
	routeList         = regexp.MustCompile(`^/v2/metrics/(meetings|webinars)$`)
	routeOne          = regexp.MustCompile(`^/v2/metrics/(meetings|webinars)/(.+)/participants/([^/]+)/qos$`)
	routeQoS          = regexp.MustCompile(`^/v2/metrics/(meetings|webinars)/(.+)/participants/qos$`)
	routeParticipants = regexp.MustCompile(`^/v2/metrics/(meetings|webinars)/(.+)/participants$`)
	routeDetails      = regexp.MustCompile(`^/v2/metrics/(meetings|webinars)/(.+)$`)
	doubleSlash       = regexp.MustCompile(`/{2,}`)
)

// Rate-limit categories: the two lists are Resource-intensive, the rest
// Heavy.
const (
	heavy             = "Heavy"
	resourceIntensive = "Resource-intensive"
)

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/oauth/token":
		s.token(w, r)
		return
	case "/ws":
		s.websocket(w, r)
		return
	}
	n := s.requests.Add(1)
	w.Header().Set("X-Zm-Trackingid", fmt.Sprintf("v=2.0;clid=fake;rid=%d", n))
	if r.Method != http.MethodGet {
		s.fail(w, http.StatusMethodNotAllowed, 405, "Method not allowed.")
		return
	}
	if !s.authorized(r, n) {
		s.fail(w, http.StatusUnauthorized, 124, "Invalid access token.")
		return
	}
	path, pathErr := apiPath(r)
	category := heavy
	if pathErr == nil && routeList.MatchString(path) {
		category = resourceIntensive
	}
	if s.limited(w, n, category) {
		return
	}
	f := s.opts.Faults
	// every says whether the fault that comes every k answers falls on
	// count i for this request. Concurrent requests share the counts, so a
	// request retried could land on them time after time, and a run's
	// outcome would hang on how the requests interleave: a request that
	// just got a fault is spared the next one (unless every answer faults,
	// k = 1), so that every fault costs exactly one retry.
	key := r.URL.RequestURI()
	spared := s.spare(key)
	every := func(k int, i int64) bool {
		if k <= 0 || i%int64(k) != 0 || (spared && k > 1) {
			return false
		}
		s.faulted(key)
		return true
	}
	if every(f.HangEvery, n) {
		s.hold(r)
		return
	}
	if every(f.ServerErrors, n) {
		code := []int{500, 502, 503}[(n/int64(f.ServerErrors))%3]
		http.Error(w, http.StatusText(code), code)
		return
	}
	if f.SlowEvery > 0 && n%int64(f.SlowEvery) == 0 { // slow, not a fault: no retry follows
		select {
		case <-time.After(f.Slow):
		case <-r.Context().Done():
			return
		}
	}
	status, body := notFound()
	if pathErr == nil {
		status, body = s.route(path, r.URL.Query())
	}
	if status != http.StatusOK {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	served := s.served.Add(1)
	if k := f.NotQoSEvery; every(k, served) {
		body = notQoS[(served/int64(k)-1)%int64(len(notQoS))]
		if body[0] == '<' {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if k := f.StallEvery; every(k, served) {
		// Headers and half the body, then silence.
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		s.hold(r)
		return
	}
	if t := f.TruncateEvery; every(t, served) {
		// Declare the whole length, send half: the connection drops.
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2])
		return
	}
	w.Write(body)
}

// spare reports whether the last answer to the request with this key was a
// fault, and forgets it.
func (s *Server) spare(key string) bool {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if !s.lastFaulted[key] {
		return false
	}
	delete(s.lastFaulted, key)
	return true
}

// faulted notes that the request with this key was answered with a fault.
func (s *Server) faulted(key string) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.lastFaulted == nil {
		s.lastFaulted = map[string]bool{}
	}
	s.lastFaulted[key] = true
}

// notQoS are the answers of the nonqos fault, in turn: HTTP 200 with an
// empty object, with a Zoom error body, and with a proxy's HTML page.
var notQoS = [][]byte{
	[]byte(`{}`),
	[]byte(`{"code":124,"message":"Invalid access token."}`),
	[]byte("<!DOCTYPE html>\n<html><head><title>Service Temporarily Unavailable</title></head>\n" +
		"<body><h1>Service Temporarily Unavailable</h1><p>The proxy could not reach the upstream server.</p></body></html>\n"),
}

// apiPath is the path as Zoom's router sees it: decoded once, with
// repeated slashes collapsed. The router matches the meeting id greedily:
// that is why a UUID beginning with "/" or holding "//" must be
// double-encoded, and why a single "/" inside one need not be.
func apiPath(r *http.Request) (string, error) {
	path, err := url.PathUnescape(r.URL.EscapedPath())
	if err != nil {
		return "", err
	}
	return doubleSlash.ReplaceAllString(path, "/"), nil
}

// route answers an authorized, unlimited API request.
func (s *Server) route(path string, q url.Values) (int, []byte) {
	if m := routeList.FindStringSubmatch(path); m != nil {
		if body := s.scope("list", m[1]); body != nil {
			return http.StatusBadRequest, body
		}
		return s.listMeetings(m[1] == "webinars", q)
	}
	if m := routeOne.FindStringSubmatch(path); m != nil {
		id, err1 := url.PathUnescape(m[2])
		pid, err2 := url.PathUnescape(m[3])
		if err1 != nil || err2 != nil {
			return notFound()
		}
		if body := s.scope("qos", m[1]); body != nil {
			return http.StatusBadRequest, body
		}
		return s.participantQoS(m[1] == "webinars", id, pid, q)
	}
	for _, rt := range []struct {
		re     *regexp.Regexp
		family string
		answer func(bool, string, url.Values) (int, []byte)
	}{
		{routeQoS, "qos", s.listQoS},
		{routeParticipants, "participants", s.listParticipants},
		{routeDetails, "details", s.meetingDetails},
	} {
		if m := rt.re.FindStringSubmatch(path); m != nil {
			id, err := url.PathUnescape(m[2])
			if err != nil {
				return notFound()
			}
			if body := s.scope(rt.family, m[1]); body != nil {
				return http.StatusBadRequest, body
			}
			return rt.answer(m[1] == "webinars", id, q)
		}
	}
	return http.StatusNotFound, zoomError(404, "Not found.")
}

// scope answers Zoom's 4711 when the missing-scope fault takes away the
// scope of the endpoint family (of kind "meetings" or "webinars"): the
// message names the classic scope and the granular one.
func (s *Server) scope(family, kind string) []byte {
	if s.opts.Faults.MissingScope != family {
		return nil
	}
	what := "meeting"
	if kind == "webinars" {
		what = "webinar"
	}
	granular := map[string]string{
		"qos":          "dashboard:read:list_" + what + "_participants_qos:admin",
		"participants": "dashboard:read:list_" + what + "_participants:admin",
		"details":      "dashboard:read:" + what + ":admin",
		"list":         "dashboard:read:list_" + what + "s:admin",
	}[family]
	return zoomError(4711, fmt.Sprintf("Invalid access token, does not contain scopes:[dashboard_%ss:read:admin, %s].", what, granular))
}

func notFound() (int, []byte) {
	return http.StatusNotFound, zoomError(3001, "This meeting's detail info is not available.")
}

func zoomError(code int, msg string) []byte {
	b, _ := json.Marshal(map[string]any{"code": code, "message": msg})
	return b
}

func (s *Server) fail(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	w.Write(zoomError(code, msg))
}
