package report

import (
	"bytes"
	"mime"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// Terminal tables: no bidi control, escape or line break of a name reaches
// the terminal, and each row stays one line.
func TestTerminalTablesShowHostileTextInert(t *testing.T) {
	th := analyze.DefaultThresholds()
	table := func(topic string, names ...string) string {
		m, sessions := reporttest.Hostile(8, 20, topic, names...)
		var buf bytes.Buffer
		if err := WriteMeetingTable(&buf, analyze.AnalyzeMeeting(m, sessions, analyze.Options{Thresholds: th})); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	fleet := func(names ...string) string {
		_, sessions := reporttest.Hostile(8, 20, "", names...)
		f := analyze.NewFleet(analyze.ByDevice, analyze.Options{Thresholds: th}, 1)
		for _, s := range sessions {
			f.AddSession(0, "m", &s.Session, s.Samples)
		}
		var buf bytes.Buffer
		if err := WriteFleetTable(&buf, f.Result(reporttest.Start, reporttest.Start)); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	plain := []string{"Eve", "Mallory", "Trudy", "Oscar", "Peggy"}
	for _, c := range []struct {
		name         string
		hostile, ref string
	}{
		{"meeting", table("Weekly \u202Esync\x1b[2J\nsecond line", reporttest.HostileNames...), table("Weekly sync", plain...)},
		{"fleet", fleet(reporttest.HostileNames...), fleet(plain...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			reporttest.Inert(t, "the table", c.hostile, "\n")
			if got, want := strings.Count(c.hostile, "\n"), strings.Count(c.ref, "\n"); got != want {
				t.Errorf("%d lines, %d with plain names: a name broke a row\n%s", got, want, c.hostile)
			}
			if !strings.Contains(c.hostile, "Mallory␛]0;owned␇␛[2J") {
				t.Errorf("the escape sequence is not shown, visibly, as text:\n%s", c.hostile)
			}
		})
	}
}

// The page isolates every string from Zoom: a <bdi> around it in the
// HTML, FSI … PDI around it in the chart labels ECharts draws on canvas;
// no bidi control of a name is left in either.
func TestReportIsolatesHostileText(t *testing.T) {
	m, sessions := reporttest.Hostile(8, 20, "Q4 \u202Eweiver\u202C plans", reporttest.HostileNames...)
	html := render(t, meetingOf(m, sessions, false), HTMLOptions{Lines: -1})
	body := dataBlock.ReplaceAllString(withoutRuntime(t, html), "")
	title := regexp.MustCompile(`<title>(.*)</title>`).FindStringSubmatch(body)[1]
	if want := "Meeting \u206886000000042\u2069 · \u2068Q4 weiver plans\u2069 · zoomqos quality report"; title != want {
		t.Errorf("title %q, want %q: the topic isolated by FSI … PDI", title, want)
	}
	body = strings.Replace(body, title, "", 1)
	reporttest.Inert(t, "the page", body, "\n")

	// Each name, shown as text, is in a <bdi> of its own: in the worst
	// sessions, the windows and the participants, the devices, locations,
	// networks and PC names.
	for _, want := range []string{"Eve gnp.exe", "Mallory␛]0;owned␇␛[2J", "Trudy  FAKE ROW", "Oscar\uFFFD31m x", "Peggy end"} {
		if n, isolated := reporttest.IsolatedCount(body, want); n < 8 || isolated != n {
			t.Errorf("%q shown %d times, %d of them isolated", want, n, isolated)
		}
	}
	if !strings.Contains(body, `<bdi class="topic">Q4 weiver plans</bdi>`) {
		t.Error("the topic is not isolated in the header")
	}
	for _, want := range []string{`<td>203.0.113.1</td>`, `<td>LAPTOP-7</td>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the participants table lacks %s", want)
		}
	}

	// Chart labels: legends and the heatmap's rows.
	labels := 0
	for _, c := range parseData(t, html).Charts {
		var names []any
		if c.Kind == "heatmap" {
			names = c.Option["yAxis"].([]any)[0].(map[string]any)["data"].([]any)
		} else {
			for _, s := range c.Option["series"].([]any)[2:] {
				names = append(names, s.(map[string]any)["name"])
			}
		}
		for _, n := range names {
			s := n.(string)
			labels++
			inner, ok := strings.CutPrefix(s, "\u2068")
			if i := strings.Index(inner, "\u2069"); !ok || i < 0 {
				t.Fatalf("chart %s: label %q is not isolated", c.ID, s)
			} else {
				reporttest.Inert(t, "a chart label", inner[:i]+inner[i+len("\u2069"):], "")
			}
		}
	}
	if labels < 8*32 {
		t.Errorf("%d chart labels checked", labels)
	}
}

// The e-mail: names isolated in the HTML part, and no bidi control or
// line break of a name in the HTML, the text or the subject.
func TestEmailIsolatesHostileText(t *testing.T) {
	m, sessions := reporttest.Hostile(8, 20, "Q4 \u202Eweiver\u202C plans\r\nBcc: x@example.com", reporttest.HostileNames...)
	raw := writeEmail(t, meetingOf(m, sessions, false), EmailOptions{ReportName: "r.html"})
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	reporttest.Inert(t, "the subject", subj, "")
	if !strings.HasPrefix(subj, "Meeting 86000000042 (Q4 weiver plans  Bcc: x@example.com) on 20 Nov") {
		t.Errorf("subject %q", subj)
	}
	alt := parseMIME(t, msg.Header, msg.Body).Parts[0].Parts[0]
	text, html := string(alt.Parts[0].Body), string(alt.Parts[1].Body)
	reporttest.Inert(t, "the text part", text, "\r\n")
	reporttest.Inert(t, "the HTML part", html, "\r\n")
	for _, want := range []string{"Eve gnp.exe", "Trudy  FAKE ROW", "Peggy end"} {
		if n, isolated := reporttest.IsolatedCount(html, want); n < 2 || isolated != n {
			t.Errorf("%q shown %d times in the HTML, %d of them isolated", want, n, isolated)
		}
	}
	if !strings.Contains(html, "<bdi>Q4 weiver plans  Bcc: x@example.com</bdi>") {
		t.Error("the topic is not isolated in the HTML part")
	}
	if !strings.Contains(text, "  Eve gnp.exe: ") {
		t.Errorf("the text part does not list Eve's session on a line of its own:\n%s", text)
	}
}

// A string of 100 KB is shown cut to DisplayLimit characters wherever it
// is shown, so that it cannot swell the page, its charts or the e-mail;
// the data stay whole.
func TestLongStringsAreCutWhereShown(t *testing.T) {
	long := strings.Repeat("Zoë Ω ab ", 100_000/11) // about 100 KB, spaces and all
	cut := []rune(long)[:DisplayLimit-1]
	shown := string(cut) + "…"
	m, sessions := reporttest.Hostile(14, 40, long, long)
	doc := meetingOf(m, sessions, false)
	refM, ref := reporttest.Hostile(14, 40, "Weekly")

	html := render(t, doc, HTMLOptions{})
	refHTML := render(t, meetingOf(refM, ref, false), HTMLOptions{})
	if grew := len(html) - len(refHTML); grew > 40_000 {
		t.Errorf("one session's 100 KB strings and the topic made the page %d bytes larger", grew)
	}
	if strings.Contains(html, string([]rune(long)[:DisplayLimit])) {
		t.Error("the page shows more than DisplayLimit characters of a string")
	}
	if !strings.Contains(html, "<bdi>"+shown+"</bdi>") {
		t.Error("the page does not show the long name cut, with an ellipsis")
	}
	rows := parseData(t, html).Charts[0].Option["yAxis"].([]any)[0].(map[string]any)["data"].([]any)
	if !slices.Contains(rows, any("\u2068"+shown+"\u2069")) {
		t.Error("the heatmap's rows lack the long name, cut")
	}

	raw := writeEmail(t, doc, EmailOptions{})
	refRaw := writeEmail(t, meetingOf(refM, ref, false), EmailOptions{})
	if grew := len(raw) - len(refRaw); grew > 20_000 {
		t.Errorf("the e-mail grew by %d bytes", grew)
	}

	var tbl bytes.Buffer
	if err := WriteMeetingTable(&tbl, doc.Result); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(tbl.String(), "\n") {
		if n := utf8.RuneCountInString(line); n > 2*DisplayLimit {
			t.Errorf("terminal table line %d has %d characters", i, n)
		}
	}
	// What is stored is whole: the analysis carries the name as it came.
	if doc.Result.SessionResults[0].UserName != long {
		t.Error("the analysis lost the long name")
	}
	if testing.Verbose() {
		t.Logf("page %d bytes (%d with plain names); e-mail %d bytes (%d)", len(html), len(refHTML), len(raw), len(refRaw))
	}
}
