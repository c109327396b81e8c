package cli

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
)

var fakeEpoch = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// fakeAccount starts a fake Zoom API and points the environment at it.
func fakeAccount(t *testing.T, o fakezoom.Options) *fakezoom.Running {
	t.Helper()
	if o.Clock == nil {
		o.Clock = func() time.Time { return fakeEpoch }
	}
	fz := fakezoom.Start(o)
	t.Cleanup(fz.Close)
	opts := fz.Options()
	for k, v := range map[string]string{
		"ZOOM_API_URL": fz.APIURL, "ZOOM_TOKEN_URL": fz.TokenURL, "ZOOM_ACCOUNT_ID": opts.AccountID,
		"ZOOM_CLIENT_ID": opts.ClientID, "ZOOM_CLIENT_SECRET": opts.ClientSecret, "ZOOM_ACCESS_TOKEN": "",
		"ZOOMQOS_CONFIG": filepath.Join(t.TempDir(), "none"),
	} {
		t.Setenv(k, v)
	}
	return fz
}

func TestCollectCommand(t *testing.T) {
	fz := fakeAccount(t, fakezoom.Options{Seed: 2, PastMeetings: 3, Participants: 12})
	db := tempDB(t)
	m := fz.Meetings()[1] // its UUID begins with "/"
	r := zoomqos(t, "", "--db", db, "collect", "--meeting", m.UUID, "--rate", "100")
	if r.code != 0 {
		t.Fatalf("collect --meeting: %d %s", r.code, r.stderr)
	}
	want := fmt.Sprintf("collected 1 meeting: %d participants, %d sessions (%d new)", m.Participants, m.Sessions, m.Sessions)
	if !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, "requests  ") || !strings.Contains(r.stdout, "1 token") {
		t.Errorf("summary:\n%s\nwant it to start %q", r.stdout, want)
	}
	// Not a terminal: plain log lines, no progress line.
	if strings.Contains(r.stderr, "\r") {
		t.Errorf("progress line written to a non-terminal: %q", r.stderr)
	}

	r = zoomqos(t, "", "--db", db, "collect", "--past", "--from", "2026-10-20", "--to", "2026-11-20", "--rate", "100")
	if r.code != 0 || !strings.Contains(r.stdout, "collected 2 meetings (1 skipped: collected in full before)") {
		t.Errorf("collect --past: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "msg=collected") {
		t.Errorf("no per-meeting log lines: %s", r.stderr)
	}
	list := zoomqos(t, "", "--db", db, "meetings").stdout
	for _, mm := range fz.Meetings() {
		if !strings.Contains(list, mm.UUID) {
			t.Errorf("meeting %s not listed:\n%s", mm.UUID, list)
		}
	}

	// --quiet, for cron: nothing on stdout or stderr.
	r = zoomqos(t, "", "--db", db, "collect", "--past", "--from", "2026-10-20", "--quiet")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Errorf("--quiet: %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// Webinars are called webinars, and counted apart from meetings.
func TestCollectWebinarsSummary(t *testing.T) {
	fakeAccount(t, fakezoom.Options{Seed: 2, PastMeetings: 1, Webinars: 2, Participants: 5})
	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "collect", "--past", "--webinars", "--from", "2026-10-20", "--rate", "100")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "collected 2 webinars: ") {
		t.Errorf("collect --past --webinars: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = zoomqos(t, "", "--db", db, "collect", "--past", "--from", "2026-10-20", "--rate", "100")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "collected 1 meeting: ") {
		t.Errorf("collect --past: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// None live: still webinars.
	r = zoomqos(t, "", "--db", db, "collect", "--live", "--webinars")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "collected 0 webinars: ") {
		t.Errorf("collect --live --webinars: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestCollectParticipantAndPlainErrors(t *testing.T) {
	fz := fakeAccount(t, fakezoom.Options{Seed: 2, PastMeetings: 1, Participants: 5})
	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "collect", "--meeting", fz.Meetings()[0].UUID, "--participant", "16778240")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "collected 1 meeting: 1 participant, 1 session") {
		t.Errorf("--participant: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = zoomqos(t, "", "--db", db, "collect", "--meeting", "12345678901")
	oneLine(t, r, 1, "meeting 12345678901", "the ID is wrong", "Zoom code 3001", "tracking id")
}

// Secrets never come from flags and never show, even at debug level.
func TestCollectKeepsSecrets(t *testing.T) {
	fz := fakeAccount(t, fakezoom.Options{Seed: 4, PastMeetings: 2, Participants: 15, ClientSecret: "cli-s3cr3t-value-9876",
		Faults: fakezoom.Faults{ExpireTokens: 4}})
	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "--log-level", "debug", "collect", "--past", "--from", "2026-10-20", "--rate", "100", "--concurrency", "1")
	if r.code != 0 {
		t.Fatalf("%d %s", r.code, r.stderr)
	}
	t.Setenv("ZOOM_CLIENT_SECRET", "wrong-cli-s3cr3t-value-9876")
	bad := zoomqos(t, "", "--db", db, "--log-level", "debug", "collect", "--meeting", fz.Meetings()[0].UUID)
	lastLine(t, bad, 1, "Zoom refused the Server-to-Server OAuth credentials", "check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET")
	everything := r.stdout + r.stderr + bad.stdout + bad.stderr
	if !strings.Contains(everything, "level=DEBUG") {
		t.Fatal("debug logging was off")
	}
	for _, s := range append(fz.IssuedTokens(), "cli-s3cr3t-value-9876") {
		if strings.Contains(everything, s) {
			t.Errorf("secret %s... printed", s[:6])
		}
	}
	if len(fz.IssuedTokens()) < 2 {
		t.Errorf("tokens should have been renewed: %d", len(fz.IssuedTokens()))
	}
	for _, flag := range []string{"--client-secret", "--access-token", "--secret", "--token"} {
		r := zoomqos(t, "", "--db", db, "collect", flag, "x", "--meeting", "1")
		oneLine(t, r, 2, "flag provided but not defined")
	}
}

func TestCollectFromConfigFile(t *testing.T) {
	fz := fakeAccount(t, fakezoom.Options{Seed: 4, PastMeetings: 1, Participants: 4})
	o := fz.Options()
	for _, k := range []string{"ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_API_URL", "ZOOM_TOKEN_URL"} {
		t.Setenv(k, "")
	}
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte(fmt.Sprintf("ZOOM_ACCOUNT_ID=%s\nZOOM_CLIENT_ID=%s\nZOOM_CLIENT_SECRET=%s\nZOOM_API_URL=%s\nZOOM_TOKEN_URL=%s\n",
		o.AccountID, o.ClientID, o.ClientSecret, fz.APIURL, fz.TokenURL)), 0o644)
	r := zoomqos(t, "", "--db", tempDB(t), "--config", cfg, "collect", "--meeting", fz.Meetings()[0].UUID)
	if r.code != 0 || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("collect with a config file: %d %s %s", r.code, r.stdout, r.stderr)
	}
	t.Setenv("ZOOMQOS_CONFIG", filepath.Join(t.TempDir(), "none"))
	r = zoomqos(t, "", "--db", tempDB(t), "collect", "--meeting", "1")
	oneLine(t, r, 1, "no Zoom credentials")
}

func TestCollectDailyLimitExitStatus(t *testing.T) {
	fakeAccount(t, fakezoom.Options{Seed: 5, PastMeetings: 3, Participants: 25, DailyLimit: 4})
	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "collect", "--past", "--from", "2026-10-20", "--rate", "100", "--concurrency", "1")
	lastLine(t, r, 75, "daily limit", "what was collected is kept", "2026-11-21T00:00:00Z", "run the same command again")
	if !strings.Contains(r.stdout, "collected ") {
		t.Errorf("no summary after the daily limit: %q", r.stdout)
	}
}

func TestCollectUsage(t *testing.T) {
	db := tempDB(t)
	for _, tc := range []struct {
		args []string
		word string
	}{
		{[]string{"collect"}, "say what to collect"},
		{[]string{"collect", "--past"}, "--past needs --from"},
		{[]string{"collect", "--past", "--from", "2026-11-02", "--to", "2026-11-01"}, "--to 2026-11-01 is before --from 2026-11-02"},
		{[]string{"collect", "--past", "--live", "--from", "2026-11-01"}, "not both"},
		{[]string{"collect", "--meeting", "1", "--webinar", "2"}, "not both"},
		{[]string{"collect", "--meeting", "1", "--watch"}, "--watch goes with --live"},
		{[]string{"collect", "--meeting", "1", "--type", "soon"}, `--type "soon"`},
		{[]string{"collect", "--live", "--participant", "3"}, "drop --participant"},
		{[]string{"collect", "--meeting", "1", "--rate", "0"}, "must be positive"},
	} {
		oneLine(t, zoomqos(t, "", append([]string{"--db", db}, tc.args...)...), 2, tc.word)
	}
}

// zoomqos fakezoom serves an account that zoomqos collect can use.
func TestFakezoomCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- Run(ctx, "", []string{"zoomqos", "fakezoom", "--addr", "127.0.0.1:0", "--meetings", "2", "--live", "0", "--webinars", "0", "--participants", "6"}, nil, pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var base string
	for sc.Scan() && base == "" {
		if m := regexp.MustCompile(`on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatal("fakezoom printed no address")
	}
	for k, v := range map[string]string{"ZOOM_API_URL": base + "/v2", "ZOOM_TOKEN_URL": base + "/oauth/token",
		"ZOOM_ACCOUNT_ID": "fake-account", "ZOOM_CLIENT_ID": "fake-client", "ZOOM_CLIENT_SECRET": "fake-secret",
		"ZOOMQOS_CONFIG": filepath.Join(t.TempDir(), "none")} {
		t.Setenv(k, v)
	}
	r := zoomqos(t, "", "--db", tempDB(t), "collect", "--past", "--from", time.Now().UTC().AddDate(0, 0, -30).Format(time.DateOnly), "--rate", "100")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "collected 2 meetings") {
		t.Errorf("collect from zoomqos fakezoom: %d %s %s", r.code, r.stdout, r.stderr)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("fakezoom exit status %d after Ctrl-C", code)
	}
}

// --quiet, for cron: retries that ended well say nothing, and neither does
// anything else that went well; damage the store finds is still said.
func TestQuietIsQuiet(t *testing.T) {
	fakeAccount(t, fakezoom.Options{Seed: 3, PastMeetings: 2, Participants: 5, Faults: fakezoom.Faults{ServerErrors: 4}})
	loud := zoomqos(t, "", "--db", tempDB(t), "collect", "--past", "--from", "2026-10-20")
	if loud.code != 0 || !strings.Contains(loud.stderr, "retry 1 of 5") {
		t.Fatalf("the fake's 5xx should be retried, and said: %d %s", loud.code, loud.stderr)
	}
	db := tempDB(t)
	r := zoomqos(t, "", "--db", db, "collect", "--past", "--from", "2026-10-20", "--quiet")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Errorf("--quiet with retries that succeeded: %d %q %q", r.code, r.stdout, r.stderr)
	}

	// The newest header page damaged: said even with --quiet.
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	newest := 0
	if binary.NativeEndian.Uint64(data[4096+16+48:]) > binary.NativeEndian.Uint64(data[16+48:]) {
		newest = 4096
	}
	data[newest+16+20] ^= 0x40
	os.WriteFile(db, data, 0o600)
	r = zoomqos(t, "", "--db", db, "collect", "--past", "--from", "2026-10-20", "--quiet")
	if !strings.Contains(r.stderr, "its newest header page") {
		t.Errorf("--quiet hid a damaged header: %d %q %q", r.code, r.stdout, r.stderr)
	}
}
