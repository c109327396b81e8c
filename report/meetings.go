package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/zoomqos/zoomqos/store"
)

// MeetingStart is when a stored meeting started: Zoom's start time from its
// details, else its first sample.
func MeetingStart(m *store.MeetingSummary) time.Time {
	if m.Details != nil && !m.Details.StartTime.IsZero() {
		return m.Details.StartTime
	}
	return m.Start
}

// MeetingKindOf is "webinar" or "meeting".
func MeetingKindOf(m *store.Meeting) string {
	if m.Webinar {
		return "webinar"
	}
	return "meeting"
}

// WriteMeetingsCSV writes the list of stored meetings as CSV, one row per
// meeting instance, text cells guarded against spreadsheet formulas.
func WriteMeetingsCSV(w io.Writer, list []store.MeetingSummary) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"meeting", "number", "kind", "type", "start", "end", "participants", "sessions", "samples", "documents", "topic", "host"})
	for i := range list {
		m := &list[i]
		host := ""
		if m.Details != nil {
			host = m.Details.Host
		}
		cw.Write([]string{CSVText(m.ID), CSVText(m.Number), MeetingKindOf(&m.Meeting), CSVText(m.Type), csvTime(MeetingStart(m)), csvTime(m.End),
			strconv.Itoa(m.Participants), strconv.Itoa(m.Sessions), strconv.Itoa(m.Samples), strconv.Itoa(m.Documents),
			CSVText(m.Topic), CSVText(host)})
	}
	cw.Flush()
	return cw.Error()
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
