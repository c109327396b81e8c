package html

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
)

func render(t testing.TB, m *report.Meeting, o Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMeeting(&buf, m, o); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// pageData is the page's #zq-data block, parsed.
type pageData struct {
	Start  int64 `json:"start"`
	Charts []struct {
		ID       string           `json:"id"`
		Kind     string           `json:"kind"`
		Option   map[string]any   `json:"option"`
		Sessions []sessionWindows `json:"sessions"`
	} `json:"charts"`
}

var dataBlock = regexp.MustCompile(`(?s)<script type="application/json" id="zq-data">(.*?)</script>`)

func parseData(t testing.TB, html string) pageData {
	t.Helper()
	m := dataBlock.FindStringSubmatch(html)
	if m == nil {
		t.Fatal("no #zq-data block")
	}
	var d pageData
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatalf("the chart data is not JSON: %v", err)
	}
	return d
}

// withoutRuntime is the page less the inlined ECharts runtime.
func withoutRuntime(t testing.TB, html string) string {
	t.Helper()
	if strings.Count(html, echartsJS) != 1 {
		t.Fatal("the ECharts runtime is not inlined exactly once")
	}
	return strings.Replace(html, echartsJS, "", 1)
}

func TestReportSections(t *testing.T) {
	doc := reporttest.Report(14, 40)
	html := render(t, doc, Options{})

	// The sections, in the order.
	last := -1
	for _, want := range []string{`<header id="overview">`, `id="headline"`, `Session-time degraded`, `<h3>MOS</h3>`,
		`Worst sessions`, `Meeting-wide incidents`, `id="percentiles"`, `id="heatmap-section"`, `id="metrics"`,
		`<h3>Latency</h3>`, `<h3>Jitter</h3>`, `<h3>Average loss</h3>`, `<h3>Bitrate</h3>`, `<h3>Frame rate</h3>`,
		`<h3>MOS</h3>`, `<h3>System CPU</h3>`, `id="windows"`, `id="participants"`} {
		i := strings.Index(html[last+1:], want)
		if i < 0 {
			t.Fatalf("%s missing, or not after the section before it", want)
		}
		last += 1 + i
	}
	// The header's facts.
	for _, want := range []string{`<bdi class="id">Meeting 86000000042</bdi>`, "2026-11-20 14:01 UTC", "<dd>14</dd>", "<dd>560</dd>",
		"2026-11-21 14:00 UTC", "latency &gt; 150 ms", "windows of ≥ 2 degraded samples"} {
		if !strings.Contains(html, want) {
			t.Errorf("header lacks %q", want)
		}
	}
	// Every session is in the participant details, with its device,
	// location, network, version and data center.
	parts := html[strings.Index(html, `id="participants"`):]
	if n := strings.Count(parts, "<tr><td>"); n != 14 {
		t.Errorf("%d participant rows, want 14", n)
	}
	if strings.Contains(parts, `<td class="n"></td>`) {
		t.Error("a participant row has no analysis: its session was not matched to its results")
	}
	for _, want := range []string{"Person 5", "Windows", "Berlin (DE)", "Wired", "6.2.0", "Frankfurt (DE)", "203.0.113.5", "LAPTOP-5"} {
		if !strings.Contains(parts, want) {
			t.Errorf("participant details lack %q", want)
		}
	}
	// The incident in the middle of the meeting is in the headline: three
	// bad minutes per session, joins staggered over three minutes.
	if !strings.Contains(html, `<td>14:21</td><td>14:25</td><td class="n">4</td><td class="n">14</td><td class="n">100.0%</td>`) {
		t.Error("the incident at 14:21–14:25 of all 14 sessions is not in the headline")
	}

	d := parseData(t, html)
	if d.Start != time.Date(2026, 11, 20, 14, 1, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("start %d", d.Start)
	}
	charts := map[string]map[string]any{}
	for _, c := range d.Charts {
		if !strings.Contains(html, `<div class="chart" id="`+c.ID+`"`) {
			t.Errorf("chart %s has no element", c.ID)
		}
		charts[c.ID] = c.Option
	}
	// 6 streams × latency, jitter, loss, bitrate; 4 × frame rate; 2 × MOS; CPU.
	if len(d.Charts) != 1+24+4+2+1 {
		t.Errorf("%d charts, want 32", len(d.Charts))
	}
	hm := charts["heatmap"]
	if hm == nil {
		t.Fatal("no heatmap")
	}
	hs := hm["series"].([]any)[0].(map[string]any)
	if hs["type"] != "heatmap" || len(hs["data"].([]any)) != 14*40 {
		t.Errorf("heatmap series %v with %d cells, want 560", hs["type"], len(hs["data"].([]any)))
	}
	if ys := hm["yAxis"].([]any)[0].(map[string]any)["data"].([]any); len(ys) != 14 {
		t.Errorf("heatmap rows %v", ys)
	}

	// The first time chart: latency of audio_input, with its threshold,
	// the incident, the two aggregate lines and the ten worst sessions.
	lat := charts["chart-0"]
	if title := lat["title"].(map[string]any)["text"]; title != "Latency · audio_input" {
		t.Errorf("first chart %q", title)
	}
	series := lat["series"].([]any)
	if len(series) != 3+DefaultLines {
		t.Errorf("%d series, want the median, the p95, the incidents and %d sessions", len(series), DefaultLines)
	}
	median := series[0].(map[string]any)
	ml := median["markLine"].(map[string]any)["data"].([]any)[0].(map[string]any)
	if ml["yAxis"] != 150.0 {
		t.Errorf("threshold line %v", ml)
	}
	if in := series[2].(map[string]any); in["id"] != "incidents" || len(in["markArea"].(map[string]any)["data"].([]any)) != 1 {
		t.Errorf("the third series is not the incident's: %v", in)
	}
	if pts := median["data"].([]any); len(pts) != 42 { // the minutes of the timeline: joins are staggered over 3
		t.Errorf("median has %d points", len(pts))
	}
	if z := lat["dataZoom"].([]any); len(z) != 2 {
		t.Errorf("dataZoom %v, want inside and slider", z)
	}
	if lg := lat["legend"].(map[string]any); lg["type"] != "scroll" {
		t.Errorf("legend %v, want a scrolling one", lg)
	}
	// The worst sessions come first: the ones with bad Wi-Fi (every fourth).
	if name := series[3].(map[string]any)["name"]; name != fsi+reporttest.HostileScript+pdi && !strings.HasPrefix(name.(string), fsi+"Person ") {
		t.Errorf("first session line %v", name)
	}

	// Lines: -1 draws every session.
	all := parseData(t, render(t, doc, Options{Lines: -1}))
	if n := len(all.Charts[1].Option["series"].([]any)); n != 3+14 {
		t.Errorf("--lines -1: %d series, want 17", n)
	}
}

func TestReportNeedsNoNetwork(t *testing.T) {
	html := render(t, reporttest.Report(5, 20), Options{})
	page := withoutRuntime(t, html)
	for _, bad := range []string{"http://", "https://", "//cdn", "<link", "@import", "url(", "<iframe", "<img"} {
		if strings.Contains(page, bad) {
			i := strings.Index(page, bad)
			t.Errorf("the page holds %q: …%s…", bad, page[max(0, i-60):min(len(page), i+60)])
		}
	}
	// No element loads anything: no src, no href but to the page's own
	// sections.
	for _, tag := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(page, -1) {
		if a := regexp.MustCompile(`\s(src|href|srcset|data|poster|action)\s*=\s*"?([^"\s>]*)`).FindStringSubmatch(tag); a != nil && !strings.HasPrefix(a[2], "#") {
			t.Errorf("%s loads %q", tag, a[2])
		}
	}
	// Every script is inline.
	if n, m := strings.Count(html, "<script"), strings.Count(html, "<script>")+strings.Count(html, `<script type="application/json" id="zq-data">`); n != 3 || m != 3 {
		t.Errorf("%d scripts, %d of them inline; want 3 inline", n, m)
	}
	// The runtime is the one fetch.sh checks.
	fetch, err := os.ReadFile("assets/echarts/fetch.sh")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(echartsJS))
	if !strings.Contains(string(fetch), "RUNTIME_SHA256="+hex.EncodeToString(sum[:])) {
		t.Error("the embedded echarts.min.js does not match the checksum in fetch.sh")
	}
	for _, f := range []string{"LICENSE", "NOTICE"} {
		if _, err := os.Stat("assets/echarts/" + f); err != nil {
			t.Errorf("ECharts' %s is not committed beside it: %v", f, err)
		}
	}
}

// unescapedHostile fails the test when a hostile string from Zoom is in
// the page (its runtime left out) as markup, not text; it returns the page
// without the runtime.
func unescapedHostile(t *testing.T, html string) string {
	t.Helper()
	page := withoutRuntime(t, html)
	for _, raw := range []string{reporttest.HostileScript, reporttest.HostileImg, "<img", "</title><script>", "<script>window"} {
		if strings.Contains(page, raw) {
			i := strings.Index(page, raw)
			t.Errorf("%q is in the page unescaped: …%s…", raw, page[max(0, i-80):min(len(page), i+80)])
		}
	}
	return page
}

func TestReportEscapesZoomStrings(t *testing.T) {
	doc := reporttest.Report(6, 20)
	html := render(t, doc, Options{})
	page := unescapedHostile(t, html)
	// Three script elements, so three closing tags: no name closed one.
	if n := strings.Count(html, "</script>"); n != 3 {
		t.Errorf("%d </script> tags, want 3", n)
	}
	// The names are still there, as text: escaped in the HTML...
	for _, want := range []string{"&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;",
		"&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;", "Q3 &lt;/title&gt;&lt;script&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks the escaped %q", want)
		}
	}
	// ...and whole in the chart data, where ECharts draws them as text.
	found := 0
	for _, c := range parseData(t, html).Charts {
		if c.ID != "heatmap" {
			continue
		}
		for _, y := range c.Option["yAxis"].([]any)[0].(map[string]any)["data"].([]any) {
			if y == fsi+reporttest.HostileScript+pdi || y == fsi+reporttest.HostileImg+pdi {
				found++
			}
		}
	}
	if found != 2 {
		t.Errorf("%d hostile names in the heatmap's rows, want 2", found)
	}
}

func TestRedactedReportHoldsNoPersonalData(t *testing.T) {
	// With Zoom's alerts and summaries, which carry no personal data and
	// stay.
	m, sessions := reporttest.AlertedMeeting(8, 20)
	// Person 3 rejoins: a second session, the same participant id.
	again := sessions[3]
	again.Session.JoinTime = again.Session.JoinTime.Add(30 * time.Minute)
	again.Samples = nil
	for _, s := range sessions[3].Samples {
		s.Time = s.Time.Add(30 * time.Minute)
		again.Samples = append(again.Samples, s)
	}
	sessions = append(sessions, again)
	var secrets []string
	for _, s := range sessions {
		secrets = append(secrets, s.Session.UserName, s.Session.Email, s.Session.IPAddress, s.Session.MACAddr,
			s.Session.HarddiskID, s.Session.PCName, s.Session.Participant)
	}
	r := report.NewRedactor()
	r.Meeting(&m)
	for i := range sessions {
		r.Session(&sessions[i].Session)
	}
	html := withoutRuntime(t, render(t, reporttest.Document(m, sessions, true), Options{Lines: -1}))
	for _, s := range append(secrets, "corp.example", "Q3", "pwned") {
		if strings.Contains(html, s) || strings.Contains(html, strings.ReplaceAll(s, `"`, "&#34;")) {
			t.Errorf("the redacted report holds %q", s)
		}
	}
	for _, want := range []string{"Participant 1", "Participant 8", "ip-1", "pc-8", "(topic redacted)", "same pseudonym throughout",
		`<section id="alerts">`, "<bdi>Unstable audio quality</bdi>", `<summary><bdi>Participant 1</bdi> · joined`, `<td class="zs-zoom">88.2</td>`} {
		if !strings.Contains(html, want) {
			t.Errorf("the redacted report lacks %q", want)
		}
	}
	if strings.Contains(html, "Participant 9") {
		t.Error("the rejoin got a pseudonym of its own")
	}
	// Both sessions of person 4 (index 3) are labelled by their join time.
	if !strings.Contains(html, "Participant 4</bdi> · 14:") || strings.Count(html, "<tr><td><bdi>Participant 4</bdi> · ") != 2 {
		t.Error("the two sessions of Participant 4 are not both in the details, told apart by join time")
	}
	// A second redactor given the same sessions gives the same names.
	if a, b := sessions[0].Session.UserName, "Participant 1"; a != b {
		t.Errorf("first session %q, want %q", a, b)
	}
}

func TestDownsampleKeepsExtremes(t *testing.T) {
	var ps []point
	for i := range 10000 {
		y := math.Sin(float64(i) / 300)
		switch i {
		case 4321:
			y = 50 // a spike
		case 8765:
			y = -40 // a dip
		case 100, 101, 102:
			y = math.NaN()
		}
		ps = append(ps, point{float64(i), y})
	}
	out := downsample(ps, 2000)
	if len(out) > 2000 || len(out) < 1900 {
		t.Fatalf("%d points", len(out))
	}
	var hasSpike, hasDip bool
	for i, p := range out {
		if math.IsNaN(p.y) {
			t.Fatal("a gap survived downsampling")
		}
		if i > 0 && p.x <= out[i-1].x {
			t.Fatalf("out of order at %d", i)
		}
		hasSpike = hasSpike || p.y == 50
		hasDip = hasDip || p.y == -40
	}
	if !hasSpike || !hasDip {
		t.Errorf("spike kept %v, dip kept %v", hasSpike, hasDip)
	}
	if short := ps[:500]; len(downsample(short, 2000)) != 500 {
		t.Error("a series that fits was changed")
	}
	if got := string(must(points{[]point{{0, 1.25}, {1, math.NaN()}, {2.5, -0.001}}, 2}.MarshalJSON())); got != "[[0,1.25],[1,null],[2.5,0]]" {
		t.Errorf("points marshal as %s", got)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestEmptyMeetingReport(t *testing.T) {
	html := render(t, reporttest.Document(store.Meeting{ID: "1"}, nil, false), Options{})
	if !strings.Contains(html, "no samples") || strings.Contains(html, `id="heatmap"`) {
		t.Error("an empty meeting's report should say it has no samples and draw nothing")
	}
	if d := parseData(t, html); len(d.Charts) != 0 {
		t.Errorf("%d charts", len(d.Charts))
	}
}

// The isolating marks report.Isolate puts around a label drawn on a
// canvas: FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE.
const (
	fsi = "\u2068"
	pdi = "\u2069"
)
