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
		Usage: "write a meeting's quality report: one HTML file with charts that opens with no network, or an e-mail summary",
		Description: `Writes a post-meeting quality report: the meeting's headline figures
(degraded session-time per stream, MOS buckets, worst sessions, meeting-wide
incidents), percentile tables per stream, a heatmap of every session against
the meeting's minutes, per metric a chart for each stream with its threshold
and degradation windows, the windows and the participants' details.

The file carries its charting runtime (ECharts, inlined): it opens from a
disk, a USB stick or an email attachment with no network. --redact replaces
names, emails, IP and MAC addresses, disk ids, PC names and the topic with
stable pseudonyms, for reports that travel.

--email FILE writes a summary as an e-mail message (.eml) that mail clients
show as they are: tables and PNG charts, the interactive report attached.
--send delivers it through ZOOMQOS_SMTP_URL (smtp://user@host:587 with
STARTTLS, or smtps://user@host:465), the password in ZOOMQOS_SMTP_PASSWORD,
from ZOOMQOS_MAIL_FROM (or --from), to every --to.

Times are shown in the zone of --tz (or ZOOMQOS_TZ, else the machine's),
named at the top of the report and the e-mail; SOURCE_DATE_EPOCH (seconds)
fixes the report's "Generated" time, for the same bytes run after run.

The thresholds are analyze's (see zoomqos analyze --help), set the same ways.

Examples:
   zoomqos report --meeting 85012345678
   zoomqos report --meeting 85012345678 -o weekly.html --redact
   zoomqos report --meeting 85012345678 --lines 50 --latency-ms 200
   zoomqos report --meeting 85012345678 --email summary.eml --to it@example.com
   ZOOMQOS_SMTP_URL=smtp://reports@mail.example.com:587 ZOOMQOS_SMTP_PASSWORD=... \
     zoomqos report --meeting 85012345678 --send --to it@example.com --to av@example.com`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "meeting", Usage: "the meeting `ID` to report on"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` (- for standard output; default report-<meeting>.html unless --email or --send)"},
			&cli.BoolFlag{Name: "redact", Usage: "replace personal data with stable pseudonyms"},
			&cli.IntFlag{Name: "lines", Value: html.DefaultLines, Usage: "sessions each chart draws as their own line, the worst first (-1: all)"},
			&cli.StringFlag{Name: "email", Usage: "write an e-mail summary to `FILE` (.eml; - for standard output)"},
			&cli.StringSliceFlag{Name: "to", Usage: "the e-mail's recipient `ADDRESS` (repeat, or comma-separate)"},
			&cli.StringFlag{Name: "from", Usage: "the e-mail's sender `ADDRESS` (default ZOOMQOS_MAIL_FROM, else the SMTP user)"},
			&cli.BoolFlag{Name: "send", Usage: "send the e-mail through ZOOMQOS_SMTP_URL"},
		}, thresholdFlags()...),
		Action: a.runReport,
	}
}

func (a *app) runReport(c *cli.Context) error {
	th, err := a.thresholds(c)
	if err != nil {
		return err
	}
	meeting := strings.TrimSpace(c.String("meeting"))
	if meeting == "" {
		return usageError{errors.New("say which meeting: --meeting ID (see zoomqos meetings)")}
	}
	if err := checkMeetingID("--meeting", meeting); err != nil {
		return err
	}
	mode, err := a.fileMode(c)
	if err != nil {
		return err
	}
	lines, err := a.linesFlag(c)
	if err != nil {
		return err
	}
	loc, err := a.location(c)
	if err != nil {
		return err
	}
	job := reportJob{meeting: meeting, version: c.App.Version, thresholds: th, redact: c.Bool("redact"), mode: mode,
		html: html.Options{Lines: lines, Location: loc}, output: c.String("output"), email: c.String("email")}
	if err := job.mailFlags(a, c); err != nil {
		return err
	}
	if job.output == "-" && job.email == "-" {
		return usageError{errors.New("-o - and --email - cannot both use standard output: write one of them to a file")}
	}
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

// mailFlags reads --to, --from and --send with the mail settings.
func (j *reportJob) mailFlags(a *app, c *cli.Context) error {
	for _, list := range c.StringSlice("to") {
		for _, a := range strings.Split(list, ",") {
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			addr, err := mail.ParseAddress(a)
			if err != nil {
				return usageError{fmt.Errorf("--to %q: not an e-mail address", a)}
			}
			j.to = append(j.to, addr)
		}
	}
	j.send = c.Bool("send")
	if len(j.to) > 0 && j.email == "" && !j.send {
		return usageError{errors.New("--to goes with --email FILE or --send")}
	}
	cfg, err := a.loadConfig(c)
	if err != nil {
		return err
	}
	from, _ := cfg.lookup("ZOOMQOS_MAIL_FROM")
	if c.IsSet("from") {
		from = c.String("from")
	}
	if j.send {
		if len(j.to) == 0 {
			return usageError{errors.New("--send needs at least one --to ADDRESS")}
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
			return usageError{errors.New("--send needs a sender: --from ADDRESS, or ZOOMQOS_MAIL_FROM")}
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
		return errors.New("no recipients: give --to ADDRESS")
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
	if !j.send {
		return nil
	}
	if err := j.smtp.Send(ctx, j.from, j.to, eml.Bytes()); err != nil {
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
