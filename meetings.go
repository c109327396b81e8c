package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

func meetingsCommand() *cli.Command {
	return &cli.Command{
		Name:  "meetings",
		Usage: "list the meetings in the database",
		Description: `Lists every stored meeting: id, type (past or live), the time span of its
samples, and how many participants, sessions (joins) and samples it has.

Examples:
   zoomqos meetings
   zoomqos meetings --json | jq '.[] | select(.samples > 1000) | .id'`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "write JSON instead of a table"},
		},
		Action: func(c *cli.Context) error {
			db, err := openStore(c, true)
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := db.Meetings(c.Context)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return writeJSON(c.App.Writer, list)
			}
			return printMeetings(c.App.Writer, list)
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
	fmt.Fprintln(tw, "MEETING\tTYPE\tSTART\tEND\tPARTICIPANTS\tSESSIONS\tSAMPLES\tTOPIC")
	for _, m := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", report.DisplayText(m.ID, report.DisplayLimit),
			report.DisplayText(m.Type, 8), clock(m.Start), clock(m.End), m.Participants, m.Sessions, m.Samples,
			cmp.Or(report.DisplayText(m.Topic, 60), "-"))
	}
	return tw.Flush()
}

// clock writes a time for a table: RFC 3339 UTC, "-" when unknown.
func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
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
