package html

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// Links the fleet report's tests give the worst meetings, in their order:
// one good relative link, then links that must not become links.
var fleetLinks = []string{
	"meetings/worst.html",
	"javascript:window.__pwned=5",
	"//evil.example/x.html",
	"/etc/passwd",
	"https://evil.example/",
	`\\evil.example\x.html`,
	" //evil.example/y.html",
	`a" onmouseover="window.__pwned=6" b.html`, // relative, but must stay in its attribute
}

// fleetDoc is 30 meetings of 12 sessions over 40 minutes in November 2026
// (reporttest.FleetMeeting), against a period before of which prev says
// the figures, with fleetLinks given to the worst meetings.
func fleetDoc(t testing.TB, zone *time.Location, prev func(h analyze.Headline) *analyze.Headline) *report.Fleet {
	t.Helper()
	r := reporttest.FleetPeriod(30, 12, 40, analyze.PeriodOptions{Zone: zone}, nil)
	if prev != nil {
		r.Previous = prev(r.Headline)
	}
	links := map[string]string{}
	for i, l := range fleetLinks {
		links[r.Worst[i].Meeting] = l
	}
	return &report.Fleet{Result: r, Links: links, Zone: zone, Generated: time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC), Version: "test"}
}

// earlier is a period before with 5 meetings fewer, as many people, 10
// session-hours more, 1.2 points less degraded and a MOS 0.05 higher.
func earlier(h analyze.Headline) *analyze.Headline {
	p := h
	p.Meetings -= 5
	p.SessionHours += 10
	p.Degraded -= 0.012
	mos := *h.MOS + 0.05
	p.MOS = &mos
	return &p
}

func renderFleet(t testing.TB, f *report.Fleet) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteFleet(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// section is the part of the page from the element of the id to the next
// section.
func section(t testing.TB, html, id string) string {
	t.Helper()
	i := strings.Index(html, `<section id="`+id+`">`)
	if i < 0 {
		t.Fatalf("no section %s", id)
	}
	s := html[i:]
	if j := strings.Index(s, "</section>"); j >= 0 {
		s = s[:j]
	}
	return s
}

func TestFleetSections(t *testing.T) {
	f := fleetDoc(t, nil, earlier)
	r := f.Result
	html := renderFleet(t, f)

	last := -1
	for _, want := range []string{`<header id="overview">`, `id="headline"`, `id="trends"`, `id="where"`, `id="worst"`,
		`id="people"`, `id="incidents"`, `<footer>`} {
		i := strings.Index(html[last+1:], want)
		if i < 0 {
			t.Fatalf("%s missing, or not after the section before it", want)
		}
		last += 1 + i
	}
	// The header: the period's days (the last one is the day before To),
	// the thresholds in force, when it was made and by what.
	for _, want := range []string{"<b>2026-11-01 – 2026-11-30</b> · 30 days · times in UTC", "<dd>2026-12-01 07:00 UTC</dd>",
		"latency &gt; 150 ms, jitter &gt; 30 ms, loss &gt; 3 %, frame rate &lt; 7 fps", "system CPU ≥ 90 %",
		"<dt>zoomqos</dt><dd>test</dd>", "<dt>Sessions</dt><dd>360</dd>", "<dt>Samples</dt><dd>14400</dd>"} {
		if !strings.Contains(html, want) {
			t.Errorf("the header lacks %q", want)
		}
	}
	if strings.Contains(html, `class="redacted"`) {
		t.Error("an unredacted report says it is redacted")
	}

	// The headline: each figure against the period before, the change
	// coloured by whether it is better or worse.
	head := section(t, html, "headline")
	for _, want := range []string{
		`<h3>Meetings</h3>
<p class="big">30</p>
<p class="chg neutral"><span aria-hidden="true">▲</span> &#43;5 (&#43;20.0%)</p>`,
		`<h3>Participants</h3>
<p class="big">40</p>
<p class="chg same">no change</p>`,
		`<h3>Session-hours</h3>
<p class="big">240</p>
<p class="chg neutral"><span aria-hidden="true">▼</span> −10 (−4.0%)</p>`,
		fmt.Sprintf(`<h3>Session time degraded</h3>
<p class="big">%s</p>
<p class="chg worse"><span aria-hidden="true">▲</span> &#43;1.2 pts (from %s)</p>`, report.Pct(r.Headline.Degraded), report.Pct(r.Headline.Degraded-0.012)),
		fmt.Sprintf(`<h3>Median MOS</h3>
<p class="big">%.2f</p>
<p class="chg worse"><span aria-hidden="true">▼</span> −0.05</p>`, *r.Headline.MOS),
		"against the 30 days before (2026-10-02 – 2026-10-31)",
	} {
		if !strings.Contains(head, want) {
			t.Errorf("the headline lacks %q", want)
		}
	}
	// Better: less degraded, a higher MOS.
	f.Result.Previous = earlier(r.Headline)
	f.Result.Previous.Degraded += 0.05
	*f.Result.Previous.MOS -= 0.2
	better := section(t, renderFleet(t, f), "headline")
	for _, want := range []string{`<p class="chg better"><span aria-hidden="true">▼</span> −3.8 pts`,
		`<p class="chg better"><span aria-hidden="true">▲</span> &#43;0.15</p>`} {
		if !strings.Contains(better, want) {
			t.Errorf("the headline against a worse period before lacks %q", want)
		}
	}
	f.Result.Previous = nil
	if n := strings.Count(section(t, renderFleet(t, f), "headline"), `<p class="chg none">no earlier data</p>`); n != 5 {
		t.Errorf("without a period before, %d figures say there is no earlier data, want 5", n)
	}
	f.Result.Previous = earlier(r.Headline)

	// Trends: the fleet's chart and one per property, each naming the
	// bucket, a point per day, a line per group.
	d := parseData(t, html)
	if len(d.Charts) != 1+6 {
		t.Fatalf("%d charts, want the fleet's and 6 splits", len(d.Charts))
	}
	trend := d.Charts[0].Option
	if title := trend["title"].(map[string]any)["text"]; title != "Session time degraded and median MOS, per day" {
		t.Errorf("trend chart %q", title)
	}
	if days := trend["xAxis"].([]any)[0].(map[string]any)["data"].([]any); len(days) != 30 || days[0] != "Sun 1 Nov" || days[29] != "Mon 30 Nov" {
		t.Errorf("the trend's days: %v", days)
	}
	series := trend["series"].([]any)
	if len(series) != 2 || series[0].(map[string]any)["type"] != "bar" || series[1].(map[string]any)["yAxisIndex"] != 1.0 {
		t.Fatalf("the trend's series: %v", series)
	}
	for i, pt := range r.Trend {
		want := any(nil)
		if pt.Degraded != nil {
			want = float64(int(*pt.Degraded*1e4+0.5)) / 100
		}
		if got := series[0].(map[string]any)["data"].([]any)[i]; got != want {
			t.Errorf("day %d: degraded %v, want %v", i, got, want)
		}
	}
	for i, c := range d.Charts[1:] {
		s := r.Splits[i]
		title := c.Option["title"].(map[string]any)["text"].(string)
		if !strings.HasPrefix(title, "Degraded per day by ") || len(c.Option["series"].([]any)) != len(s.Groups) {
			t.Errorf("split %s: %q with %d lines, want %d", s.By, title, len(c.Option["series"].([]any)), len(s.Groups))
		}
		if !strings.Contains(html, `<div class="chart" id="`+c.ID+`"`) {
			t.Errorf("chart %s has no element", c.ID)
		}
	}
	// A day without sessions of a group is a gap.
	gaps := 0
	for _, c := range d.Charts[1:] {
		for _, s := range c.Option["series"].([]any) {
			for _, v := range s.(map[string]any)["data"].([]any) {
				if v == nil {
					gaps++
				}
			}
		}
	}
	if gaps == 0 {
		t.Error("no gaps in the split trends, though no group meets every day")
	}
	if version := d.Charts[5].Option["series"].([]any); version[len(version)-1].(map[string]any)["name"] != "other groups" {
		t.Errorf("the client versions' last line is %v, want the pooled other groups", version[len(version)-1].(map[string]any)["name"])
	}

	// Where: a table per property, the groups as given, each against the
	// fleet in signed, coloured points.
	where := section(t, html, "where")
	if n := strings.Count(where, "<caption>"); n != 6 {
		t.Errorf("%d roll-up tables, want 6", n)
	}
	net := r.Where[0]
	if net.By != analyze.ByNetwork || net.Groups[0].Group != "Cellular" {
		t.Fatalf("the network roll-up: %+v", net)
	}
	g := net.Groups[0]
	row := fmt.Sprintf(`<tr><td>Cellular</td><td class="n">%s</td><td class="n chg worse">&#43;%.1f pts</td><td class="n expl"><span class="ebar"><span class="bar" style="width:%.1f%%"></span></span>%s</td><td class="n">%d</td><td class="n">%s</td><td class="n">%.2f</td></tr>`,
		report.Pct(g.Degraded), 100*g.Difference, 100*g.Explains, report.Pct(g.Explains), g.Sessions, report.Num(float64(g.Samples)/60), *g.MOS)
	if !strings.Contains(where, row) {
		t.Errorf("the network table lacks\n%s\nin\n%s", row, where[:min(len(where), 1500)])
	}
	if strings.Index(where, "<td>Cellular</td>") > strings.Index(where, "<td>Wifi</td>") {
		t.Error("the network roll-up is not in the order given (most explained first)")
	}
	if !strings.Contains(where, `<td class="n chg better">−`) {
		t.Error("no group is shown better than the fleet in green")
	}

	// Worst meetings: the 20 worst in order, their start in the zone, the
	// first linked to its report.
	worst := section(t, html, "worst")
	if n := strings.Count(worst, "<tr><td><"); n != len(r.Worst) || n != 20 {
		t.Errorf("%d worst meetings, want %d", n, len(r.Worst))
	}
	w0 := r.Worst[0]
	want := fmt.Sprintf(`<tr><td><a href="meetings/worst.html"><bdi>%s</bdi></a><br><span class="sub"><bdi>Meeting %s</bdi></span></td><td class="n">%s</td><td class="n">%d of %d</td>`,
		w0.Topic, w0.Number, report.Pct(w0.Degraded), w0.DegradedSessions, w0.Sessions)
	tail := fmt.Sprintf(`<td class="t">%s</td><td class="n">%d</td></tr>`, w0.Start.UTC().Format("2006-01-02 15:04 MST"), w0.Participants)
	if !strings.Contains(worst, want) || !strings.Contains(worst, tail) {
		t.Errorf("the worst meeting's row lacks\n%s", want)
	}

	// People: "degraded in 5 of 6 meetings", usual device, network,
	// location, last seen.
	people := section(t, html, "people")
	p0 := r.People[0]
	want = fmt.Sprintf(`<tr><td><bdi>%s</bdi><br><span class="sub"><bdi>%s</bdi></span></td><td class="t">degraded in %d of %d meetings</td><td class="n">%s</td><td>%s</td><td>%s</td><td>%s</td><td class="t">%s</td></tr>`,
		p0.Name, p0.Key, p0.DegradedMeetings, p0.Meetings, report.Pct(p0.Degraded), p0.Device, p0.Network, p0.Location, p0.Last.Format("2006-01-02"))
	if !strings.Contains(people, want) {
		t.Errorf("the people lack\n%s", want)
	}
	if n := strings.Count(people, `<td class="t">degraded in `); n != len(r.People) {
		t.Errorf("%d people, want %d", n, len(r.People))
	}

	// Incidents, each with its why: the planted data center where two
	// thirds were routed through it, no one to compare with where all
	// suffered.
	inc := section(t, html, "incidents")
	if n := strings.Count(inc, `<tr class="why">`); n != len(r.Incidents) || n != 7 {
		t.Errorf("%d incidents, want %d", n, len(r.Incidents))
	}
	for _, want := range []string{
		`<b>Why:</b> data center &#34;SC (Singapore)&#34;: 8 of 8 affected, 0 of 4 unaffected (p 0.002)</td></tr>`,
		`<b>Why:</b> cannot tell a common factor: every session in the meeting at the time was affected, none to compare with (12 affected, 0 not)`,
		`audio_input avg_loss_pct up to 6.4 (threshold 3) in 8 sessions; audio_output avg_loss_pct up to 6.4 (3) in 8 sessions; audio_input latency_ms up to 269 (150) in 8 sessions; and 3 more breaches<br>`,
		`<td><bdi>Weekly sync 3</bdi><br><span class="sub"><bdi>Meeting 87000000003</bdi></span></td><td class="t">2026-11-04 12:07 UTC – 12:09 UTC</td>`,
	} {
		if !strings.Contains(inc, want) {
			t.Errorf("the incidents lack %q", want)
		}
	}
}

// A roll-up of more groups than a table shows says how many more, and how
// much of the degraded time they explain together.
func TestFleetWhereSaysHowManyMore(t *testing.T) {
	f := fleetDoc(t, nil, nil)
	loc := &f.Result.Where[2]
	for i := range 12 {
		loc.Groups = append(loc.Groups, analyze.WhereGroup{Group: fmt.Sprintf("Town %d", i), Sessions: 1, Samples: 40, Explains: 0.0025})
	}
	var explains float64
	for _, g := range loc.Groups[whereRows:] {
		explains += g.Explains
	}
	where := section(t, renderFleet(t, f), "where")
	want := fmt.Sprintf(`<tr class="more"><td colspan="7">%d more groups, explaining %s together</td></tr>`, len(loc.Groups)-whereRows, report.Pct(explains))
	if !strings.Contains(where, want) {
		t.Errorf("the location table lacks %q", want)
	}
	if n := strings.Count(where, "<td>Town "); n != whereRows-5 {
		t.Errorf("%d towns shown, want %d (the table shows %d groups)", n, whereRows-5, whereRows)
	}
}

// Times, days and buckets are in the report's zone, and named.
func TestFleetInZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	f := fleetDoc(t, berlin, nil)
	html := renderFleet(t, f)
	for _, want := range []string{"<b>2026-11-01 – 2026-11-30</b> · 30 days · times in Europe/Berlin (CET, UTC&#43;01:00)", "<dd>2026-12-01 08:00 CET</dd>",
		"against the 30 days before (2026-10-02 – 2026-10-31)",
		fmt.Sprintf(`<td class="t">%s</td>`, f.Result.Worst[0].Start.In(berlin).Format("2006-01-02 15:04 MST"))} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if days := parseData(t, html).Charts[0].Option["xAxis"].([]any)[0].(map[string]any)["data"].([]any); len(days) != 30 || days[0] != "Sun 1 Nov" {
		t.Errorf("the trend's days in Berlin: %v", days)
	}
}

// Only relative file names become links; anything with a scheme, from the
// root or from another host is left as text, and a relative name with
// markup in it stays inside its attribute.
func TestFleetLinksAreRelative(t *testing.T) {
	f := fleetDoc(t, nil, nil)
	html := withoutRuntime(t, renderFleet(t, f))
	var hrefs []string
	for _, m := range regexp.MustCompile(`<a [^>]*>`).FindAllString(html, -1) {
		a := regexp.MustCompile(`^<a href="([^"]*)">$`).FindStringSubmatch(m)
		if a == nil {
			t.Errorf("a link with more than its href: %s", m)
			continue
		}
		if !strings.HasPrefix(a[1], "#") {
			hrefs = append(hrefs, a[1])
		}
	}
	// Each meeting linked where it is named: the worst meetings, and its
	// incidents.
	linked := map[string]bool{}
	for _, h := range hrefs {
		linked[h] = true
		if strings.Contains(h, ":") || strings.HasPrefix(h, "/") || strings.Contains(h, `\`) || strings.Contains(h, "evil") {
			t.Errorf("the page links to %q", h)
		}
	}
	if !linked["meetings/worst.html"] || !linked["a%22%20onmouseover=%22window.__pwned=6%22%20b.html"] || len(linked) != 2 {
		t.Errorf("links %q, want the good one and the one with a quote, escaped", hrefs)
	}
	for _, bad := range []string{"javascript:", "evil.example", "/etc/passwd", `onmouseover="`} {
		if strings.Contains(html, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	// Those not linked are still named.
	if !strings.Contains(section(t, html, "worst"), "<td><bdi>"+f.Result.Worst[1].Topic+"</bdi>") {
		t.Error("a meeting with a refused link is not named as text")
	}
	for _, h := range []string{"x.html", "meetings/86000000042.html", "../other/m.html", "a b.html"} {
		if relativeHref(h) != h {
			t.Errorf("relativeHref(%q) refused a relative file name", h)
		}
	}
	for _, h := range append(fleetLinks[1:7], "", "C:x.html", "file.html\n", "mailto:x", "data:text/html,x") {
		if relativeHref(h) != "" {
			t.Errorf("relativeHref(%q) = %q, want it refused", h, relativeHref(h))
		}
	}
}

// A hostile topic, name or location is shown as text wherever it is, and
// the data block stays data: no name closes its script element.
func TestFleetEscapesZoomStrings(t *testing.T) {
	html := renderFleet(t, fleetDoc(t, nil, earlier))
	page := unescapedHostile(t, html)
	if n := strings.Count(html, "</script>"); n != 3 {
		t.Errorf("%d </script> tags, want 3", n)
	}
	body := dataBlock.ReplaceAllString(page, "")
	for _, want := range []string{
		"<bdi>&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;</bdi>",                           // a person
		"<bdi>&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;</bdi>",                                   // a person
		"<td>&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;</td>",                                     // a location
		"<bdi>Q3 &lt;/title&gt;&lt;script&gt;window.__pwned=3&lt;/script&gt; &amp; &#34;friends&#34;</bdi>", // a topic
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks the escaped %q", want)
		}
	}
	reporttest.Inert(t, "the page", body, "\n")
	// In the data block, escaped (no "<" at all) and whole once parsed:
	// the hostile location is a line of the location trend, isolated.
	block := dataBlock.FindStringSubmatch(html)[1]
	if strings.ContainsAny(block, "<>&") {
		t.Error("the data block holds <, > or & unescaped")
	}
	found := false
	for _, c := range parseData(t, html).Charts {
		for _, s := range c.Option["series"].([]any) {
			found = found || s.(map[string]any)["name"] == fsi+reporttest.HostileImg+pdi
		}
	}
	if !found {
		t.Error("the hostile location is not a line of the trends, whole and isolated")
	}
}

// Bidi controls and line breaks in a topic, a name or a location move
// nothing: each is shown without them, isolated.
func TestFleetIsolatesHostileText(t *testing.T) {
	f := fleetDoc(t, nil, nil)
	r := f.Result
	r.Worst[0].Topic = "Q4 \u202Eweiver\u202C plans"
	r.People[0].Name = reporttest.BreakName
	r.Where[2].Groups[0].Group = reporttest.IsoName
	r.Incidents[0].Topic = reporttest.RLOName
	body := dataBlock.ReplaceAllString(withoutRuntime(t, renderFleet(t, f)), "")
	reporttest.Inert(t, "the page", body, "\n")
	for _, want := range []string{"<bdi>Q4 weiver plans</bdi>", "<bdi>Trudy  FAKE ROW</bdi>", "<td>Peggy end</td>", "<bdi>Eve gnp.exe</bdi>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// The same input gives the same bytes: twice from one analysis, and from
// two analyses of the same meetings (added in whatever order the cores
// took them).
func TestFleetReproducible(t *testing.T) {
	a := renderFleet(t, fleetDoc(t, nil, earlier))
	b := renderFleet(t, fleetDoc(t, nil, earlier))
	if a != b {
		i := 0
		for i < min(len(a), len(b)) && a[i] == b[i] {
			i++
		}
		t.Errorf("two reports of the same meetings differ at byte %d: …%s… and …%s…", i, a[max(0, i-80):min(len(a), i+80)], b[max(0, i-80):min(len(b), i+80)])
	}
}

// A period without meetings gives a short page saying so, with no charts
// and no runtime to load.
func TestEmptyFleet(t *testing.T) {
	r := analyze.NewPeriod(reporttest.FleetFrom, reporttest.FleetTo, analyze.PeriodOptions{}).Result(nil)
	html := renderFleet(t, &report.Fleet{Result: r, Generated: time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC), Version: "test"})
	if !strings.Contains(html, "No meeting with samples started in 2026-11-01 – 2026-11-30 (UTC)") {
		t.Error("the empty page does not say there were no meetings")
	}
	if strings.Contains(html, `id="trends"`) || strings.Contains(html, echartsJS[:100]) || len(html) > 20_000 {
		t.Errorf("the empty page has trends or the runtime: %d bytes", len(html))
	}
	if d := parseData(t, html); len(d.Charts) != 0 {
		t.Errorf("%d charts", len(d.Charts))
	}
	if err := WriteFleet(&bytes.Buffer{}, &report.Fleet{}); err == nil {
		t.Error("a fleet report of no analysis gave no error")
	}
}

// The redacted report says so.
func TestRedactedFleetSaysSo(t *testing.T) {
	f := fleetDoc(t, nil, nil)
	f.Redacted = true
	if !strings.Contains(renderFleet(t, f), "replaced by pseudonyms") {
		t.Error("the redacted report does not say it is redacted")
	}
}

// The page loads nothing: every script inline, no URL but the meetings'
// relative links and its own sections.
func TestFleetNeedsNoNetwork(t *testing.T) {
	f := fleetDoc(t, nil, nil)
	f.Links = map[string]string{f.Result.Worst[0].Meeting: "meetings/worst.html"}
	html := renderFleet(t, f)
	page := withoutRuntime(t, html)
	for _, bad := range []string{"http://", "https://", "//cdn", "<link", "@import", "url(", "<iframe", "<img"} {
		if strings.Contains(page, bad) {
			i := strings.Index(page, bad)
			t.Errorf("the page holds %q: …%s…", bad, page[max(0, i-60):min(len(page), i+60)])
		}
	}
	for _, tag := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(page, -1) {
		if a := regexp.MustCompile(`\s(src|href|srcset|data|poster|action)\s*=\s*"?([^"\s>]*)`).FindStringSubmatch(tag); a != nil &&
			!strings.HasPrefix(a[2], "#") && a[2] != "meetings/worst.html" {
			t.Errorf("%s loads %q", tag, a[2])
		}
	}
	if n, m := strings.Count(html, "<script"), strings.Count(html, "<script>")+strings.Count(html, `<script type="application/json" id="zq-data">`); n != 3 || m != 3 {
		t.Errorf("%d scripts, %d of them inline; want 3 inline", n, m)
	}
}
