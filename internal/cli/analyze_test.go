package cli

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/store"
)

// testdata/incident-meeting.json is one page of Zoom's participants QoS
// for a made-up 8-minute meeting, samples at 09:01 to 09:08 UTC:
//
//	Ada  audio_input latency 220 ms at 09:03-09:05, else 40; video 5 fps at
//	     09:07-09:08, else 25
//	Bob  two sessions (left 09:04:30, back 09:05:30); latency 210 ms at
//	     09:03-09:04, else 50
//	Cy   latency 200 ms at 09:03-09:05, a lone 300 ms at 09:08, else 60
//	Di   latency 45; average loss 5 % at 09:07-09:08, else 0.2; system
//	     CPU 95 % at 09:08
//
// Worked out by hand from the definitions: audio_input latency over all 31
// samples is 40×5, 45×8, 50×5, 60×4, 200×3, 210×2, 220×3, 300×1, so p50 =
// 50, p90 = rank 27 = 220, p95 = ranks 28, 29 = 220, p99 = 220 + 0.7 × 80 =
// 276, mean 3030/31. Windows: Ada, Bob and Cy on audio_input latency from
// 09:03 (to 09:06, 09:05, 09:06), Ada's video frame rate and Di's loss
// 09:07-09:09; Cy's lone 09:08 is three minutes (> 2Δ) after her last bad
// one, so it is a window of one sample and dropped. Incidents: 09:03 and
// 09:04 (3 of 4 sessions degraded), 09:08 (Ada, Cy, Di of 4); not 09:05
// (2 of 3: fewer than 3) nor 09:07 (2 of 4).
const incidentMeeting = "86000000001"

func incidentDB(t *testing.T) string {
	t.Helper()
	db := tempDB(t)
	if r := zoomqos(t, "", "--db", db, "import", "--meeting", incidentMeeting, "testdata/incident-meeting.json"); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	return db
}

// analysisJSON is the documented JSON shape, as another tool reads it.
type analysisJSON struct {
	Meeting    string                                   `json:"meeting"`
	Thresholds map[string]float64                       `json:"thresholds"`
	Streams    map[string]map[string]map[string]float64 `json:"streams"`
	Sessions   []struct {
		Participant string                                   `json:"participant"`
		Session     string                                   `json:"session"`
		UserName    string                                   `json:"user_name"`
		Streams     map[string]map[string]map[string]float64 `json:"streams"`
		MOS         map[string]float64                       `json:"mos"`
	} `json:"sessions"`
	Windows []struct {
		Participant string             `json:"participant"`
		Session     string             `json:"session"`
		Stream      string             `json:"stream"`
		Start       string             `json:"start"`
		End         string             `json:"end"`
		DurationS   float64            `json:"duration_s"`
		Samples     int                `json:"samples"`
		Breached    []string           `json:"breached"`
		Worst       map[string]float64 `json:"worst"`
	} `json:"windows"`
	Incidents []struct {
		Start    string `json:"start"`
		End      string `json:"end"`
		Sessions int    `json:"sessions"`
		Why      struct {
			Breaches []struct {
				Stream    string  `json:"stream"`
				Metric    string  `json:"metric"`
				Worst     float64 `json:"worst"`
				Threshold float64 `json:"threshold"`
				Sessions  int     `json:"sessions"`
			} `json:"breaches"`
			Affected   int   `json:"affected"`
			Unaffected int   `json:"unaffected"`
			Common     []any `json:"common"`
		} `json:"why"`
	} `json:"incidents"`
}

func analyzeJSON(t *testing.T, db string, args ...string) analysisJSON {
	t.Helper()
	r := zoomqos(t, "", append([]string{"--db", db, "analyze", "--meeting", incidentMeeting, "--format", "json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("analyze: %d %s", r.code, r.stderr)
	}
	var a analysisJSON
	if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
		t.Fatalf("analyze --format json: %v", err)
	}
	return a
}

// windowsOf lists the windows as "participant stream start-end samples
// breached".
func windowsOf(a analysisJSON) []string {
	var out []string
	for _, w := range a.Windows {
		out = append(out, w.Participant+" "+w.Stream+" "+w.Start[11:16]+"-"+w.End[11:16]+" "+
			strings.Repeat("*", w.Samples)+" "+strings.Join(w.Breached, ","))
	}
	return out
}

func TestAnalyzeMeetingJSON(t *testing.T) {
	a := analyzeJSON(t, incidentDB(t))
	if a.Meeting != incidentMeeting {
		t.Errorf("meeting %q", a.Meeting)
	}
	if a.Thresholds["latency_ms"] != 150 || a.Thresholds["jitter_ms"] != 30 || a.Thresholds["avg_loss_pct"] != 3 ||
		a.Thresholds["frame_rate_fps"] != 7 || a.Thresholds["system_max_cpu_pct"] != 90 || a.Thresholds["min_window_samples"] != 2 {
		t.Errorf("thresholds %v", a.Thresholds)
	}
	lat := a.Streams["audio_input"]["latency_ms"]
	want := map[string]float64{"count": 31, "min": 40, "mean": 3030.0 / 31, "p50": 50, "p90": 220, "p95": 220, "p99": 276, "max": 300}
	for k, v := range want {
		if d := lat[k] - v; d > 1e-9 || d < -1e-9 {
			t.Errorf("pooled audio_input latency %s = %v, want %v", k, lat[k], v)
		}
	}
	if len(a.Sessions) != 5 {
		t.Fatalf("%d sessions, want 5 (Bob rejoined)", len(a.Sessions))
	}
	var bob []string
	for _, s := range a.Sessions {
		if s.UserName == "Bob" {
			bob = append(bob, s.Session)
		}
		if s.MOS == nil || s.MOS["p50"] < 4 || s.MOS["count"] == 0 {
			t.Errorf("%s: MOS %v", s.UserName, s.MOS)
		}
	}
	if !slices.Equal(bob, []string{"2026-11-02T09:00:00Z", "2026-11-02T09:05:30Z"}) {
		t.Errorf("Bob's sessions %v", bob)
	}
	got := windowsOf(a)
	wantWindows := []string{
		"p101 audio_input 09:03-09:06 *** latency_ms",
		"p102 audio_input 09:03-09:05 ** latency_ms",
		"p103 audio_input 09:03-09:06 *** latency_ms",
		"p101 video_input 09:07-09:09 ** frame_rate_fps",
		"p104 audio_input 09:07-09:09 ** avg_loss_pct",
	}
	if !slices.Equal(got, wantWindows) {
		t.Errorf("windows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantWindows, "\n"))
	}
	if w := a.Windows[0]; w.DurationS != 180 || w.Worst["latency_ms"] != 220 || w.Session != "2026-11-02T09:00:00Z" {
		t.Errorf("Ada's window %+v", w)
	}
	if w := a.Windows[4]; w.Worst["avg_loss_pct"] != 5 {
		t.Errorf("Di's window %+v", w)
	}
	var incidents []string
	for _, in := range a.Incidents {
		incidents = append(incidents, in.Start[11:16]+"-"+in.End[11:16])
		if in.Sessions != 3 {
			t.Errorf("incident %+v: want 3 sessions", in)
		}
	}
	if !slices.Equal(incidents, []string{"09:03-09:05", "09:08-09:09"}) {
		t.Errorf("incidents %v", incidents)
	}
	// The why, in the JSON: the first incident is Ada's, Bob's and Cy's
	// latency (220 ms the worst) with Di unaffected; against one session no
	// factor can pass Fisher's test, and the list says so by being empty.
	if len(a.Incidents) > 0 {
		why := a.Incidents[0].Why
		if why.Affected != 3 || why.Unaffected != 1 || why.Common == nil || len(why.Common) != 0 || len(why.Breaches) != 1 {
			t.Errorf("first incident's why %+v", why)
		} else if b := why.Breaches[0]; b.Stream != "audio_input" || b.Metric != "latency_ms" || b.Worst != 220 || b.Threshold != 150 || b.Sessions != 3 {
			t.Errorf("first incident's breach %+v", b)
		}
	}
}

func TestAnalyzeMeetingTableAndCSV(t *testing.T) {
	db := incidentDB(t)
	r := zoomqos(t, "", "--db", db, "analyze", "--meeting", incidentMeeting)
	if r.code != 0 {
		t.Fatalf("%d %s", r.code, r.stderr)
	}
	golden(t, "analyze.txt", r.stdout)
	// Worst sessions first.
	if ada, di := strings.Index(r.stdout, "\np101 "), strings.Index(r.stdout, "\np104 "); ada < 0 || di < 0 || ada > di {
		t.Errorf("Ada (62.5%% degraded) should come before Di (25%%):\n%s", r.stdout)
	}

	r = zoomqos(t, "", "--db", db, "analyze", "--meeting", incidentMeeting, "--format", "csv")
	if r.code != 0 {
		t.Fatalf("%d %s", r.code, r.stderr)
	}
	golden(t, "analyze.csv", r.stdout)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0], ",")
	if !strings.HasPrefix(header, "meeting,scope,participant,session,user_name,stream,metric,count,min,mean,p50,p90,p95,p99,max") {
		t.Errorf("CSV header %s", header)
	}
	found := false
	for _, row := range rows[1:] {
		if row[1] == "meeting" && row[5] == "audio_input" && row[6] == "latency_ms" {
			found = true
			if p99, _ := strconv.ParseFloat(row[13], 64); row[0] != incidentMeeting || row[7] != "31" || row[10] != "50" || math.Abs(p99-276) > 1e-9 {
				t.Errorf("pooled latency row %v", row)
			}
		}
	}
	if !found {
		t.Error("no pooled audio_input latency row")
	}
}

func TestAnalyzeFilters(t *testing.T) {
	db := incidentDB(t)
	a := analyzeJSON(t, db, "--participant", "p104")
	if len(a.Sessions) != 1 || a.Sessions[0].UserName != "Di" || !slices.Equal(windowsOf(a), []string{"p104 audio_input 09:07-09:09 ** avg_loss_pct"}) {
		t.Errorf("--participant p104: %d sessions, windows %v", len(a.Sessions), windowsOf(a))
	}
	a = analyzeJSON(t, db, "--participant", "Bob")
	if len(a.Sessions) != 2 {
		t.Errorf("--participant Bob (a user name): %d sessions", len(a.Sessions))
	}
	a = analyzeJSON(t, db, "--stream", "video_input,cpu_usage")
	if _, ok := a.Streams["audio_input"]; ok || a.Streams["video_input"] == nil || a.Streams["cpu_usage"] == nil {
		t.Errorf("--stream video_input,cpu_usage: streams %v", keys(a.Streams))
	}
	if !slices.Equal(windowsOf(a), []string{"p101 video_input 09:07-09:09 ** frame_rate_fps"}) {
		t.Errorf("--stream video_input,cpu_usage: windows %v", windowsOf(a))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Thresholds: defaults, then the config file, then the environment, then
// flags.
func TestAnalyzeThresholds(t *testing.T) {
	db := incidentDB(t)
	count := func(a analysisJSON) int { return len(a.Windows) }

	// 250 ms: only Cy's lone 300 ms is over, and one sample is no window...
	a := analyzeJSON(t, db, "--latency-ms", "250")
	if a.Thresholds["latency_ms"] != 250 || count(a) != 2 {
		t.Errorf("--latency-ms 250: %v", windowsOf(a))
	}
	// ...unless windows of one sample count.
	a = analyzeJSON(t, db, "--latency-ms", "250", "--min-samples", "1")
	if !slices.Contains(windowsOf(a), "p103 audio_input 09:08-09:09 * latency_ms") {
		t.Errorf("--min-samples 1: %v", windowsOf(a))
	}

	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte("# thresholds\nZOOMQOS_LATENCY_MS=250\nexport ZOOMQOS_FRAME_RATE_FPS='4'\n"), 0o600)
	a = analyzeJSON(t, db, "--latency-ms", "150") // the flag wins over the file
	if count(a) != 5 {
		t.Errorf("flag over nothing: %d windows", count(a))
	}
	r := zoomqos(t, "", "--db", db, "--config", cfg, "analyze", "--meeting", incidentMeeting, "--format", "json")
	var fromFile analysisJSON
	json.Unmarshal([]byte(r.stdout), &fromFile)
	if fromFile.Thresholds["latency_ms"] != 250 || fromFile.Thresholds["frame_rate_fps"] != 4 || count(fromFile) != 1 {
		t.Errorf("config file: thresholds %v, windows %v (%s)", fromFile.Thresholds, windowsOf(fromFile), r.stderr)
	}
	t.Setenv("ZOOMQOS_LATENCY_MS", "205") // the environment wins over the file
	r = zoomqos(t, "", "--db", db, "--config", cfg, "analyze", "--meeting", incidentMeeting, "--format", "json")
	var fromEnv analysisJSON
	json.Unmarshal([]byte(r.stdout), &fromEnv)
	if fromEnv.Thresholds["latency_ms"] != 205 || fromEnv.Thresholds["frame_rate_fps"] != 4 {
		t.Errorf("environment: thresholds %v", fromEnv.Thresholds)
	}
	r = zoomqos(t, "", "--db", db, "--config", cfg, "analyze", "--meeting", incidentMeeting, "--format", "json", "--latency-ms", "100")
	var fromFlag analysisJSON
	json.Unmarshal([]byte(r.stdout), &fromFlag)
	if fromFlag.Thresholds["latency_ms"] != 100 {
		t.Errorf("flag: thresholds %v", fromFlag.Thresholds)
	}
}

func TestAnalyzeMistakes(t *testing.T) {
	db := incidentDB(t)
	for _, tt := range []struct {
		args  []string
		words []string
	}{
		{[]string{"analyze"}, []string{"--meeting ID", "--from DATE"}},
		{[]string{"analyze", "--meeting", "1", "--by", "device"}, []string{"not both"}},
		{[]string{"analyze", "--meeting", "1", "--format", "xml"}, []string{`--format "xml"`}},
		{[]string{"analyze", "--meeting", "1", "--stream", "audio_inptu"}, []string{`--stream "audio_inptu"`}},
		{[]string{"analyze", "--from", "2026-11-01", "--by", "colour"}, []string{`cannot group by "colour"`}},
		{[]string{"analyze", "--from", "1/11/2026", "--by", "device"}, []string{`--from "1/11/2026": want a date as yyyy-mm-dd`}},
		{[]string{"analyze", "--by", "device"}, []string{"--from DATE"}},
		{[]string{"analyze", "--from", "2026-11-02", "--to", "2026-11-01", "--by", "device"}, []string{"--to 2026-11-01 is before --from 2026-11-02"}},
		{[]string{"analyze", "--meeting", "1", "--latency-ms", "-5"}, []string{"latency"}},
		{[]string{"analyze", "--meeting", "1", "--min-samples", "0"}, []string{"at least 1 degraded sample"}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			oneLine(t, zoomqos(t, "", append([]string{"--db", db}, tt.args...)...), 2, tt.words...)
		})
	}
	oneLine(t, zoomqos(t, "", "--db", db, "analyze", "--meeting", "999"), 1, "meeting 999 is not in the database")

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("ZOOMQOS_JITTER_MS=lots\n"), 0o600)
	oneLine(t, zoomqos(t, "", "--db", db, "--config", bad, "analyze", "--meeting", incidentMeeting), 1, "ZOOMQOS_JITTER_MS", "not a number")
	secretish := filepath.Join(dir, "secretish")
	os.WriteFile(secretish, []byte("ZOOM_CLIENT_SECRET: hunter2=x\n"), 0o600)
	r := zoomqos(t, "", "--db", db, "--config", secretish, "analyze", "--meeting", incidentMeeting)
	oneLine(t, r, 1, "line 1", "want KEY=VALUE")
	if strings.Contains(r.stderr, "hunter2") {
		t.Errorf("a config error repeats what may be a secret: %q", r.stderr)
	}
}

func TestAnalyzeFleet(t *testing.T) {
	db := incidentDB(t)
	r := zoomqos(t, "", "--db", db, "analyze", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "network")
	if r.code != 0 {
		t.Fatalf("%d %s", r.code, r.stderr)
	}
	golden(t, "fleet.txt", r.stdout)

	r = zoomqos(t, "", "--db", db, "analyze", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "network", "--format", "json")
	var f analyze.FleetResult
	if err := json.Unmarshal([]byte(r.stdout), &f); err != nil {
		t.Fatal(err)
	}
	sessions := map[string]int{}
	for _, g := range f.Groups {
		sessions[g.Group] = g.Sessions
	}
	if f.Meetings != 1 || f.Samples != 31 || sessions["Wifi"] != 2 || sessions["Wired"] != 2 || sessions["Cellular"] != 1 {
		t.Errorf("fleet by network: %d meetings, %d samples, sessions %v", f.Meetings, f.Samples, sessions)
	}
	for _, g := range f.Groups {
		if g.Group == "Wired" {
			// Bob: 7 samples, latency 50×5 and 210×2.
			if lat := g.Streams[store.AudioInput][store.Latency]; lat.Count != 7 || lat.P50 != 50 || lat.Max != 210 {
				t.Errorf("Wired latency %+v", lat)
			}
		}
	}

	r = zoomqos(t, "", "--db", db, "analyze", "--from", "2026-11-03", "--by", "device", "--format", "csv")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("a range without meetings: %d, %q %q", r.code, r.stdout, r.stderr)
	}
}
