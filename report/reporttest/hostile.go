package reporttest

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zoomqos/zoomqos/store"
)

// Strings anyone in a meeting can give themselves as a name, a PC name or
// a topic, which must not move, break or command what shows them.
const (
	RLOName   = "Eve \u202Egnp.exe"                 // U+202E RIGHT-TO-LEFT OVERRIDE: "Eve exe.png"
	EscName   = "Mallory\x1b]0;owned\x07\x1b[2J"    // set the terminal's title, clear the screen
	BreakName = "Trudy\r\nFAKE\tROW"                // a new row in a table
	C1Name    = "Oscar\u009b31m\u0085x"             // C1 CSI and NEL
	IsoName   = "Peggy\u2067\u200f\u061c\u202a end" // an unclosed isolate, marks, an embedding
)

// HostileNames are the names above.
var HostileNames = []string{RLOName, EscName, BreakName, C1Name, IsoName}

// IsBidi reports whether r is one of the controls that change the
// direction of the text around them.
func IsBidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// Inert fails the test when s holds anything that moves, breaks or
// commands text: a bidi control, invalid UTF-8, or a control character
// other than the line breaks and tabs that allowed says.
func Inert(t testing.TB, what, s, allowed string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s: invalid UTF-8", what)
	}
	for i, r := range s {
		if IsBidi(r) || ((r < 0x20 || (r >= 0x7f && r <= 0x9f)) && !strings.ContainsRune(allowed, r)) {
			t.Errorf("%s holds %U at byte %d: …%q…", what, r, i, s[max(0, i-40):min(len(s), i+40)])
			return
		}
	}
}

// IsolatedCount counts where s is shown in html, and how many of those
// are isolated from the text around them: in a <bdi> of its own, or all a
// table cell holds.
func IsolatedCount(html, s string) (shown, isolated int) {
	q := regexp.QuoteMeta(s)
	isolated = len(regexp.MustCompile(`<bdi[^>]*>`+q+`</bdi>`).FindAllStringIndex(html, -1)) +
		len(regexp.MustCompile(`<td[^>]*>`+q+`</td>`).FindAllStringIndex(html, -1))
	return strings.Count(html, s), isolated
}

// Hostile is a synthetic meeting whose first sessions carry the given
// names, with the topic and every other string of theirs hostile too.
func Hostile(n, minutes int, topic string, names ...string) (store.Meeting, []store.SessionSamples) {
	m, sessions := Meeting(n, minutes)
	m.Topic = topic
	for i, name := range names {
		s := &sessions[i].Session
		s.UserName, s.Device, s.Location, s.NetworkType, s.PCName, s.DataCenter, s.Version = name, name, name, name, name, name, name
	}
	return m, sessions
}

// FuzzSeeds adds the strings every fuzz target of a name and a topic
// starts from: markup, bidi and control characters, formula prefixes,
// invalid UTF-8, a long string.
func FuzzSeeds(f *testing.F) {
	for _, s := range []string{HostileScript, HostileImg, HostileTopic, "<!--", "<![CDATA[", "\u2028\u2029", "\xff\xfe", `"'&<>`,
		RLOName, EscName, BreakName, C1Name, IsoName, "\u2069\u202eevil", "a\u200f\u061c", " \u2067 ",
		`=HYPERLINK("http://x","y")`, "+1 *** *** 0100", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", "''",
		strings.Repeat("Zoë Ω ", 700), strings.Repeat("\u202e", 300) + "x", strings.Repeat("e\u0301", 300)} {
		f.Add(s, s)
	}
}

// Webinar is a synthetic webinar of 6 sessions over 20 minutes, known by
// its number and stored under its instance UUID.
func Webinar() (store.Meeting, []store.SessionSamples) {
	m, sessions := Meeting(6, 20)
	m.ID, m.Number, m.Topic, m.Webinar = InstanceUUID, "86000000042", "Town hall", true
	return m, sessions
}

// InstanceUUID is a meeting instance's UUID, as discovery stores it.
const InstanceUUID = "4444AAAiAAAAAiAiAiiAii=="

// NotAMeeting fails the test when what it shows of a webinar calls it a
// meeting.
func NotAMeeting(t testing.TB, what, s string) {
	t.Helper()
	if strings.Contains(s, "Meeting") || strings.Contains(s, "MEETING") {
		i := strings.Index(strings.ToLower(s), "meeting")
		t.Errorf("the %s calls the webinar a meeting: …%s…", what, s[max(0, i-60):min(len(s), i+40)])
	}
}
