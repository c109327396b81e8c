package fakezoom

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// entry is what the tests read of a participants list entry or a QoS
// participant.
type entry struct {
	ID                 string `json:"id"`
	UserID             string `json:"user_id"`
	UserName           string `json:"user_name"`
	Device             string `json:"device"`
	JoinTime           string `json:"join_time"`
	LeaveTime          string `json:"leave_time"`
	LeaveReason        string `json:"leave_reason"`
	NetworkType        string `json:"network_type"`
	DataCenter         string `json:"data_center"`
	FullDataCenter     string `json:"full_data_center"`
	ConnectionType     string `json:"connection_type"`
	AudioQuality       string `json:"audio_quality"`
	VideoQuality       string `json:"video_quality"`
	ScreenShareQuality string `json:"screen_share_quality"`
	Role               string `json:"role"`
	RegistrantID       string `json:"registrant_id"`
	Camera             *string
	Status             *string
	BoMtgID            *string `json:"bo_mtg_id"`
	AudioCall          []struct {
		CallNumber string `json:"call_number"`
		CallType   string `json:"call_type"`
		ZoomNumber string `json:"zoom_number"`
	} `json:"audio_call"`
}

type entryPage struct {
	PageCount    int     `json:"page_count"`
	PageSize     int     `json:"page_size"`
	TotalRecords int     `json:"total_records"`
	Next         string  `json:"next_page_token"`
	Participants []entry `json:"participants"`
}

// all pages through a participants or QoS list and returns its entries
// and the number of pages.
func (c *apiClient) all(path string, q url.Values) ([]entry, int) {
	c.t.Helper()
	var out []entry
	for pages := 1; ; pages++ {
		status, _, b := c.get(path, q)
		var p entryPage
		if err := json.Unmarshal(b, &p); err != nil || status != http.StatusOK {
			c.t.Fatalf("GET %s?%s: %d %v %.200s", path, q.Encode(), status, err, b)
		}
		out = append(out, p.Participants...)
		if p.Next == "" {
			return out, pages
		}
		q.Set("next_page_token", p.Next)
	}
}

func participantsPath(kind, uuid string) string {
	return "/metrics/" + kind + "/" + url.PathEscape(url.PathEscape(uuid)) + "/participants"
}

// The participants list: page_size default 30 and at most 300, every
// session once, with the QoS answers' ids and times so that a client can
// match them, and the network and rating details the QoS answers lack.
func TestParticipantsList(t *testing.T) {
	past, live := "/ab//cd+ef==", "live/one=="
	c := newAPIClient(t, Options{Seed: 7, Clock: fixed(epoch), Meetings: []MeetingSpec{
		{UUID: past, ID: 81234567890, Start: epoch.Add(-3 * time.Hour), Duration: time.Hour, Participants: 80},
		{UUID: live, Start: epoch.Add(-20 * time.Minute), Duration: time.Hour, Participants: 40},
		{UUID: "old==", Start: epoch.AddDate(-2, 0, 0), Duration: time.Hour, Participants: 3},
	}})
	sessions := c.fz.Meetings()[0].Sessions
	path := participantsPath("meetings", past)

	_, _, b := c.get(path, url.Values{"type": {"past"}})
	var p entryPage
	json.Unmarshal(b, &p)
	if p.PageSize != 30 || len(p.Participants) != 30 || p.TotalRecords != sessions || p.PageCount != (sessions+29)/30 || p.Next == "" {
		t.Errorf("default page: page_size %d, %d entries, total_records %d of %d sessions, page_count %d",
			p.PageSize, len(p.Participants), p.TotalRecords, sessions, p.PageCount)
	}
	_, _, b = c.get(path, url.Values{"type": {"past"}, "page_size": {"1000"}})
	p = entryPage{}
	json.Unmarshal(b, &p)
	if p.PageSize != 300 || len(p.Participants) != sessions || p.Next != "" {
		t.Errorf("page_size 1000: page_size %d, %d entries of %d, next %q", p.PageSize, len(p.Participants), sessions, p.Next)
	}
	whole := p.Participants
	paged, pages := c.all(path, url.Values{"type": {"past"}, "page_size": {"7"}})
	if pages != (sessions+6)/7 || !slices.EqualFunc(paged, whole, func(a, b entry) bool { return a.UserID == b.UserID && a.JoinTime == b.JoinTime }) {
		t.Errorf("pages of 7: %d pages, %d entries; want the %d of one page of 300, in order", pages, len(paged), len(whole))
	}

	// The same sessions as the QoS list, with the same ids and times.
	qos, _ := c.all(qosPath(past), url.Values{"type": {"past"}, "page_size": {"10"}})
	key := func(e entry) string { return e.ID + "|" + e.UserID + "|" + e.JoinTime + "|" + e.LeaveTime }
	if !slices.Equal(mapped(qos, key), mapped(whole, key)) {
		t.Errorf("participants list and QoS list differ:\n%v\n%v", mapped(whole, key), mapped(qos, key))
	}
	for _, e := range qos {
		if e.NetworkType != "" || e.DataCenter != "" || e.ConnectionType != "" || e.AudioQuality != "" {
			t.Fatalf("a QoS participant with the participants list's fields: %+v", e)
		}
	}

	// What SessionDetails says is what the list says.
	details := c.fz.SessionDetails(past)
	if len(details) != sessions {
		t.Fatalf("SessionDetails: %d of %d sessions", len(details), sessions)
	}
	seen, hosts := map[string]bool{}, map[string]bool{}
	callNumber := regexp.MustCompile(`^\+1 \*\*\* \*\*\* \d{4}$`)
	for i, e := range whole {
		d := details[i]
		if d.UserID != e.UserID || d.ParticipantID != e.ID || d.JoinTime != e.JoinTime || d.LeaveTime != e.LeaveTime ||
			d.NetworkType != e.NetworkType || d.DataCenter != e.DataCenter || d.FullDataCenter != e.FullDataCenter ||
			d.ConnectionType != e.ConnectionType || d.AudioQuality != e.AudioQuality || d.VideoQuality != e.VideoQuality ||
			d.ScreenShareQuality != e.ScreenShareQuality {
			t.Errorf("session %d: SessionDetails %+v, list %+v", i, d, e)
		}
		if e.NetworkType == "" || e.DataCenter == "" || e.LeaveTime == "" || e.LeaveReason == "" || e.Status == nil {
			t.Errorf("session %d lacks fields: %+v", i, e)
		}
		if e.Role == "host" {
			hosts[e.UserName] = true
		} else if e.Role != "attendee" {
			t.Errorf("role %q in a meeting", e.Role)
		}
		if e.Device == "Phone" {
			if len(e.AudioCall) != 1 || !callNumber.MatchString(e.AudioCall[0].CallNumber) || e.AudioCall[0].CallType != "call-in" ||
				e.AudioCall[0].ZoomNumber == "" || e.VideoQuality != "" || e.ScreenShareQuality != "" {
				t.Errorf("phone session: %+v", e)
			}
			seen["phone"] = true
		} else if len(e.AudioCall) > 0 {
			t.Errorf("audio_call for a %s: %+v", e.Device, e)
		}
		if d.Rejoin {
			seen["rejoin"] = true
		}
		if strings.HasSuffix(e.LeaveReason, " got disconnected from the meeting.") {
			seen["disconnected"] = true
		}
		if e.LeaveReason == "Host ended the meeting." {
			seen["ended"] = true
		}
		if e.BoMtgID != nil {
			seen["breakout"] = true
		}
		seen["quality "+e.AudioQuality] = true
	}
	for _, want := range []string{"phone", "rejoin", "disconnected", "ended", "quality good", "quality fair"} {
		if !seen[want] {
			t.Errorf("no %s in the list", want)
		}
	}
	if len(hosts) != 1 {
		t.Errorf("hosts %v, want one", hosts)
	}
	if seen["breakout"] {
		t.Error("breakout rooms in the first meeting: only every third from the second has them")
	}

	// Live: the sessions in the meeting now, as the live QoS list has them.
	liveList, _ := c.all(participantsPath("meetings", live), url.Values{"page_size": {"300"}})
	liveQoS, _ := c.all(qosPath(live), url.Values{"type": {"live"}, "page_size": {"10"}})
	if len(liveList) == 0 || !slices.Equal(mapped(liveList, key), mapped(liveQoS, key)) {
		t.Errorf("live participants %v, live QoS %v", mapped(liveList, key), mapped(liveQoS, key))
	}
	for _, e := range liveList {
		if e.LeaveTime != "" || e.LeaveReason != "" {
			t.Errorf("live entry with a leave: %+v", e)
		}
	}

	// Zoom's errors.
	for _, tc := range []struct {
		path         string
		typ          string
		status, code int
	}{
		{participantsPath("meetings", "nope=="), "past", 404, 3001},
		{participantsPath("meetings", live), "past", 404, 3001},
		{participantsPath("meetings", past), "live", 404, 3001},
		{participantsPath("meetings", past), "", 404, 3001}, // live by default
		{participantsPath("meetings", "old=="), "past", 400, 12702},
		{participantsPath("webinars", past), "past", 404, 3001}, // a meeting is not a webinar
		{"/metrics/meetings/81234567890/participants", "past", 200, 0},
		{participantsPath("meetings", past), "pastOne", 200, 0},
	} {
		q := url.Values{}
		if tc.typ != "" {
			q.Set("type", tc.typ)
		}
		if s, code, b := c.get(tc.path, q); s != tc.status || code != tc.code {
			t.Errorf("%s type %q: %d code %d, want %d code %d: %s", tc.path, tc.typ, s, code, tc.status, tc.code, b)
		}
	}
}

func mapped[T any](xs []T, f func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// Webinar participants: panelists, registrant ids when asked for (never
// live), and none of the meeting-only fields.
func TestWebinarParticipants(t *testing.T) {
	c := newAPIClient(t, Options{Seed: 8, Clock: fixed(epoch), Meetings: []MeetingSpec{
		{UUID: "web==", Webinar: true, Start: epoch.Add(-3 * time.Hour), Duration: time.Hour, Participants: 120},
		{UUID: "meet==", Start: epoch.Add(-5 * time.Hour), Duration: time.Hour, Participants: 120},
	}})
	plain, _ := c.all(participantsPath("webinars", "web=="), url.Values{"type": {"past"}, "page_size": {"300"}})
	withIDs, _ := c.all(participantsPath("webinars", "web=="), url.Values{"type": {"past"}, "page_size": {"300"}, "include_fields": {"registrant_id"}})
	roles := map[string]int{}
	registrants := 0
	for i, e := range plain {
		roles[e.Role]++
		if e.Camera != nil || e.Status != nil || e.BoMtgID != nil || e.RegistrantID != "" {
			t.Errorf("webinar entry with meeting-only fields or an unasked registrant_id: %+v", e)
		}
		if withIDs[i].RegistrantID != "" {
			registrants++
		}
		if strings.Contains(e.LeaveReason, "meeting") {
			t.Errorf("webinar leave reason %q", e.LeaveReason)
		}
	}
	if roles["host"] == 0 || roles["panelist"] == 0 || roles["attendee"] == 0 || registrants == 0 {
		t.Errorf("roles %v, %d registrant ids", roles, registrants)
	}
	meeting, _ := c.all(participantsPath("meetings", "meet=="), url.Values{"type": {"past"}, "page_size": {"300"}})
	for _, e := range meeting {
		if e.Role == "panelist" || e.RegistrantID != "" {
			t.Errorf("meeting entry %+v", e)
		}
	}
}

// Zoom's ratings follow the data the QoS samples come from: sessions hit
// by a long Wi-Fi episode are mostly rated poor or bad, clean sessions
// mostly good, a few disagree, and unused streams are unrated.
func TestQualityRatingsFollowTheData(t *testing.T) {
	s := NewServer(Options{Seed: 9, Clock: fixed(epoch), PastMeetings: 12, Participants: 60, Minutes: 60})
	var clean, cleanGood, hit, hitBad, differ, total int
	for _, m := range s.world.meetings {
		m.build()
		for i := range m.sessions {
			ss := &m.sessions[i]
			pr := &m.people[ss.person]
			zq, aq := m.zoomQuality(ss, m.end), m.actualQuality(ss, m.end)
			total++
			if zq != aq {
				differ++
			}
			if pr.audioOnly && (zq[1] != unrated || zq[2] != unrated) {
				t.Errorf("an audio-only session rated %v", zq)
			}
			if !pr.presents && zq[2] != unrated {
				t.Errorf("a session that never presented has a screen share rating %v", zq)
			}
			wifi, cpu, incident := m.episodes(ss, m.end)
			n := len(m.minuteClasses(ss.idx))
			inside := pr.wifiLen > 0 && !ss.join.After(m.Start.Add(time.Duration(pr.wifiFrom-1)*time.Minute)) &&
				!ss.leave.Before(m.Start.Add(time.Duration(pr.wifiFrom+pr.wifiLen)*time.Minute))
			switch {
			case inside && pr.wifiLen*100 >= 10*n:
				hit++
				if zq[0] >= poor {
					hitBad++
				}
			case !wifi && !cpu && !incident && !pr.audioOnly && (pr.network == "Wired" || pr.network == "Wifi"):
				clean++
				if zq[0] == good {
					cleanGood++
				}
			}
		}
	}
	t.Logf("%d sessions: %d of %d clean ones good, %d of %d with long Wi-Fi episodes poor or bad, %d rated apart from the rule",
		total, cleanGood, clean, hitBad, hit, differ)
	if clean < 50 || cleanGood*100 < 80*clean {
		t.Errorf("%d of %d clean sessions rated good", cleanGood, clean)
	}
	if hit < 10 || hitBad*100 < 80*hit {
		t.Errorf("%d of %d sessions with a long Wi-Fi episode rated poor or bad", hitBad, hit)
	}
	if differ == 0 || differ*5 > total {
		t.Errorf("%d of %d sessions rated apart from the rule: want a few", differ, total)
	}
}

// The details endpoint: a number is its latest instance, a UUID its own;
// type decides as for the other endpoints; webinars answer the webinars
// list's fields.
func TestMeetingDetails(t *testing.T) {
	c := newAPIClient(t, Options{Seed: 2, Clock: fixed(epoch), Meetings: []MeetingSpec{
		{UUID: "first==", ID: 81111111111, Start: epoch.Add(-5 * time.Hour), Duration: time.Hour, Participants: 5},
		{UUID: "/second//==", ID: 81111111111, Start: epoch.Add(-3 * time.Hour), Duration: time.Hour, Participants: 6},
		{UUID: "now==", ID: 82222222222, Start: epoch.Add(-10 * time.Minute), Duration: time.Hour, Participants: 4},
		{UUID: "web==", ID: 83333333333, Webinar: true, Start: epoch.Add(-4 * time.Hour), Duration: time.Hour, Participants: 8},
		{UUID: "old==", ID: 84444444444, Start: epoch.AddDate(-2, 0, 0), Duration: time.Hour, Participants: 3},
	}})
	details := func(kind, id, typ string) (int, int, map[string]any) {
		t.Helper()
		q := url.Values{}
		if typ != "" {
			q.Set("type", typ)
		}
		s, code, b := c.get("/metrics/"+kind+"/"+id, q)
		var v map[string]any
		json.Unmarshal(b, &v)
		return s, code, v
	}
	if s, _, v := details("meetings", "81111111111", "past"); s != 200 || v["uuid"] != "/second//==" || v["id"] != 81111111111.0 ||
		v["participants"] != 6.0 || v["duration"] != "01:00:00" || v["end_time"] == nil || v["audio_quality"] != nil {
		t.Errorf("by number: %d %v", s, v)
	}
	if s, _, v := details("meetings", url.PathEscape(url.PathEscape("/second//==")), "pastOne"); s != 200 || v["uuid"] != "/second//==" {
		t.Errorf("by double-encoded UUID: %d %v", s, v)
	}
	if s, _, v := details("meetings", "first==", "past"); s != 200 || v["uuid"] != "first==" || v["participants"] != 5.0 {
		t.Errorf("the first instance by UUID: %d %v", s, v)
	}
	if s, _, v := details("meetings", "82222222222", ""); s != 200 || v["uuid"] != "now==" || v["end_time"] != nil || v["duration"] != "00:10:00" {
		t.Errorf("live by number, type by default: %d %v", s, v)
	}
	if s, _, v := details("webinars", "83333333333", "past"); s != 200 || v["uuid"] != "web==" || v["audio_quality"] == nil || v["in_room_participants"] != nil {
		t.Errorf("webinar details: %d %v", s, v)
	}
	for _, tc := range []struct {
		kind, id, typ string
		status, code  int
		msg           string
	}{
		{"meetings", "82222222222", "past", 404, 3001, "This meeting's detail info is not available."},
		{"meetings", "81111111111", "live", 404, 3001, "This meeting's detail info is not available."},
		{"meetings", "99999999999", "past", 404, 3001, "This meeting's detail info is not available."},
		{"meetings", "83333333333", "past", 404, 3001, "This meeting's detail info is not available."},
		{"webinars", "nope==", "past", 404, 3001, "This webinar's detail info is not available."},
		{"meetings", "old==", "past", 400, 12702, "Can not access a meeting a year ago."},
	} {
		s, code, v := details(tc.kind, tc.id, tc.typ)
		if s != tc.status || code != tc.code || v["message"] != tc.msg {
			t.Errorf("%s %s type %s: %d %v, want %d code %d %q", tc.kind, tc.id, tc.typ, s, v, tc.status, tc.code, tc.msg)
		}
	}
}

// type=past lists ended meetings of two people or more, pastOne those of
// one; the one-person meetings answer every other endpoint as usual.
func TestPastOne(t *testing.T) {
	c := newAPIClient(t, Options{Seed: 4, Clock: fixed(epoch), PastMeetings: 3, PastOneMeetings: 4, Participants: 3})
	ones := 0
	for _, m := range c.fz.Meetings() {
		if m.Participants == 1 {
			ones++
		}
	}
	if ones != 4 || len(c.fz.Meetings()) != 7 {
		t.Fatalf("%d one-person meetings of %d, want 4 of 7", ones, len(c.fz.Meetings()))
	}
	list := func(typ string) []MeetingInfo {
		_, _, b := c.get("/metrics/meetings", url.Values{"type": {typ}, "from": {"2026-10-22"}, "to": {"2026-11-20"}, "page_size": {"300"}})
		var p struct {
			Meetings []struct {
				UUID         string `json:"uuid"`
				Participants int    `json:"participants"`
			} `json:"meetings"`
		}
		json.Unmarshal(b, &p)
		var out []MeetingInfo
		for _, m := range p.Meetings {
			out = append(out, MeetingInfo{UUID: m.UUID, Participants: m.Participants})
		}
		return out
	}
	past, one := list("past"), list("pastOne")
	if len(past) != 3 || len(one) != 4 {
		t.Fatalf("past lists %d, pastOne %d; want 3 and 4", len(past), len(one))
	}
	for _, m := range past {
		if m.Participants < 2 {
			t.Errorf("past lists %+v", m)
		}
	}
	for _, m := range one {
		if m.Participants != 1 {
			t.Errorf("pastOne lists %+v", m)
		}
		for _, path := range []string{participantsPath("meetings", m.UUID), qosPath(m.UUID)} {
			for _, typ := range []string{"past", "pastOne"} {
				if s, _, b := c.get(path, url.Values{"type": {typ}}); s != 200 {
					t.Errorf("%s type %s: %d %s", path, typ, s, b)
				}
			}
		}
	}
	// One-person meetings alone make an account without the defaults.
	if n := len(NewServer(Options{PastOneMeetings: 2}).Meetings()); n != 2 {
		t.Errorf("PastOneMeetings 2 alone: %d meetings", n)
	}
}

// The missing-scope fault answers 400, code 4711, on the endpoints of its
// family only, naming the classic and the granular scope.
func TestFaultMissingScope(t *testing.T) {
	type req struct{ family, path string }
	o := Options{Seed: 3, Clock: fixed(epoch), Meetings: []MeetingSpec{
		{UUID: "m==", Start: epoch.Add(-3 * time.Hour), Duration: time.Hour, Participants: 4, NoRejoins: true},
		{UUID: "w==", Webinar: true, Start: epoch.Add(-5 * time.Hour), Duration: time.Hour, Participants: 4, NoRejoins: true},
	}}
	reqs := []req{{"list", "/metrics/meetings"}, {"list", "/metrics/webinars"},
		{"details", "/metrics/meetings/m=="}, {"details", "/metrics/webinars/w=="},
		{"participants", "/metrics/meetings/m==/participants"}, {"participants", "/metrics/webinars/w==/participants"},
		{"qos", "/metrics/meetings/m==/participants/qos"}, {"qos", "/metrics/webinars/w==/participants/qos"}}
	want := map[string]string{
		"/metrics/meetings":                      "dashboard_meetings:read:admin, dashboard:read:list_meetings:admin",
		"/metrics/webinars":                      "dashboard_webinars:read:admin, dashboard:read:list_webinars:admin",
		"/metrics/meetings/m==":                  "dashboard_meetings:read:admin, dashboard:read:meeting:admin",
		"/metrics/webinars/w==":                  "dashboard_webinars:read:admin, dashboard:read:webinar:admin",
		"/metrics/meetings/m==/participants":     "dashboard_meetings:read:admin, dashboard:read:list_meeting_participants:admin",
		"/metrics/webinars/w==/participants":     "dashboard_webinars:read:admin, dashboard:read:list_webinar_participants:admin",
		"/metrics/meetings/m==/participants/qos": "dashboard_meetings:read:admin, dashboard:read:list_meeting_participants_qos:admin",
		"/metrics/webinars/w==/participants/qos": "dashboard_webinars:read:admin, dashboard:read:list_webinar_participants_qos:admin",
	}
	for _, family := range scopeFamilies {
		o.Faults = Faults{MissingScope: family}
		c := newAPIClient(t, o)
		u := c.fz.SessionDetails("m==")[0].UserID
		all := append(reqs, req{"qos", "/metrics/meetings/m==/participants/" + u + "/qos"})
		for _, r := range all {
			q := url.Values{"type": {"past"}, "from": {"2026-11-01"}, "to": {"2026-11-20"}}
			s, code, b := c.get(r.path, q)
			var e struct{ Message string }
			json.Unmarshal(b, &e)
			switch {
			case r.family != family && s != 200:
				t.Errorf("scope=%s: %s answered %d %s", family, r.path, s, b)
			case r.family == family && (s != 400 || code != 4711):
				t.Errorf("scope=%s: %s answered %d code %d, want 400 code 4711", family, r.path, s, code)
			case r.family == family && want[r.path] != "" &&
				e.Message != "Invalid access token, does not contain scopes:["+want[r.path]+"].":
				t.Errorf("scope=%s: %s: message %q", family, r.path, e.Message)
			}
		}
	}
	if f, err := ParseFaults("scope=details,5xx=3"); err != nil || f.MissingScope != "details" || f.ServerErrors != 3 {
		t.Errorf("ParseFaults: %+v %v", f, err)
	}
	for _, bad := range []string{"scope", "scope=meetings", "scope=qos,scope=1"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) accepted", bad)
		}
	}
}

// The two lists are Resource-intensive: a per-minute limit of their own,
// apart from the Heavy per-second one; the daily limit counts both.
func TestResourceIntensiveLimit(t *testing.T) {
	c := newAPIClient(t, Options{Clock: fixed(epoch), PastMeetings: 1, ListPerMinute: 1})
	uuid := c.fz.Meetings()[0].UUID
	// The window is the wall-clock minute: at most one boundary falls
	// within three quick requests, so with a limit of 1 one of them is
	// refused whatever the clock.
	var resp *http.Response
	for range 3 {
		resp = c.do("/metrics/meetings", url.Values{"type": {"live"}})
		resp.Body.Close()
		if resp.StatusCode == 429 {
			break
		}
	}
	h := resp.Header
	if _, err := time.Parse(time.RFC3339, h.Get("Retry-After")); resp.StatusCode != 429 || h.Get("X-RateLimit-Category") != "Resource-intensive" ||
		h.Get("X-RateLimit-Type") != "QPS" || h.Get("X-RateLimit-Limit") != "1" || err != nil {
		t.Errorf("list limit: %d %v", resp.StatusCode, h)
	}
	// Heavy requests do not count toward it, nor it toward them.
	for range 5 {
		if s, _, b := c.get(qosPath(uuid), url.Values{"type": {"past"}}); s != 200 {
			t.Fatalf("a Heavy request while lists are limited: %d %s", s, b)
		}
	}
	c = newAPIClient(t, Options{Clock: fixed(epoch), PastMeetings: 1, QPS: 1})
	for range 10 {
		if s, _, b := c.get("/metrics/meetings", url.Values{"type": {"live"}}); s != 200 {
			t.Fatalf("list requests under a Heavy QPS limit of 1: %d %s", s, b)
		}
	}
	// The day counts both kinds.
	c = newAPIClient(t, Options{Clock: fixed(epoch), PastMeetings: 1, DailyLimit: 2})
	uuid = c.fz.Meetings()[0].UUID
	c.get("/metrics/meetings", url.Values{"type": {"live"}})
	c.get(qosPath(uuid), url.Values{"type": {"past"}})
	for path, category := range map[string]string{qosPath(uuid): "Heavy", "/metrics/meetings": "Resource-intensive"} {
		resp := c.do(path, url.Values{"type": {"past"}, "from": {"2026-11-01"}, "to": {"2026-11-20"}})
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Type") != "Daily-limit" || resp.Header.Get("X-RateLimit-Category") != category {
			t.Errorf("%s over the daily limit: %d %v", path, resp.StatusCode, resp.Header)
		}
	}
}
