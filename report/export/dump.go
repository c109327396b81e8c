package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

// Dump formats.
const (
	FormatCSV    = "csv"
	FormatNDJSON = "ndjson"
	FormatRaw    = "raw" // the response documents as Zoom sent them
)

// DumpColumns returns the dump's columns: the identifying columns, then
// every metric's column name. Exports and the analyzer's JSON use the same
// names.
func DumpColumns() []string {
	cols := []string{"meeting", "participant", "session", "time", "stream"}
	for _, m := range store.Metrics() {
		cols = append(cols, m.String())
	}
	return cols
}

// Dump writes a meeting's stored samples flat, one row per session, time and
// stream, with an empty CSV field or a JSON null for an absent value; or,
// for FormatRaw, the stored response documents one after another. It
// returns the number of rows or documents written.
func Dump(ctx context.Context, db *store.DB, meetingID, format string, w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	var rows int
	var err error
	switch format {
	case FormatRaw:
		err = db.RawDocs(ctx, meetingID, func(d store.RawDoc) error {
			rows++
			bw.Write(d.Data)
			return bw.WriteByte('\n')
		})
	case FormatCSV, FormatNDJSON:
		rows, err = dumpRows(ctx, db, meetingID, format, bw)
	default:
		return 0, fmt.Errorf("unknown dump format %q (use csv, ndjson or raw)", format)
	}
	if err != nil {
		return rows, err
	}
	if err := bw.Flush(); err != nil {
		return rows, fmt.Errorf("write dump: %w", err)
	}
	return rows, nil
}

func dumpRows(ctx context.Context, db *store.DB, meetingID, format string, bw *bufio.Writer) (int, error) {
	csv := format == FormatCSV
	cols := DumpColumns()
	if csv {
		for i, c := range cols {
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString(c)
		}
		bw.WriteByte('\n')
	}
	meeting := appendField(nil, meetingID, csv)
	var sessKey store.SessionKey
	var participant, session, line []byte
	var vals [store.NumMetrics]float64
	var have [store.NumMetrics]bool
	rows := 0
	err := db.ForEachSample(ctx, meetingID, func(s *store.Session, smp *store.Sample) error {
		if k := s.Key(); k != sessKey || participant == nil {
			sessKey = k
			participant = appendField(participant[:0], s.Participant, csv)
			session = appendField(session[:0], formatTime(s.JoinTime), csv)
		}
		ts := formatTime(smp.Time)
		for i := 0; i < len(smp.Values); {
			st := smp.Values[i].Stream
			have = [store.NumMetrics]bool{}
			for ; i < len(smp.Values) && smp.Values[i].Stream == st; i++ {
				vals[smp.Values[i].Metric] = smp.Values[i].V
				have[smp.Values[i].Metric] = true
			}
			line = line[:0]
			if csv {
				line = append(line, meeting...)
				line = append(line, ',')
				line = append(line, participant...)
				line = append(line, ',')
				line = append(line, session...)
				line = append(line, ',')
				line = append(line, ts...)
				line = append(line, ',')
				line = append(line, st.String()...)
				for m := range vals {
					line = append(line, ',')
					if have[m] {
						line = strconv.AppendFloat(line, vals[m], 'f', -1, 64)
					}
				}
			} else {
				line = append(line, `{"meeting":`...)
				line = append(line, meeting...)
				line = append(line, `,"participant":`...)
				line = append(line, participant...)
				line = append(line, `,"session":`...)
				line = append(line, session...)
				line = append(line, `,"time":"`...)
				line = append(line, ts...)
				line = append(line, `","stream":"`...)
				line = append(line, st.String()...)
				line = append(line, '"')
				for m := range vals {
					line = append(line, ',', '"')
					line = append(line, store.Metric(m).String()...)
					line = append(line, '"', ':')
					if have[m] {
						line = strconv.AppendFloat(line, vals[m], 'f', -1, 64)
					} else {
						line = append(line, "null"...)
					}
				}
				line = append(line, '}')
			}
			line = append(line, '\n')
			if _, err := bw.Write(line); err != nil {
				return fmt.Errorf("write dump: %w", err)
			}
			rows++
		}
		return nil
	})
	return rows, err
}

// formatTime writes a time as RFC 3339 in UTC, seconds fractions only when
// there are any; the zero time (unknown) is empty.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// appendField appends a text field: for CSV guarded against formulas
// (report.CSVText) and quoted when needed; for JSON as a string, exactly (null
// when empty). Invalid UTF-8 becomes U+FFFD in both.
func appendField(b []byte, s string, csv bool) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !csv {
		if s == "" {
			return append(b, "null"...)
		}
		out, _ := jsontext.AppendQuote(b, s) // invalid UTF-8 comes out replaced, still usable
		return out
	}
	s = report.CSVText(s)
	needs := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			needs = true
			break
		}
	}
	if len(s) > 0 && (s[0] == ' ' || s[len(s)-1] == ' ') {
		needs = true
	}
	if !needs {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
