package fakezoom

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// do sends an authorized API request and returns the response with its
// body unread.
func (c *apiClient) do(path string, q url.Values) *http.Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.fz.APIURL+path+"?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+c.tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp
}

type listPage struct {
	PageCount    int               `json:"page_count"`
	TotalRecords int               `json:"total_records"`
	Next         string            `json:"next_page_token"`
	Participants []json.RawMessage `json:"participants"`
	Meetings     []json.RawMessage `json:"meetings"`
}

func onePastMeeting(f Faults) Options {
	return Options{Seed: 3, Clock: fixed(epoch), Faults: f,
		Meetings: []MeetingSpec{{UUID: "m==", Start: epoch.Add(-3 * time.Hour), Duration: time.Hour, Participants: 25, NoRejoins: true}}}
}

// The hang fault accepts a request and never answers it: the client has
// to give up. The next request is answered as usual.
func TestFaultHang(t *testing.T) {
	c := newAPIClient(t, onePastMeeting(Faults{HangEvery: 2}))
	q := url.Values{"type": {"past"}, "page_size": {"10"}}
	c.do(qosPath("m=="), q).Body.Close() // request 1: answered
	req, _ := http.NewRequest(http.MethodGet, c.fz.APIURL+qosPath("m==")+"?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+c.tok)
	// However long the client waits, nothing comes: 100 ms proves it as
	// well as an hour, and a slow machine only makes it more certain.
	_, err := (&http.Client{Timeout: 100 * time.Millisecond}).Do(req)
	var ne interface{ Timeout() bool }
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("hung request: %v, want a client timeout", err)
	}
	if resp := c.do(qosPath("m=="), q); resp.StatusCode != http.StatusOK {
		t.Errorf("request 3: %s", resp.Status)
	} else {
		resp.Body.Close()
	}
}

// The stall fault sends the headers and half the body, then nothing.
func TestFaultStall(t *testing.T) {
	c := newAPIClient(t, onePastMeeting(Faults{StallEvery: 1}))
	resp := c.do(qosPath("m=="), url.Values{"type": {"past"}, "page_size": {"10"}})
	defer resp.Body.Close()
	n, err := io.ReadFull(resp.Body, make([]byte, resp.ContentLength/2))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: read %d of the first half: %v", resp.Status, n, err)
	}
	more := make(chan error, 1)
	go func() {
		_, err := resp.Body.Read(make([]byte, 1))
		more <- err
	}()
	select {
	case err := <-more:
		t.Errorf("the stalled answer went on: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
}

// The nonqos fault answers HTTP 200 with an empty object, a Zoom error
// body and an HTML page in turn.
func TestFaultNotQoS(t *testing.T) {
	c := newAPIClient(t, onePastMeeting(Faults{NotQoSEvery: 1}))
	var bodies []string
	for range 3 {
		status, _, body := c.get(qosPath("m=="), url.Values{"type": {"past"}, "page_size": {"10"}})
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		bodies = append(bodies, string(bytes.TrimSpace(body))[:min(len(body), 15)])
	}
	if bodies[0] != "{}" || bodies[1] != `{"code":124,"me` || bodies[2] != "<!DOCTYPE html>" {
		t.Errorf("bodies %q", bodies)
	}
}

// The repeat-token fault answers a next_page_token with itself.
func TestFaultRepeatToken(t *testing.T) {
	c := newAPIClient(t, onePastMeeting(Faults{RepeatTokenEvery: 1}))
	q := url.Values{"type": {"past"}, "page_size": {"10"}}
	var p listPage
	_, _, b := c.get(qosPath("m=="), q)
	json.Unmarshal(b, &p)
	first := p.Next
	if first == "" {
		t.Fatal("no next_page_token on page 1")
	}
	for range 3 {
		q.Set("next_page_token", p.Next)
		_, _, b = c.get(qosPath("m=="), q)
		p = listPage{}
		json.Unmarshal(b, &p)
		if p.Next != first || len(p.Participants) != 10 {
			t.Fatalf("next_page_token %q with %d participants, want %q again", p.Next, len(p.Participants), first)
		}
	}
	// Discovery too.
	q = url.Values{"type": {"past"}, "from": {"2026-10-25"}, "to": {"2026-11-20"}, "page_size": {"1"}}
	c2 := newAPIClient(t, Options{Seed: 3, Clock: fixed(epoch), PastMeetings: 3, Faults: Faults{RepeatTokenEvery: 1}})
	_, _, b = c2.get("/metrics/meetings", q)
	p = listPage{}
	json.Unmarshal(b, &p)
	tok := p.Next
	q.Set("next_page_token", tok)
	_, _, b = c2.get("/metrics/meetings", q)
	p = listPage{}
	json.Unmarshal(b, &p)
	if tok == "" || p.Next != tok {
		t.Errorf("discovery: next_page_token %q then %q", tok, p.Next)
	}
}

// The endless-pages fault keeps issuing new next_page_tokens past the
// last page, while page_count and total_records stay true, and its pages
// still match Zoom's spec.
func TestFaultEndlessPages(t *testing.T) {
	c := newAPIClient(t, onePastMeeting(Faults{EndlessPages: true}))
	schema := loadSpec(t)["/metrics/meetings/{meetingId}/participants/qos"]
	q := url.Values{"type": {"past"}, "page_size": {"10"}}
	seen := map[string]bool{}
	participants := 0
	for page := 1; page <= 6; page++ {
		_, _, b := c.get(qosPath("m=="), q)
		var p listPage
		json.Unmarshal(b, &p)
		var v any
		json.Unmarshal(b, &v)
		for _, e := range schema.validate("$", v) {
			t.Errorf("page %d: %s", page, e)
		}
		participants += len(p.Participants)
		if p.PageCount != 3 || p.TotalRecords != 25 || p.Next == "" || seen[p.Next] {
			t.Fatalf("page %d: page_count %d, total_records %d, next_page_token %q (seen before: %v)", page, p.PageCount, p.TotalRecords, p.Next, seen[p.Next])
		}
		seen[p.Next] = true
		q.Set("next_page_token", p.Next)
	}
	if participants != 25 {
		t.Errorf("%d participants over six pages, want the 25 there are", participants)
	}
}
