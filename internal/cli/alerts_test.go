package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
)

// `analyze --format json` of a stored meeting: every session's Zoom
// summary where Zoom sent one, and the meeting's alerts as stored, each
// with what zoomqos saw then; the table in words.
func TestAnalyzeJSONHasZoomSummaryAndAlerts(t *testing.T) {
	ctx := context.Background()
	path := tempDB(t)
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, sessions := reporttest.AlertedMeeting(4, 20)
	m.Topic = "Weekly"
	alerts := m.Alerts
	m.Alerts = nil
	if _, err := db.PutPage(ctx, &store.Page{Meeting: m, Sessions: sessions, Alerts: alerts}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	r := zoomqos(t, "", "--db", path, "analyze", "--meeting", m.ID, "--format", "json")
	if r.code != 0 {
		t.Fatalf("analyze: %d %s", r.code, r.stderr)
	}
	var got struct {
		Sessions []struct {
			Participant string `json:"participant"`
			ZoomSummary *struct {
				Time  string `json:"time"`
				Stats []struct {
					Stream, Metric string
					Min, Avg, Max  *float64
				} `json:"stats"`
			} `json:"zoom_summary"`
		} `json:"sessions"`
		Alerts []json.RawMessage `json:"alerts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	summarised := 0
	for _, s := range got.Sessions {
		z := s.ZoomSummary
		if z == nil {
			continue
		}
		summarised++
		if len(z.Stats) != 6 || z.Stats[1].Stream != "audio_input" || z.Stats[1].Metric != "latency_ms" || *z.Stats[1].Avg != 88.25 ||
			z.Stats[5].Min != nil || *z.Stats[5].Avg != 44 || z.Time != "2026-11-20T15:00:00Z" {
			t.Errorf("%s's zoom_summary: %+v", s.Participant, z)
		}
	}
	if summarised != 2 {
		t.Errorf("%d sessions with a zoom_summary, want 2", summarised)
	}
	if len(got.Alerts) != 3 || !strings.Contains(string(got.Alerts[2]), `"issues": [
        "Unstable audio quality",
        "Unstable video quality"
      ],
      "sampled": true,
      "incident": 0,`) {
		t.Errorf("the JSON's alerts: %s", got.Alerts)
	}
	// The table says it in words.
	r = zoomqos(t, "", "--db", path, "analyze", "--meeting", m.ID)
	if !strings.Contains(r.stdout, "\nZoom's alerts: 3\n") || !strings.Contains(r.stdout, "Unstable audio quality, Unstable video quality  during incident 1 (") {
		t.Errorf("the table does not list the alerts:\n%s", r.stdout)
	}
}
