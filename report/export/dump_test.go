package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/store"
	"github.com/zoomqos/zoomqos/store/storetest"
)

// Participant ids and meeting ids with commas, quotes, newlines or invalid
// UTF-8 survive both formats.
func TestDumpOddStrings(t *testing.T) {
	db := storetest.MustOpen(t)
	defer db.Close()
	odd := "Smith, \"Jo\"\nline two \xff"
	meeting := "/ab,c==" // a UUID that begins with a slash
	join := time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC)
	_, err := db.PutPage(context.Background(), &store.Page{
		Meeting: store.Meeting{ID: meeting, Type: store.Past},
		Sessions: []store.SessionSamples{
			{Session: store.Session{Participant: odd, JoinTime: join}, Samples: []store.Sample{{
				Time:   join.Add(90*time.Second + 500*time.Millisecond),
				Values: []store.Value{{Stream: store.AudioInput, Metric: store.Latency, V: 126}, {Stream: store.WiFiRSSI, Metric: store.RSSIAvg, V: -69.5}},
			}}},
			{Session: store.Session{Participant: "no join time"}, Samples: []store.Sample{{
				Time: join, Values: []store.Value{{Stream: store.CPUUsage, Metric: store.SystemMaxCPU, V: 93}},
			}}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	var b bytes.Buffer
	rows, err := Dump(context.Background(), db, meeting, FormatCSV, &b)
	if err != nil || rows != 3 {
		t.Fatalf("Dump = %d rows, %v", rows, err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	// The session without a join time sorts first and has an empty session.
	if recs[1][1] != "no join time" || recs[1][2] != "" || recs[1][4] != "cpu_usage" {
		t.Errorf("first row = %q", recs[1])
	}
	if recs[2][0] != meeting || recs[2][1] != strings.ToValidUTF8(odd, "\uFFFD") || recs[2][3] != "2022-03-01T10:01:30.5Z" {
		t.Errorf("odd row = %q", recs[2])
	}

	b.Reset()
	if _, err := Dump(context.Background(), db, meeting, FormatNDJSON, &b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d NDJSON lines, want 3", len(lines))
	}
	var row map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &row); err != nil {
		t.Fatalf("NDJSON does not parse: %v", err)
	}
	if row["participant"] != "Smith, \"Jo\"\nline two \uFFFD" || row["rssi_avg_dbm"] != -69.5 || row["latency_ms"] != nil {
		t.Errorf("NDJSON row = %v", row)
	}
	var first map[string]any
	json.Unmarshal([]byte(lines[0]), &first)
	if v, ok := first["session"]; !ok || v != nil {
		t.Errorf("unknown join time = %v, want null", v)
	}

	if _, err := Dump(context.Background(), db, meeting, "xml", &b); err == nil {
		t.Error("unknown format accepted")
	}
}
