package email

import (
	"bytes"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The fuzz target gives the e-mail any name and topic Zoom could send:
// go test ./report/email -run X -fuzz FuzzEmailNames.

// Whatever the name and topic, the e-mail parses with the headers it was
// given, its subject, text and HTML hold no bidi or control character of
// them, and the HTML no script.
func FuzzEmailNames(f *testing.F) {
	reporttest.FuzzSeeds(f)
	m, sessions := reporttest.Meeting(3, 6)
	f.Fuzz(func(t *testing.T, name, topic string) {
		m.Topic = topic
		sessions[0].Session.UserName = name
		sessions[1].Session.Device = name
		msg, err := mail.ReadMessage(bytes.NewReader(writeEmail(t, reporttest.Document(m, sessions, false), Options{})))
		if err != nil {
			t.Fatalf("topic %q: the message does not parse: %v", topic, err)
		}
		if len(msg.Header) != 7 {
			t.Fatalf("topic %q: headers %v", topic, msg.Header)
		}
		subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		reporttest.Inert(t, "the subject", subj, "")
		if n := utf8.RuneCountInString(subj); n > 160 {
			t.Fatalf("topic %q: a subject of %d characters", topic, n)
		}
		alt := parseMIME(t, msg.Header, msg.Body).Parts[0].Parts[0]
		reporttest.Inert(t, "the text part", string(alt.Parts[0].Body), "\r\n")
		html := string(alt.Parts[1].Body)
		reporttest.Inert(t, "the HTML part", html, "\r\n")
		if strings.Contains(html, "<script") || strings.Contains(html, "<img src=x") {
			t.Fatalf("name %q, topic %q made markup", name, topic)
		}
	})
}
