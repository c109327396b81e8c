package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What people read is in --tz's zone, named; what scripts read (JSON,
// CSV, the dump) is the same bytes whatever the zone.
func TestTimeZoneOutputs(t *testing.T) {
	db := incidentDB(t)
	for _, args := range [][]string{
		{"analyze", "--meeting", incidentMeeting, "--format", "json"},
		{"analyze", "--meeting", incidentMeeting, "--format", "csv"},
		{"analyze", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "user", "--format", "json"},
		{"meetings", "--format", "json"},
		{"meetings", "--format", "csv"},
		{"dump", "--meeting", incidentMeeting},
		{"dump", "--meeting", incidentMeeting, "--format", "ndjson"},
		{"export", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv", "-o", "-"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			utc := zoomqos(t, "", append([]string{"--db", db, "--tz", "UTC"}, args...)...)
			ist := zoomqos(t, "", append([]string{"--db", db, "--tz", "Asia/Kolkata"}, args...)...)
			if utc.code != 0 || ist.code != 0 {
				t.Fatalf("%v: %d %s / %d %s", args, utc.code, utc.stderr, ist.code, ist.stderr)
			}
			if ist.stdout != utc.stdout || utc.stdout == "" {
				t.Errorf("%v writes other bytes in Asia/Kolkata than in UTC", args)
			}
			if strings.Contains(ist.stdout, "+05:30") {
				t.Errorf("%v writes Kolkata's offset", args)
			}
		})
	}

	r := zoomqos(t, "", "--db", db, "--tz", "Asia/Kolkata", "analyze", "--meeting", incidentMeeting)
	lines := strings.Split(r.stdout, "\n")
	if r.code != 0 || lines[1] != "2026-11-02 14:31 IST to 2026-11-02 14:38 IST · 4 participants · 5 sessions · 31 samples" ||
		lines[2] != "Times in Asia/Kolkata (IST, UTC+05:30)" {
		t.Errorf("analyze in Kolkata: %d %s\n%s", r.code, r.stderr, strings.Join(lines[:min(3, len(lines))], "\n"))
	}
	for _, want := range []string{"\np101         Ada   14:30:00", "\n14:33:00  14:36:00  3m0s", "\nWhy 14:33-14:35: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("analyze in Kolkata has no %q:\n%s", want, r.stdout)
		}
	}
	r = zoomqos(t, "", "--db", db, "--tz", "Asia/Kolkata", "meetings")
	if !strings.Contains(r.stdout, " 2026-11-02T14:31:00+05:30  2026-11-02T14:38:00+05:30 ") {
		t.Errorf("meetings in Kolkata:\n%s", r.stdout)
	}
}

// --tz wins over ZOOMQOS_TZ in the environment, which wins over the
// config file; with none of them, the machine's zone (TZ here).
func TestTimeZoneSetting(t *testing.T) {
	db := incidentDB(t)
	cfg := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(cfg, []byte("ZOOMQOS_TZ=Asia/Kolkata\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	span := func(args ...string) string {
		t.Helper()
		r := zoomqos(t, "", append([]string{"--db", db, "--config", cfg}, append(args, "analyze", "--meeting", incidentMeeting)...)...)
		if r.code != 0 {
			t.Fatalf("%d %s", r.code, r.stderr)
		}
		return strings.Split(r.stdout, "\n")[1][:20]
	}
	t.Setenv("TZ", "America/New_York")
	t.Setenv("ZOOMQOS_TZ", "")
	if got, want := span(), "2026-11-02 14:31 IST"; got != want {
		t.Errorf("from the config file: %q, want %q", got, want)
	}
	t.Setenv("ZOOMQOS_TZ", "Europe/Berlin")
	if got, want := span(), "2026-11-02 10:01 CET"; got != want {
		t.Errorf("from the environment: %q, want %q", got, want)
	}
	if got, want := span("--tz", "UTC"), "2026-11-02 09:01 UTC"; got != want {
		t.Errorf("from the flag: %q, want %q", got, want)
	}
	if got, want := span("--tz", "Local"), "2026-11-02 04:01 EST"; got != want {
		t.Errorf("--tz Local: %q, want %q", got, want)
	}
	if err := os.WriteFile(cfg, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZOOMQOS_TZ", "")
	if got, want := span(), "2026-11-02 04:01 EST"; got != want {
		t.Errorf("the machine's zone (TZ=America/New_York): %q, want %q", got, want)
	}
	t.Setenv("TZ", "Etc/UTC")
	r := zoomqos(t, "", "--db", db, "--config", cfg, "analyze", "--meeting", incidentMeeting)
	if strings.Contains(r.stdout, "Times in") || !strings.Contains(r.stdout, "09:01 UTC") {
		t.Errorf("a machine in Etc/UTC: %s", strings.Join(strings.Split(r.stdout, "\n")[:3], "\n"))
	}
}

// A zone that does not exist is one line naming the value and where it
// came from.
func TestUnknownTimeZone(t *testing.T) {
	db := incidentDB(t)
	r := zoomqos(t, "", "--db", db, "--tz", "Europe/Berln", "analyze", "--meeting", incidentMeeting)
	oneLine(t, r, 2, `--tz "Europe/Berln": unknown time zone (want an IANA name such as Europe/Berlin, or UTC)`)
	for _, cmd := range [][]string{{"meetings"}, {"report", "--meeting", incidentMeeting, "-o", "-"}} {
		r = zoomqos(t, "", append([]string{"--db", db, "--tz", "Mars/Olympus_Mons"}, cmd...)...)
		oneLine(t, r, 2, `--tz "Mars/Olympus_Mons": unknown time zone`)
		if r.stdout != "" {
			t.Errorf("%v wrote %d bytes with an unknown zone", cmd, len(r.stdout))
		}
	}
	t.Setenv("ZOOMQOS_TZ", "../../etc/passwd")
	oneLine(t, zoomqos(t, "", "--db", db, "meetings"), 2, `ZOOMQOS_TZ "../../etc/passwd": unknown time zone`)
	t.Setenv("ZOOMQOS_TZ", "")
	cfg := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(cfg, []byte("ZOOMQOS_TZ=Berlin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	oneLine(t, zoomqos(t, "", "--db", db, "--config", cfg, "meetings"), 1, "line 1: ZOOMQOS_TZ: unknown time zone")
}

// With SOURCE_DATE_EPOCH and the same zone, the same report, byte for
// byte; in another zone, another one.
func TestReportReproducibleInZone(t *testing.T) {
	db := incidentDB(t)
	t.Setenv("SOURCE_DATE_EPOCH", "1795000000")
	page := func(zone string) string {
		r := zoomqos(t, "", "--db", db, "--tz", zone, "report", "--meeting", incidentMeeting, "-o", "-")
		if r.code != 0 {
			t.Fatalf("%d %s", r.code, r.stderr)
		}
		return r.stdout
	}
	a, b := page("America/New_York"), page("America/New_York")
	if a != b {
		t.Error("two reports in America/New_York differ")
	}
	if !strings.Contains(a, "Times in America/New_York (EST, UTC-05:00).") || !strings.Contains(a, "2026-11-02 04:01 EST") {
		t.Error("the report does not show New York's time")
	}
	if utc := page("UTC"); utc == a || !strings.Contains(utc, "Times in UTC.") {
		t.Error("the report in UTC is the one in New York, or does not say UTC")
	}
}

// The fleet report counts its days in --tz's zone and says so.
func TestFleetReportInZone(t *testing.T) {
	db := incidentDB(t)
	r := zoomqos(t, "", "--db", db, "--tz", "Asia/Kolkata", "report", "--from", "2026-11-01", "--to", "2026-11-30", "-o", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "times in Asia/Kolkata") {
		t.Errorf("fleet report in Kolkata: %d %s; names the zone: %v", r.code, r.stderr, strings.Contains(r.stdout, "times in Asia/Kolkata"))
	}
	oneLine(t, zoomqos(t, "", "--db", db, "--tz", "Nowhere/Atall", "report", "--from", "2026-11-01", "-o", "-"), 2, `--tz "Nowhere/Atall": unknown time zone`)
}
