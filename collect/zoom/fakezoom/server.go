package fakezoom

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
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
	paged         atomic.Int64 // list requests that carried a next_page_token

	quit     chan struct{} // closed when a Running server stops: hung answers end
	quitOnce sync.Once
}

// NewServer makes a fake account from the options.
func NewServer(o Options) *Server {
	o.defaults()
	return &Server{opts: o, world: newWorld(o), tokens: map[string]time.Time{}, quit: make(chan struct{})}
}

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Requests counts API requests received, TokenRequests token requests.
func (s *Server) Requests() int64      { return s.requests.Load() }
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

// hold keeps a request waiting until its client gives up or the server
// stops: the hang and stall faults.
func (s *Server) hold(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.quit:
	}
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
	if r.URL.Path == "/oauth/token" {
		s.token(w, r)
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
	if f.HangEvery > 0 && n%int64(f.HangEvery) == 0 {
		s.hold(r)
		return
	}
	if f.ServerErrors > 0 && n%int64(f.ServerErrors) == 0 {
		code := []int{500, 502, 503}[(n/int64(f.ServerErrors))%3]
		http.Error(w, http.StatusText(code), code)
		return
	}
	if f.SlowEvery > 0 && n%int64(f.SlowEvery) == 0 {
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
	if k := f.NotQoSEvery; k > 0 && served%int64(k) == 0 {
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
	if k := f.StallEvery; k > 0 && served%int64(k) == 0 {
		// Headers and half the body, then silence.
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		s.hold(r)
		return
	}
	if t := f.TruncateEvery; t > 0 && served%int64(t) == 0 {
		// Declare the whole length, send half: the connection drops.
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2])
		return
	}
	w.Write(body)
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

// authorized checks the bearer token; the expire fault revokes every token
// issued so far.
func (s *Server) authorized(r *http.Request, n int64) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.opts.Faults.ExpireTokens; e > 0 && n%int64(e) == 0 {
		clear(s.tokens)
	}
	exp, known := s.tokens[tok]
	return ok && known && s.opts.Clock().Before(exp)
}

// limited answers 429 when a limit or the burst fault says so. Heavy
// requests count toward the per-second window, Resource-intensive ones
// (the two lists) toward their own per-minute window; the day counts both.
func (s *Server) limited(w http.ResponseWriter, n int64, category string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := w.Header()
	now := s.opts.Clock().UTC()
	if day := now.Format(time.DateOnly); day != s.day {
		s.day, s.dayCount = day, 0
	}
	s.dayCount++
	if lim := s.opts.DailyLimit; lim > 0 && s.dayCount > lim {
		reset := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
		h.Set("X-RateLimit-Category", category)
		h.Set("X-RateLimit-Type", "Daily-limit")
		h.Set("X-RateLimit-Limit", strconv.Itoa(lim))
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("Retry-After", reset.Format(time.RFC3339))
		s.writeLimited(w, fmt.Sprintf("You have exceeded the daily rate limit (%d) of %s level APIs for this account. "+
			"You may resume these requests at GMT 00:00:00.", lim, category))
		return true
	}
	f := s.opts.Faults
	if f.Burst429Every > 0 && n%int64(f.Burst429Every) == 0 {
		s.burstLeft = f.Burst429Len
	}
	real := time.Now()
	var over bool
	var limit int
	var window time.Duration
	var windowStart time.Time
	msg := "You have reached the maximum per-second rate limit for this API. Try again later."
	if category == resourceIntensive {
		if real.Sub(s.listStart) >= time.Minute {
			s.listStart, s.listCount = real.Truncate(time.Minute), 0
		}
		s.listCount++
		limit, window, windowStart = s.opts.ListPerMinute, time.Minute, s.listStart
		over = limit > 0 && s.listCount > limit
		if over {
			msg = "You have reached the maximum per-minute rate limit for this API. Try again later."
		}
	} else {
		if real.Sub(s.windowStart) >= time.Second {
			s.windowStart, s.windowCount = real.Truncate(time.Second), 0
		}
		s.windowCount++
		limit, window, windowStart = s.opts.QPS, time.Second, s.windowStart
		over = limit > 0 && s.windowCount > limit
	}
	if s.burstLeft > 0 || over {
		if s.burstLeft > 0 {
			s.burstLeft--
		}
		h.Set("X-RateLimit-Category", category)
		h.Set("X-RateLimit-Type", "QPS")
		h.Set("X-RateLimit-Limit", strconv.Itoa(max(limit, 1)))
		h.Set("X-RateLimit-Remaining", "0")
		switch s.opts.RetryAfter {
		case "iso":
			h.Set("Retry-After", windowStart.Add(window).UTC().Format(time.RFC3339))
		case "seconds":
			h.Set("Retry-After", strconv.Itoa(max(1, int((windowStart.Add(window).Sub(real)+time.Second-1)/time.Second))))
		}
		s.writeLimited(w, msg)
		return true
	}
	return false
}

func (s *Server) writeLimited(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write(zoomError(429, msg))
}

// token is the Server-to-Server OAuth endpoint: Basic client credentials,
// grant_type=account_credentials and the account id, in the form body or
// the query.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.tokenRequests.Add(1)
	oauthErr := func(status int, code, reason string) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"reason": reason, "error": code})
	}
	if r.Method != http.MethodPost {
		oauthErr(http.StatusMethodNotAllowed, "invalid_request", "Use POST.")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthErr(http.StatusBadRequest, "invalid_request", "Unreadable form.")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || id != s.opts.ClientID || secret != s.opts.ClientSecret {
		oauthErr(http.StatusUnauthorized, "invalid_client", "Invalid client_id or client_secret")
		return
	}
	if g := r.Form.Get("grant_type"); g != "account_credentials" {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type")
		return
	}
	if a := r.Form.Get("account_id"); a != s.opts.AccountID {
		oauthErr(http.StatusBadRequest, "invalid_request", "Invalid request : Account ID is not valid.")
		return
	}
	tok := s.issueAccessToken()
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "token_type": "bearer", "expires_in": int(s.opts.TokenTTL.Seconds()),
		"scope": "dashboard_meetings:read:admin dashboard_webinars:read:admin", "api_url": "https://api.zoom.us",
	})
}

// issueAccessToken makes a new access token, valid for TokenTTL.
func (s *Server) issueAccessToken() string {
	var b [24]byte
	rand.Read(b[:])
	tok := "fz." + hex.EncodeToString(b[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = s.opts.Clock().Add(s.opts.TokenTTL)
	s.issued = append(s.issued, tok)
	return tok
}

// pageToken is what a next_page_token stands for. Zoom's expire after 15
// minutes.
type pageToken struct {
	Key    string `json:"k"` // what is being paged
	Offset int    `json:"o"`
	Issued int64  `json:"i"` // Clock time, Unix seconds
}

const pageTokenTTL = 15 * time.Minute

func (s *Server) issueToken(key string, offset int) string {
	b, _ := json.Marshal(pageToken{Key: key, Offset: offset, Issued: s.opts.Clock().Unix()})
	return base64.RawURLEncoding.EncodeToString(b)
}

// nextToken is the next_page_token of a list page that ends at end of
// total records, paging in steps of size from off: none after the last
// page. The repeat-token fault answers the token of the request again; the
// endless-pages fault issues one past the end, too.
func (s *Server) nextToken(q url.Values, key string, off, size, end, total int) string {
	if t := q.Get("next_page_token"); t != "" {
		if k := s.opts.Faults.RepeatTokenEvery; k > 0 && s.paged.Add(1)%int64(k) == 0 {
			return t
		}
	}
	switch {
	case end < total:
		return s.issueToken(key, end)
	case s.opts.Faults.EndlessPages:
		return s.issueToken(key, max(off, end)+size)
	}
	return ""
}

// offset reads a next_page_token for key; bad or expired ones get Zoom's
// code 300.
func (s *Server) offset(q url.Values, key string) (int, []byte) {
	t := q.Get("next_page_token")
	if t == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(t)
	var pt pageToken
	if err != nil || json.Unmarshal(b, &pt) != nil || pt.Key != key || pt.Offset < 0 ||
		s.opts.Clock().Sub(time.Unix(pt.Issued, 0)) > pageTokenTTL {
		return -1, zoomError(300, "The next page token is invalid or expired.")
	}
	return pt.Offset, nil
}

// pageSize reads page_size: default def, at most limit.
func pageSize(q url.Values, def, limit int) int {
	n, err := strconv.Atoi(q.Get("page_size"))
	if err != nil || n <= 0 {
		return def
	}
	return min(n, limit)
}
