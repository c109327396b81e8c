package html

import (
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report/reporttest"
)

// The page says why the incident happened under its row, and each window
// of the affected sessions names the common factor in its own column.
func TestPageSaysWhy(t *testing.T) {
	m, sessions := reporttest.Planted()
	page := render(t, reporttest.Document(m, sessions, false), Options{})
	for _, want := range []string{
		`<tr class="why"><td colspan="5">audio_input latency_ms up to 400 (threshold 150) in 16 sessions<br><b>Why:</b> data center &#34;SC (Singapore)&#34;: 16 of 16 affected, 0 of 8 unaffected (p 1.4e-06)</td></tr>`,
		`<th>Common factor</th>`,
		`>data center SC (Singapore) (16/16)</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
}

// The MOS card says how good MOS and degraded sessions are both true.
func TestMOSCardSaysWhyBothAreTrue(t *testing.T) {
	m, sessions := reporttest.Planted()
	page := render(t, reporttest.Document(m, sessions, false), Options{})
	want := `MOS rates a session by its median audio minute: a few bad minutes do not move it, and video, screen share and CPU do not enter it. Of the 16 sessions with a degraded sample, 16 had degraded audio minutes.`
	if !strings.Contains(page, want) {
		t.Errorf("the MOS card does not say %q", want)
	}
}
