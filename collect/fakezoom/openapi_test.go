package fakezoom

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"slices"
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
// does not match, by JSON path. Properties the spec does not list are
// allowed, as OpenAPI allows them (Zoom added fields since 2023).
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
	switch s.Type {
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
		for k, sub := range s.Properties {
			if x, ok := m[k]; ok {
				errs = append(errs, sub.validate(path+"."+k, x)...)
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
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		// Zoom documents that some strings come back empty for external
		// users; the spec's enums do not list "".
		if str, ok := v.(string); !ok || str != "" {
			bad("%v is not one of %v", v, s.Enum)
		}
	}
	return errs
}

// loadSpec reads Zoom's OpenAPI spec for the /metrics endpoints (a copy of
// ../shared/zoom/openapi-metrics.json kept in testdata) and returns the
// 200 response schema of each path.
func loadSpec(t *testing.T) map[string]*schema {
	t.Helper()
	b, err := os.ReadFile("../../testdata/zoom/openapi-metrics.json")
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
	return out
}

// TestResponsesMatchZoomsSpec fetches every kind of answer the fake gives
// and validates it against the 200 schema of Zoom's spec for its path.
func TestResponsesMatchZoomsSpec(t *testing.T) {
	specs := loadSpec(t)
	epoch := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	fz := Start(Options{Seed: 5, Clock: func() time.Time { return epoch }, Epoch: epoch, PastMeetings: 4, LiveMeetings: 2, Webinars: 2, Participants: 30})
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
	check := func(template string, v map[string]any) {
		t.Helper()
		s := specs[template]
		if s == nil {
			t.Fatalf("no schema for %s", template)
		}
		for _, e := range s.validate("$", v) {
			t.Errorf("%s: %s", template, e)
		}
	}
	checked := map[string]int{}
	for _, kind := range []string{"meetings", "webinars"} {
		idName := map[string]string{"meetings": "{meetingId}", "webinars": "{webinarId}"}[kind]
		for _, typ := range []string{"past", "live"} {
			q := url.Values{"type": {typ}, "page_size": {"300"}}
			if typ == "past" {
				q.Set("from", "2026-10-25")
				q.Set("to", "2026-11-20")
			}
			list := get("/metrics/"+kind, q)
			check("/metrics/"+kind, list)
			checked["/metrics/"+kind]++
			items, _ := list[kind].([]any)
			for _, it := range items {
				uuid := it.(map[string]any)["uuid"].(string)
				esc := url.PathEscape(url.PathEscape(uuid))
				next := ""
				for {
					q := url.Values{"type": {typ}, "page_size": {"10"}}
					if next != "" {
						q.Set("next_page_token", next)
					}
					page := get("/metrics/"+kind+"/"+esc+"/participants/qos", q)
					tmpl := "/metrics/" + kind + "/" + idName + "/participants/qos"
					check(tmpl, page)
					checked[tmpl]++
					parts, _ := page["participants"].([]any)
					if len(parts) > 0 {
						uid := parts[0].(map[string]any)["user_id"].(string)
						one := get("/metrics/"+kind+"/"+esc+"/participants/"+uid+"/qos", url.Values{"type": {typ}})
						tmpl := "/metrics/" + kind + "/" + idName + "/participants/{participantId}/qos"
						check(tmpl, one)
						checked[tmpl]++
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
		"/metrics/meetings/{meetingId}/participants/qos", "/metrics/meetings/{meetingId}/participants/{participantId}/qos",
		"/metrics/webinars/{webinarId}/participants/qos", "/metrics/webinars/{webinarId}/participants/{participantId}/qos"} {
		if checked[p] == 0 {
			t.Errorf("%s never checked", p)
		}
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
// are caught.
func TestValidatorCatchesMismatches(t *testing.T) {
	s := loadSpec(t)["/metrics/meetings/{meetingId}/participants/qos"]
	for name, doc := range map[string]string{
		"page size over the maximum": `{"page_size": 11, "participants": []}`,
		"participants not an array":  `{"participants": "many"}`,
		"unknown device":             `{"participants": [{"device": "Toaster"}]}`,
		"bad date_time":              `{"participants": [{"user_qos": [{"date_time": "yesterday"}]}]}`,
		"metric as a number":         `{"participants": [{"user_qos": [{"audio_input": {"bitrate": 23}}]}]}`,
		"RSSI as a string":           `{"participants": [{"user_qos": [{"wifi_rssi": {"avg_rssi": "-69"}}]}]}`,
	} {
		var v any
		json.Unmarshal([]byte(doc), &v)
		if errs := s.validate("$", v); len(errs) == 0 {
			t.Errorf("%s: no mismatch found in %s", name, doc)
		}
	}
}
