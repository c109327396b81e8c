package email

import (
	"bytes"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

// A meeting's summary by e-mail. Mail clients run no script, block data:
// images and many show no SVG, so the body is tables with inline CSS and
// PNG charts referenced by cid:, and the interactive report rides along as
// an attachment:
//
//	multipart/mixed
//	├── multipart/related
//	│   ├── multipart/alternative
//	│   │   ├── text/plain    the same facts as text
//	│   │   └── text/html     tables, inline CSS, <img src="cid:...">
//	│   └── image/png ...     the charts, inline, with Content-IDs
//	└── text/html             the interactive report, attached

//go:embed assets/email.tmpl
var emailHTML string

//go:embed assets/email.txt
var emailText string

var emailFuncs = template.FuncMap{
	"num":         report.Num,
	"pct":         report.Pct,
	"hhmm":        report.Clock.Format, // the times: in the e-mail's zone (timeFuncs)
	"hhmmZone":    report.ClockZone.Format,
	"clock":       report.MailStamp.Format,
	"whyBreaches": report.WhyBreaches,
	"whyCommon":   report.WhyCommon,
	"trunc":       report.DisplayText, // with a limit of its own for each cell: a mail is narrow
	"bar":         func(v float64) string { return strconv.Itoa(max(1, int(v*160+0.5))) },
	"lower":       strings.ToLower,
	"upper":       strings.ToUpper,
	// The body is as wide as the screen up to 642 px (max-width), which
	// Outlook on Windows ignores: it gets a table of 642 px in conditional
	// comments only it reads (html/template would drop them as text).
	"msoOpen":  func() template.HTML { return msoOpen },
	"msoClose": func() template.HTML { return msoClose },
}

const (
	msoOpen  = `<!--[if mso]><table role="presentation" width="642" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->`
	msoClose = `<!--[if mso]></td></tr></table><![endif]-->`
)

var (
	emailHTMLTmpl = template.Must(template.New("email").Funcs(emailFuncs).Parse(emailHTML))
	emailTextTmpl = texttemplate.Must(texttemplate.New("email").Funcs(texttemplate.FuncMap(emailFuncs)).Parse(emailText))
)

// timeFuncs are the templates' functions that show times, in loc; times
// of day carry the zone's abbreviation when it changes between from and
// to (report.TimeLayout.Within).
func timeFuncs(loc *time.Location, from, to time.Time) map[string]any {
	return map[string]any{
		"hhmm":     report.Clock.Within(loc, from, to).In(loc),
		"hhmmZone": report.ClockZone.In(loc),
		"clock":    report.MailStamp.In(loc),
	}
}

// Limits that keep the HTML body well under Gmail's clipping (about
// 100 KB): the full lists are in the attached report.
const (
	emailWorst         = 10
	emailWindows       = 20
	emailAlerts        = 10
	emailIssueLen      = 60 // each of an alert's issues
	emailNameLen       = 48 // in the worst sessions' table
	emailWindowNameLen = 40
)

// Options say who the summary is from and to, and what it carries.
type Options struct {
	From *mail.Address
	To   []*mail.Address
	Date time.Time // default: now
	// Report is the interactive report to attach (as report/html writes
	// it), ReportName its file name. The summary takes it as bytes: the
	// command writes the page once, to a file and into the mail.
	Report     []byte
	ReportName string
	// Location is the zone the summary shows times in, its text, its HTML
	// and its charts' axes alike, and names (nil: UTC).
	Location *time.Location
}

// emailPage is the e-mail templates' data: the view the page shares, and
// what only the e-mail shows.
type emailPage struct {
	*report.View
	Subject     string
	Verdict     string
	Degraded    int // sessions with a degradation window
	Charts      []pngChart
	Windows     []report.WindowRow
	MoreWindows int
	Alerts      []report.AlertRow // Zoom's first alerts, what zoomqos saw then
	MoreAlerts  int
	Worst       []report.SessionRow
	MoreWorst   int
	ReportName  string
	Agreement   string // report.AgreementLine; empty when nothing was rated
}

// Subject is the summary's subject: the meeting (or webinar) by its
// number and topic, its day (in loc; nil: UTC) and its verdict, such as
// "Meeting 85012345678 (All-hands) on 2 Nov: 3 of 25 sessions degraded".
func Subject(r *analyze.MeetingResult, loc *time.Location) string {
	return subject(r, degradedSessions(r), loc)
}

// WriteMeeting writes a meeting's summary as a MIME message (RFC 5322,
// 2045-2049), the interactive report attached.
func WriteMeeting(w io.Writer, m *report.Meeting, o Options) error {
	v := report.NewView(m, o.Location)
	ep := &emailPage{View: v, ReportName: o.ReportName}
	ep.Degraded = degradedSessions(m.Result)
	ep.Subject = subject(m.Result, ep.Degraded, o.Location)
	ep.Verdict = verdict(m.Result, ep.Degraded)
	ep.Agreement = report.AgreementLine(&m.Result.Agreement)
	for _, row := range v.Sessions {
		if row.R != nil && row.R.DegradedShare > 0 {
			if len(ep.Worst) < emailWorst {
				row.Label.Name = report.DisplayText(row.Label.Name, emailNameLen)
				ep.Worst = append(ep.Worst, row)
			} else {
				ep.MoreWorst++
			}
		}
	}
	// The media legs and CPU; the device-to-server legs, which echo them,
	// are in the attached report.
	var main []report.WindowRow
	for _, w := range v.Windows {
		if report.MainStream(w.Stream) {
			main = append(main, w)
		}
	}
	grouped := groupWindows(main)
	ep.Windows = grouped[:min(emailWindows, len(grouped))]
	for i := range ep.Windows {
		ep.Windows[i].Label.Name = report.DisplayText(ep.Windows[i].Label.Name, emailWindowNameLen)
	}
	ep.MoreWindows = len(grouped) - len(ep.Windows)
	for i, a := range v.Alerts {
		if i == emailAlerts {
			ep.MoreAlerts = len(v.Alerts) - i
			break
		}
		said := make([]string, len(a.Said))
		for k, s := range a.Said {
			said[k] = report.DisplayText(s, emailIssueLen)
		}
		a.Said = said
		ep.Alerts = append(ep.Alerts, a)
	}
	charts, err := pictures{v}.emailCharts()
	if err != nil {
		return err
	}
	ep.Charts = charts

	var span [2]time.Time // the meeting's, for its times of day
	if r := m.Result; r.Start != nil && r.End != nil {
		span = [2]time.Time{*r.Start, *r.End}
	}
	htmlTmpl, err := emailHTMLTmpl.Clone()
	if err != nil {
		return err
	}
	textTmpl, err := emailTextTmpl.Clone()
	if err != nil {
		return err
	}
	var html, text bytes.Buffer
	if err := htmlTmpl.Funcs(timeFuncs(o.Location, span[0], span[1])).Execute(&html, ep); err != nil {
		return fmt.Errorf("writing the e-mail's HTML: %w", err)
	}
	if err := textTmpl.Funcs(timeFuncs(o.Location, span[0], span[1])).Execute(&text, ep); err != nil {
		return fmt.Errorf("writing the e-mail's text: %w", err)
	}
	return writeMIME(w, o, ep.Subject, html.Bytes(), text.Bytes(), charts)
}

// groupWindows folds the windows of one session over the same minutes
// into one row naming every stream, the worst value of each metric: a
// bad connection degrades audio, video and share at once, and a mail has
// room for one line about it.
func groupWindows(ws []report.WindowRow) []report.WindowRow {
	var out []report.WindowRow
	index := map[string]int{}
	worst := map[int]map[store.Metric]float64{}
	var order [][]store.Metric // per row, its metrics in first-seen order
	for _, w := range ws {
		key := w.Participant + "\x00" + w.Session + "\x00" + w.Start.String() + "\x00" + w.End.String()
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, w)
			worst[i] = map[store.Metric]float64{}
			order = append(order, nil)
		} else {
			out[i].Streams += ", " + w.Streams
		}
		for _, m := range w.Breached {
			v, seen := worst[i][m]
			if !seen {
				order[i] = append(order[i], m)
				worst[i][m] = w.Window.Worst[m]
			} else if analyze.Worse(m, w.Window.Worst[m], v) {
				worst[i][m] = w.Window.Worst[m]
			}
		}
	}
	for i := range out {
		var parts []string
		for _, m := range order[i] {
			parts = append(parts, m.String()+" "+report.Num(worst[i][m]))
		}
		out[i].Worst = strings.Join(parts, ", ")
	}
	return out
}

// degradedSessions counts the sessions with at least one degradation
// window: sustained trouble, not a bad minute.
func degradedSessions(r *analyze.MeetingResult) int {
	seen := map[string]bool{}
	for _, w := range r.Windows {
		seen[w.Participant+"\x00"+w.Session] = true
	}
	return len(seen)
}

func subject(r *analyze.MeetingResult, degraded int, loc *time.Location) string {
	s := report.MeetingName(r)
	switch r.Topic {
	case "":
	case report.RedactedTopic: // in parentheses already
		s += " " + report.RedactedTopic
	default:
		s += " (" + report.DisplayText(r.Topic, 60) + ")"
	}
	if r.Start != nil {
		s += " on " + report.MailDay.FormatIn(*r.Start, loc)
	}
	return s + ": " + verdict(r, degraded)
}

func verdict(r *analyze.MeetingResult, degraded int) string {
	switch {
	case r.Sessions == 0:
		return "no samples"
	case degraded == 0:
		return fmt.Sprintf("no session of %d degraded", r.Sessions)
	}
	return fmt.Sprintf("%d of %d sessions degraded", degraded, r.Sessions)
}

// writeMIME writes the message: headers, then the tree drawn at the top
// of this file.
func writeMIME(w io.Writer, o Options, subj string, html, text []byte, charts []pngChart) error {
	date := o.Date
	if date.IsZero() {
		date = time.Now()
	}
	from := o.From
	if from == nil {
		from = &mail.Address{Name: "zoomqos", Address: "zoomqos@localhost"}
	}
	var buf bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	h("MIME-Version", "1.0")
	h("Date", date.Format(time.RFC1123Z))
	h("From", from.String())
	if len(o.To) > 0 {
		to := make([]string, len(o.To))
		for i, a := range o.To {
			to[i] = a.String()
		}
		h("To", strings.Join(to, ", "))
	}
	h("Subject", mime.QEncoding.Encode("utf-8", subj))
	h("Message-ID", "<"+randomID()+"@"+domainOf(from.Address)+">")
	h("X-Mailer", "zoomqos")

	mixed := multipart.NewWriter(&buf)
	h("Content-Type", `multipart/mixed; boundary="`+mixed.Boundary()+`"`)
	buf.WriteString("\r\n")

	related := multipart.NewWriter(nil)
	relPart, err := mixed.CreatePart(textproto.MIMEHeader{
		"Content-Type": {`multipart/related; type="multipart/alternative"; boundary="` + related.Boundary() + `"`}})
	if err != nil {
		return err
	}
	related = withBoundary(relPart, related.Boundary())

	alt := multipart.NewWriter(nil)
	altPart, err := related.CreatePart(textproto.MIMEHeader{
		"Content-Type": {`multipart/alternative; boundary="` + alt.Boundary() + `"`}})
	if err != nil {
		return err
	}
	alt = withBoundary(altPart, alt.Boundary())
	for _, part := range []struct {
		typ  string
		body []byte
	}{{"text/plain", text}, {"text/html", html}} {
		pw, err := alt.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write(part.body); err != nil {
			return err
		}
		if err := qp.Close(); err != nil {
			return err
		}
	}
	if err := alt.Close(); err != nil {
		return err
	}
	for _, c := range charts {
		err := base64Part(related, c.PNG, textproto.MIMEHeader{
			"Content-Type":        {`image/png; name="` + c.Name + `.png"`},
			"Content-ID":          {"<" + contentID(c) + ">"},
			"Content-Disposition": {`inline; filename="` + c.Name + `.png"`}})
		if err != nil {
			return err
		}
	}
	if err := related.Close(); err != nil {
		return err
	}
	if len(o.Report) > 0 {
		name := mime.QEncoding.Encode("utf-8", o.ReportName)
		err := base64Part(mixed, o.Report, textproto.MIMEHeader{
			"Content-Type":        {`text/html; charset=utf-8; name="` + name + `"`},
			"Content-Disposition": {`attachment; filename="` + name + `"`}})
		if err != nil {
			return err
		}
	}
	if err := mixed.Close(); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// withBoundary makes a multipart writer into a part, with the boundary
// the part's header already names.
func withBoundary(w io.Writer, boundary string) *multipart.Writer {
	mw := multipart.NewWriter(w)
	mw.SetBoundary(boundary)
	return mw
}

// contentID is the Content-ID of a chart, what the HTML's cid: names.
func contentID(c pngChart) string { return c.Name + "@zoomqos" }

// base64Part adds a part holding data in base64.
func base64Part(mw *multipart.Writer, data []byte, h textproto.MIMEHeader) error {
	h.Set("Content-Transfer-Encoding", "base64")
	pw, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	return writeBase64(pw, data)
}

// writeBase64 writes data in base64 lines of 76 characters (RFC 2045).
func writeBase64(w io.Writer, data []byte) error {
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	b.Grow(len(enc) + len(enc)/76*2 + 2)
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteString("\r\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func randomID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func domainOf(addr string) string {
	if _, d, ok := strings.Cut(addr, "@"); ok && d != "" {
		return d
	}
	return "zoomqos.invalid"
}
