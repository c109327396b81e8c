package report_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

func TestTerminalAgreementTable(t *testing.T) {
	m, sessions := reporttest.RatedMeeting()
	r := analyze.AnalyzeMeeting(m, sessions, analyze.Options{})
	var buf bytes.Buffer
	if err := report.WriteMeetingTable(&buf, r, nil); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"Zoom's ratings vs zoomqos (sessions; zoomqos: degraded = at least one degradation window",
		"KIND          ZOOM SAYS  DEGRADED  NOT DEGRADED  NO DATA  AGREE", "audio         good", "screen_share  good"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	buf.Reset()
	if err := report.WriteMeetingCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV with agreement rows does not parse: %v", err)
	}
	found := map[string]string{}
	for _, row := range rows {
		if row[1] == "zoom_rating" {
			found[row[5]+" "+row[6]] = row[7]
		}
	}
	if found["audio compared"] != "2" || found["audio zoom_good_degraded"] == "" || len(found) != 3*(5*3+2) {
		t.Errorf("agreement CSV rows %v", found)
	}
}

func TestFleetByUserOutput(t *testing.T) {
	f := analyze.NewFleet(analyze.ByUser, analyze.Options{}, 1)
	m, sessions := reporttest.RatedMeeting()
	sessions[0].Session.ID = "zoom-id-0"
	for i := range sessions {
		f.AddSession(0, m.ID, &sessions[i].Session, sessions[i].Samples)
	}
	r := f.Result(reporttest.Start, reporttest.Start)
	var buf bytes.Buffer
	if err := report.WriteFleetTable(&buf, r, nil); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"NAME", "USER", "WORST STREAM", "zoom-id-0", "person3@example.com", "Person 3", "Disagreements"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table by user lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, '\x1b') || strings.Contains(out, reporttest.HostileMic) {
		t.Error("the table carries control characters or markup from Zoom")
	}
	buf.Reset()
	if err := report.WriteFleetCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV by user does not parse: %v", err)
	}
	if rows[0][len(rows[0])-1] != "name" {
		t.Errorf("CSV header %v: want a name column last", rows[0])
	}
	names := map[string]string{}
	for _, row := range rows[1:] {
		names[row[1]] = row[len(row)-1]
	}
	if names["person3@example.com"] != "Person 3" || names["zoom-id-0"] == "" {
		t.Errorf("CSV names by group %v", names)
	}
}
