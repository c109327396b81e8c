package email

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
)

func TestEmailSaysHowOftenZoomAgrees(t *testing.T) {
	m, sessions := reporttest.RatedMeeting()
	doc := reporttest.Document(m, sessions, false)
	// Everyone suffers mid-meeting (a window each): Zoom's good audio
	// and fair video disagree, its poor audio and bad share agree.
	want := "Zoom's ratings agree with zoomqos for 1 of 2 audio sessions, 0 of 1 video sessions, 1 of 1 screen share sessions"
	if got := report.AgreementLine(&doc.Result.Agreement); got != want {
		t.Fatalf("report.AgreementLine = %q, want %q", got, want)
	}
	raw := writeEmail(t, doc, Options{})
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var text, html string
	var walk func(p mimePart)
	walk = func(p mimePart) {
		switch p.Type {
		case "text/plain":
			text = string(p.Body)
		case "text/html":
			if html == "" {
				html = string(p.Body)
			}
		}
		for _, c := range p.Parts {
			walk(c)
		}
	}
	walk(parseMIME(t, msg.Header, msg.Body))
	if !strings.Contains(text, want+".") || !strings.Contains(html, strings.ReplaceAll(want, "'", "&#39;")) {
		t.Errorf("the e-mail lacks %q", want)
	}

	// No ratings: no line.
	if raw := writeEmail(t, reporttest.Report(4, 20), Options{}); bytes.Contains(raw, []byte("agree with zoomqos")) {
		t.Error("an e-mail without ratings speaks of agreement")
	}
}
