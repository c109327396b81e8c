package cli

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/report/export"
)

func dumpCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "dump",
		Usage: "write a meeting's stored samples flat, as CSV or NDJSON",
		Description: `Writes exactly what is stored for a meeting: one row per session, time and
stream, every metric in its own column in zoomqos' units (bitrate_kbps,
latency_ms, jitter_ms, avg_loss_pct, ...). An absent value is an empty CSV
field or a JSON null, never 0. --format raw writes the stored API responses
as Zoom sent them instead.

Examples:
   zoomqos dump --meeting 85012345678 > qos.csv
   zoomqos dump --meeting 85012345678 --format ndjson -o qos.ndjson
   zoomqos dump --meeting 85012345678 --format raw | zoomqos --db other.db import --meeting 85012345678 -`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "meeting", Usage: "the meeting `ID` (required)"},
			&cli.StringFlag{Name: "format", Value: export.FormatCSV, Usage: "csv, ndjson or raw"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` (a directory: dump-<meeting>.csv in it) instead of standard output"},
		},
		Action: func(c *cli.Context) error {
			id, err := requireMeeting(c)
			if err != nil {
				return err
			}
			format := c.String("format")
			if err := oneOf("--format", format, export.FormatCSV, export.FormatNDJSON, export.FormatRaw); err != nil {
				return err
			}
			db, err := a.openStore(c, true)
			if err != nil {
				return err
			}
			defer db.Close()
			if id, err = a.resolveMeeting(c, db, id); err != nil {
				return err
			}
			out := c.String("output")
			if out == "" || out == "-" {
				_, err := export.Dump(c.Context, db, id, format, c.App.Writer)
				return err
			}
			mode, err := a.fileMode(c)
			if err != nil {
				return err
			}
			ext := map[string]string{export.FormatCSV: "csv", export.FormatNDJSON: "ndjson", export.FormatRaw: "json"}[format]
			o := output{path: out, mode: mode, defaultName: "dump-" + meetingFileName(c.Context, db, id) + "." + ext, db: db.Path()}
			var rows int
			path, err := o.write(func(w io.Writer) error {
				var err error
				rows, err = export.Dump(c.Context, db, id, format, w)
				return err
			})
			if err == nil {
				abs, _ := filepath.Abs(path)
				fmt.Fprintf(c.App.ErrWriter, "Dump: %s (%s)\n", abs, plural(rows, "row"))
			}
			return err
		},
	}
}
