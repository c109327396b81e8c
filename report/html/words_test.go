package html

import (
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report/reporttest"
)

// A webinar is a webinar in the report; nothing calls it a meeting.
func TestWebinarIsCalledWebinar(t *testing.T) {
	m, sessions := reporttest.Webinar()
	page := dataBlock.ReplaceAllString(withoutRuntime(t, render(t, reporttest.Document(m, sessions, false), Options{})), "")
	for _, want := range []string{"<title>Webinar \u206886000000042\u2069 · \u2068Town hall\u2069 · zoomqos quality report</title>",
		"<h1>Webinar quality report</h1>", `<bdi class="id">Webinar 86000000042</bdi>`, "Webinar-wide incidents",
		"against the webinar's minutes", "<dt>Instance</dt><dd>" + reporttest.InstanceUUID + "</dd>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	reporttest.NotAMeeting(t, "page", page)
}
