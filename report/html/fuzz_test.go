package html

import (
	"encoding/json"
	stdhtml "html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The fuzz target gives the page any name and topic Zoom could send:
// go test ./report/html -run X -fuzz FuzzReportNames.

// plainName reports whether a name is shown exactly as it is: nothing to
// drop, replace, trim or cut.
func plainName(s string) bool {
	if s == "" || s != strings.TrimSpace(s) || utf8.RuneCountInString(s) > report.DisplayLimit || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if reporttest.IsBidi(r) || r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x2028 || r == 0x2029 || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// checkShown checks a string as shown against the string it came from:
// no bidi or control characters, at most report.DisplayLimit characters, the
// string itself when it is plain.
func checkShown(t *testing.T, what, shown, from string) {
	t.Helper()
	reporttest.Inert(t, what, shown, "")
	if n := utf8.RuneCountInString(shown); n > report.DisplayLimit {
		t.Fatalf("%s: %d characters shown of %q", what, n, from)
	}
	if plainName(from) && shown != from {
		t.Fatalf("%s: %q shown as %q", what, from, shown)
	}
}

// Whatever Zoom sends as a name or topic, the page keeps its three
// scripts, its data block stays JSON, no tag or attribute comes of it, no
// bidi or control character of it is left, and it is shown, isolated, cut
// to report.DisplayLimit characters, exactly as it is when it is plain.
func FuzzReportNames(f *testing.F) {
	reporttest.FuzzSeeds(f)
	m, sessions := reporttest.Meeting(2, 4)
	base := len(render(f, reporttest.Document(m, sessions, false), Options{}))
	title := regexp.MustCompile(`<title>(.*)</title>`)
	f.Fuzz(func(t *testing.T, name, topic string) {
		m.Topic = topic
		sessions[0].Session.UserName = name
		sessions[1].Session.Location = name
		html := render(t, reporttest.Document(m, sessions, false), Options{})
		if n, c := strings.Count(html, "<script"), strings.Count(html, "</script>"); n != 3 || c != 3 {
			t.Fatalf("name %q, topic %q: %d <script and %d </script>", name, topic, n, c)
		}
		page := withoutRuntime(t, html)
		if strings.Count(page, "<img") > 0 || strings.Count(page, "<title>") != 1 || strings.Count(page, "<!--") > 0 {
			t.Fatalf("name %q, topic %q made markup", name, topic)
		}
		if len(html) > base+40_000 {
			t.Fatalf("name %q, topic %q: the page grew from %d to %d bytes", name, topic, base, len(html))
		}
		body := dataBlock.ReplaceAllString(page, "")
		tm := title.FindStringSubmatch(body)
		if tm == nil {
			t.Fatalf("topic %q: no title", topic)
		}
		reporttest.Inert(t, "the page", strings.Replace(body, tm[0], "", 1), "\n")
		if topic != "" {
			shown, ok := strings.CutPrefix(tm[1], "Meeting \u206886000000042\u2069 · \u2068")
			shown, ok2 := strings.CutSuffix(shown, "\u2069 · zoomqos quality report")
			if !ok || !ok2 {
				t.Fatalf("topic %q: title %q", topic, tm[1])
			}
			checkShown(t, "the title's topic", stdhtml.UnescapeString(shown), topic)
		}

		d := parseData(t, html)
		var rows []string
		for _, y := range d.Charts[0].Option["yAxis"].([]any)[0].(map[string]any)["data"].([]any) {
			label, ok := strings.CutPrefix(y.(string), fsi)
			i := strings.Index(label, pdi)
			if !ok || i < 0 {
				t.Fatalf("name %q: heatmap row %q is not isolated", name, y)
			}
			rows = append(rows, label[:i])
		}
		var want string // as JSON carries it: invalid UTF-8 becomes U+FFFD
		if err := json.Unmarshal(must(json.Marshal(name)), &want); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			checkShown(t, "a heatmap row", r, "")
		}
		if plainName(want) && !strings.Contains(strings.Join(rows, "\x00")+"\x00", want+"\x00") {
			t.Fatalf("name %q is not a heatmap row: %q", name, rows)
		}
	})
}
