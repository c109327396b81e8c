package report

import (
	"bytes"
	"encoding/csv"
	"net/mail"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/analyze"
	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
)

const (
	hostileMic  = `<script>window.__pwned=4</script>`
	customerKey = "ck-secret-4242"
	partUserID  = "puid-secret-7777"
)

// ratedMeeting is a synthetic meeting whose sessions carry the
// participants list's fields: session 2 everything (a hostile microphone
// among them), session 3 only Zoom's ratings, the others nothing.
func ratedMeeting() (store.Meeting, []store.SessionSamples) {
	m, sessions := reporttest.Meeting(6, 30)
	s := &sessions[2].Session
	s.Details = true
	s.AudioQuality, s.VideoQuality, s.ScreenShareQuality = "good", "fair", "bad"
	s.Microphone, s.Speaker, s.Camera = hostileMic, "Jabra Speak 510", "FaceTime HD Camera"
	s.ConnectionType, s.FullDataCenter = "UDP", "Frankfurt (DE) · FRA1"
	s.Health, s.IssueList, s.RCReason = "Warning", []string{"High CPU", "Unstable audio"}, "network change"
	s.SocketBreaks = &store.SocketBreaks{Audio: 1, Video: 2, Command: 1}
	s.LeaveReason, s.Role = "left the meeting", "attendee"
	s.CustomerKey, s.ParticipantUserID = customerKey, partUserID
	t := &sessions[3].Session
	t.Details, t.AudioQuality = true, "poor"
	return m, sessions
}

func TestReportShowsZoomsView(t *testing.T) {
	m, sessions := ratedMeeting()
	page := withoutRuntime(t, render(t, meetingOf(m, sessions, false), HTMLOptions{}))
	for _, want := range []string{
		`<span class="zr zr-good">audio <bdi>good</bdi></span>`, `<span class="zr zr-fair">video <bdi>fair</bdi></span>`,
		`<span class="zr zr-bad">share <bdi>bad</bdi></span>`, `<span class="zr zr-bad">audio <bdi>poor</bdi></span>`,
		`connection <bdi>UDP</bdi>`, `data center <bdi>Frankfurt (DE) · FRA1</bdi>`, `health <bdi>Warning</bdi>`,
		`issues <bdi>High CPU, Unstable audio</bdi>`, `reconnect reason <bdi>network change</bdi>`,
		`socket breaks <bdi>4 (audio 1, video 2, share 0, command 1)</bdi>`, `left <bdi>left the meeting</bdi>`,
		`role <bdi>attendee</bdi>`, `speaker <bdi>Jabra Speak 510</bdi>`, `camera <bdi>FaceTime HD Camera</bdi>`,
		`customer key <bdi>` + customerKey + `</bdi>`,
		`microphone <bdi>&lt;script&gt;window.__pwned=4&lt;/script&gt;</bdi>`,
		`id="zoom-ratings">Zoom's ratings vs zoomqos</h3>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, hostileMic) {
		t.Error("the microphone's name is in the page unescaped")
	}
	// Fields Zoom did not give are not shown: one session has a health,
	// not six dashes.
	if n := strings.Count(page, `<span class="zf">health `); n != 1 {
		t.Errorf("%d health fields, want 1", n)
	}
	if n := strings.Count(page, `<span class="zf">`); n != 12 {
		t.Errorf("%d of Zoom's fields shown, want the 12 of session 2", n)
	}
}

func TestReportAgreementTable(t *testing.T) {
	m, sessions := ratedMeeting()
	doc := meetingOf(m, sessions, false)
	a := doc.Result.Agreement
	if a.Rated != 2 || a.Kinds[0].Compared != 2 {
		t.Fatalf("agreement %+v: want 2 rated sessions, 2 compared on audio", a)
	}
	page := withoutRuntime(t, render(t, doc, HTMLOptions{}))
	// The audio rows, and the agreement in words.
	if !strings.Contains(page, `<th rowspan="5">audio</th><td><span class="zr zr-good">good</span></td>`) ||
		!strings.Contains(page, AgreementRate(a.Kinds[0])) {
		t.Errorf("the page lacks the audio agreement rows (%s)", AgreementRate(a.Kinds[0]))
	}

	// Without ratings: one line instead of a table.
	plain := synthReport(t, 4, 20)
	page = withoutRuntime(t, render(t, plain, HTMLOptions{}))
	if !strings.Contains(page, "none stored (they come from the participants list: collect again to get them)") ||
		strings.Contains(page, `class="agreement"`) {
		t.Error("a meeting without ratings does not say so in one line")
	}
}

func TestRedactedReportHidesZoomsPersonalFields(t *testing.T) {
	m, sessions := ratedMeeting()
	sessions[2].Session.RegistrantID = "reg-secret-1"
	// Zoom writes the name into the leave reason.
	realName := sessions[2].Session.UserName
	sessions[2].Session.LeaveReason = realName + " left the meeting."
	sessions[2].Session.AudioCalls = []store.AudioCall{{CallNumber: "+49 30 1234567", CallType: "call-in"}}
	phones := sessions[2].Session.AudioCalls
	r := NewRedactor()
	r.Meeting(&m)
	for i := range sessions {
		r.Session(&sessions[i].Session)
	}
	s := sessions[2].Session
	for _, v := range []string{s.CustomerKey, s.ParticipantUserID, s.RegistrantID, s.AudioCalls[0].CallNumber} {
		if v == "" || strings.Contains(v, "secret") || strings.Contains(v, "1234567") {
			t.Errorf("a personal field reads %q after redaction", v)
		}
	}
	if phones[0].CallNumber != "+49 30 1234567" {
		t.Error("redaction changed the caller's copy of the phone legs")
	}
	if s.LeaveReason != s.UserName+" left the meeting." || realName == "" || strings.Contains(s.LeaveReason, realName) {
		t.Errorf("the leave reason reads %q after redaction (the name was %q)", s.LeaveReason, realName)
	}
	if s.Microphone != hostileMic || s.Camera != "FaceTime HD Camera" {
		t.Error("redaction took devices, which are not personal")
	}
	page := withoutRuntime(t, render(t, meetingOf(m, sessions, true), HTMLOptions{}))
	for _, secret := range []string{customerKey, partUserID, "person2@example.com"} {
		if strings.Contains(page, secret) {
			t.Errorf("the redacted report holds %q", secret)
		}
	}
	if !strings.Contains(page, "customer key <bdi>customer-1</bdi>") || !strings.Contains(page, "camera <bdi>FaceTime HD Camera</bdi>") {
		t.Error("the redacted report lacks the pseudonymous customer key or the camera")
	}
}

func TestEmailSaysHowOftenZoomAgrees(t *testing.T) {
	m, sessions := ratedMeeting()
	doc := meetingOf(m, sessions, false)
	// Everyone suffers mid-meeting (a window each): Zoom's good audio
	// and fair video disagree, its poor audio and bad share agree.
	want := "Zoom's ratings agree with zoomqos for 1 of 2 audio sessions, 0 of 1 video sessions, 1 of 1 screen share sessions"
	if got := AgreementLine(&doc.Result.Agreement); got != want {
		t.Fatalf("AgreementLine = %q, want %q", got, want)
	}
	raw := writeEmail(t, doc, EmailOptions{})
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
	if raw := writeEmail(t, synthReport(t, 4, 20), EmailOptions{}); bytes.Contains(raw, []byte("agree with zoomqos")) {
		t.Error("an e-mail without ratings speaks of agreement")
	}
}

func TestTerminalAgreementTable(t *testing.T) {
	m, sessions := ratedMeeting()
	r := analyze.AnalyzeMeeting(m, sessions, analyze.Options{})
	var buf bytes.Buffer
	if err := WriteMeetingTable(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"Zoom's ratings vs zoomqos (sessions; zoomqos: degraded = at least one degradation window",
		"KIND          ZOOM SAYS  DEGRADED  NOT DEGRADED  NO DATA  AGREE", "audio         good", "screen_share  good"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	buf.Reset()
	if err := WriteMeetingCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV with agreement rows does not parse: %v", err)
	}
	found := map[string]string{}
	for _, row := range rows {
		if row[1] == "zoom_rating" {
			found[row[5]+" "+row[6]] = row[7]
		}
	}
	if found["audio compared"] != "2" || found["audio zoom_good_degraded"] == "" || len(found) != 3*(5*3+2) {
		t.Errorf("agreement CSV rows %v", found)
	}
}

func TestFleetByUserOutput(t *testing.T) {
	f := analyze.NewFleet(analyze.ByUser, analyze.Options{}, 1)
	m, sessions := ratedMeeting()
	sessions[0].Session.ID = "zoom-id-0"
	for i := range sessions {
		f.AddSession(0, m.ID, &sessions[i].Session, sessions[i].Samples)
	}
	r := f.Result(reporttest.Start, reporttest.Start)
	var buf bytes.Buffer
	if err := WriteFleetTable(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"NAME", "USER", "WORST STREAM", "zoom-id-0", "person3@example.com", "Person 3", "Disagreements"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table by user lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, '\x1b') || strings.Contains(out, hostileMic) {
		t.Error("the table carries control characters or markup from Zoom")
	}
	buf.Reset()
	if err := WriteFleetCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV by user does not parse: %v", err)
	}
	if rows[0][len(rows[0])-1] != "name" {
		t.Errorf("CSV header %v: want a name column last", rows[0])
	}
	names := map[string]string{}
	for _, row := range rows[1:] {
		names[row[1]] = row[len(row)-1]
	}
	if names["person3@example.com"] != "Person 3" || names["zoom-id-0"] == "" {
		t.Errorf("CSV names by group %v", names)
	}
}
