package email

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/html"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

// mimePart is one leaf or branch of a parsed message.
type mimePart struct {
	Type   string // media type, such as "multipart/related"
	Header map[string][]string
	Body   []byte // decoded; nil for a multipart
	Parts  []mimePart
}

// parseMIME parses a message or part body with the standard library,
// decoding base64 and quoted-printable.
func parseMIME(t *testing.T, header map[string][]string, body io.Reader) mimePart {
	t.Helper()
	get := func(k string) string {
		if v := header[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	typ, params, err := mime.ParseMediaType(get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", get("Content-Type"), err)
	}
	p := mimePart{Type: typ, Header: header}
	if strings.HasPrefix(typ, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", typ, err)
			}
			p.Parts = append(p.Parts, parseMIME(t, part.Header, part))
		}
		return p
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	switch get("Content-Transfer-Encoding") {
	case "base64":
		p.Body, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
	case "quoted-printable":
		p.Body, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
	default:
		p.Body = raw
	}
	if err != nil {
		t.Fatalf("decoding a %s part: %v", typ, err)
	}
	return p
}

func writeEmail(t testing.TB, doc *report.Meeting, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMeeting(&buf, doc, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEmailStructure(t *testing.T) {
	doc := reporttest.Report(24, 90)
	var rep bytes.Buffer
	if err := html.WriteMeeting(&rep, doc, html.Options{}); err != nil {
		t.Fatal(err)
	}
	to := []*mail.Address{{Name: "Zoë Müller", Address: "zoe@example.com"}, {Address: "ops@example.com"}}
	raw := writeEmail(t, doc, Options{From: &mail.Address{Name: "Qualität", Address: "reports@example.com"}, To: to,
		Report: rep.Bytes(), ReportName: "report-86000000042.html"})

	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot read it: %v", err)
	}
	// Headers: encoded words for what is not ASCII, and they decode back.
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || !strings.HasPrefix(subj, "Meeting 86000000042 (Q3 </title><script>window.__pwned=3</script> & \"friends\") on 20 Nov: ") ||
		!strings.HasSuffix(subj, " of 24 sessions degraded") {
		t.Errorf("subject %q (%v)", subj, err)
	}
	if got, err := msg.Header.AddressList("To"); err != nil || len(got) != 2 || got[0].Name != "Zoë Müller" || got[1].Address != "ops@example.com" {
		t.Errorf("To: %v %v (raw %q)", got, err, msg.Header.Get("To"))
	}
	if strings.ContainsAny(msg.Header.Get("To")+msg.Header.Get("From"), "ëüä") {
		t.Error("non-ASCII names are not encoded in the headers")
	}
	if from, err := msg.Header.AddressList("From"); err != nil || from[0].Name != "Qualität" {
		t.Errorf("From: %v %v", from, err)
	}
	for _, h := range []string{"Date", "Message-ID", "MIME-Version"} {
		if msg.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}

	// The tree, exactly.
	root := parseMIME(t, msg.Header, msg.Body)
	shape := func(p mimePart) string {
		var s []string
		for _, c := range p.Parts {
			s = append(s, c.Type)
		}
		return strings.Join(s, ",")
	}
	if root.Type != "multipart/mixed" || shape(root) != "multipart/related,text/html" {
		t.Fatalf("root %s with %s", root.Type, shape(root))
	}
	related := root.Parts[0]
	if shape(related) != "multipart/alternative,image/png,image/png,image/png" {
		t.Fatalf("related holds %s", shape(related))
	}
	alt := related.Parts[0]
	if shape(alt) != "text/plain,text/html" {
		t.Fatalf("alternative holds %s", shape(alt))
	}
	text, html := string(alt.Parts[0].Body), string(alt.Parts[1].Body)

	// Every cid: in the HTML has its part, and every picture is used; the
	// pictures decode at twice the size the HTML shows them.
	cids := regexp.MustCompile(`src="cid:([^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(cids) != 3 {
		t.Errorf("%d cid: images in the HTML, want 3", len(cids))
	}
	for _, c := range cids {
		found := false
		for _, img := range related.Parts[1:] {
			if img.Header["Content-Id"][0] == "<"+c[1]+">" {
				found = true
				cfg, err := png.DecodeConfig(bytes.NewReader(img.Body))
				if err != nil || cfg.Width != 2*pngWidth || cfg.Height != 2*pngHeight {
					t.Errorf("%s: %dx%d %v, want %dx%d", c[1], cfg.Width, cfg.Height, err, 2*pngWidth, 2*pngHeight)
				}
				if _, err := png.Decode(bytes.NewReader(img.Body)); err != nil {
					t.Errorf("%s does not decode: %v", c[1], err)
				}
			}
		}
		if !found {
			t.Errorf("cid:%s has no part", c[1])
		}
	}
	if !strings.Contains(html, `width="600" height="250"`) {
		t.Error("the HTML does not show the pictures at 600 × 250")
	}

	// The attachment is the report, byte for byte.
	att := root.Parts[1]
	if !bytes.Equal(att.Body, rep.Bytes()) {
		t.Errorf("the attached report (%d bytes) differs from html.WriteMeeting's (%d)", len(att.Body), rep.Len())
	}
	if d := att.Header["Content-Disposition"][0]; !strings.HasPrefix(d, "attachment;") || !strings.Contains(d, "report-86000000042.html") {
		t.Errorf("attachment disposition %q", d)
	}

	// What mail clients need: no script, no style sheet, no remote or data:
	// images, and names escaped.
	for _, bad := range []string{"<script", "<style", "<link", "http://", "https://", "data:", "javascript:", reporttest.HostileScript, reporttest.HostileImg} {
		if strings.Contains(html, bad) {
			t.Errorf("the HTML body holds %q", bad)
		}
	}
	if !strings.Contains(html, "&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;") {
		t.Error("the hostile name is not in the HTML body as text")
	}
	// The same facts in the text part.
	if !regexp.MustCompile(`MEETING-WIDE INCIDENTS\r?\n  14:4\d-14:5\d: \d minutes, 24 sessions, peak 100.0%`).MatchString(text) {
		t.Errorf("the text part lacks the incident:\n%s", text)
	}
	// A spell that hit every stream of a session is one line.
	if !regexp.MustCompile(`Person \d+  as_input, as_output, audio_input, audio_output, video_input, video_output  latency_ms 2\d\d, jitter_ms \d+, avg_loss_pct \d`).MatchString(text) {
		t.Errorf("windows of one session over the same minutes are not one line:\n%s", text)
	}
	for _, want := range []string{"of 24 sessions degraded", "WORST SESSIONS",
		"DEGRADATION WINDOWS", "audio_input", "report-86000000042.html", reporttest.HostileScript} {
		if !strings.Contains(text, want) {
			t.Errorf("the text part lacks %q", want)
		}
	}
}

// A big meeting's body stays under Gmail's clipping size: the long lists
// are cut, with a pointer to the attached report.
func TestEmailBodySize(t *testing.T) {
	doc := reporttest.Report(300, 480)
	raw := writeEmail(t, doc, Options{ReportName: "r.html"})
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	root := parseMIME(t, msg.Header, msg.Body)
	html := root.Parts[0].Parts[0].Parts[1].Body
	if len(html) > 100_000 {
		t.Errorf("the HTML body is %d bytes; Gmail clips beyond about 100 KB", len(html))
	}
	if !bytes.Contains(html, []byte("more in the attached report")) || !bytes.Contains(html, []byte("more degraded sessions")) {
		t.Error("the cut lists do not point to the attached report")
	}
	t.Logf("HTML body %d bytes", len(html))
}

// A topic cannot add headers: line breaks in it stay inside the subject.
func TestEmailHeaderInjection(t *testing.T) {
	m, sessions := reporttest.Meeting(3, 10)
	m.Topic = "Weekly\r\nBcc: victim@example.com\r\n\r\nbody"
	raw := writeEmail(t, reporttest.Document(m, sessions, false), Options{})
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Bcc") != "" {
		t.Error("the topic added a Bcc header")
	}
	if subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); !strings.Contains(subj, "Weekly  Bcc: victim@example.com") {
		t.Errorf("subject %q", subj)
	}
}

// The summary lists Zoom's alerts with what zoomqos saw then, in its HTML
// and its text; a meeting without alerts has no such section.
func TestEmailShowsZoomsAlerts(t *testing.T) {
	parts := func(doc *report.Meeting) (text, html string) {
		raw := writeEmail(t, doc, Options{})
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		alt := parseMIME(t, msg.Header, msg.Body).Parts[0].Parts[0]
		return string(alt.Parts[0].Body), string(alt.Parts[1].Body)
	}
	m, sessions := reporttest.AlertedMeeting(8, 30)
	doc := reporttest.Document(m, sessions, false)
	in := doc.Result.Incidents[0]
	incident := "during incident 1 (" + report.Clock.Format(in.Start) + "–" + report.Clock.Format(in.End) + ")"
	text, html := parts(doc)
	for _, want := range []string{
		"ZOOM'S ALERTS (what zoomqos saw then)\r\n  13:55:00  Call Reconnection: no samples then\r\n",
		"  14:18:30  Unstable audio quality, Unstable video quality: " + incident + "\r\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text part lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{">Zoom's alerts</div>", ">14:18:30</td>", "<bdi>Unstable audio quality</bdi>, <bdi>Unstable video quality</bdi></td>", ">" + incident + "</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML part lacks %q", want)
		}
	}
	text, html = parts(reporttest.Report(8, 30))
	if strings.Contains(text, "ALERTS") || strings.Contains(html, "alerts") {
		t.Error("a meeting without alerts has an alerts section in its e-mail")
	}
}
