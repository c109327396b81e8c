package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "write a meeting's quality report: one HTML file with charts that opens with no network",
		Description: `Writes a post-meeting quality report: the meeting's headline figures
(degraded session-time per stream, MOS buckets, worst sessions, meeting-wide
incidents), percentile tables per stream, a heatmap of every session against
the meeting's minutes, per metric a chart for each stream with its threshold
and degradation windows, the windows and the participants' details.

The file carries its charting runtime (ECharts, inlined): it opens from a
disk, a USB stick or an email attachment with no network. --redact replaces
names, emails, IP and MAC addresses, disk ids, PC names and the topic with
stable pseudonyms, for reports that travel.

The thresholds are analyze's (see zoomqos analyze --help), set the same ways.

Examples:
   zoomqos report --meeting 85012345678
   zoomqos report --meeting 85012345678 -o weekly.html --redact
   zoomqos report --meeting 85012345678 --lines 50 --latency-ms 200`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "meeting", Usage: "the meeting `ID` to report on"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` (- for standard output; default report-<meeting>.html)"},
			&cli.BoolFlag{Name: "redact", Usage: "replace personal data with stable pseudonyms"},
			&cli.IntFlag{Name: "lines", Value: report.DefaultLines, Usage: "sessions each chart draws as their own line, the worst first (-1: all)"},
		}, thresholdFlags()...),
		Action: runReport,
	}
}

func runReport(c *cli.Context) error {
	th, err := thresholds(c)
	if err != nil {
		return err
	}
	meeting := strings.TrimSpace(c.String("meeting"))
	if meeting == "" {
		return usageError{errors.New("say which meeting: --meeting ID (see zoomqos meetings)")}
	}
	db, err := openStore(c, true)
	if err != nil {
		return err
	}
	defer db.Close()
	out := c.String("output")
	if out == "" {
		out = "report-" + fileSafe(meeting) + ".html"
	}
	lines, err := linesFlag(c)
	if err != nil {
		return err
	}
	job := reportJob{meeting: meeting, thresholds: th, redact: c.Bool("redact"),
		html: report.HTMLOptions{Lines: lines}}
	return job.write(c.Context, db, out, c.App.Writer)
}

// reportJob is one meeting's report, as report and demo write it.
type reportJob struct {
	meeting    string
	thresholds analyze.Thresholds
	redact     bool
	html       report.HTMLOptions
}

// write loads, analyses and writes the report to path ("-": w), then says
// where it is. A file is written beside its final name and renamed into
// place, so an interrupted run never leaves half a report.
func (j reportJob) write(ctx context.Context, db *store.DB, path string, w io.Writer) error {
	m, err := db.Meeting(ctx, j.meeting)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("meeting %s is not in the database (see zoomqos meetings)", j.meeting)
	}
	if err != nil {
		return err
	}
	sessions, err := db.Load(ctx, j.meeting)
	if err != nil {
		return err
	}
	if j.redact {
		r := report.NewRedactor()
		r.Meeting(&m.Meeting)
		for i := range sessions {
			r.Session(&sessions[i].Session)
		}
	}
	doc := &report.Meeting{
		Result:    analyze.AnalyzeMeeting(m.Meeting, sessions, analyze.Options{Thresholds: j.thresholds}),
		Timeline:  analyze.NewTimeline(sessions, j.thresholds),
		Generated: time.Now(),
		Redacted:  j.redact,
		Version:   appVersion(),
	}
	for i := range sessions {
		doc.Sessions = append(doc.Sessions, sessions[i].Session)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if path == "-" {
		return report.WriteMeetingHTML(w, doc, j.html)
	}
	err = writeFileAtomic(path, func(f io.Writer) error { return report.WriteMeetingHTML(f, doc, j.html) })
	if err != nil {
		return err
	}
	var size int64
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	abs, _ := filepath.Abs(path)
	fmt.Fprintf(w, "Report: %s (%s; %s, %s)\n", abs, humanBytes(size), plural(doc.Result.Sessions, "session"), plural(doc.Result.Samples, "sample"))
	return nil
}

// linesFlag reads --lines: 1 or more, or -1 for every session.
func linesFlag(c *cli.Context) (int, error) {
	n := c.Int("lines")
	if n == 0 || n < report.AllLines {
		return 0, usageError{fmt.Errorf("--lines %d: use 1 or more, or -1 for every session", n)}
	}
	return n, nil
}

// fileSafe makes a meeting ID (an instance UUID may hold / + =) a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

// humanBytes writes a size as people read it: 2.4 MB.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
