package report

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
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

// MeetingFilter picks stored meetings: those that started within the days
// From to To (UTC dates; zero: no bound), whose topic holds Topic (any
// case), of meeting number Number. A meeting whose start is not known
// passes no date bound.
type MeetingFilter struct {
	From, To      time.Time
	Topic, Number string
}

// SelectMeetings returns the meetings of list that pass f, in list's
// order, in list's memory.
func SelectMeetings(list []store.MeetingSummary, f MeetingFilter) []store.MeetingSummary {
	topic := strings.ToLower(f.Topic)
	kept := list[:0]
	for _, m := range list {
		start := MeetingStart(&m)
		switch {
		case !f.From.IsZero() && (start.IsZero() || start.Before(f.From)),
			!f.To.IsZero() && (start.IsZero() || !start.Before(f.To.AddDate(0, 0, 1))),
			topic != "" && !strings.Contains(strings.ToLower(m.Topic), topic),
			f.Number != "" && m.Number != f.Number:
			continue
		}
		kept = append(kept, m)
	}
	return kept
}

// WriteMeetingsTable writes the list of stored meetings for a person at a
// terminal, its times in RFC 3339 in loc (nil: UTC): each carries its
// offset, and scripts read them too. IDs and topics come from Zoom, or from whoever named the
// meeting: shown as DisplayText makes them, they cannot break a row or
// send the terminal an escape.
func WriteMeetingsTable(w io.Writer, list []store.MeetingSummary, loc *time.Location) error {
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, "no meetings stored yet: import or collect some")
		return err
	}
	tw := NewTableWriter(w, 2)
	fmt.Fprintln(tw, "MEETING\tNUMBER\tKIND\tTYPE\tSTART\tEND\tPARTICIPANTS\tSESSIONS\tSAMPLES\tTOPIC")
	for _, m := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", DisplayText(m.ID, DisplayLimit),
			cmp.Or(DisplayText(m.Number, 24), "-"), MeetingKindOf(&m.Meeting),
			DisplayText(m.Type, 8), RFC3339.FormatIn(MeetingStart(&m), loc), RFC3339.FormatIn(m.End, loc), m.Participants, m.Sessions, m.Samples,
			cmp.Or(DisplayText(m.Topic, 60), "-"))
	}
	return tw.Flush()
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
