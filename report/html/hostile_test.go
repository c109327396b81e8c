package html

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The page isolates every string from Zoom: a <bdi> around it in the
// HTML, FSI … PDI around it in the chart labels ECharts draws on canvas;
// no bidi control of a name is left in either.
func TestReportIsolatesHostileText(t *testing.T) {
	m, sessions := reporttest.Hostile(8, 20, "Q4 \u202Eweiver\u202C plans", reporttest.HostileNames...)
	m.Alerts = reporttest.Alerts(20, reporttest.HostileNames...) // Zoom's words come from outside too
	html := render(t, reporttest.Document(m, sessions, false), Options{Lines: -1})
	body := dataBlock.ReplaceAllString(withoutRuntime(t, html), "")
	title := regexp.MustCompile(`<title>(.*)</title>`).FindStringSubmatch(body)[1]
	if want := "Meeting \u206886000000042\u2069 · \u2068Q4 weiver plans\u2069 · zoomqos quality report"; title != want {
		t.Errorf("title %q, want %q: the topic isolated by FSI … PDI", title, want)
	}
	body = strings.Replace(body, title, "", 1)
	reporttest.Inert(t, "the page", body, "\n")

	// Each name, shown as text, is in a <bdi> of its own: in the worst
	// sessions, the windows and the participants, the devices, locations,
	// networks and PC names, and Zoom's alerts.
	for _, want := range []string{"Eve gnp.exe", "Mallory␛]0;owned␇␛[2J", "Trudy  FAKE ROW", "Oscar\uFFFD31m x", "Peggy end"} {
		if n, isolated := reporttest.IsolatedCount(body, want); n < 8 || isolated != n {
			t.Errorf("%q shown %d times, %d of them isolated", want, n, isolated)
		}
	}
	alerts := regexp.MustCompile(`(?s)<section id="alerts">.*?</section>`).FindString(body)
	if want := `<td><bdi>Eve gnp.exe</bdi>, <bdi>Mallory␛]0;owned␇␛[2J</bdi>, <bdi>Trudy  FAKE ROW</bdi>, <bdi>Oscar` + "\uFFFD" + `31m x</bdi>, <bdi>Peggy end</bdi></td>`; !strings.Contains(alerts, want) {
		t.Errorf("the alerts' section does not isolate each of Zoom's words:\n%s", alerts)
	}
	if !strings.Contains(body, `<bdi class="topic">Q4 weiver plans</bdi>`) {
		t.Error("the topic is not isolated in the header")
	}
	for _, want := range []string{`<td>203.0.113.1</td>`, `<td>LAPTOP-7</td>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the participants table lacks %s", want)
		}
	}

	// Chart labels: legends and the heatmap's rows; the alerts' marks.
	labels, marks := 0, 0
	for _, c := range parseData(t, html).Charts {
		var names []any
		if c.Kind == "heatmap" {
			names = c.Option["yAxis"].([]any)[0].(map[string]any)["data"].([]any)
		} else {
			for _, s := range c.Option["series"].([]any)[2:] {
				switch s := s.(map[string]any); s["id"] {
				case incidentSeriesID:
				case alertSeriesID:
					for _, d := range s["markLine"].(map[string]any)["data"].([]any) {
						name := d.(map[string]any)["name"].(string)
						marks++
						if n := strings.Count(name, "\u2068"); n == 0 || n != strings.Count(name, "\u2069") || (strings.Contains(name, "Eve") && n != 5) {
							t.Fatalf("chart %s: alert %q does not isolate each issue", c.ID, name)
						}
						reporttest.Inert(t, "an alert's mark", strings.NewReplacer("\u2068", "", "\u2069", "").Replace(name), "")
					}
				default:
					names = append(names, s["name"])
				}
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
	if labels < 8*32 || marks < 30 {
		t.Errorf("%d chart labels and %d alerts' marks checked", labels, marks)
	}
}

// A string of 100 KB is shown cut to report.DisplayLimit characters wherever the
// page shows it, so that it cannot swell the page or its charts.
func TestLongStringsAreCutWhereShown(t *testing.T) {
	long := strings.Repeat("Zoë Ω ab ", 100_000/11) // about 100 KB, spaces and all
	cut := []rune(long)[:report.DisplayLimit-1]
	shown := string(cut) + "…"
	m, sessions := reporttest.Hostile(14, 40, long, long)
	doc := reporttest.Document(m, sessions, false)
	refM, ref := reporttest.Hostile(14, 40, "Weekly")

	html := render(t, doc, Options{})
	refHTML := render(t, reporttest.Document(refM, ref, false), Options{})
	if grew := len(html) - len(refHTML); grew > 40_000 {
		t.Errorf("one session's 100 KB strings and the topic made the page %d bytes larger", grew)
	}
	if strings.Contains(html, string([]rune(long)[:report.DisplayLimit])) {
		t.Error("the page shows more than report.DisplayLimit characters of a string")
	}
	if !strings.Contains(html, "<bdi>"+shown+"</bdi>") {
		t.Error("the page does not show the long name cut, with an ellipsis")
	}
	rows := parseData(t, html).Charts[0].Option["yAxis"].([]any)[0].(map[string]any)["data"].([]any)
	if !slices.Contains(rows, any("\u2068"+shown+"\u2069")) {
		t.Error("the heatmap's rows lack the long name, cut")
	}
	if testing.Verbose() {
		t.Logf("page %d bytes (%d with plain names)", len(html), len(refHTML))
	}
}
