package cli

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/collect"
)

func reparseCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "reparse",
		Usage: "rebuild stored samples from the raw API responses kept in the database",
		Description: `zoomqos keeps every API response it stored, compressed, as Zoom sent it.
After an upgrade that reads more of Zoom's fields or value shapes, reparse
rebuilds the sessions, samples and meeting details from those responses.
Each meeting is rebuilt in one transaction: it changes completely or not at
all.

It also carries over a database made by zoomqos before it read meeting
details: a meeting that 'collect --meeting NUMBER' stored under its number,
beside the same instance stored under its UUID by discovery, moves into that
instance (its responses join the instance's, nothing is counted twice); one
whose instance is not stored keeps its number until 'collect' learns it.

Examples:
   zoomqos reparse
   zoomqos reparse --meeting 85012345678`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "meeting", Usage: "only this meeting `ID` (default: all)"},
		},
		Action: func(c *cli.Context) error {
			db, err := a.openStore(c, false)
			if err != nil {
				return err
			}
			defer db.Close()
			ids := []string{strings.TrimSpace(c.String("meeting"))}
			if ids[0] != "" {
				if err := checkMeetingID("--meeting", ids[0]); err != nil {
					return err
				}
				if ids[0], err = a.resolveMeeting(c, db, ids[0]); err != nil {
					return err
				}
			} else {
				list, err := db.Meetings(c.Context)
				if err != nil {
					return err
				}
				ids = ids[:0]
				for _, m := range list {
					ids = append(ids, m.ID)
				}
			}
			w := c.App.Writer
			for _, id := range ids {
				res, probs, err := collect.Reparse(c.Context, db, id)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "meeting %s: %s reparsed; sessions %d -> %d, samples %d -> %d\n",
					id, plural(res.Documents, "document"), res.SessionsBefore, res.SessionsAfter,
					res.SamplesBefore, res.SamplesAfter)
				printProblems(w, &probs)
			}
			if len(ids) == 0 {
				fmt.Fprintln(w, "no meetings stored yet: nothing to reparse")
				return nil
			}
			merged, err := collect.AbsorbNumbered(c.Context, db, a.log)
			for _, m := range merged {
				fmt.Fprintf(w, "meeting %s: stored under its number by an older zoomqos; moved into its instance %s: sessions %d -> %d, samples %d -> %d\n",
					m.Number, m.Into, m.SessionsBefore, m.SessionsAfter, m.SamplesBefore, m.SamplesAfter)
			}
			return err
		},
	}
}
