package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

func analyzeCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "analyze",
		Usage: "percentiles, degradation windows, MOS and incidents of a meeting, or a fleet roll-up",
		Description: `For one meeting: per session, stream and metric the count, min, mean, p50,
p90, p95, p99 and max (type 7 percentiles, as NumPy, R and DuckDB's
quantile_cont); the same pooled over all sessions; MOS per session and its
good/fair/poor/unclassified buckets; degradation windows (when, who, which
stream, how bad); meeting-wide incidents; Zoom's own rating of each session's
audio, video and screen share against zoomqos's verdict (degraded: at least
one degradation window on a stream of that kind), with the agreement rate and
the sessions where they disagree. A table on a terminal (sessions worst
first), its times in the zone of --tz (or ZOOMQOS_TZ, else the machine's), or
--format json or csv for other tools, their times in UTC.

For a period: --from and --to with --by rolls every stored meeting up by
device, location, network (type), version (of the client), datacenter,
connection (type) or user: a row per person, keyed by Zoom's participant id,
else the e-mail address, else the name (two people of one name without either
are one row).

A sample is degraded on a stream when latency > 150 ms, jitter > 30 ms, average
loss > 3 %, (video_input, video_output) frame rate < 7 fps while sending, or
(cpu_usage) system CPU ≥ 90 %. Change them with the flags below or in the
config file (ZOOMQOS_LATENCY_MS, ZOOMQOS_JITTER_MS, ZOOMQOS_LOSS_PCT,
ZOOMQOS_FRAME_RATE_FPS, ZOOMQOS_CPU_PCT, ZOOMQOS_MIN_WINDOW_SAMPLES).

Examples:
   zoomqos analyze --meeting 85012345678
   zoomqos analyze --meeting 85012345678 --stream audio_input --format json
   zoomqos analyze --meeting 85012345678 --participant 16778240 --latency-ms 200
   zoomqos analyze --from 2026-11-01 --to 2026-11-30 --by network
   zoomqos analyze --from 2026-11-01 --by user --format csv`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "meeting", Usage: "the meeting `ID` to analyse"},
			&cli.StringFlag{Name: "format", Value: "table", Usage: "table, json or csv"},
			&cli.StringSliceFlag{Name: "stream", Usage: "only this `STREAM` (repeat, or comma-separate), such as audio_input"},
			&cli.StringFlag{Name: "participant", Usage: "only this participant `ID` (or user name)"},
			&cli.StringFlag{Name: "from", Usage: "fleet roll-up: the first `DATE` (yyyy-mm-dd, UTC)"},
			&cli.StringFlag{Name: "to", Usage: "fleet roll-up: the last `DATE` (default: today)"},
			&cli.StringFlag{Name: "by", Usage: "fleet roll-up: group by device, location, network, version, datacenter, connection or user"},
		}, thresholdFlags()...),
		Action: a.runAnalyze,
	}
}

func (a *app) runAnalyze(c *cli.Context) error {
	format := c.String("format")
	if err := oneOf("--format", format, "table", "json", "csv"); err != nil {
		return err
	}
	th, err := a.thresholds(c)
	if err != nil {
		return err
	}
	opts := analyze.Options{Thresholds: th, Participant: strings.TrimSpace(c.String("participant"))}
	for _, list := range c.StringSlice("stream") {
		for _, name := range strings.Split(list, ",") {
			st, ok := store.ParseStream(strings.TrimSpace(name))
			if !ok {
				return usageError{fmt.Errorf("--stream %q: not a stream (audio_input, video_output, as_input, cpu_usage, ...)", name)}
			}
			opts.Streams = append(opts.Streams, st)
		}
	}
	loc, err := a.location(c)
	if err != nil {
		return err
	}
	meeting := strings.TrimSpace(c.String("meeting"))
	if meeting != "" {
		if err := checkMeetingID("--meeting", meeting); err != nil {
			return err
		}
	}
	fleet := c.String("from") != "" || c.String("to") != "" || c.String("by") != ""
	switch {
	case meeting != "" && fleet:
		return usageError{errors.New("give --meeting, or --from, --to and --by for a fleet roll-up, not both")}
	case meeting == "" && !fleet:
		return usageError{errors.New("say what to analyse: --meeting ID, or --from DATE --by device|location|network|version|datacenter|connection|user")}
	case fleet && c.String("by") == "":
		return usageError{errors.New("a fleet roll-up needs --by device|location|network|version|datacenter|connection|user")}
	}
	db, err := a.openStore(c, true)
	if err != nil {
		return err
	}
	defer db.Close()
	w := c.App.Writer
	if meeting != "" {
		if meeting, err = a.resolveMeeting(c, db, meeting); err != nil {
			return err
		}
		r, err := analyzeMeeting(c.Context, db, meeting, opts)
		if err != nil {
			return err
		}
		if opts.Participant != "" && r.Sessions == 0 {
			return fmt.Errorf("meeting %s has no participant %q (give a participant id or user name: see zoomqos analyze --meeting %s)",
				meeting, opts.Participant, meeting)
		}
		return writeAs(w, format, r, report.WriteMeetingCSV, func(w io.Writer, r *analyze.MeetingResult) error {
			return report.WriteMeetingTable(w, r, loc)
		})
	}

	by, err := analyze.ParseGroupBy(c.String("by"))
	if err != nil {
		return usageError{err}
	}
	from, to, err := a.dateRange(c, "a fleet roll-up")
	if err != nil {
		return err
	}
	r, err := analyzeFleet(c.Context, db, from, to, by, opts)
	if err != nil {
		return err
	}
	if opts.Participant != "" && r.Sessions == 0 {
		return fmt.Errorf("no participant %q in the meetings from %s to %s", opts.Participant, from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	return writeAs(w, format, r, report.WriteFleetCSV, func(w io.Writer, r *analyze.FleetResult) error {
		return report.WriteFleetTable(w, r, loc)
	})
}

// writeAs writes a result as JSON, CSV or a table.
func writeAs[R any](w io.Writer, format string, r R, csv, table func(io.Writer, R) error) error {
	switch format {
	case "json":
		return writeJSON(w, r)
	case "csv":
		return csv(w, r)
	}
	return table(w, r)
}

// analyzeMeeting analyses a stored meeting, session by session on every
// core.
func analyzeMeeting(ctx context.Context, db *store.DB, id string, opts analyze.Options) (*analyze.MeetingResult, error) {
	m, err := db.Meeting(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("meeting %s is not in the database (see zoomqos meetings)", id)
	}
	if err != nil {
		return nil, err
	}
	workers := runtime.GOMAXPROCS(0)
	a := analyze.NewMeetingAnalysis(m.Meeting, opts, workers)
	a.Expect(m.Samples)
	err = db.ForEachSession(ctx, []string{id}, workers, func(w int, _ string, i int, s *store.Session, samples []store.Sample) error {
		a.AddSession(w, i, s, samples)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.Result(), nil
}

// analyzeFleet rolls up the stored meetings whose first sample falls in
// [from, to] (whole UTC days), a session per core in memory at a time.
func analyzeFleet(ctx context.Context, db *store.DB, from, to time.Time, by analyze.GroupBy, opts analyze.Options) (*analyze.FleetResult, error) {
	ids, err := db.MeetingsStarting(ctx, from, to.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	workers := runtime.GOMAXPROCS(0)
	f := analyze.NewFleet(by, opts, workers)
	err = db.ForEachSession(ctx, ids, workers, func(w int, id string, _ int, s *store.Session, samples []store.Sample) error {
		f.AddSession(w, id, s, samples)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f.Result(from, to), nil
}

// thresholdFlags are the flags that override the analyzer's thresholds.
func thresholdFlags() []cli.Flag {
	d := analyze.DefaultThresholds()
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return []cli.Flag{
		&cli.Float64Flag{Name: "latency-ms", Usage: "latency threshold (or ZOOMQOS_LATENCY_MS)", DefaultText: num(d.LatencyMS)},
		&cli.Float64Flag{Name: "jitter-ms", Usage: "jitter threshold (or ZOOMQOS_JITTER_MS)", DefaultText: num(d.JitterMS)},
		&cli.Float64Flag{Name: "loss-pct", Usage: "average loss threshold (or ZOOMQOS_LOSS_PCT)", DefaultText: num(d.AvgLossPct)},
		&cli.Float64Flag{Name: "fps", Usage: "video frame rate threshold (or ZOOMQOS_FRAME_RATE_FPS)", DefaultText: num(d.FrameRateFPS)},
		&cli.Float64Flag{Name: "cpu-pct", Usage: "system CPU threshold (or ZOOMQOS_CPU_PCT)", DefaultText: num(d.SystemCPUPct)},
		&cli.IntFlag{Name: "min-samples", Usage: "degraded samples a window needs (or ZOOMQOS_MIN_WINDOW_SAMPLES)", DefaultText: strconv.Itoa(d.MinSamples)},
	}
}

// thresholds reads the thresholds: defaults, then the config file or the
// environment, then flags.
func (a *app) thresholds(c *cli.Context) (analyze.Thresholds, error) {
	th := analyze.DefaultThresholds()
	cfg, err := a.loadConfig(c)
	if err != nil {
		return th, err
	}
	floats := []struct {
		key, flag string
		dst       *float64
	}{
		{"ZOOMQOS_LATENCY_MS", "latency-ms", &th.LatencyMS},
		{"ZOOMQOS_JITTER_MS", "jitter-ms", &th.JitterMS},
		{"ZOOMQOS_LOSS_PCT", "loss-pct", &th.AvgLossPct},
		{"ZOOMQOS_FRAME_RATE_FPS", "fps", &th.FrameRateFPS},
		{"ZOOMQOS_CPU_PCT", "cpu-pct", &th.SystemCPUPct},
	}
	for _, f := range floats {
		if v, ok := cfg.lookup(f.key); ok && v != "" {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return th, fmt.Errorf("%s=%q: not a number", f.key, v)
			}
			*f.dst = x
		}
		if c.IsSet(f.flag) {
			*f.dst = c.Float64(f.flag)
		}
	}
	if v, ok := cfg.lookup("ZOOMQOS_MIN_WINDOW_SAMPLES"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return th, fmt.Errorf("ZOOMQOS_MIN_WINDOW_SAMPLES=%q: not a whole number", v)
		}
		th.MinSamples = n
	}
	if c.IsSet("min-samples") {
		th.MinSamples = c.Int("min-samples")
	}
	if err := th.Validate(); err != nil {
		return th, usageError{err}
	}
	return th, nil
}
