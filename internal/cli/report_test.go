package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/internal/smtp"
	"github.com/zoomqos/zoomqos/internal/smtptest"
)

func TestReportCommand(t *testing.T) {
	db := incidentDB(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "incident.html")
	r := zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "-o", out, "--latency-ms", "190")
	if r.code != 0 {
		t.Fatalf("report: %d %s", r.code, r.stderr)
	}
	if !regexp.MustCompile(`^Report: .*incident\.html \([\d.]+ (kB|MB); 5 sessions, 31 samples\)\n$`).MatchString(r.stderr) || r.stdout != "" {
		t.Errorf("report says %q on stderr and %q on stdout", r.stderr, r.stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	// The hand-worked meeting: its incidents, its windows (Ada, Bob and Cy
	// on latency from 09:03; Ada's frame rate and Di's loss at 09:07) and
	// the threshold from the flag.
	for _, want := range []string{"Meeting 86000000001", "latency &gt; 190 ms", "<td>09:03</td><td>09:05</td>",
		"<td>09:08</td><td>09:09</td>", "frame_rate_fps 5", "avg_loss_pct 5", "<td>Ada</td>", "<td>Di</td>", `id="heatmap"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the output directory holds %d files, want the report alone", len(entries))
	}

	// The default name, in the working directory; standard output with -.
	t.Chdir(dir)
	if r := zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "--redact"); r.code != 0 || !strings.Contains(r.stderr, "report-86000000001.html") {
		t.Fatalf("default name: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile("report-86000000001.html"); strings.Contains(string(b), "Ada") || !strings.Contains(string(b), "Participant 1") {
		t.Error("--redact left a name in, or named no one")
	}
	r = zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "-o", "-")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "<!DOCTYPE html>") || strings.Contains(r.stdout, "Report:") {
		t.Errorf("-o -: %d, %.60q", r.code, r.stdout)
	}
}

func TestReportMistakes(t *testing.T) {
	db := incidentDB(t)
	oneLine(t, zoomqos(t, "", "--db", db, "report", "--meeting", "123"), 1, "meeting 123 is not in the database")
	oneLine(t, zoomqos(t, "", "--db", db, "report"), 2, "meeting")
	oneLine(t, zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "--jitter-ms", "-1"), 2, "jitter threshold")
	oneLine(t, zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "--lines", "0"), 2, "--lines 0", "-1 for every session")
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "r.html")
	oneLine(t, zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "-o", missing), 1, missing)

	damaged := filepath.Join(t.TempDir(), "damaged.db")
	if err := os.WriteFile(damaged, []byte(strings.Repeat("not a database ", 500)), 0o644); err != nil {
		t.Fatal(err)
	}
	oneLine(t, zoomqos(t, "", "--db", damaged, "report", "--meeting", incidentMeeting), 1, damaged)
}

// The README's run command, end to end: the fake Zoom API, the collector,
// the analysis and the report.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	r := zoomqos(t, "", "demo", "--participants", "12", "--minutes", "20")
	if r.code != 0 {
		t.Fatalf("demo: %d %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "Collected meeting 85000000001 from a fake Zoom API") ||
		!strings.Contains(r.stderr, "Report: "+filepath.Join(dir, "zoomqos-demo.html")) {
		t.Errorf("demo says %q", r.stderr)
	}
	b, err := os.ReadFile("zoomqos-demo.html")
	if err != nil {
		t.Fatal(err)
	}
	if html := string(b); !strings.Contains(html, "All-hands (demo)") || !strings.Contains(html, `id="chart-0"`) {
		t.Error("the demo report lacks the meeting or its charts")
	}
	if entries, _ := os.ReadDir(os.TempDir()); len(entries) > 0 {
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "zoomqos-demo-") {
				t.Errorf("the demo left its temporary database behind: %s", e.Name())
			}
		}
	}

	// With --db the database is kept, and the other commands read it.
	db := filepath.Join(dir, "demo.db")
	r = zoomqos(t, "", "--db", db, "demo", "--participants", "5", "--minutes", "10", "-o", "d.html")
	if r.code != 0 || !strings.Contains(r.stderr, "Database: "+db) {
		t.Fatalf("demo --db: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if r := zoomqos(t, "", "--db", db, "meetings"); r.code != 0 || !strings.Contains(r.stdout, "85000000001") {
		t.Errorf("meetings after the demo: %d %q", r.code, r.stdout)
	}
	// The meeting's events came by webhook too, and joined what the API
	// gave: as many samples as collected, and Zoom's summaries.
	var collected int
	if _, err := fmt.Sscanf(r.stderr[strings.Index(r.stderr, "real collector: "):], "real collector: %d samples", &collected); err != nil || collected == 0 {
		t.Fatalf("no count of samples collected in %q", r.stderr)
	}
	if !strings.Contains(r.stderr, "by signed webhook, as zoomqos listen does") {
		t.Errorf("the demo says nothing of the events: %q", r.stderr)
	}
	var ms []struct{ Samples, Sessions int }
	if r := zoomqos(t, "", "--db", db, "meetings", "--format", "json"); r.code != 0 || json.Unmarshal([]byte(r.stdout), &ms) != nil || len(ms) != 1 || ms[0].Samples != collected {
		t.Errorf("after the events, meetings says %q; %d samples were collected", r.stdout, collected)
	}
	if !hasZoomSummary(t, db) {
		t.Error("no session has Zoom's summary")
	}
	oneLine(t, zoomqos(t, "", "demo", "--minutes", "1"), 2, "at least")
}

func TestReportEmailCommand(t *testing.T) {
	db := incidentDB(t)
	dir := t.TempDir()
	t.Setenv("SOURCE_DATE_EPOCH", "1795000000") // the same report, run after run
	html := filepath.Join(dir, "plain.html")
	if r := zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "-o", html); r.code != 0 {
		t.Fatalf("report: %s", r.stderr)
	}
	eml := filepath.Join(dir, "summary.eml")
	r := zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "--email", eml, "--mail-to", "Zoë <zoe@example.com>,ops@example.com")
	if r.code != 0 {
		t.Fatalf("--email: %d %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "E-mail: "+eml) || !strings.Contains(r.stderr, `"Meeting 86000000001 on 2 Nov: 4 of 5 sessions degraded"`) || r.stdout != "" {
		t.Errorf("--email says %q on stderr, %q on stdout", r.stderr, r.stdout)
	}
	if _, err := os.Stat("report-86000000001.html"); err == nil {
		t.Error("--email also wrote the report under its default name")
	}
	raw, err := os.ReadFile(eml)
	if err != nil {
		t.Fatal(err)
	}
	att := attachment(t, raw)
	want, _ := os.ReadFile(html)
	if !bytes.Equal(att, want) {
		t.Errorf("the attached report (%d bytes) is not zoomqos report's (%d bytes)", len(att), len(want))
	}

	// --send, through a real SMTP server on loopback; the password is
	// never printed.
	srv := smtptest.Start(t, "reports", "pw-Secret-42", nil)
	t.Setenv("ZOOMQOS_SMTP_URL", "smtp://reports@"+srv.Addr)
	t.Setenv("ZOOMQOS_SMTP_PASSWORD", "pw-Secret-42")
	r = zoomqos(t, "", "--log-level", "debug", "--db", db, "report", "--meeting", incidentMeeting, "--send",
		"--mail-to", "ops@example.com", "--mail-from", "Reports <reports@example.com>")
	if r.code != 0 || !strings.Contains(r.stderr, "Sent \"Meeting 86000000001 on 2 Nov: 4 of 5 sessions degraded\" to ops@example.com") {
		t.Fatalf("--send: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "pw-Secret-42") {
		t.Error("the SMTP password was printed")
	}
	got := srv.Received()
	if len(got) != 1 || !bytes.Equal(attachment(t, got[0].Data), want) {
		t.Errorf("the server received %d mails, or not the report", len(got))
	}

	t.Setenv("ZOOMQOS_SMTP_PASSWORD", "wrong-Secret-43")
	r = zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "--send", "--mail-to", "ops@example.com", "--mail-from", "r@example.com")
	oneLine(t, r, 1, "refused the login as reports", "535")
	if strings.Contains(r.stderr, "wrong-Secret-43") {
		t.Error("the SMTP password was printed")
	}
	oneLine(t, zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "--send", "--mail-from", "r@example.com"), 2, "--send needs at least one --mail-to")
	oneLine(t, zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "--email", eml, "--mail-to", "not an address"), 2, "not an e-mail address")
	oneLine(t, zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "--mail-to", "a@example.com"), 2, "--mail-to goes with --email FILE or --send")
	t.Setenv("ZOOMQOS_SMTP_URL", "smtp://reports:in-url-secret@"+srv.Addr)
	r = zoomqos(t, "", "--db", db, "report", "--meeting", incidentMeeting, "--send", "--mail-to", "a@example.com", "--mail-from", "r@example.com")
	oneLine(t, r, 2, "holds a password")
	if strings.Contains(r.stderr, "in-url-secret") {
		t.Error("the password in the URL was printed")
	}
}

// attachment digs the attached report out of a message.
func attachment(t *testing.T, raw []byte) []byte {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			t.Fatalf("no attachment: %v", err)
		}
		if strings.HasPrefix(p.Header.Get("Content-Disposition"), "attachment") {
			b, _ := io.ReadAll(p)
			out, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
}

// The mail library names no setting; the command says each problem as
// zoomqos's users give the settings, in the words it always has.
func TestMailErrorsNameTheSettings(t *testing.T) {
	ctx := context.Background()
	from, to := &mail.Address{Address: "r@example.com"}, []*mail.Address{{Address: "ops@example.com"}}
	parse := func(raw string) error { _, err := smtp.ParseURL(raw); return err }
	srv, err := smtp.ParseURL("smtp://reports@mail.example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"not a URL", parse("smtp://"), "ZOOMQOS_SMTP_URL is not a URL like smtp://user@mail.example.com:587"},
		{"scheme", parse("http://mail.example.com"), "ZOOMQOS_SMTP_URL: use smtp:// (STARTTLS) or smtps:// (TLS)"},
		{"password in the URL", parse("smtp://reports:pw@mail.example.com"), "ZOOMQOS_SMTP_URL holds a password: put it in ZOOMQOS_SMTP_PASSWORD instead"},
		{"no password", smtp.Client{URL: "smtp://reports@127.0.0.1:1"}.Send(ctx, from, to, nil),
			"ZOOMQOS_SMTP_URL names user reports but ZOOMQOS_SMTP_PASSWORD is not set"},
		{"no recipients", smtp.Client{URL: "smtp://127.0.0.1:1"}.Send(ctx, from, nil, nil), "no recipients: give --mail-to ADDRESS"},
		{"no AUTH", &smtp.SettingError{Err: smtp.ErrNoAuth, Server: srv},
			"the mail server reports@mail.example.com:587 does not offer authentication (AUTH), but ZOOMQOS_SMTP_URL names a user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := mailError(c.err); got == nil || got.Error() != c.want {
				t.Errorf("mailError(%v) = %v, want %q", c.err, got, c.want)
			}
		})
	}
	other := errors.New("connecting to the mail server 127.0.0.1:1: refused")
	if got := mailError(other); got != other {
		t.Errorf("mailError changed %v into %v", other, got)
	}
}

// hasZoomSummary reports whether analyze's JSON of the demo meeting gives a
// session Zoom's summary.
func hasZoomSummary(t *testing.T, db string) bool {
	t.Helper()
	r := zoomqos(t, "", "--db", db, "analyze", "--meeting", "85000000001", "--format", "json")
	return r.code == 0 && strings.Contains(r.stdout, `"zoom_summary"`)
}
