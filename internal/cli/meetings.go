package cli

import (
	"fmt"
	"strings"
	"time"

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

The table writes times in RFC 3339 in the zone of --tz (or ZOOMQOS_TZ, else
the machine's), each with its offset; --format json and csv write them in UTC.
--from and --to are UTC days.

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
			if err := oneOf("--format", format, "table", "json", "csv"); err != nil {
				return err
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
			loc, err := a.location(c)
			if err != nil {
				return err
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
			kept := report.SelectMeetings(list, report.MeetingFilter{From: from, To: to, Topic: c.String("topic"), Number: number})
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
			return report.WriteMeetingsTable(w, kept, loc)
		},
	}
}
