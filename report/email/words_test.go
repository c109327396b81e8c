package email

import (
	"bytes"
	"mime"
	"net/mail"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
)

const instanceUUID = reporttest.InstanceUUID

// emailParts is a summary's decoded subject, text part and HTML part.
func emailParts(t *testing.T, doc *report.Meeting) (subject, text, html string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(writeEmail(t, doc, Options{ReportName: "r.html"})))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	alt := parseMIME(t, msg.Header, msg.Body).Parts[0].Parts[0]
	return subject, string(alt.Parts[0].Body), string(alt.Parts[1].Body)
}

// The subject names the meeting as people know it: by its number and
// topic, the UUID only when there is no number; a webinar as a webinar;
// a redacted topic in one pair of parentheses.
func TestEmailSubjectNamesTheMeeting(t *testing.T) {
	for _, c := range []struct {
		name   string
		m      store.Meeting
		redact bool
		want   string
	}{
		{"number and topic", store.Meeting{ID: instanceUUID, Number: "86000000042", Topic: "Weekly sync"}, false,
			"Meeting 86000000042 (Weekly sync) on 20 Nov: "},
		{"only a UUID", store.Meeting{ID: instanceUUID}, false, "Meeting " + instanceUUID + " on 20 Nov: "},
		{"stored by number", store.Meeting{ID: "86000000042", Topic: "Weekly sync"}, false,
			"Meeting 86000000042 (Weekly sync) on 20 Nov: "},
		{"webinar", store.Meeting{ID: instanceUUID, Number: "86000000042", Topic: "Town hall", Webinar: true}, false,
			"Webinar 86000000042 (Town hall) on 20 Nov: "},
		{"redacted", store.Meeting{ID: instanceUUID, Number: "86000000042", Topic: "Layoffs"}, true,
			"Meeting 86000000042 (topic redacted) on 20 Nov: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, sessions := reporttest.Meeting(4, 10)
			m := c.m
			m.Type = store.Past
			if c.redact {
				r := report.NewRedactor()
				r.Meeting(&m)
				for i := range sessions {
					r.Session(&sessions[i].Session)
				}
			}
			doc := reporttest.Document(m, sessions, c.redact)
			subject, _, _ := emailParts(t, doc)
			for _, s := range []string{Subject(doc.Result, nil), subject} {
				if !strings.HasPrefix(s, c.want) {
					t.Errorf("subject %q, want it to begin %q", s, c.want)
				}
				if c.m.Number != "" && strings.Contains(s, instanceUUID) {
					t.Errorf("subject %q names the instance UUID", s)
				}
			}
		})
	}
}

// A webinar is a webinar in the e-mail; nothing calls it a meeting.
func TestWebinarIsCalledWebinar(t *testing.T) {
	m, sessions := reporttest.Webinar()
	subject, text, html := emailParts(t, reporttest.Document(m, sessions, false))
	for _, want := range []string{"webinar quality summary", "Webinar <bdi", ">86000000042</bdi>", "Webinar-wide incidents", "Instance <bdi>" + instanceUUID} {
		if !strings.Contains(html, want) {
			t.Errorf("the e-mail's HTML lacks %q", want)
		}
	}
	for _, want := range []string{"Webinar 86000000042 · Town hall", "WEBINAR-WIDE INCIDENTS", "Instance " + instanceUUID} {
		if !strings.Contains(text, want) {
			t.Errorf("the e-mail's text lacks %q", want)
		}
	}
	for what, s := range map[string]string{"subject": subject, "text": text, "HTML": html} {
		reporttest.NotAMeeting(t, what, s)
	}
}
