package fakezoom

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type apiClient struct {
	t   *testing.T
	fz  *Running
	tok string
}

func newAPIClient(t *testing.T, o Options) *apiClient {
	t.Helper()
	fz := Start(o)
	t.Cleanup(fz.Close)
	return &apiClient{t: t, fz: fz, tok: fetchToken(t, fz)}
}

// get returns status, Zoom code (0 on success) and body.
func (c *apiClient) get(path string, q url.Values) (int, int, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.fz.APIURL+path+"?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+c.tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var e struct {
		Code int `json:"code"`
	}
	if resp.StatusCode != http.StatusOK {
		json.Unmarshal(body, &e)
	}
	return resp.StatusCode, e.Code, body
}

func qosPath(uuid string) string {
	return "/metrics/meetings/" + url.PathEscape(url.PathEscape(uuid)) + "/participants/qos"
}

var epoch = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func fixed(t time.Time) func() time.Time { return func() time.Time { return t } }

// The same seed and epoch give the same account, byte for byte.
func TestDeterministic(t *testing.T) {
	o := Options{Seed: 11, Clock: fixed(epoch), PastMeetings: 3, Participants: 20}
	a, b := newAPIClient(t, o), newAPIClient(t, o)
	m := a.fz.Meetings()[0]
	if m != b.fz.Meetings()[0] {
		t.Fatalf("schedules differ: %+v %+v", m, b.fz.Meetings()[0])
	}
	q := url.Values{"type": {"past"}, "page_size": {"10"}}
	_, _, pa := a.get(qosPath(m.UUID), q)
	_, _, pb := b.get(qosPath(m.UUID), q)
	if !bytes.Equal(pa, pb) {
		t.Error("the same page differs between two servers with the same seed")
	}
	o.Seed = 12
	c := newAPIClient(t, o)
	if c.fz.Meetings()[0].UUID == m.UUID {
		t.Error("another seed gave the same meeting")
	}
}

func TestTokenEndpoint(t *testing.T) {
	fz := Start(Options{Clock: fixed(epoch)})
	defer fz.Close()
	post := func(user, pass string, form url.Values) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, fz.TokenURL, strings.NewReader(form.Encode()))
		req.SetBasicAuth(user, pass)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e struct {
			Error string `json:"error"`
		}
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e.Error
	}
	good := url.Values{"grant_type": {"account_credentials"}, "account_id": {"fake-account"}}
	for name, tc := range map[string]struct {
		user, pass string
		form       url.Values
		status     int
		code       string
	}{
		"good":          {"fake-client", "fake-secret", good, 200, ""},
		"wrong secret":  {"fake-client", "nope", good, 401, "invalid_client"},
		"wrong client":  {"other", "fake-secret", good, 401, "invalid_client"},
		"wrong grant":   {"fake-client", "fake-secret", url.Values{"grant_type": {"client_credentials"}, "account_id": {"fake-account"}}, 400, "unsupported_grant_type"},
		"wrong account": {"fake-client", "fake-secret", url.Values{"grant_type": {"account_credentials"}, "account_id": {"x"}}, 400, "invalid_request"},
	} {
		if status, code := post(tc.user, tc.pass, tc.form); status != tc.status || code != tc.code {
			t.Errorf("%s: %d %q, want %d %q", name, status, code, tc.status, tc.code)
		}
	}
	// Tokens expire with their TTL, by the server's clock.
	var now atomic.Int64
	now.Store(epoch.Unix())
	c := newAPIClient(t, Options{Clock: func() time.Time { return time.Unix(now.Load(), 0) }, PastMeetings: 1})
	if s, _, _ := c.get("/metrics/meetings", url.Values{"type": {"live"}}); s != 200 {
		t.Fatalf("fresh token: %d", s)
	}
	now.Add(3601)
	if s, code, _ := c.get("/metrics/meetings", url.Values{"type": {"live"}}); s != 401 || code != 124 {
		t.Errorf("expired token: %d code %d, want 401 code 124", s, code)
	}
}

func TestPaginationAndPageTokens(t *testing.T) {
	var now atomic.Int64
	now.Store(epoch.Unix())
	c := newAPIClient(t, Options{Seed: 3, Clock: func() time.Time { return time.Unix(now.Load(), 0) },
		Meetings: []MeetingSpec{{UUID: "m==", Start: epoch.Add(-3 * time.Hour), Duration: time.Hour, Participants: 25, NoRejoins: true}}})
	var page struct {
		PageCount    int               `json:"page_count"`
		PageSize     int               `json:"page_size"`
		TotalRecords int               `json:"total_records"`
		Next         string            `json:"next_page_token"`
		Participants []json.RawMessage `json:"participants"`
	}
	// page_size defaults to 1 and is capped at 10, as Zoom's.
	_, _, b := c.get(qosPath("m=="), url.Values{"type": {"past"}})
	json.Unmarshal(b, &page)
	if page.PageSize != 1 || len(page.Participants) != 1 || page.TotalRecords != 25 || page.PageCount != 25 {
		t.Errorf("default page: %+v", page)
	}
	seen := 0
	q := url.Values{"type": {"past"}, "page_size": {"50"}}
	for {
		_, _, b := c.get(qosPath("m=="), q)
		page.Next = ""
		json.Unmarshal(b, &page)
		if page.PageSize != 10 {
			t.Fatalf("page_size 50 gave %d", page.PageSize)
		}
		seen += len(page.Participants)
		if page.Next == "" {
			break
		}
		q.Set("next_page_token", page.Next)
	}
	if seen != 25 {
		t.Errorf("paged through %d participants, want 25", seen)
	}
	// Page tokens expire after 15 minutes; forged ones are refused.
	q = url.Values{"type": {"past"}, "page_size": {"10"}}
	_, _, b = c.get(qosPath("m=="), q)
	json.Unmarshal(b, &page)
	q.Set("next_page_token", page.Next)
	now.Add(16 * 60)
	if s, code, _ := c.get(qosPath("m=="), q); s != 300 || code != 300 {
		t.Errorf("expired page token: %d code %d", s, code)
	}
	q.Set("next_page_token", "forged")
	if s, code, _ := c.get(qosPath("m=="), q); code != 300 {
		t.Errorf("forged page token: %d code %d", s, code)
	}
}

// Live meetings grow while they run, hold only the people in them, and are
// gone (404, code 3001) once over; past data appears when they end.
func TestLiveMeetingsGrow(t *testing.T) {
	var now atomic.Int64
	now.Store(epoch.Unix())
	c := newAPIClient(t, Options{Seed: 3, Clock: func() time.Time { return time.Unix(now.Load(), 0).UTC() },
		Meetings: []MeetingSpec{{UUID: "live==", Start: epoch.Add(-10 * time.Minute), Duration: 30 * time.Minute, Participants: 8}}})
	samples := func() int {
		_, _, b := c.get(qosPath("live=="), url.Values{"type": {"live"}, "page_size": {"10"}})
		return bytes.Count(b, []byte(`"date_time"`))
	}
	first := samples()
	now.Add(5 * 60)
	second := samples()
	if first == 0 || second <= first {
		t.Errorf("samples while live: %d then %d", first, second)
	}
	if s, code, _ := c.get(qosPath("live=="), url.Values{"type": {"past"}}); s != 404 || code != 3001 {
		t.Errorf("past data of a running meeting: %d %d", s, code)
	}
	_, _, list := c.get("/metrics/meetings", url.Values{"type": {"live"}})
	if !bytes.Contains(list, []byte(`"live=="`)) {
		t.Errorf("running meeting not listed as live: %s", list)
	}
	now.Add(25 * 60)
	if s, code, _ := c.get(qosPath("live=="), url.Values{"type": {"live"}}); s != 404 || code != 3001 {
		t.Errorf("live data of an ended meeting: %d %d", s, code)
	}
	if s, _, _ := c.get(qosPath("live=="), url.Values{"type": {"past"}}); s != 200 {
		t.Errorf("past data of an ended meeting: %d", s)
	}
}

// The generated data holds what real data holds: every value shape in the
// Zoom notes, rejoins, missing streams, degradation, the newer fields.
func TestRealisticData(t *testing.T) {
	c := newAPIClient(t, Options{Seed: 1, Clock: fixed(epoch), PastMeetings: 4, Participants: 60})
	var all bytes.Buffer
	for _, m := range c.fz.Meetings() {
		q := url.Values{"type": {"past"}, "page_size": {"10"}}
		for {
			_, _, b := c.get(qosPath(m.UUID), q)
			all.Write(b)
			var p struct {
				Next string `json:"next_page_token"`
			}
			json.Unmarshal(b, &p)
			if p.Next == "" {
				break
			}
			q.Set("next_page_token", p.Next)
		}
	}
	s := all.String()
	for _, shape := range []string{` kbps"`, `kbps"`, ` Kbps"`, ` ms"`, `ms"`, `%"`, ` fps"`, `"0*0"`, `"1280*720"`, `""`, `"-"`, `"N/A"`,
		`.0000000+00:00"`, `"wifi_rssi"`, `"cpu_pressure_level"`, `"audio_device_from_crc"`, `"video_device_to_rwg"`, `"as_device_from_crc"`,
		`"device":"Phone"`, `"device":"H.323/SIP"`, `"id":""`, `"critical"`,
		// The changelog's fields, for newer clients.
		`"client":"Zoom Workplace"`, `"health":"good"`, `"health":"warning"`, `"issue_list":[]`, `"Unstable network"`, `"High CPU usage"`,
		`"video_connection_type":"UDP"`, `"as_connection_type":"SSL"`, `"meeting_number":"8`, `"rc_reason":"network reconnect"`,
		`"command_socket_break":0`} {
		if !strings.Contains(s, shape) {
			t.Errorf("no %s in the generated data", shape)
		}
	}
	if !regexp.MustCompile(`"audio_socket_break":[1-9]`).MatchString(s) {
		t.Error("no socket breaks")
	}
	// Only the participants list has the connection's details.
	for _, field := range []string{`"network_type"`, `"data_center"`, `"full_data_center"`, `,"connection_type"`, `"os"`, `"os_version"`} {
		if strings.Contains(s, field) {
			t.Errorf("%s in a QoS answer", field)
		}
	}
	var list bytes.Buffer
	for _, m := range c.fz.Meetings() {
		_, _, b := c.get(participantsPath("meetings", m.UUID), url.Values{"type": {"past"}, "page_size": {"300"}})
		list.Write(b)
	}
	for _, shape := range []string{`"network_type":"Wifi"`, `"network_type":"Wired"`, `"network_type":"Cellular"`, `"network_type":"Others"`,
		`"data_center":"Frankfurt (DE)"`, `"full_data_center"`, `"connection_type":"SSL"`, `"audio_quality":"good"`, `"audio_quality":"poor"`,
		`"video_quality":""`, `"screen_share_quality":""`, `"screen_share_quality":"good"`, `"audio_call":[`, `"bo_mtg_id"`, `"customer_key"`,
		`"sip_uri"`, `"camera":"FaceTime HD Camera"`, `"microphone":"Jabra Evolve2 65"`, `"share_desktop":true`, `"recording":true`,
		` got disconnected from the meeting."`, `"Host ended the meeting."`, ` left the meeting."`} {
		if !strings.Contains(list.String(), shape) {
			t.Errorf("no %s in the participants lists", shape)
		}
	}
	rejoins := 0
	for _, m := range c.fz.Meetings() {
		rejoins += m.Sessions - m.Participants
	}
	if rejoins == 0 {
		t.Error("no rejoins")
	}
	// Degradation: latencies beyond 150 ms and losses beyond 3 %.
	if !strings.Contains(s, `"latency":"3`) || !strings.Contains(s, `"avg_loss":"9.`) {
		t.Error("no degradation episodes")
	}
}

func TestRateLimitsAndFaults(t *testing.T) {
	c := newAPIClient(t, Options{Clock: fixed(epoch), PastMeetings: 1, DailyLimit: 2})
	c.get("/metrics/meetings", url.Values{"type": {"live"}})
	c.get("/metrics/meetings", url.Values{"type": {"live"}})
	req, _ := http.NewRequest(http.MethodGet, c.fz.APIURL+"/metrics/meetings?type=live", nil)
	req.Header.Set("Authorization", "Bearer "+c.tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != 429 || h.Get("X-RateLimit-Type") != "Daily-limit" || h.Get("X-RateLimit-Category") != "Resource-intensive" ||
		h.Get("Retry-After") != "2026-11-21T00:00:00Z" || h.Get("X-Zm-Trackingid") == "" {
		t.Errorf("daily limit: %d %v", resp.StatusCode, h)
	}

	c = newAPIClient(t, Options{Clock: fixed(epoch), PastMeetings: 1, QPS: 1, RetryAfter: "seconds"})
	// The window is the wall-clock second, so a burst that straddles a
	// second boundary may pass; 12 requests cannot all pass unless each
	// takes a whole second on loopback, which no loaded machine comes near.
	var codes []int
	for range 12 {
		s, _, _ := c.get(qosPath(c.fz.Meetings()[0].UUID), url.Values{"type": {"past"}})
		if codes = append(codes, s); s == 429 {
			break
		}
	}
	if codes[0] != 200 || codes[len(codes)-1] != 429 {
		t.Errorf("QPS 2: statuses %v", codes)
	}

	f, err := ParseFaults("429=2x2,5xx=3,slow=4x10ms,truncate=5,expire=9,hang=6,stall=7,nonqos=8,repeat-token,endless-pages")
	if err != nil || f.Burst429Every != 2 || f.Burst429Len != 2 || f.ServerErrors != 3 || f.SlowEvery != 4 ||
		f.Slow != 10*time.Millisecond || f.TruncateEvery != 5 || f.ExpireTokens != 9 ||
		f.HangEvery != 6 || f.StallEvery != 7 || f.NotQoSEvery != 8 || f.RepeatTokenEvery != 1 || !f.EndlessPages {
		t.Errorf("ParseFaults = %+v, %v", f, err)
	}
	for _, bad := range []string{"5xx=0", "boom=3", "slow=2xfast", "429=1x0", "hang=2x3", "endless-pages=2", "nonqos=often"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) accepted", bad)
		}
	}
}
