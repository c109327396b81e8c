package html

import (
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/report"
	"github.com/zoomqos/zoomqos/report/reporttest"
	"github.com/zoomqos/zoomqos/store"
)

func TestReportShowsZoomsView(t *testing.T) {
	m, sessions := reporttest.RatedMeeting()
	page := withoutRuntime(t, render(t, reporttest.Document(m, sessions, false), Options{}))
	for _, want := range []string{
		`<span class="zr zr-good">audio <bdi>good</bdi></span>`, `<span class="zr zr-fair">video <bdi>fair</bdi></span>`,
		`<span class="zr zr-bad">share <bdi>bad</bdi></span>`, `<span class="zr zr-bad">audio <bdi>poor</bdi></span>`,
		`connection <bdi>UDP</bdi>`, `data center <bdi>Frankfurt (DE) · FRA1</bdi>`, `health <bdi>Warning</bdi>`,
		`issues <bdi>High CPU, Unstable audio</bdi>`, `reconnect reason <bdi>network change</bdi>`,
		`socket breaks <bdi>4 (audio 1, video 2, share 0, command 1)</bdi>`, `left <bdi>left the meeting</bdi>`,
		`role <bdi>attendee</bdi>`, `speaker <bdi>Jabra Speak 510</bdi>`, `camera <bdi>FaceTime HD Camera</bdi>`,
		`customer key <bdi>` + reporttest.CustomerKey + `</bdi>`,
		`microphone <bdi>&lt;script&gt;window.__pwned=4&lt;/script&gt;</bdi>`,
		`id="zoom-ratings">Zoom's ratings vs zoomqos</h3>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, reporttest.HostileMic) {
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
	m, sessions := reporttest.RatedMeeting()
	doc := reporttest.Document(m, sessions, false)
	a := doc.Result.Agreement
	if a.Rated != 2 || a.Kinds[0].Compared != 2 {
		t.Fatalf("agreement %+v: want 2 rated sessions, 2 compared on audio", a)
	}
	page := withoutRuntime(t, render(t, doc, Options{}))
	// The audio rows, and the agreement in words.
	if !strings.Contains(page, `<th rowspan="5">audio</th><td><span class="zr zr-good">good</span></td>`) ||
		!strings.Contains(page, report.AgreementRate(a.Kinds[0])) {
		t.Errorf("the page lacks the audio agreement rows (%s)", report.AgreementRate(a.Kinds[0]))
	}

	// Without ratings: one line instead of a table.
	plain := reporttest.Report(4, 20)
	page = withoutRuntime(t, render(t, plain, Options{}))
	if !strings.Contains(page, "none stored (they come from the participants list: collect again to get them)") ||
		strings.Contains(page, `class="agreement"`) {
		t.Error("a meeting without ratings does not say so in one line")
	}
}

func TestRedactedReportHidesZoomsPersonalFields(t *testing.T) {
	m, sessions := reporttest.RatedMeeting()
	sessions[2].Session.RegistrantID = "reg-secret-1"
	// Zoom writes the name into the leave reason.
	realName := sessions[2].Session.UserName
	sessions[2].Session.LeaveReason = realName + " left the meeting."
	sessions[2].Session.AudioCalls = []store.AudioCall{{CallNumber: "+49 30 1234567", CallType: "call-in"}}
	phones := sessions[2].Session.AudioCalls
	r := report.NewRedactor()
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
	if s.Microphone != reporttest.HostileMic || s.Camera != "FaceTime HD Camera" {
		t.Error("redaction took devices, which are not personal")
	}
	page := withoutRuntime(t, render(t, reporttest.Document(m, sessions, true), Options{}))
	for _, secret := range []string{reporttest.CustomerKey, reporttest.PartUserID, "person2@example.com"} {
		if strings.Contains(page, secret) {
			t.Errorf("the redacted report holds %q", secret)
		}
	}
	if !strings.Contains(page, "customer key <bdi>customer-1</bdi>") || !strings.Contains(page, "camera <bdi>FaceTime HD Camera</bdi>") {
		t.Error("the redacted report lacks the pseudonymous customer key or the camera")
	}
}
