package cli

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

func meetingsCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "meetings",
		Usage: "list the meetings in the database",
		Description: `Lists every stored meeting and webinar instance: its number, kind, type (past
or live), when it started (Zoom's start time, else its first sample) and its
last sample, how many participants, sessions (joins) and samples it has, and
its topic. MEETING is the ID it is stored under (the instance UUID); every
--meeting flag also takes the number (its latest instance) or 'latest'.

Examples:
   zoomqos meetings
   zoomqos meetings --from 2026-11-01 --topic standup
   zoomqos meetings --number 85012345678        # every instance of a number
   zoomqos meetings --format csv > meetings.csv
   zoomqos meetings --format json | jq '.[] | select(.samples > 1000) | .id'`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "from", Usage: "only meetings that started on or after `DATE` (yyyy-mm-dd, UTC)"},
			&cli.StringFlag{Name: "to", Usage: "only meetings that started on or before `DATE` (yyyy-mm-dd, UTC)"},
			&cli.StringFlag{Name: "topic", Usage: "only meetings whose topic holds `TEXT` (any case)"},
			&cli.StringFlag{Name: "number", Usage: "only the instances of the meeting `NUMBER`"},
			&cli.StringFlag{Name: "format", Value: "table", Usage: "table, json or csv"},
			&cli.BoolFlag{Name: "json", Usage: "the same as --format json"},
		},
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if c.Bool("json") {
				format = "json"
			}
			if format != "table" && format != "json" && format != "csv" {
				return usageError{fmt.Errorf("--format %q: use table, json or csv", format)}
			}
			var from, to time.Time
			var err error
			if s := c.String("from"); s != "" {
				if from, err = parseDate("--from", s); err != nil {
					return err
				}
			}
			if s := c.String("to"); s != "" {
				if to, err = parseDate("--to", s); err != nil {
					return err
				}
				if !from.IsZero() && to.Before(from) {
					return usageError{fmt.Errorf("--to %s is before --from %s", s, c.String("from"))}
				}
			}
			number := store.NormalizeNumber(strings.TrimSpace(c.String("number")))
			if number != "" && !store.IsMeetingNumber(number) {
				return usageError{fmt.Errorf("--number %q: a meeting number is digits (spaces and dashes allowed)", c.String("number"))}
			}
			db, err := a.openStore(c, true)
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := db.Meetings(c.Context)
			if err != nil {
				return err
			}
			topic := strings.ToLower(c.String("topic"))
			kept := list[:0]
			for _, m := range list {
				start := report.MeetingStart(&m)
				switch {
				case !from.IsZero() && (start.IsZero() || start.Before(from)),
					!to.IsZero() && (start.IsZero() || !start.Before(to.AddDate(0, 0, 1))),
					topic != "" && !strings.Contains(strings.ToLower(m.Topic), topic),
					number != "" && m.Number != number:
					continue
				}
				kept = append(kept, m)
			}
			w := c.App.Writer
			switch format {
			case "json":
				return writeJSON(w, kept)
			case "csv":
				return report.WriteMeetingsCSV(w, kept)
			}
			if len(kept) == 0 && len(list) > 0 {
				_, err := fmt.Fprintf(w, "no meetings match (%d stored: see zoomqos meetings)\n", len(list))
				return err
			}
			return printMeetings(w, kept)
		},
	}
}

func printMeetings(w io.Writer, list []store.MeetingSummary) error {
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, "no meetings stored yet: import or collect some")
		return err
	}
	// Ids and topics come from Zoom, or from whoever named the meeting:
	// shown as report.DisplayText makes them, they cannot break a row or
	// send the terminal an escape.
	tw := report.NewTableWriter(w, 2)
	fmt.Fprintln(tw, "MEETING\tNUMBER\tKIND\tTYPE\tSTART\tEND\tPARTICIPANTS\tSESSIONS\tSAMPLES\tTOPIC")
	for _, m := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", report.DisplayText(m.ID, report.DisplayLimit),
			cmp.Or(report.DisplayText(m.Number, 24), "-"), report.MeetingKindOf(&m.Meeting),
			report.DisplayText(m.Type, 8), report.RFC3339.Format(report.MeetingStart(&m)), report.RFC3339.Format(m.End), m.Participants, m.Sessions, m.Samples,
			cmp.Or(report.DisplayText(m.Topic, 60), "-"))
	}
	return tw.Flush()
}

// writeJSON writes v indented, maps in key order, as it goes: an analysis
// of a big meeting runs to tens of megabytes.
func writeJSON(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := json.MarshalWrite(bw, v, json.Deterministic(true), jsontext.WithIndent("  ")); err != nil {
		return err
	}
	if err := bw.WriteByte('\n'); err != nil {
		return err
	}
	return bw.Flush()
}
