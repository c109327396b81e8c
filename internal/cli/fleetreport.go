package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/email"
	"github.com/zoomqos/zoomqos/report/failon"
	"github.com/zoomqos/zoomqos/report/html"
	"github.com/zoomqos/zoomqos/store"
)

// The fleet report (report --from/--to) and the digest (report
// --since-last): many meetings in one page or one mail.

// digestBookmark names the digest's bookmark in the database.
const digestBookmark = "digest"

// firstDigest is how far back a digest goes when none was sent before.
const firstDigest = 7 * 24 * time.Hour

// fleetJob is a fleet report or digest.
type fleetJob struct {
	reportJob
	start, end  time.Time // the period: meetings that started in [start, end)
	zone        *time.Location
	digest      bool      // --since-last: keep the bookmark
	since       time.Time // a digest's: what was stored after it
	sinceSaid   string    // how the command names since
	meetingsDir string
	failOn      *failon.Expr
}

// wantsFleet says whether report's flags ask for a fleet report or a
// digest rather than one meeting's report.
func wantsFleet(c *cli.Context) bool {
	return c.String("meeting") == "" && (c.IsSet("from") || c.IsSet("to") || c.Bool("since-last") || c.IsSet("since"))
}

func (a *app) runFleetReport(c *cli.Context) error {
	job, err := a.newReportJob(c)
	if err != nil {
		return err
	}
	now := time.Now()
	j := fleetJob{reportJob: job, zone: job.html.Location, digest: c.Bool("since-last"), meetingsDir: c.String("meetings-dir")}
	if s := c.String("fail-on"); c.IsSet("fail-on") {
		if j.failOn, err = failon.Parse(s); err != nil {
			return usageError{fmt.Errorf("--fail-on %q: %w", clip(s, 60), err)}
		}
	}
	digest := j.digest || c.IsSet("since")
	if digest && (c.IsSet("from") || c.IsSet("to")) {
		return usageError{errors.New("--since-last and --since report what was collected since; --from and --to a period of meetings: give one or the other")}
	}
	if digest {
		if c.IsSet("since") {
			if j.since, err = parseSince(c.String("since"), now, j.zone); err != nil {
				return err
			}
			j.sinceSaid = "--since " + c.String("since")
		}
	} else {
		from, to, err := a.dateRangeIn(c, "a fleet report", j.zone)
		if err != nil {
			return err
		}
		j.start = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, j.zone)
		j.end = time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, j.zone)
	}
	if j.meetingsDir != "" && j.output == "-" {
		return usageError{errors.New("--meetings-dir links the meetings' reports from the fleet report's file: give -o FILE, not -o -")}
	}

	db, err := a.openStore(c, !j.digest)
	if err != nil {
		if j.digest && (errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)) {
			return fmt.Errorf("%w (--since-last keeps its bookmark in the database, so it must write to it: --since WHEN reports without one)", err)
		}
		return err
	}
	defer db.Close()
	j.db = db.Path()
	var ids []string
	if digest {
		if ids, err = j.collectedSince(c.Context, db, now, c.App.ErrWriter); err != nil || ids == nil {
			return err
		}
	} else if ids, err = db.MeetingsStarting(c.Context, j.start, j.end); err != nil {
		return err
	}
	if j.output == "" && j.email == "" && !j.send {
		j.output = j.fleetName()
	}
	r, err := j.analyze(c.Context, db, ids)
	if err != nil {
		return err
	}
	if err := j.write(c.Context, db, r, c.App.Writer, c.App.ErrWriter); err != nil {
		return err
	}
	if j.digest {
		// Only once the digest is out: a failed run reports the same
		// meetings next time.
		if err := db.SetBookmark(c.Context, digestBookmark, now); err != nil {
			return fmt.Errorf("keeping the digest's bookmark: %w", err)
		}
	}
	return j.alert(r, c.App.ErrWriter)
}

// collectedSince lists the meetings whose data changed after the digest's
// start (the bookmark, --since, or a week back the first time) and sets
// the period to the days they started on. None: it says so, and the
// digest is not written (nil ids, nil error).
func (j *fleetJob) collectedSince(ctx context.Context, db *store.DB, now time.Time, status io.Writer) ([]string, error) {
	if j.since.IsZero() {
		mark, err := db.Bookmark(ctx, digestBookmark)
		if err != nil {
			return nil, err
		}
		j.since, j.sinceSaid = mark, "the last digest"
		if mark.IsZero() {
			j.since, j.sinceSaid = now.Add(-firstDigest), "a week ago (the first digest)"
		}
	}
	list, err := db.Meetings(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	var first, last time.Time
	for _, m := range list {
		if !m.LastStored.After(j.since) || m.Samples == 0 {
			continue
		}
		ids = append(ids, m.ID)
		if first.IsZero() || m.Start.Before(first) {
			first = m.Start
		}
		if m.Start.After(last) {
			last = m.Start
		}
	}
	if len(ids) == 0 {
		fmt.Fprintf(status, "Nothing collected since %s (%s): no digest.\n", j.sinceSaid, report.MailStamp.FormatIn(j.since, j.zone))
		return nil, nil
	}
	f, l := first.In(j.zone), last.In(j.zone)
	j.start = time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, j.zone)
	j.end = time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, j.zone)
	return ids, nil
}

// parseSince reads --since: a date (its midnight in zone), an RFC 3339
// time, or a duration back from now (36h, 7d).
func parseSince(s string, now time.Time, zone *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(time.DateOnly, s, zone); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d > 0 && d <= 3660 {
			return now.AddDate(0, 0, -d), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 && d <= 3660*24*time.Hour {
		return now.Add(-d), nil
	}
	return time.Time{}, usageError{fmt.Errorf("--since %q: want a date (2026-11-30), a time (2026-11-30T08:00:00Z) or a span back from now (36h, 7d; at most ten years)", s)}
}

// fleetName is the fleet report's default file name.
func (j *fleetJob) fleetName() string {
	last := j.end.AddDate(0, 0, -1)
	name := "fleet-" + j.start.Format(time.DateOnly)
	if !last.Equal(j.start) {
		name += "-to-" + last.Format(time.DateOnly)
	}
	if j.sinceSaid != "" {
		name = "digest-" + j.since.In(j.zone).Format("2006-01-02-1504")
	}
	return name + ".html"
}

// analyze analyses the period's meetings and the period of the same
// length before it.
func (j *fleetJob) analyze(ctx context.Context, db *store.DB, ids []string) (*analyze.PeriodResult, error) {
	opts := analyze.PeriodOptions{Options: analyze.Options{Thresholds: j.thresholds}, Zone: j.zone}
	p, err := analyzePeriod(ctx, db, ids, j.start, j.end, opts)
	if err != nil {
		return nil, err
	}
	length := j.end.Sub(j.start)
	before, err := db.MeetingsStarting(ctx, j.start.Add(-length), j.start)
	if err != nil {
		return nil, err
	}
	before = slices.DeleteFunc(before, func(id string) bool { return slices.Contains(ids, id) })
	var previous *analyze.Headline
	if len(before) > 0 {
		prev, err := analyzePeriod(ctx, db, before, j.start.Add(-length), j.start, opts)
		if err != nil {
			return nil, err
		}
		if h := prev.Headline(); h.Meetings > 0 {
			previous = &h
		}
	}
	r := p.Result(previous)
	if j.redact {
		report.RedactPeriod(r)
	}
	return r, nil
}

// analyzePeriod analyses the given meetings, a meeting per core at a
// time. Each meeting is loaded whole, analysed and let go: the garbage
// collector runs less often than by default (GOGC 400) within a soft
// limit of 256 MB, which took the 2,000-meeting report from 2.2 – 2.8 s
// to about 1 s (docs/PERFORMANCE.md) and stays under the 300 MB target.
// GOGC and GOMEMLIMIT in the environment win.
func analyzePeriod(ctx context.Context, db *store.DB, ids []string, from, to time.Time, opts analyze.PeriodOptions) (*analyze.Period, error) {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(256 << 20))
	}
	p := analyze.NewPeriod(from, to, opts)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan string)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(ids))) {
		wg.Go(func() {
			for id := range next {
				m, err := db.Meeting(ctx, id)
				if err != nil {
					cancel(fmt.Errorf("meeting %s: %w", id, err))
					continue
				}
				sessions, err := db.Load(ctx, id)
				if err != nil {
					cancel(fmt.Errorf("meeting %s: %w", id, err))
					continue
				}
				p.AddMeeting(m.Meeting, sessions)
			}
		})
	}
	for _, id := range ids {
		select {
		case next <- id:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// write writes what was asked: the meetings' own reports, the fleet
// report, the e-mail, the sending.
func (j *fleetJob) write(ctx context.Context, db *store.DB, r *analyze.PeriodResult, stdout, status io.Writer) error {
	f := &report.Fleet{Result: r, Zone: j.zone, Generated: generatedAt(), Redacted: j.redact, Version: j.version}
	if j.sinceSaid != "" {
		f.Since = j.since
	}
	if j.meetingsDir != "" {
		links, err := j.meetingReports(ctx, db, r, status)
		if err != nil {
			return err
		}
		f.Links = links
	}
	var page bytes.Buffer
	if err := html.WriteFleet(&page, f); err != nil {
		return err
	}
	h := r.Headline
	counts := plural(h.Meetings, "meeting") + ", " + plural(h.Sessions, "session")
	written, err := j.put("-o", j.output, j.fleetName(), page.Bytes(), stdout, status, "Fleet report", counts)
	if err != nil {
		return err
	}
	if j.email == "" && !j.send {
		return nil
	}
	name := j.fleetName()
	if written != "" {
		name = filepath.Base(written)
	}
	f.Links = nil // the attached page is read from a mail, away from the meetings' files
	page.Reset()
	if err := html.WriteFleet(&page, f); err != nil {
		return err
	}
	var eml bytes.Buffer
	err = email.WriteFleet(&eml, f, email.Options{From: j.reportJob.from, To: j.reportJob.to, Report: page.Bytes(), ReportName: name})
	if err != nil {
		return err
	}
	subject := email.FleetSubject(f)
	if _, err := j.put("--email", j.email, strings.TrimSuffix(j.fleetName(), ".html")+".eml", eml.Bytes(), stdout, status, "E-mail", strconv.Quote(subject)); err != nil {
		return err
	}
	return j.sendMail(ctx, eml.Bytes(), subject, status)
}

// meetingReports writes the worst meetings' and the incidents' meetings'
// own reports into --meetings-dir and returns the links to them, relative
// to the fleet report's file.
func (j *fleetJob) meetingReports(ctx context.Context, db *store.DB, r *analyze.PeriodResult, status io.Writer) (map[string]string, error) {
	if err := os.MkdirAll(j.meetingsDir, 0o700); err != nil {
		return nil, fmt.Errorf("--meetings-dir %s: %w", j.meetingsDir, err)
	}
	base := "."
	if j.output != "" {
		base = filepath.Dir(j.output)
		if st, err := os.Stat(j.output); err == nil && st.IsDir() {
			base = j.output
		}
		// Before any meeting's report is written: the fleet report's
		// directory must be there.
		if st, err := os.Stat(base); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("-o %s: no directory %s to write the fleet report in", j.output, base)
		}
	}
	base, err := filepath.Abs(base)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range r.Worst {
		ids = append(ids, m.Meeting)
	}
	for _, in := range r.Incidents {
		ids = append(ids, in.Meeting)
	}
	links := map[string]string{}
	for _, id := range ids {
		if _, done := links[id]; done {
			continue
		}
		mj := j.reportJob
		mj.meeting, mj.fileName = id, meetingFileName(ctx, db, id)
		mj.output, mj.email, mj.send = filepath.Join(j.meetingsDir, mj.reportName()), "", false
		if err := mj.write(ctx, db, io.Discard, io.Discard); err != nil {
			return nil, fmt.Errorf("the report of meeting %s: %w", id, err)
		}
		abs, err := filepath.Abs(mj.output)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(base, abs)
		if err != nil {
			return nil, fmt.Errorf("--meetings-dir %s: cannot link it from %s: %w", j.meetingsDir, base, err)
		}
		links[id] = filepath.ToSlash(rel)
	}
	abs, _ := filepath.Abs(j.meetingsDir)
	fmt.Fprintf(status, "Meeting reports: %s in %s\n", plural(len(links), "file"), abs)
	return links, nil
}

// alert evaluates --fail-on over the period's headline: crossed, it says
// which figures crossed and the command exits with status 3.
func (j *fleetJob) alert(r *analyze.PeriodResult, status io.Writer) error {
	if j.failOn == nil {
		return nil
	}
	res := j.failOn.Eval(failOnFigures(r))
	for _, s := range res.NotEvaluated {
		fmt.Fprintf(status, "zoomqos: --fail-on: %s not evaluated: the period has no such figure\n", s)
	}
	if !res.Tripped {
		return nil
	}
	why := strings.Join(res.True, "; ")
	if why == "" { // tripped by a not: no comparison was true
		why = "it holds: " + res.String()
	}
	return alertError{"--fail-on " + strconv.Quote(clip(j.failOn.String(), 120)) + ": " + why}
}

// failOnFigures are the headline figures --fail-on speaks of.
func failOnFigures(r *analyze.PeriodResult) failon.Figures {
	fig := func(h *analyze.Headline) failon.Figures {
		f := failon.Figures{"meetings": float64(h.Meetings), "participants": float64(h.Participants),
			"sessions": float64(h.Sessions), "session_hours": h.SessionHours, "incidents": float64(h.Incidents)}
		if h.Meetings > 0 {
			f["worst_meeting"] = h.WorstMeeting
		}
		if h.Samples > 0 {
			f["degraded"] = h.Degraded
		}
		if h.MOS != nil {
			f["mos"] = *h.MOS
		}
		return f
	}
	f := fig(&r.Headline)
	if r.Previous != nil {
		for k, v := range fig(r.Previous) {
			if cur, ok := f[k]; ok {
				f["delta_"+k] = cur - v
			}
		}
	}
	return f
}

// alertError is --fail-on crossed: exit status 3.
type alertError struct{ msg string }

func (e alertError) Error() string { return e.msg }

// failOnNames lists the figures --fail-on speaks of, for the help.
func failOnNames() string {
	var names []string
	for _, n := range failon.Names() {
		if !strings.HasPrefix(n.Name, failon.DeltaPrefix) {
			names = append(names, n.Name)
		}
	}
	return strings.Join(names, ", ")
}

// clip cuts what a message quotes of the user's input to n bytes, on a
// character boundary, with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
