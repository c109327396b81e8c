package fakezoom

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// schema is the part of an OpenAPI 3.0 schema object that Zoom's metrics
// spec uses.
type schema struct {
	Type       string             `json:"type"`
	Format     string             `json:"format"`
	Properties map[string]*schema `json:"properties"`
	Items      *schema            `json:"items"`
	Enum       []any              `json:"enum"`
	Maximum    *float64           `json:"maximum"`
	Minimum    *float64           `json:"minimum"`
	MaxLength  *int               `json:"maxLength"`
	OneOf      []*schema          `json:"oneOf"`
	Required   []string           `json:"required"`
}

// validate checks a decoded JSON value against a schema and returns what
// does not match, by JSON path: types, formats, enums, limits, required
// properties, and, strictly, every property the schema does not list. The
// fake must answer exactly what Zoom answers, so an unknown property is an
// error unless Zoom's changelog added it since the 2023 spec: loadSpec
// adds those (the changelog list below) to the schemas of the paths that
// have them. An object schema without properties is free-form.
//
// Enum values with "$name" in them (the participants list's leave_reason,
// "$name left the meeting.") stand for any text in place of $name, as Zoom
// fills in the participant's name. The format "digits" is the fake's own,
// for strings that hold a whole number (meeting_number).
func (s *schema) validate(path string, v any) []string {
	if s == nil {
		return nil
	}
	if len(s.OneOf) > 0 {
		for _, o := range s.OneOf {
			if len(o.validate(path, v)) == 0 {
				return nil
			}
		}
		return []string{path + ": matches none of oneOf"}
	}
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, a...)) }
	typ := s.Type
	if typ == "" && s.Properties != nil {
		typ = "object" // as the webinar participants' audio_call items
	}
	switch typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return errs
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				bad("required %q missing", r)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			sub, ok := s.Properties[k]
			switch {
			case ok:
				errs = append(errs, sub.validate(path+"."+k, m[k])...)
			case s.Properties != nil:
				bad("property %q is not in the spec (nor in Zoom's changelog for this path)", k)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			return errs
		}
		for i, x := range a {
			errs = append(errs, s.Items.validate(fmt.Sprintf("%s[%d]", path, i), x)...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
			return errs
		}
		if s.MaxLength != nil && len([]rune(str)) > *s.MaxLength {
			bad("longer than %d", *s.MaxLength)
		}
		switch s.Format {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil && str != "" {
				bad("not a date-time: %q", str)
			}
		case "date":
			if _, err := time.Parse(time.DateOnly, str); err != nil {
				bad("not a date: %q", str)
			}
		case "email":
			if _, err := mail.ParseAddress(str); err != nil && str != "" {
				bad("not an e-mail address: %q", str)
			}
		case "digits":
			if _, err := strconv.ParseUint(str, 10, 64); err != nil {
				bad("not a whole number: %q", str)
			}
		}
	case "integer", "number":
		f, ok := v.(float64)
		if !ok {
			bad("want a number, got %T", v)
			return errs
		}
		if s.Type == "integer" && f != math.Trunc(f) {
			bad("want an integer, got %v", f)
		}
		if s.Maximum != nil && f > *s.Maximum {
			bad("%v above the maximum %v", f, *s.Maximum)
		}
		if s.Minimum != nil && f < *s.Minimum {
			bad("%v below the minimum %v", f, *s.Minimum)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return enumMatches(e, v) }) {
		// Zoom documents that some strings come back empty for external
		// users; the spec's enums do not list "".
		if str, ok := v.(string); !ok || str != "" {
			bad("%v is not one of %v", v, s.Enum)
		}
	}
	return errs
}

func enumMatches(e, v any) bool {
	es, ok1 := e.(string)
	vs, ok2 := v.(string)
	if !ok1 || !ok2 || !strings.Contains(es, "$name") {
		return e == v
	}
	before, after, _ := strings.Cut(es, "$name")
	return len(vs) > len(before)+len(after) && strings.HasPrefix(vs, before) && strings.HasSuffix(vs, after)
}

// changelog is the allow-list of fields Zoom added after the 2023 spec,
// per path and place (a dotted path into the 200 schema, "[]" for an
// array's items), with their types: Zoom's changelog as the notes in
// /work/shared/zoom/README.md ("Participant fields: which endpoint has
// which", "The QoS sample") give it.
//   - QoS participants (both QoS paths): client, health, issue_list (2024),
//     as_connection_type, video_connection_type (2025), email,
//     meeting_number (Nov 2025), rc_reason and the *_socket_break counters
//     (2026).
//   - QoS samples (user_qos[]): cpu_pressure_level. wifi_rssi and its
//     sub-fields are in the spec.
//   - Participants lists: as_connection_type, video_connection_type; and
//     bo_mtg_id for webinars, whose spec lacks it (the meetings' has it).
//
// Nothing else the spec does not list may appear: network_type,
// data_center, full_data_center and connection_type in a QoS answer are
// errors (only the participants list has them).
var changelog = func() map[string]map[string]map[string]*schema {
	str := &schema{Type: "string"}
	counter := &schema{Type: "integer"}
	qosParticipant := map[string]*schema{
		"email":                 {Type: "string", Format: "email"},
		"client":                str,
		"health":                {Type: "string", Enum: []any{"good", "warning", "bad"}},
		"issue_list":            {Type: "array", Items: str},
		"as_connection_type":    str,
		"video_connection_type": str,
		"meeting_number":        {Type: "string", Format: "digits"},
		"rc_reason":             str,
		"audio_socket_break":    counter,
		"video_socket_break":    counter,
		"as_socket_break":       counter,
		"command_socket_break":  counter,
	}
	level := &schema{Type: "string", Enum: []any{"normal", "fair", "serious", "critical"}}
	sample := map[string]*schema{
		"cpu_pressure_level": {Type: "object", Properties: map[string]*schema{
			"system_min_cpu_pressure_level": level,
			"system_avg_cpu_pressure_level": level,
			"system_max_cpu_pressure_level": level,
		}},
	}
	listEntry := map[string]*schema{"as_connection_type": str, "video_connection_type": str}
	webinarEntry := map[string]*schema{"as_connection_type": str, "video_connection_type": str, "bo_mtg_id": str}
	out := map[string]map[string]map[string]*schema{}
	for _, kind := range []string{"meetings/{meetingId}", "webinars/{webinarId}"} {
		out["/metrics/"+kind+"/participants/qos"] = map[string]map[string]*schema{
			"participants[]": qosParticipant, "participants[].user_qos[]": sample}
		out["/metrics/"+kind+"/participants/{participantId}/qos"] = map[string]map[string]*schema{
			"": qosParticipant, "user_qos[]": sample}
	}
	out["/metrics/meetings/{meetingId}/participants"] = map[string]map[string]*schema{"participants[]": listEntry}
	out["/metrics/webinars/{webinarId}/participants"] = map[string]map[string]*schema{"participants[]": webinarEntry}
	return out
}()

// at finds the schema at a dotted place such as "participants[].user_qos[]".
func (s *schema) at(place string) *schema {
	if place == "" {
		return s
	}
	for _, seg := range strings.Split(place, ".") {
		name, items := strings.CutSuffix(seg, "[]")
		s = s.Properties[name]
		if items {
			s = s.Items
		}
	}
	return s
}

// loadSpec reads Zoom's OpenAPI spec for the /metrics endpoints (a copy of
// ../shared/zoom/openapi-metrics.json kept in testdata) and returns the
// 200 response schema of each path, with the changelog's fields added.
func loadSpec(t *testing.T) map[string]*schema {
	t.Helper()
	b, err := os.ReadFile("../../../testdata/zoom/openapi-metrics.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]struct {
			Get struct {
				Responses map[string]struct {
					Content map[string]struct {
						Schema *schema `json:"schema"`
					} `json:"content"`
				} `json:"responses"`
			} `json:"get"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	out := map[string]*schema{}
	for p, item := range spec.Paths {
		out[p] = item.Get.Responses["200"].Content["application/json"].Schema
	}
	for p, places := range changelog {
		for place, props := range places {
			target := out[p].at(place)
			if target == nil || target.Properties == nil {
				t.Fatalf("changelog: no object at %s %q in the spec", p, place)
			}
			for name, sub := range props {
				if _, ok := target.Properties[name]; !ok {
					target.Properties[name] = sub
				}
			}
		}
	}
	return out
}

// TestResponsesMatchZoomsSpec fetches every kind of answer the fake gives,
// from every endpoint it serves, and validates it strictly against the
// 200 schema of Zoom's spec for its path (with the changelog's fields).
func TestResponsesMatchZoomsSpec(t *testing.T) {
	specs := loadSpec(t)
	// GET /metrics/webinars/{webinarId} is missing from the spec copy,
	// though Zoom serves it: it answers the fields of a /metrics/webinars
	// entry, so it is validated against the webinars list's item schema.
	specs["/metrics/webinars/{webinarId}"] = specs["/metrics/webinars"].at("webinars[]")
	epoch := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	fz := Start(Options{Seed: 5, Clock: func() time.Time { return epoch }, Epoch: epoch,
		PastMeetings: 4, LiveMeetings: 2, Webinars: 2, PastOneMeetings: 2, Participants: 30})
	defer fz.Close()
	tok := fetchToken(t, fz)
	get := func(path string, q url.Values) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, fz.APIURL+path+"?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s?%s: %s %s", path, q.Encode(), resp.Status, body)
		}
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return v
	}
	checked := map[string]int{}
	check := func(template string, v map[string]any) {
		t.Helper()
		s := specs[template]
		if s == nil {
			t.Fatalf("no schema for %s", template)
		}
		for _, e := range s.validate("$", v) {
			t.Errorf("%s: %s", template, e)
		}
		checked[template]++
	}
	// pages fetches every page of a participants list and checks each.
	pages := func(template, path string, q url.Values) []any {
		t.Helper()
		var all []any
		for {
			page := get(path, q)
			check(template, page)
			items, _ := page["participants"].([]any)
			all = append(all, items...)
			next, _ := page["next_page_token"].(string)
			if next == "" {
				return all
			}
			q.Set("next_page_token", next)
		}
	}
	doubled := 0 // meetings fetched by a UUID that needs double-encoding
	for _, kind := range []string{"meetings", "webinars"} {
		idName := map[string]string{"meetings": "{meetingId}", "webinars": "{webinarId}"}[kind]
		for _, typ := range []string{"past", "pastOne", "live"} {
			q := url.Values{"type": {typ}, "page_size": {"300"}}
			if typ != "live" {
				q.Set("from", "2026-10-25")
				q.Set("to", "2026-11-20")
			}
			if kind == "meetings" {
				q.Set("include_fields", "tracking_fields")
			}
			list := get("/metrics/"+kind, q)
			check("/metrics/"+kind, list)
			items, _ := list[kind].([]any)
			if len(items) == 0 && (kind == "meetings" || typ == "past") {
				t.Errorf("no %s %s to check", typ, kind)
			}
			for _, it := range items {
				uuid := it.(map[string]any)["uuid"].(string)
				number := strconv.FormatInt(int64(it.(map[string]any)["id"].(float64)), 10)
				esc := url.PathEscape(url.PathEscape(uuid))
				if uuid[0] == '/' || strings.Contains(uuid, "//") {
					doubled++
				}
				base := "/metrics/" + kind + "/"
				check("/metrics/"+kind+"/"+idName, get(base+esc, url.Values{"type": {typ}}))
				check("/metrics/"+kind+"/"+idName, get(base+number, url.Values{"type": {typ}}))

				tmpl := "/metrics/" + kind + "/" + idName + "/participants"
				full := pages(tmpl, base+esc+"/participants", url.Values{"type": {typ}, "page_size": {"300"}})
				small := pages(tmpl, base+esc+"/participants", url.Values{"type": {typ}, "page_size": {"7"}})
				if len(full) != len(small) || len(full) == 0 {
					t.Errorf("%s %s: %d participants in pages of 300, %d in pages of 7", kind, uuid, len(full), len(small))
				}
				if typ != "live" {
					pages(tmpl, base+esc+"/participants", url.Values{"type": {typ}, "page_size": {"300"}, "include_fields": {"registrant_id"}})
				}

				next := ""
				for {
					q := url.Values{"type": {typ}, "page_size": {"10"}}
					if next != "" {
						q.Set("next_page_token", next)
					}
					page := get(base+esc+"/participants/qos", q)
					check("/metrics/"+kind+"/"+idName+"/participants/qos", page)
					parts, _ := page["participants"].([]any)
					if len(parts) > 0 {
						uid := parts[0].(map[string]any)["user_id"].(string)
						one := get(base+esc+"/participants/"+uid+"/qos", url.Values{"type": {typ}})
						check("/metrics/"+kind+"/"+idName+"/participants/{participantId}/qos", one)
					}
					next, _ = page["next_page_token"].(string)
					if next == "" {
						break
					}
				}
			}
		}
	}
	for _, p := range []string{"/metrics/meetings", "/metrics/webinars",
		"/metrics/meetings/{meetingId}", "/metrics/webinars/{webinarId}",
		"/metrics/meetings/{meetingId}/participants", "/metrics/webinars/{webinarId}/participants",
		"/metrics/meetings/{meetingId}/participants/qos", "/metrics/meetings/{meetingId}/participants/{participantId}/qos",
		"/metrics/webinars/{webinarId}/participants/qos", "/metrics/webinars/{webinarId}/participants/{participantId}/qos"} {
		if checked[p] == 0 {
			t.Errorf("%s never checked", p)
		}
	}
	if doubled == 0 {
		t.Error("no UUID that needs double-encoding was fetched")
	}
	t.Logf("validated %v", checked)
}

func fetchToken(t *testing.T, fz *Running) string {
	t.Helper()
	form := url.Values{"grant_type": {"account_credentials"}, "account_id": {fz.Options().AccountID}}
	req, _ := http.NewRequest(http.MethodPost, fz.TokenURL, strings.NewReader(form.Encode()))
	req.SetBasicAuth(fz.Options().ClientID, fz.Options().ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.TokenType != "bearer" || tok.ExpiresIn != 3600 {
		t.Fatalf("token: %s %+v %v", resp.Status, tok, err)
	}
	return tok.AccessToken
}

// The validator is not a test that cannot fail: answers that break the spec
// are caught, fields the spec does not have among them.
func TestValidatorCatchesMismatches(t *testing.T) {
	specs := loadSpec(t)
	qos := specs["/metrics/meetings/{meetingId}/participants/qos"]
	one := specs["/metrics/webinars/{webinarId}/participants/{participantId}/qos"]
	parts := specs["/metrics/meetings/{meetingId}/participants"]
	webinarParts := specs["/metrics/webinars/{webinarId}/participants"]
	details := specs["/metrics/meetings/{meetingId}"]
	// The spec has no required fields today; a synthetic schema tests the check.
	required := &schema{Type: "object", Required: []string{"id"}, Properties: map[string]*schema{"id": {Type: "string"}}}
	for _, tc := range []struct {
		name string
		s    *schema
		doc  string
	}{
		{"page size over the maximum", qos, `{"page_size": 11, "participants": []}`},
		{"participants not an array", qos, `{"participants": "many"}`},
		{"unknown device", qos, `{"participants": [{"device": "Toaster"}]}`},
		{"bad date_time", qos, `{"participants": [{"user_qos": [{"date_time": "yesterday"}]}]}`},
		{"metric as a number", qos, `{"participants": [{"user_qos": [{"audio_input": {"bitrate": 23}}]}]}`},
		{"RSSI as a string", qos, `{"participants": [{"user_qos": [{"wifi_rssi": {"avg_rssi": "-69"}}]}]}`},
		{"network_type in a QoS participant", qos, `{"participants": [{"user_id": "1", "network_type": "Wifi"}]}`},
		{"data_center in a single QoS answer", one, `{"user_id": "1", "data_center": "Frankfurt (DE)"}`},
		{"os in a QoS participant", qos, `{"participants": [{"os": "Mac"}]}`},
		{"unknown field in a sample", qos, `{"participants": [{"user_qos": [{"date_time": "2026-11-20T10:00:00Z", "mos": "4.2"}]}]}`},
		{"unknown field in a stream", qos, `{"participants": [{"user_qos": [{"audio_input": {"bitrate": "23 kbps", "mos": "4"}}]}]}`},
		{"unknown top-level field", qos, `{"participants": [], "has_more": false}`},
		{"counter as a string", qos, `{"participants": [{"audio_socket_break": "0"}]}`},
		{"issue_list not an array", qos, `{"participants": [{"issue_list": "High CPU usage"}]}`},
		{"meeting_number not a number", qos, `{"participants": [{"meeting_number": "abc"}]}`},
		{"unknown pressure level", qos, `{"participants": [{"user_qos": [{"cpu_pressure_level": {"system_max_cpu_pressure_level": "melting"}}]}]}`},
		{"camera in a webinar participant", webinarParts, `{"participants": [{"camera": "FaceTime HD Camera"}]}`},
		{"status in a webinar participant", webinarParts, `{"participants": [{"status": "in_meeting"}]}`},
		{"health in the participants list", parts, `{"participants": [{"health": "good"}]}`},
		{"a leave reason Zoom does not give", parts, `{"participants": [{"leave_reason": "Ada Lovelace went for lunch."}]}`},
		{"a rating Zoom does not give", specs["/metrics/meetings"], `{"meetings": [{"audio_quality": "terrible"}]}`},
		{"quality in the meeting details", details, `{"uuid": "x==", "audio_quality": "good"}`},
		{"tracking_fields in the meeting details", details, `{"tracking_fields": []}`},
		{"a required field missing", required, `{}`},
		{"an untyped item with an unknown field", webinarParts, `{"participants": [{"audio_call": [{"call_number": "+1", "pin": "1"}]}]}`},
	} {
		var v any
		if err := json.Unmarshal([]byte(tc.doc), &v); err != nil {
			t.Fatal(tc.name, err)
		}
		if errs := tc.s.validate("$", v); len(errs) == 0 {
			t.Errorf("%s: no mismatch found in %s", tc.name, tc.doc)
		}
	}
	// What Zoom does send passes.
	for _, tc := range []struct {
		s   *schema
		doc string
	}{
		{parts, `{"participants": [{"leave_reason": "Ada Lovelace left the meeting.", "bo_mtg_id": "x", "video_connection_type": "UDP"}]}`},
		{webinarParts, `{"participants": [{"leave_reason": "Host ended the webinar.", "role": "panelist", "bo_mtg_id": "x"}]}`},
		{qos, `{"participants": [{"health": "warning", "issue_list": [], "meeting_number": "81234567890", "rc_reason": "network reconnect",
			"command_socket_break": 0, "user_qos": [{"cpu_pressure_level": {"system_max_cpu_pressure_level": "fair"}}]}]}`},
		{required, `{"id": "1"}`},
	} {
		var v any
		json.Unmarshal([]byte(tc.doc), &v)
		if errs := tc.s.validate("$", v); len(errs) > 0 {
			t.Errorf("%s: %v", tc.doc, errs)
		}
	}
}
