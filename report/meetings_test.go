package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/store"
)

// The meetings table shows ids and topics from Zoom as text: a bidi
// control, an escape sequence or a line break in one cannot turn the
// line around, command the terminal or add a row; a long topic is cut.
func TestMeetingsTableHostileText(t *testing.T) {
	start := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	list := []store.MeetingSummary{
		{Meeting: store.Meeting{ID: "4444AAAi\u202EAAAAAiAi\x1b[2J", Type: store.Past, Topic: "Weekly \u202Ecnys\u202C\r\nFAKE ROW\x1b]0;owned\x07"},
			Start: start, End: start.Add(time.Hour), Participants: 3, Sessions: 4, Samples: 240},
		{Meeting: store.Meeting{ID: "85012345678", Type: store.Past, Topic: strings.Repeat("All-hands ", 10_000)},
			Start: start, End: start.Add(time.Hour), Participants: 1, Sessions: 1, Samples: 60},
	}
	var buf bytes.Buffer
	if err := report.WriteMeetingsTable(&buf, list, nil); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want a header and 2 rows:\n%s", len(lines), out)
	}
	for i, r := range out {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F {
			t.Fatalf("the table holds %U at byte %d:\n%s", r, i, out)
		}
	}
	if !strings.HasPrefix(lines[1], "4444AAAiAAAAAiAi␛[2J  -       meeting  past") || !strings.Contains(lines[1], "Weekly cnys  FAKE ROW␛]0;owned␇") {
		t.Errorf("row %q", lines[1])
	}
	if n := utf8.RuneCountInString(lines[2]); n > 200 {
		t.Errorf("a row of %d characters", n)
	}
}
