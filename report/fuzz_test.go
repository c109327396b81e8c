package report

import (
	"bytes"
	"encoding/json"
	stdhtml "html"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The fuzz targets give the outputs any name and topic Zoom could send:
// go test ./report -run X -fuzz FuzzReportNames (or FuzzEmailNames,
// FuzzTerminalNames, FuzzCSVText).

// plainName reports whether a name is shown exactly as it is: nothing to
// drop, replace, trim or cut.
func plainName(s string) bool {
	if s == "" || s != strings.TrimSpace(s) || utf8.RuneCountInString(s) > DisplayLimit || !utf8.ValidString(s) {
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
// no bidi or control characters, at most DisplayLimit characters, the
// string itself when it is plain.
func checkShown(t *testing.T, what, shown, from string) {
	t.Helper()
	reporttest.Inert(t, what, shown, "")
	if n := utf8.RuneCountInString(shown); n > DisplayLimit {
		t.Fatalf("%s: %d characters shown of %q", what, n, from)
	}
	if plainName(from) && shown != from {
		t.Fatalf("%s: %q shown as %q", what, from, shown)
	}
}

// Whatever Zoom sends as a name or topic, the page keeps its three
// scripts, its data block stays JSON, no tag or attribute comes of it, no
// bidi or control character of it is left, and it is shown, isolated, cut
// to DisplayLimit characters, exactly as it is when it is plain.
func FuzzReportNames(f *testing.F) {
	reporttest.FuzzSeeds(f)
	m, sessions := reporttest.Meeting(2, 4)
	base := len(render(f, meetingOf(m, sessions, false), HTMLOptions{}))
	title := regexp.MustCompile(`<title>(.*)</title>`)
	f.Fuzz(func(t *testing.T, name, topic string) {
		m.Topic = topic
		sessions[0].Session.UserName = name
		sessions[1].Session.Location = name
		html := render(t, meetingOf(m, sessions, false), HTMLOptions{})
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

// Whatever the name and topic, the e-mail parses with the headers it was
// given, its subject, text and HTML hold no bidi or control character of
// them, and the HTML no script.
func FuzzEmailNames(f *testing.F) {
	reporttest.FuzzSeeds(f)
	m, sessions := reporttest.Meeting(3, 6)
	f.Fuzz(func(t *testing.T, name, topic string) {
		m.Topic = topic
		sessions[0].Session.UserName = name
		sessions[1].Session.Device = name
		msg, err := mail.ReadMessage(bytes.NewReader(writeEmail(t, meetingOf(m, sessions, false), EmailOptions{})))
		if err != nil {
			t.Fatalf("topic %q: the message does not parse: %v", topic, err)
		}
		if len(msg.Header) != 7 {
			t.Fatalf("topic %q: headers %v", topic, msg.Header)
		}
		subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		reporttest.Inert(t, "the subject", subj, "")
		if n := utf8.RuneCountInString(subj); n > 160 {
			t.Fatalf("topic %q: a subject of %d characters", topic, n)
		}
		alt := parseMIME(t, msg.Header, msg.Body).Parts[0].Parts[0]
		reporttest.Inert(t, "the text part", string(alt.Parts[0].Body), "\r\n")
		html := string(alt.Parts[1].Body)
		reporttest.Inert(t, "the HTML part", html, "\r\n")
		if strings.Contains(html, "<script") || strings.Contains(html, "<img src=x") {
			t.Fatalf("name %q, topic %q made markup", name, topic)
		}
	})
}

// Whatever the name and topic, a terminal table has as many lines as with
// plain ones, none of them long, and nothing in it that moves text or
// commands the terminal.
func FuzzTerminalNames(f *testing.F) {
	reporttest.FuzzSeeds(f)
	m, sessions := reporttest.Meeting(3, 6)
	table := func(t testing.TB) string {
		var b bytes.Buffer
		if err := WriteMeetingTable(&b, analyze.AnalyzeMeeting(m, sessions, analyze.Options{})); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	m.Topic = "Weekly"
	lines := strings.Count(table(f), "\n")
	f.Fuzz(func(t *testing.T, name, topic string) {
		m.Topic = topic
		sessions[0].Session.UserName = name
		sessions[1].Session.Location = name
		out := table(t)
		reporttest.Inert(t, "the table", out, "\n")
		if n := strings.Count(out, "\n"); n != lines {
			t.Fatalf("name %q, topic %q: %d lines, want %d", name, topic, n, lines)
		}
		for _, l := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(l); n > 2*DisplayLimit {
				t.Fatalf("name %q, topic %q: a line of %d characters", name, topic, n)
			}
		}
	})
}
