package email

import (
	"bytes"
	"mime"
	"net/mail"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The e-mail: names isolated in the HTML part, and no bidi control or
// line break of a name in the HTML, the text or the subject.
func TestEmailIsolatesHostileText(t *testing.T) {
	m, sessions := reporttest.Hostile(8, 20, "Q4 \u202Eweiver\u202C plans\r\nBcc: x@example.com", reporttest.HostileNames...)
	m.Alerts = reporttest.Alerts(20, append([]string{reporttest.HostileScript}, reporttest.HostileNames...)...)
	raw := writeEmail(t, reporttest.Document(m, sessions, false), Options{ReportName: "r.html"})
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	reporttest.Inert(t, "the subject", subj, "")
	if !strings.HasPrefix(subj, "Meeting 86000000042 (Q4 weiver plans  Bcc: x@example.com) on 20 Nov") {
		t.Errorf("subject %q", subj)
	}
	alt := parseMIME(t, msg.Header, msg.Body).Parts[0].Parts[0]
	text, html := string(alt.Parts[0].Body), string(alt.Parts[1].Body)
	reporttest.Inert(t, "the text part", text, "\r\n")
	reporttest.Inert(t, "the HTML part", html, "\r\n")
	for _, want := range []string{"Eve gnp.exe", "Trudy  FAKE ROW", "Peggy end"} {
		if n, isolated := reporttest.IsolatedCount(html, want); n < 2 || isolated != n {
			t.Errorf("%q shown %d times in the HTML, %d of them isolated", want, n, isolated)
		}
	}
	if !strings.Contains(html, "<bdi>Q4 weiver plans  Bcc: x@example.com</bdi>") {
		t.Error("the topic is not isolated in the HTML part")
	}
	// Zoom's words in its alerts: each isolated in the HTML, on the
	// alert's one line in the text, markup as text.
	if want := `<bdi>&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;</bdi>, <bdi>Eve gnp.exe</bdi>, <bdi>Mallory␛]0;owned␇␛[2J</bdi>, <bdi>Trudy  FAKE ROW</bdi>`; !strings.Contains(html, want) {
		t.Errorf("the HTML part does not isolate the alert's issues: want %s", want)
	}
	if !strings.Contains(text, "</script><script>window.__pwned=1</script>, Eve gnp.exe, Mallory␛]0;owned␇␛[2J, Trudy  FAKE ROW, Oscar\uFFFD31m x, Peggy end: during incident 1 (") {
		t.Errorf("the text part does not list the alert on a line of its own:\n%s", text)
	}
	if !strings.Contains(text, "  Eve gnp.exe: ") {
		t.Errorf("the text part does not list Eve's session on a line of its own:\n%s", text)
	}
}

// A string of 100 KB is cut in the e-mail as on the page: the summary
// grows by little.
func TestLongStringsAreCutInTheEmail(t *testing.T) {
	long := strings.Repeat("Zoë Ω ab ", 100_000/11) // about 100 KB, spaces and all
	m, sessions := reporttest.Hostile(14, 40, long, long)
	refM, ref := reporttest.Hostile(14, 40, "Weekly")
	raw := writeEmail(t, reporttest.Document(m, sessions, false), Options{})
	refRaw := writeEmail(t, reporttest.Document(refM, ref, false), Options{})
	if grew := len(raw) - len(refRaw); grew > 20_000 {
		t.Errorf("the e-mail grew by %d bytes", grew)
	}
	if testing.Verbose() {
		t.Logf("e-mail %d bytes (%d with plain names)", len(raw), len(refRaw))
	}
}
