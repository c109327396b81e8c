package html

import (
	"slices"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
)

// plantedReport is reporttest.Planted with a bitrate and no loss on
// audio_input (so that it has a MOS too), and
// one session of the unaffected data centers, Person 20, at 300 ms of
// latency on its own from 14:20 to 14:28, and Person 0 sharing its
// screen from 14:20: a meeting with one incident (14:10–14:16, the 16
// sessions in Singapore), a window outside it, and a stream that begins
// after it.
func plantedReport() *report.Meeting {
	m, sessions := reporttest.Planted()
	for i := range sessions {
		for k := range sessions[i].Samples {
			smp := &sessions[i].Samples[k]
			smp.Values = append(smp.Values, store.Value{Stream: store.AudioInput, Metric: store.Bitrate, V: float64(60 + k)},
				store.Value{Stream: store.AudioInput, Metric: store.AvgLoss, V: 0})
			if i == 20 && k >= 20 && k < 28 {
				for j := range smp.Values {
					if smp.Values[j].Metric == store.Latency {
						smp.Values[j].V = 300
					}
				}
			}
			if i == 0 && k >= 20 {
				smp.Values = append(smp.Values, store.Value{Stream: store.ASInput, Metric: store.Latency, V: 50})
			}
			smp.Normalize()
		}
	}
	return reporttest.Document(m, sessions, false)
}

// chartTitled finds a time chart of the page by its title.
func chartTitled(t *testing.T, d pageData, title string) (map[string]any, []sessionWindows) {
	t.Helper()
	for _, c := range d.Charts {
		if c.Kind == "time" && c.Option["title"].(map[string]any)["text"] == title {
			return c.Option, c.Sessions
		}
	}
	t.Fatalf("no chart %q", title)
	return nil, nil
}

// Charts shade the meeting-wide incidents, named, where their quantity
// has a threshold, and not the union of every session's windows; each
// session drawn as its own line carries its own windows of the chart's
// stream and metric, for the page to shade when it is hovered.
func TestChartsShadeIncidents(t *testing.T) {
	doc := plantedReport()
	if n := len(doc.Result.Incidents); n != 1 {
		t.Fatalf("%d incidents, want the planted one", n)
	}
	d := parseData(t, render(t, doc, Options{}))

	for _, title := range []string{"Latency · audio_input", "Jitter · audio_input", "MOS · audio_input"} {
		o, _ := chartTitled(t, d, title)
		var shaded []string
		for _, s := range o["series"].([]any) {
			s := s.(map[string]any)
			ma, ok := s["markArea"].(map[string]any)
			if !ok {
				continue
			}
			shaded = append(shaded, s["id"].(string))
			areas := ma["data"].([]any)
			if len(areas) != 1 {
				t.Errorf("%s: %d areas, want the one incident", title, len(areas))
				continue
			}
			from, to := areas[0].([]any)[0].(map[string]any), areas[0].([]any)[1].(map[string]any)
			if got, want := from["name"], "incident 14:10–14:16, 16 sessions degraded (peak 66.7%)"; got != want {
				t.Errorf("%s: the band is named %q, want %q", title, got, want)
			}
			if from["xAxis"] != 10.0 || to["xAxis"] != 16.0 {
				t.Errorf("%s: the band spans minutes %v to %v, want 10 to 16", title, from["xAxis"], to["xAxis"])
			}
			if s["name"] != "meeting-wide incidents" {
				t.Errorf("%s: the incidents' legend entry is %q", title, s["name"])
			}
		}
		if !slices.Equal(shaded, []string{"incidents"}) {
			t.Errorf("%s: series %v shade something; want only the incidents'", title, shaded)
		}
	}

	// In the report's zone, as every other time of the page.
	berlin := parseData(t, render(t, doc, Options{Location: reporttest.Zone(t, "Europe/Berlin")}))
	o, _ := chartTitled(t, berlin, "Latency · audio_input")
	for _, s := range o["series"].([]any) {
		if s := s.(map[string]any); s["id"] == incidentSeriesID {
			name := s["markArea"].(map[string]any)["data"].([]any)[0].([]any)[0].(map[string]any)["name"]
			if want := "incident 15:10–15:16, 16 sessions degraded (peak 66.7%)"; name != want {
				t.Errorf("in Berlin's zone the band is named %q, want %q", name, want)
			}
		}
	}

	// A chart whose lines the incident does not reach has no band: screen
	// share, whose one session shared from 14:20.
	share, _ := chartTitled(t, d, "Latency · as_input")
	for _, s := range share["series"].([]any) {
		if s := s.(map[string]any); s["markArea"] != nil || s["id"] == "incidents" {
			t.Errorf("screen share's chart shades %v, outside its minutes", s["name"])
		}
	}

	// Bitrate has no threshold: nothing shaded, no windows carried.
	o, sessions := chartTitled(t, d, "Bitrate · audio_input")
	for _, s := range o["series"].([]any) {
		if s := s.(map[string]any); s["markArea"] != nil || s["id"] == "incidents" {
			t.Errorf("the bitrate chart shades %v", s["name"])
		}
	}
	if len(sessions) != 0 {
		t.Errorf("the bitrate chart carries windows: %v", sessions)
	}

	// Latency: each session line carries its windows that breached
	// latency on audio_input; Person 20 first (the most degraded samples).
	o, sessions = chartTitled(t, d, "Latency · audio_input")
	series := o["series"].([]any)
	var lines []string
	for _, s := range series {
		if id, _ := s.(map[string]any)["id"].(string); strings.HasPrefix(id, "s") {
			lines = append(lines, id)
		}
	}
	if len(lines) != DefaultLines {
		t.Errorf("%d sessions drawn as their own lines, want %d", len(lines), DefaultLines)
	}
	if name := series[3].(map[string]any)["name"]; name != fsi+"Person 20"+pdi {
		t.Errorf("the first session line is %q, want Person 20's", name)
	}
	want := map[string][]windowSpan{"s20": {{20, 28}}}
	for _, id := range lines[1:] {
		want[id] = []windowSpan{{10, 16}}
	}
	got := map[string][]windowSpan{}
	for _, s := range sessions {
		got[s.Series] = s.Windows
	}
	for id, w := range want {
		if !slices.Equal(got[id], w) {
			t.Errorf("session line %s carries windows %v, want %v", id, got[id], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("windows carried for %d session lines, want %d", len(got), len(want))
	}
	// Jitter never breached: the chart carries no session's windows; the
	// MOS chart, which latency enters, carries the same as latency's.
	if _, sessions := chartTitled(t, d, "Jitter · audio_input"); len(sessions) != 0 {
		t.Errorf("the jitter chart carries latency's windows: %v", sessions)
	}
	if _, mos := chartTitled(t, d, "MOS · audio_input"); !slices.EqualFunc(mos, sessions, func(a, b sessionWindows) bool {
		return a.Series == b.Series && slices.Equal(a.Windows, b.Windows)
	}) {
		t.Errorf("the MOS chart carries %v, the latency chart %v", mos, sessions)
	}
}
