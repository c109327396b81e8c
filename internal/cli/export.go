package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/report/export"
	"github.com/zoomqos/zoomqos/store"
)

func exportCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "export stored samples for a warehouse: Parquet, CSV or NDJSON, one row per session, time and stream",
		Description: `Writes the samples of every stored meeting whose first sample falls between
--from and --to (whole UTC days), or of one --meeting: one row per session,
time and stream, every metric a typed column with its unit in its name (NULL
when Zoom did not report it, never 0), and the participant's device,
location, network type, client version and data center. Parquet files are
zstd-compressed, in row groups of 131,072 rows; docs/WAREHOUSE.md has the
schema and how to load the files into DuckDB, ClickHouse and BigQuery, with
the SQL that gives zoomqos analyze's numbers.

--split day writes one file per UTC day of the meetings' first samples into
the directory -o names, as day=YYYY-MM-DD/zoomqos.parquet (Hive-style, which
all three load in parallel). --redact replaces names and ids with stable
pseudonyms, the same across the whole export.

Examples:
   zoomqos export --from 2026-11-01 --to 2026-11-30 -o november.parquet
   zoomqos export --from 2026-11-01 --to 2026-11-30 --split day -o export/
   zoomqos export --meeting 85012345678 --format csv -o meeting.csv --redact`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "from", Usage: "the first `DATE` (yyyy-mm-dd, UTC)"},
			&cli.StringFlag{Name: "to", Usage: "the last `DATE` (default: today)"},
			&cli.StringFlag{Name: "meeting", Usage: "only this meeting `ID`"},
			&cli.StringFlag{Name: "format", Value: export.FormatParquet, Usage: "parquet, csv or ndjson"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `PATH` (a file; a directory with --split day; - for standard output)"},
			&cli.StringFlag{Name: "split", Usage: "day: a file per UTC day, in the directory -o names"},
			&cli.BoolFlag{Name: "redact", Usage: "replace personal data with stable pseudonyms"},
		},
		Action: a.runExport,
	}
}

func (a *app) runExport(c *cli.Context) error {
	format := c.String("format")
	if err := oneOf("--format", format, export.FormatParquet, export.FormatCSV, export.FormatNDJSON); err != nil {
		return err
	}
	out := c.String("output")
	if out == "" {
		return usageError{errors.New("say where to write: -o PATH")}
	}
	split := c.String("split")
	if split != "" && split != "day" {
		return usageError{fmt.Errorf("--split %q: the one split is day", split)}
	}
	if split != "" && out == "-" {
		return usageError{errors.New("--split day writes files into a directory: give -o DIR")}
	}
	meeting := strings.TrimSpace(c.String("meeting"))
	if meeting == "" && c.String("from") == "" {
		return usageError{errors.New("say what to export: --from DATE [--to DATE], or --meeting ID")}
	}
	if meeting != "" {
		if err := checkMeetingID("--meeting", meeting); err != nil {
			return err
		}
		if c.String("from") != "" || c.String("to") != "" {
			return usageError{errors.New("--meeting exports the whole meeting, --from and --to the meetings of some days: give one or the other")}
		}
	}
	mode, err := a.fileMode(c)
	if err != nil {
		return err
	}
	var from, to time.Time
	if meeting == "" {
		var err error
		if from, to, err = a.dateRange(c, "an export"); err != nil {
			return err
		}
	}

	db, err := a.openStore(c, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if meeting != "" {
		if meeting, err = a.resolveMeeting(c, db, meeting); err != nil {
			return err
		}
	}
	ids := []string{meeting}
	if meeting == "" {
		if ids, err = db.MeetingsStarting(c.Context, from, to.AddDate(0, 0, 1)); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		fmt.Fprintf(c.App.ErrWriter, "No stored meeting starts between %s and %s: nothing written.\n", from.Format(time.DateOnly), to.Format(time.DateOnly))
		return nil
	}
	var meetings []store.MeetingSummary
	for _, id := range ids {
		m, err := db.Meeting(c.Context, id)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("meeting %s is not in the database (see zoomqos meetings)", id)
		}
		if err != nil {
			return err
		}
		meetings = append(meetings, m)
	}

	// Files are written beside their names and renamed into place when
	// complete; an interrupted export leaves no half file. A split export
	// first removes what killed runs left in any day's directory.
	if split != "" {
		days, _ := filepath.Glob(filepath.Join(out, "day=*"))
		for _, d := range days {
			removeStale(d, "zoomqos."+format)
			os.Remove(d) // a day's directory that holds nothing now
		}
	}
	var done []*atomicFile
	var made []string // day directories this run made
	defer func() {
		for _, f := range done {
			f.abort()
		}
		if done != nil {
			for _, d := range made {
				os.Remove(d) // only if empty: another export's files stay
			}
		}
	}()
	open := func(day time.Time) (io.WriteCloser, error) {
		if out == "-" {
			return nopCloser{c.App.Writer}, nil
		}
		o := output{path: out, mode: mode, defaultName: "zoomqos." + format, db: db.Path()}
		if split != "" {
			o.path = filepath.Join(out, "day="+day.Format(time.DateOnly), "zoomqos."+format)
			// The directories hold personal data too: only the user
			// enters them unless the mode says otherwise.
			dir := filepath.Dir(o.path)
			if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
				made = append(made, dir)
			}
			if err := os.MkdirAll(dir, dirMode(mode)); err != nil {
				return nil, fmt.Errorf("write %s: %w", o.path, unwrapPath(err))
			}
		}
		f, err := o.create()
		if err == nil {
			done = append(done, f)
		}
		return f, err
	}
	start := time.Now()
	res, err := export.Write(c.Context, db, meetings, export.Options{Format: format, Redact: c.Bool("redact"), Open: open, SplitByDay: split != "", Version: c.App.Version})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return interrupted("interrupted: nothing was left half-written; run the same command again")
		}
		return err
	}
	where := out
	if len(done) == 1 {
		where = done[0].path // -o DIR: the file in it
	}
	for _, f := range done {
		if err := f.commit(); err != nil {
			return err
		}
	}
	done = nil
	if out != "-" {
		abs, _ := filepath.Abs(where)
		fmt.Fprintf(c.App.ErrWriter, "Exported %s, %s, %s as %s in %s to %s (%s)\n", plural(res.Meetings, "meeting"), plural(res.Sessions, "session"),
			plural(int(res.Samples), "sample"), plural(int(res.Rows), "row"), time.Since(start).Round(time.Millisecond), abs, plural(res.Files, "file"))
	}
	return nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
