package reporttest

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"testing"

	"github.com/zoomqos/zoomqos/store"
)

// FormulaCells are text that a spreadsheet opening a CSV would take for a
// formula, and how every CSV zoomqos writes must carry it: after an
// apostrophe (OWASP's advice for CSV injection), which the spreadsheet
// reads as "text".
var FormulaCells = []struct{ Text, CSV string }{
	{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
	{"+1 *** *** 0100", "'+1 *** *** 0100"}, // how Zoom names a phone participant
	{"-2+3", "'-2+3"},
	{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
	{"\tcmd", "'\tcmd"},
	{"\rcmd", "'\rcmd"},
	{"'=already", "''=already"}, // so that the apostrophe can always be taken off again
	{"O'Brien, Ann", "O'Brien, Ann"},
}

// FormulaMeeting is a meeting stored under a UUID that begins with "+",
// as a base64 UUID can. FormulaSessions names its sessions after
// FormulaCells, with a Wi-Fi signal of -69 dBm: a negative number, which
// must stay a number.
const FormulaMeeting = "+9dYf2CqR0iB2m3jP6jG+g=="

// FormulaSessions is a synthetic meeting stored as FormulaMeeting, its
// sessions named after FormulaCells.
func FormulaSessions(t testing.TB) (store.Meeting, []store.SessionSamples) {
	t.Helper()
	m, sessions := Meeting(len(FormulaCells), 6)
	m.ID = FormulaMeeting
	for i := range sessions {
		s := &sessions[i].Session
		f := FormulaCells[i].Text
		s.Participant, s.UserName, s.Device, s.Location, s.NetworkType, s.Version, s.DataCenter = f, f, f, f, f, f, f
		for k := range sessions[i].Samples {
			smp := &sessions[i].Samples[k]
			smp.Values = append(smp.Values, store.Value{Stream: store.WiFiRSSI, Metric: store.RSSIAvg, V: -69})
		}
	}
	return m, sessions
}

// guardedCSV maps each formula's text to its CSV form.
func guardedCSV() map[string]string {
	out := map[string]string{}
	for _, c := range FormulaCells {
		out[c.Text] = c.CSV
	}
	return out
}

// ReadCSV parses CSV into maps by column name.
func ReadCSV(t testing.TB, b []byte) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, col := range recs[0] {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// CheckGuarded checks the text columns of CSV rows: each is a formula
// cell's CSV form, and the Wi-Fi column, a number, is "-69" unguarded.
func CheckGuarded(t testing.TB, rows []map[string]string, text []string, number string) {
	t.Helper()
	csvOf := guardedCSV()
	var wanted []string
	for _, c := range FormulaCells {
		wanted = append(wanted, c.CSV)
	}
	seen := map[string]bool{}
	negatives := 0
	for i, row := range rows {
		for _, col := range text {
			v := row[col]
			if v == "" || v == "-" {
				continue
			}
			if col == "meeting" {
				if v != "'"+FormulaMeeting {
					t.Fatalf("row %d: meeting %q, want %q", i, v, "'"+FormulaMeeting)
				}
				continue
			}
			if !slices.Contains(wanted, v) {
				t.Fatalf("row %d: %s is %q, not one of the guarded cells %q", i, col, v, wanted)
			}
			seen[v] = true
		}
		if number != "" && row[number] != "" {
			if _, err := strconv.ParseFloat(row[number], 64); err != nil {
				t.Fatalf("row %d: %s %q is no longer a number", i, number, row[number])
			}
			if row[number] == "-69" {
				negatives++
			}
		}
	}
	for text, want := range csvOf {
		if !seen[want] {
			t.Errorf("no cell %q (for %q)", want, text)
		}
	}
	if number != "" && negatives == 0 {
		t.Errorf("no %s of -69", number)
	}
}
