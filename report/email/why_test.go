package email

import (
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The e-mail says why the incident happened, in both its parts.
func TestEmailSaysWhy(t *testing.T) {
	m, sessions := reporttest.Planted()
	_, text, html := emailParts(t, reporttest.Document(m, sessions, false))
	if want := `    Why: data center "SC (Singapore)": 16 of 16 affected, 0 of 8 unaffected (p 1.4e-06)`; !strings.Contains(text, want) {
		t.Errorf("the text part does not say %q:\n%s", want, text)
	}
	if want := `audio_input latency_ms up to 400 (threshold 150) in 16 sessions<br><b>Why:</b> data center &#34;SC (Singapore)&#34;: 16 of 16 affected`; !strings.Contains(html, want) {
		t.Errorf("the HTML part does not say %q", want)
	}
}
