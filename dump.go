package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/report"
)

func dumpCommand() *cli.Command {
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
			&cli.StringFlag{Name: "format", Value: report.FormatCSV, Usage: "csv, ndjson or raw"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` instead of standard output"},
		},
		Action: func(c *cli.Context) error {
			id, err := requireMeeting(c)
			if err != nil {
				return err
			}
			format := c.String("format")
			if format != report.FormatCSV && format != report.FormatNDJSON && format != report.FormatRaw {
				return usageError{fmt.Errorf("--format %q: use csv, ndjson or raw", format)}
			}
			db, err := openStore(c, true)
			if err != nil {
				return err
			}
			defer db.Close()
			out := c.String("output")
			if out == "" {
				_, err := report.Dump(c.Context, db, id, format, c.App.Writer)
				return err
			}
			return writeFileAtomic(out, func(w io.Writer) error {
				rows, err := report.Dump(c.Context, db, id, format, w)
				if err == nil {
					logger(c).Info("wrote dump", "file", out, "rows", rows)
				}
				return err
			})
		},
	}
}

// writeFileAtomic writes a file through a temporary one beside it, so that
// a failed or interrupted write never leaves a half file under the name.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	// Readable by others, as a file written with os.Create would be: a
	// report is made to be shared.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
