package cli

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/internal/smtp"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/email"
	"github.com/zoomqos/zoomqos/report/html"
	"github.com/zoomqos/zoomqos/store"
)

func reportCommand(a *app) *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "write a meeting's quality report, a fleet report of a period, or a digest of what was collected: HTML that opens with no network, or an e-mail",
		Description: `Writes a post-meeting quality report: the meeting's headline figures
(degraded session-time per stream, MOS buckets, worst sessions, meeting-wide
incidents), percentile tables per stream, a heatmap of every session against
the meeting's minutes, per metric a chart for each stream with its threshold
and the meeting-wide incidents, the windows and the participants' details.

Without --meeting, --from DATE [--to DATE] writes a fleet report of every
meeting that started in those days: the headline (meetings, participants,
session-hours, session time degraded, median MOS) against the period of the
same length before; trends per day (per week past 60 days), overall and by
network type, data center, location, device, client version and connection
type; roll-ups of each; the worst meetings (--meetings-dir DIR writes their
own reports beside it, linked); the people degraded most often; the
meeting-wide incidents with their why.

--since-last makes it a digest for cron: the meetings whose data was
collected since the last digest (a bookmark kept in the database; a week
back the first time; --since WHEN instead sets the start and keeps no
bookmark). Nothing new: nothing written, exit status 0.

--fail-on EXPR exits with status 3 once everything is written when EXPR
holds for the period's headline figures: comparisons of ` + failOnNames() + `
(delta_NAME: the change since the previous period) with a number, % for
shares, joined by and, or, not, parentheses, and "," for or. Such as
'degraded>10%', 'mos<3.5,delta_degraded>5%'.

Every file carries its charting runtime (ECharts, inlined): it opens from a
disk, a USB stick or an email attachment with no network. --redact replaces
names, emails, IP and MAC addresses, disk ids, PC names and the topic with
stable pseudonyms, for reports that travel.

--email FILE writes a summary as an e-mail message (.eml) that mail clients
show as they are: tables and PNG charts, the HTML report attached. --send
delivers it through ZOOMQOS_SMTP_URL (smtp://user@host:587 with STARTTLS,
or smtps://user@host:465), the password in ZOOMQOS_SMTP_PASSWORD, from
ZOOMQOS_MAIL_FROM (or --mail-from), to every --mail-to.

Times are shown in the zone of --tz (or ZOOMQOS_TZ, else the machine's),
named at the top of the report and the e-mail; SOURCE_DATE_EPOCH (seconds)
fixes the report's "Generated" time, for the same bytes run after run.

The thresholds are analyze's (see zoomqos analyze --help), set the same ways.

Examples:
   zoomqos report --meeting 85012345678
   zoomqos report --meeting 85012345678 -o weekly.html --redact
   zoomqos report --meeting 85012345678 --lines 50 --latency-ms 200
   zoomqos report --meeting 85012345678 --email summary.eml --mail-to it@example.com
   zoomqos report --from 2026-11-01 --to 2026-11-30 -o november.html --meetings-dir meetings
   zoomqos report --since-last --email digest.eml --fail-on 'degraded>10%'
   ZOOMQOS_SMTP_URL=smtp://reports@mail.example.com:587 ZOOMQOS_SMTP_PASSWORD=... \
     zoomqos report --since-last --send --mail-to it@example.com --mail-to av@example.com`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "meeting", Usage: "the meeting `ID` to report on"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` (- for standard output; default report-<meeting>.html unless --email or --send)"},
			&cli.BoolFlag{Name: "redact", Usage: "replace personal data with stable pseudonyms"},
			&cli.IntFlag{Name: "lines", Value: html.DefaultLines, Usage: "sessions each chart draws as their own line, the worst first (-1: all)"},
			&cli.StringFlag{Name: "email", Usage: "write an e-mail summary to `FILE` (.eml; - for standard output)"},
			&cli.StringSliceFlag{Name: "mail-to", Usage: "the e-mail's recipient `ADDRESS` (repeat, or comma-separate)"},
			&cli.StringFlag{Name: "mail-from", Usage: "the e-mail's sender `ADDRESS` (default ZOOMQOS_MAIL_FROM, else the SMTP user)"},
			&cli.BoolFlag{Name: "send", Usage: "send the e-mail through ZOOMQOS_SMTP_URL"},
			&cli.StringFlag{Name: "from", Usage: "a fleet report of the meetings that started from `DATE` (yyyy-mm-dd, a whole day)"},
			&cli.StringFlag{Name: "to", Usage: "... to `DATE` (default today)"},
			&cli.StringFlag{Name: "meetings-dir", Usage: "write the worst meetings' and the incidents' own reports into `DIR`, linked from the fleet report"},
			&cli.BoolFlag{Name: "since-last", Usage: "a digest of what was collected since the last digest (a bookmark kept in the database)"},
			&cli.StringFlag{Name: "since", Usage: "a digest of what was collected since `WHEN` (a date, an RFC 3339 time, or 36h, 7d back)"},
			&cli.StringFlag{Name: "fail-on", Usage: "exit with status 3 when `EXPR` holds for the period's headline figures, such as 'degraded>10%,mos<3.5'"},
		}, thresholdFlags()...),
		Action: a.runReport,
	}
}

func (a *app) runReport(c *cli.Context) error {
	if err := oldMailFlags(c); err != nil {
		return err
	}
	if wantsFleet(c) {
		return a.runFleetReport(c)
	}
	for _, f := range []string{"from", "to", "since-last", "since", "meetings-dir", "fail-on"} {
		if c.IsSet(f) {
			return usageError{fmt.Errorf("--%s goes with a fleet report (--from DATE [--to DATE]) or a digest (--since-last), not with --meeting", f)}
		}
	}
	meeting := strings.TrimSpace(c.String("meeting"))
	if meeting == "" {
		return usageError{errors.New("say which meeting: --meeting ID (see zoomqos meetings), or a period: --from DATE [--to DATE], or --since-last for a digest")}
	}
	if err := checkMeetingID("--meeting", meeting); err != nil {
		return err
	}
	job, err := a.newReportJob(c)
	if err != nil {
		return err
	}
	job.meeting = meeting
	db, err := a.openStore(c, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if job.meeting, err = a.resolveMeeting(c, db, job.meeting); err != nil {
		return err
	}
	job.fileName = meetingFileName(c.Context, db, job.meeting)
	if job.output == "" && job.email == "" && !job.send {
		job.output = job.reportName()
	}
	job.db = db.Path()
	return job.write(c.Context, db, c.App.Writer, c.App.ErrWriter)
}

// newReportJob reads what every report takes from report's flags: the
// thresholds, the file mode, --lines, the zone, where the report and the
// e-mail go, and the mail settings.
func (a *app) newReportJob(c *cli.Context) (reportJob, error) {
	th, err := a.thresholds(c)
	if err != nil {
		return reportJob{}, err
	}
	mode, err := a.fileMode(c)
	if err != nil {
		return reportJob{}, err
	}
	lines, err := a.linesFlag(c)
	if err != nil {
		return reportJob{}, err
	}
	loc, err := a.location(c)
	if err != nil {
		return reportJob{}, err
	}
	job := reportJob{version: c.App.Version, thresholds: th, redact: c.Bool("redact"), mode: mode,
		html: html.Options{Lines: lines, Location: loc}, output: c.String("output"), email: c.String("email")}
	if err := job.mailFlags(a, c); err != nil {
		return reportJob{}, err
	}
	if job.output == "-" && job.email == "-" {
		return reportJob{}, usageError{errors.New("-o - and --email - cannot both use standard output: write one of them to a file")}
	}
	return job, nil
}

// reportJob is one meeting's report, as report and demo write it.
type reportJob struct {
	meeting    string
	fileName   string // names the meeting in default file names
	thresholds analyze.Thresholds
	redact     bool
	html       html.Options
	output     string // the HTML report's path, "-" for standard output, "" for none
	mode       os.FileMode
	db         string // the database's path: no output is written over it
	version    string // zoomqos's, for the report's footer

	email string // the e-mail's path, "-" for standard output, "" for none
	send  bool
	from  *mail.Address
	to    []*mail.Address
	smtp  smtp.Client
}

// oldMailFlags turns the mail flags zoomqos had before the fleet report
// took --from and --to for dates into an error that says what to write
// now.
func oldMailFlags(c *cli.Context) error {
	for _, f := range []string{"to", "from"} {
		if strings.Contains(c.String(f), "@") {
			return usageError{fmt.Errorf("--%s takes a date now (a fleet report's period); the e-mail's %s is --mail-%s ADDRESS",
				f, map[string]string{"to": "recipient", "from": "sender"}[f], f)}
		}
	}
	return nil
}

// mailFlags reads --mail-to, --mail-from and --send with the mail
// settings.
func (j *reportJob) mailFlags(a *app, c *cli.Context) error {
	for _, list := range c.StringSlice("mail-to") {
		for _, a := range strings.Split(list, ",") {
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			addr, err := mail.ParseAddress(a)
			if err != nil {
				return usageError{fmt.Errorf("--mail-to %q: not an e-mail address", a)}
			}
			j.to = append(j.to, addr)
		}
	}
	j.send = c.Bool("send")
	if len(j.to) > 0 && j.email == "" && !j.send {
		return usageError{errors.New("--mail-to goes with --email FILE or --send")}
	}
	cfg, err := a.loadConfig(c)
	if err != nil {
		return err
	}
	from, _ := cfg.lookup("ZOOMQOS_MAIL_FROM")
	if c.IsSet("mail-from") {
		from = c.String("mail-from")
	}
	if j.send {
		if len(j.to) == 0 {
			return usageError{errors.New("--send needs at least one --mail-to ADDRESS")}
		}
		j.smtp.URL, _ = cfg.lookup("ZOOMQOS_SMTP_URL")
		j.smtp.Password, _ = cfg.lookup("ZOOMQOS_SMTP_PASSWORD")
		j.smtp.Secrets = a.secrets
		if j.smtp.URL == "" {
			return usageError{errors.New("--send needs ZOOMQOS_SMTP_URL (such as smtp://user@mail.example.com:587), in the environment or the config file")}
		}
		srv, err := smtp.ParseURL(j.smtp.URL)
		if err != nil {
			return usageError{mailError(err)}
		}
		if from == "" && strings.Contains(srv.User(), "@") {
			from = srv.User()
		}
		if from == "" {
			return usageError{errors.New("--send needs a sender: --mail-from ADDRESS, or ZOOMQOS_MAIL_FROM")}
		}
	}
	if from != "" {
		addr, err := mail.ParseAddress(from)
		if err != nil {
			return usageError{fmt.Errorf("sender %q: not an e-mail address", from)}
		}
		j.from = addr
	}
	return nil
}

// mailError says what is wrong with the mail settings as the user gives
// them: ZOOMQOS_SMTP_URL, ZOOMQOS_SMTP_PASSWORD, --to. Other errors pass
// as they are.
func mailError(err error) error {
	var se *smtp.SettingError
	if !errors.As(err, &se) {
		return err
	}
	switch se.Err {
	case smtp.ErrURL:
		return errors.New("ZOOMQOS_SMTP_URL is not a URL like smtp://user@mail.example.com:587")
	case smtp.ErrScheme:
		return errors.New("ZOOMQOS_SMTP_URL: use smtp:// (STARTTLS) or smtps:// (TLS)")
	case smtp.ErrPasswordInURL:
		return errors.New("ZOOMQOS_SMTP_URL holds a password: put it in ZOOMQOS_SMTP_PASSWORD instead")
	case smtp.ErrNoPassword:
		return fmt.Errorf("ZOOMQOS_SMTP_URL names user %s but ZOOMQOS_SMTP_PASSWORD is not set", se.Server.User())
	case smtp.ErrNoAuth:
		return fmt.Errorf("the mail server %s does not offer authentication (AUTH), but ZOOMQOS_SMTP_URL names a user", se.Server)
	case smtp.ErrNoRecipients:
		return errors.New("no recipients: give --mail-to ADDRESS")
	}
	return err
}

// reportName is the report's default file name.
func (j reportJob) reportName() string {
	return "report-" + cmp.Or(j.fileName, fileSafe(j.meeting)) + ".html"
}

// meetingFileName names a meeting in file names: its number, and the day
// it started when it is an instance (a recurring number has several), else
// the ID it is stored under.
func meetingFileName(ctx context.Context, db *store.DB, id string) string {
	m, err := db.Meeting(ctx, id)
	if err != nil || m.Number == "" || m.Number == id {
		return fileSafe(id)
	}
	name := m.Number
	start := m.Start
	if m.Details != nil && !m.Details.StartTime.IsZero() {
		start = m.Details.StartTime
	}
	if !start.IsZero() {
		name += "-" + start.UTC().Format("2006-01-02-1504")
	}
	return fileSafe(name)
}

// write loads and analyses the meeting, then writes what was asked: the
// report, the e-mail, the sending; and says where each went. Files are
// written beside their final name and renamed into place, so an
// interrupted run never leaves half a file. Only the report or the e-mail
// goes to stdout ("-"); what is said about them goes to status (stderr).
func (j reportJob) write(ctx context.Context, db *store.DB, stdout, status io.Writer) error {
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
		Generated: generatedAt(),
		Redacted:  j.redact,
		Version:   j.version,
	}
	for i := range sessions {
		doc.Sessions = append(doc.Sessions, sessions[i].Session)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var page bytes.Buffer
	if err := html.WriteMeeting(&page, doc, j.html); err != nil {
		return err
	}
	counts := plural(doc.Result.Sessions, "session") + ", " + plural(doc.Result.Samples, "sample")
	written, err := j.put("-o", j.output, j.reportName(), page.Bytes(), stdout, status, "Report", counts)
	if err != nil {
		return err
	}
	if j.email == "" && !j.send {
		return nil
	}
	name := j.reportName()
	if written != "" {
		name = filepath.Base(written)
	}
	var eml bytes.Buffer
	err = email.WriteMeeting(&eml, doc, email.Options{From: j.from, To: j.to, Report: page.Bytes(), ReportName: name, Location: j.html.Location})
	if err != nil {
		return err
	}
	subject := email.Subject(doc.Result, j.html.Location)
	if _, err := j.put("--email", j.email, "report-"+cmp.Or(j.fileName, fileSafe(j.meeting))+".eml", eml.Bytes(), stdout, status, "E-mail", strconv.Quote(subject)); err != nil {
		return err
	}
	return j.sendMail(ctx, eml.Bytes(), subject, status)
}

// sendMail sends the message when --send asks for it, and says so.
func (j reportJob) sendMail(ctx context.Context, eml []byte, subject string, status io.Writer) error {
	if !j.send {
		return nil
	}
	if err := j.smtp.Send(ctx, j.from, j.to, eml); err != nil {
		return mailError(err)
	}
	to := make([]string, len(j.to))
	for i, a := range j.to {
		to[i] = a.Address
	}
	fmt.Fprintf(status, "Sent %s to %s\n", strconv.Quote(subject), strings.Join(to, ", "))
	return nil
}

// put writes data to path, named by flag ("-": standard output, "":
// nowhere; a directory: defaultName in it) and says on status where it
// went. It returns the file's path.
func (j reportJob) put(flag, path, defaultName string, data []byte, stdout, status io.Writer, what, about string) (string, error) {
	switch path {
	case "":
		return "", nil
	case "-":
		_, err := stdout.Write(data)
		return "", err
	}
	o := output{path: path, mode: j.mode, defaultName: defaultName, db: j.db, flag: flag}
	written, err := o.write(func(f io.Writer) error { _, err := f.Write(data); return err })
	if err != nil {
		return "", err
	}
	abs, _ := filepath.Abs(written)
	fmt.Fprintf(status, "%s: %s (%s; %s)\n", what, abs, humanBytes(int64(len(data))), about)
	return written, nil
}

// generatedAt is when a report says it was made: now, or
// SOURCE_DATE_EPOCH (seconds) for output that is the same run after run.
func generatedAt() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now()
}

// linesFlag reads --lines: 1 or more, or -1 for every session.
func (a *app) linesFlag(c *cli.Context) (int, error) {
	n := c.Int("lines")
	if n == 0 || n < html.AllLines {
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
