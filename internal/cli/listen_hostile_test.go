package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/report/reporttest"
)

// hostileEvents are the events of a meeting whose people, topic and
// alerts carry text meant to break what shows it: a participant_data and
// six participant_qos events a person, and two alerts.
func hostileEvents(uuid string, start time.Time) [][]byte {
	names := append([]string{reporttest.HostileScript, reporttest.HostileImg}, reporttest.HostileNames...)
	object := func(extra map[string]any) map[string]any {
		o := map[string]any{"id": "85000000015", "uuid": uuid, "host_id": "h", "topic": reporttest.HostileTopic + " " + reporttest.EscName + " " + reporttest.RLOName}
		for k, v := range extra {
			o[k] = v
		}
		return o
	}
	event := func(name string, at time.Time, obj map[string]any) []byte {
		b, err := json.Marshal(map[string]any{"event": "meeting." + name, "event_ts": at.UnixMilli(),
			"payload": map[string]any{"account_id": "acc", "object": obj}})
		if err != nil {
			panic(err)
		}
		return b
	}
	var out [][]byte
	for i, name := range names {
		who := map[string]any{"user_id": strconv.Itoa(16778240 + i), "user_name": name, "email": "p" + strconv.Itoa(i) + "@example.com"}
		data := map[string]any{"device": name, "location": name, "network_type": name, "data_center": name, "version": name,
			"join_time": start.Format(time.RFC3339)}
		for k, v := range who {
			data[k] = v
		}
		out = append(out, event("participant_data", start.Add(time.Second), object(map[string]any{"participant": data})))
		for m := 1; m <= 6; m++ {
			p := map[string]any{"qos": []any{
				map[string]any{"type": "audio_input", "details": map[string]string{"bitrate": strconv.Itoa(20+i+m) + "kbps",
					"latency": strconv.Itoa(40+40*(i%3)*m) + " ms", "jitter": "5ms", "avg_loss": strconv.Itoa(i%4) + "%", "max_loss": "8%"}},
				map[string]any{"type": "video_input", "details": map[string]string{"bitrate": "600kbps", "latency": "60 ms",
					"jitter": "4ms", "avg_loss": "0.5%", "max_loss": "2%", "resolution": "640*360", "frame_rate": "24 fps"}},
			}}
			for k, v := range who {
				p[k] = v
			}
			out = append(out, event("participant_qos", start.Add(time.Duration(m)*time.Minute+412*time.Millisecond), object(map[string]any{"participant": p})))
		}
	}
	for i, issues := range [][]string{reporttest.HostileNames, {reporttest.HostileScript, reporttest.HostileImg}} {
		out = append(out, event("alert", start.Add(time.Duration(2+i)*time.Minute), object(map[string]any{
			"start_time": start.Format(time.RFC3339), "issues": issues})))
	}
	return out
}

// Names, a topic and alert issues meant to break what shows them arrive
// through the webhook endpoint and come out inert: the HTML report holds
// them as text, never as markup, and analyze's table holds no control
// character of theirs.
func TestListenHostileNamesInert(t *testing.T) {
	noConfig(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	l := runListener(t, []string{"ZOOM_WEBHOOK_SECRET_TOKEN=" + testWebhookSecret},
		"--db", db, "listen", "--addr", "127.0.0.1:0", "--alert-watch=false")
	const uuid = "hostile15=="
	start := time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Minute)
	for i, ev := range hostileEvents(uuid, start) {
		if code := post(t, "http://"+l.addr+"/", testWebhookSecret, time.Now().Unix(), ev); code != 204 {
			t.Fatalf("event %d: status %d\n%s", i, code, l.log())
		}
	}
	if code := l.stop(t); code != 0 {
		t.Fatalf("SIGTERM: exit status %d\n%s", code, l.log())
	}
	reporttest.Inert(t, "the listener's log", l.log(), "\n")

	page := filepath.Join(dir, "r.html")
	if r := zoomqos(t, "", "--db", db, "report", "--meeting", uuid, "-o", page); r.code != 0 {
		t.Fatalf("report: %d %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	runtime, err := os.ReadFile("report/html/assets/echarts/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	html := strings.Replace(string(b), string(runtime), "", 1)
	if len(html) == len(b) {
		t.Fatal("the report does not inline the ECharts runtime as the test expects")
	}
	for _, raw := range []string{reporttest.HostileScript, reporttest.HostileImg, "</title><script>", "<img", "<script>window"} {
		if i := strings.Index(html, raw); i >= 0 {
			t.Errorf("%q is in the page unescaped: …%s…", raw, html[max(0, i-80):min(len(html), i+80)])
		}
	}
	for i, r := range html {
		if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || (r >= 0x7f && r <= 0x9f) || r == '\u202e' {
			t.Errorf("the page holds %U at byte %d: …%q…", r, i, html[max(0, i-40):min(len(html), i+40)])
			break
		}
	}
	// The names are there, as text.
	for _, want := range []string{"<bdi>&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;</bdi>",
		"<bdi>&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;</bdi>", "Q3 &lt;/title&gt;&lt;script&gt;", "Mallory␛]0;owned␇␛[2J", "Eve gnp.exe"} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %q", want)
		}
	}

	r := zoomqos(t, "", "--db", db, "analyze", "--meeting", uuid)
	if r.code != 0 {
		t.Fatalf("analyze: %d %s", r.code, r.stderr)
	}
	reporttest.Inert(t, "analyze's output", r.stdout, "\n")
	reporttest.Inert(t, "analyze's stderr", r.stderr, "\n")
	if !strings.Contains(r.stdout, "Mallory␛]0;owned␇␛[2J") {
		t.Errorf("analyze does not show the escape sequence, visibly, as text:\n%s", r.stdout)
	}
	// Naming it "latest" says on stderr which meeting was taken, with its
	// topic: inert too.
	for _, cmd := range [][]string{{"analyze"}, {"report", "-o", filepath.Join(t.TempDir(), "r.html")}, {"dump"}} {
		r := zoomqos(t, "", append(append([]string{"--db", db}, cmd...), "--meeting", "latest")...)
		if r.code != 0 || !strings.Contains(r.stderr, "the latest meeting:") {
			t.Fatalf("%s --meeting latest: %d %s", cmd[0], r.code, r.stderr)
		}
		reporttest.Inert(t, cmd[0]+" --meeting latest's stderr", r.stderr, "\n")
	}
}
