package html

import (
	"regexp"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
)

// The page lists Zoom's alerts with what zoomqos saw then, and marks them
// on the line charts.
func TestReportShowsZoomsAlerts(t *testing.T) {
	m, sessions := reporttest.AlertedMeeting(8, 30)
	doc := reporttest.Document(m, sessions, false)
	html := render(t, doc, Options{})
	page := withoutRuntime(t, html)
	in := doc.Result.Incidents
	if len(in) != 1 {
		t.Fatalf("%d incidents in the synthetic meeting, want 1", len(in))
	}
	section := regexp.MustCompile(`(?s)<section id="alerts">.*?</section>`).FindString(page)
	if section == "" {
		t.Fatal("the page has no section of Zoom's alerts")
	}
	incident := "during incident 1 (" + report.Clock.Format(in[0].Start) + "–" + report.Clock.Format(in[0].End) + ")"
	for _, want := range []string{
		"<h2>Zoom's alerts</h2>",
		// Before the first sample: zoomqos cannot say.
		`<tr><td class="t">13:55:00</td><td><bdi>Call Reconnection</bdi></td><td class="seen">no samples then</td></tr>`,
		`<tr><td class="t">14:18:30</td><td><bdi>Unstable audio quality</bdi>, <bdi>Unstable video quality</bdi></td><td class="seen">` + incident + `</td></tr>`,
		`<td><bdi>High CPU occupation</bdi></td><td class="seen">during a degradation window of 1 session (audio, video, screen share)</td>`,
	} {
		if !strings.Contains(section, want) {
			t.Errorf("the alerts' section lacks %s:\n%s", want, section)
		}
	}
	if !strings.Contains(page, `<a href="#alerts">Zoom's alerts</a>`) {
		t.Error("the navigation does not lead to the alerts")
	}
	// In --tz's zone, as every time of the page.
	berlin := withoutRuntime(t, render(t, doc, Options{Location: reporttest.Zone(t, "Europe/Berlin")}))
	if !strings.Contains(berlin, `<td class="t">15:18:30</td>`) || !strings.Contains(berlin, "during incident 1 (15:") {
		t.Error("the alerts' times are not in the report's zone")
	}

	// The charts: each line chart marks the two alerts within its minutes,
	// named as its tooltip says them.
	marked := 0
	for _, c := range parseData(t, html).Charts {
		if c.Kind != "time" {
			continue
		}
		var alerts map[string]any
		for _, s := range c.Option["series"].([]any) {
			if s := s.(map[string]any); s["id"] == alertSeriesID {
				alerts = s
			}
		}
		if alerts == nil {
			t.Errorf("chart %s does not mark Zoom's alerts", c.ID)
			continue
		}
		data := alerts["markLine"].(map[string]any)["data"].([]any)
		if alerts["name"] != "Zoom's alerts" || len(data) != 2 {
			t.Errorf("chart %s: series %q with %d marks, want Zoom's alerts with 2", c.ID, alerts["name"], len(data))
			continue
		}
		last := data[1].(map[string]any)
		want := "Zoom alert: \u2068Unstable audio quality\u2069, \u2068Unstable video quality\u2069 at 14:18:30"
		if x := m.Alerts[2].Time.Sub(doc.Timeline.Start).Minutes(); last["name"] != want || last["xAxis"] != x {
			t.Errorf("chart %s: mark %v, want %q at minute %v", c.ID, last, want, x)
		}
		marked++
	}
	if marked < 30 {
		t.Errorf("%d charts mark the alerts", marked)
	}

	// Without alerts, no trace of them: no heading, no link, no legend entry.
	plain := render(t, reporttest.Report(8, 30), Options{})
	if strings.Contains(plain, `id="alerts"`) || strings.Contains(plain, `href="#alerts"`) || strings.Contains(dataBlock.FindString(plain), `"id":"alerts"`) {
		t.Error("a meeting without alerts shows an alerts section or mark")
	}
}

// The participants' details set Zoom's summary of a session beside
// zoomqos's percentiles over the same session.
func TestReportShowsZoomsSummary(t *testing.T) {
	m, sessions := reporttest.AlertedMeeting(8, 30)
	doc := reporttest.Document(m, sessions, false)
	page := withoutRuntime(t, render(t, doc, Options{}))
	if !strings.Contains(page, `<h3 id="zoom-summaries">Zoom's summary vs zoomqos</h3>`) {
		t.Fatal("the page has no summaries from Zoom")
	}
	if n := strings.Count(page, `<details class="zsum"`); n != 2 {
		t.Errorf("%d summaries, want those of sessions 0 and 2", n)
	}
	// Session 2's audio input latency: Zoom's figures, zoomqos's own.
	lat := doc.Result.SessionResults[2].Streams[store.AudioInput][store.Latency]
	want := `<tr><th>latency_ms</th><td class="zs-zoom">40</td><td class="zs-zoom">88.2</td><td class="zs-zoom">268</td><td>` +
		report.Num(lat.P50) + `</td><td>` + report.Num(lat.P95) + `</td><td>` + report.Num(lat.Max) + `</td></tr>`
	if !strings.Contains(page, want) {
		t.Errorf("the page lacks Person 2's latency row %s", want)
	}
	// CPU, of which Zoom gave only the average.
	if !strings.Contains(page, `<tr><th>system_max_cpu_pct</th><td class="zs-zoom">–</td><td class="zs-zoom">44</td><td class="zs-zoom">–</td><td>`) {
		t.Error("a figure Zoom did not give is not shown as –")
	}
	for _, want := range []string{`<caption>audio_input</caption>`, `<caption>video_input</caption>`, `<caption>cpu_usage</caption>`,
		`<summary><bdi>Person 2</bdi> · joined `, `<a class="zf" href="#zoom-summary-`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// The session named to run script is summarised too, its name as text.
	if !strings.Contains(page, `<summary><bdi>&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;</bdi>`) {
		t.Error("session 0's summary is not headed by its name, escaped")
	}
	if plain := withoutRuntime(t, render(t, reporttest.Report(8, 30), Options{})); strings.Contains(plain, "zoom-summar") {
		t.Error("a meeting without Zoom's summaries shows a heading or link for them")
	}
}
