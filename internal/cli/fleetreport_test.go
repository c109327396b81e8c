package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// smallFleet is 40 meetings of 3 to 12 sessions over ten days of
// November 2026, drawn from 60 people, a tenth with an incident on
// Singapore's data center.
func smallFleet(t *testing.T, db string, prefix string, seed uint64) int {
	t.Helper()
	return genFleet(t, db, fleetSpec{meetings: 40, people: 60, days: 10, start: time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC),
		sessions: [2]int{3, 12}, minutes: [2]int{15, 45}, badDC: "SC (Singapore)", seed: seed, prefix: prefix})
}

// The fleet report of a period: one private file, its worst meetings'
// reports beside it in --meetings-dir, linked by relative links that
// resolve; the status on stderr, nothing on stdout.
func TestFleetReport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qos.db")
	smallFleet(t, db, "", 1)
	out := filepath.Join(dir, "out", "fleet.html")
	os.MkdirAll(filepath.Dir(out), 0o700)
	r := zoomqos(t, "", "--db", db, "report", "--from", "2026-11-10", "--to", "2026-11-19", "-o", out, "--meetings-dir", filepath.Join(dir, "out", "meetings"))
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "Fleet report: "+out) || !strings.Contains(r.stderr, "40 meetings") ||
		!regexp.MustCompile(`Meeting reports: \d+ files in `).MatchString(r.stderr) {
		t.Errorf("stderr: %s", r.stderr)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the report: %v %v", fi, err)
	}
	page, _ := os.ReadFile(out)
	links := regexp.MustCompile(`href="(meetings/[^"]+)"`).FindAllStringSubmatch(string(page), -1)
	if len(links) < 20 {
		t.Fatalf("%d links to meeting reports, want the 20 worst at least", len(links))
	}
	for _, l := range links {
		target := filepath.Join(filepath.Dir(out), filepath.FromSlash(strings.ReplaceAll(l[1], "&#43;", "+")))
		b, err := os.ReadFile(target)
		if err != nil || !strings.Contains(string(b), "<html") {
			t.Errorf("link %s: %v", l[1], err)
		}
	}
	if regexp.MustCompile(`(src|href)="(https?:)?//`).Match(page) {
		t.Error("the fleet report loads or links something from the network")
	}
}

// Links resolve whatever form the paths take: relative to another
// directory, absolute, mixed; a missing -o directory is refused before
// any meeting's report is written.
func TestFleetReportLinks(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qos.db")
	smallFleet(t, db, "", 7)
	work := filepath.Join(dir, "work", "rel")
	os.MkdirAll(work, 0o700)
	t.Chdir(work)
	for _, tc := range []struct{ out, mdir string }{
		{"../g.html", "./mm"},
		{filepath.Join(dir, "work", "g2.html"), "mm2"},
		{"../g3.html", filepath.Join(work, "mm3")},
		{"out/f.html", "out/m"},
	} {
		os.MkdirAll(filepath.Dir(tc.out), 0o700)
		r := zoomqos(t, "", "--db", db, "report", "--from", "2026-11-10", "--to", "2026-11-19", "-o", tc.out, "--meetings-dir", tc.mdir)
		if r.code != 0 {
			t.Fatalf("%+v: exit %d: %s", tc, r.code, r.stderr)
		}
		page, _ := os.ReadFile(tc.out)
		links := regexp.MustCompile(`<a href="([^"#]+)"`).FindAllStringSubmatch(string(page), -1)
		if len(links) < 20 {
			t.Fatalf("%+v: %d links", tc, len(links))
		}
		for _, l := range links {
			target := filepath.Join(filepath.Dir(tc.out), filepath.FromSlash(strings.ReplaceAll(l[1], "&#43;", "+")))
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%+v: link %s does not resolve: %v", tc, l[1], err)
			}
		}
	}
	r := zoomqos(t, "", "--db", db, "report", "--from", "2026-11-10", "-o", "missing/f.html", "--meetings-dir", "mx")
	if r.code != 1 || !strings.Contains(r.stderr, "no directory") {
		t.Errorf("a missing -o directory: exit %d, %s", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir("mx"); len(entries) > 0 {
		t.Errorf("%d meeting reports written before -o was refused", len(entries))
	}
}

// -o - carries the page alone; --redact leaves no name or address in it.
func TestFleetReportPipeRedacted(t *testing.T) {
	db := tempDB(t)
	smallFleet(t, db, "", 2)
	r := zoomqos(t, "", "--db", db, "report", "--from", "2026-11-10", "--to", "2026-11-19", "-o", "-", "--redact")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "<!DOCTYPE html>") || strings.Contains(r.stdout, "Fleet report:") {
		t.Fatalf("exit %d, stdout starts %.60q, stderr %s", r.code, r.stdout, r.stderr)
	}
	for _, bad := range []string{"Person ", "@example.com", "Team sync", "203.0."} {
		if strings.Contains(r.stdout, bad) {
			t.Errorf("the redacted report holds %q", bad)
		}
	}
	if !strings.Contains(r.stdout, "Participant 1") {
		t.Error("the redacted report names no one as a pseudonym")
	}
}

// The digest: the first takes what was collected, the second finds
// nothing new and writes nothing (exit 0), the third takes only the
// meetings stored since.
func TestDigest(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qos.db")
	smallFleet(t, db, "", 3)
	eml := filepath.Join(dir, "digest.eml")
	r := zoomqos(t, "", "--db", db, "report", "--since-last", "--email", eml)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(eml)
	if err != nil || !strings.Contains(string(b), "Subject: zoomqos digest, 10 =E2=80=93 19 Nov 2026: 40 meetings") &&
		!strings.Contains(string(b), "40 meetings") {
		t.Fatalf("first digest: %v\n%.400s", err, b)
	}
	os.Remove(eml)
	r = zoomqos(t, "", "--db", db, "report", "--since-last", "--email", eml)
	if r.code != 0 || !strings.Contains(r.stderr, "Nothing collected since the last digest") {
		t.Fatalf("second digest: exit %d, %s", r.code, r.stderr)
	}
	if _, err := os.Stat(eml); err == nil {
		t.Fatal("a digest of nothing was written")
	}
	genFleet(t, db, fleetSpec{meetings: 2, people: 10, days: 1, start: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
		sessions: [2]int{3, 5}, minutes: [2]int{15, 20}, seed: 9, prefix: "new"})
	r = zoomqos(t, "", "--db", db, "report", "--since-last", "--email", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "2 meetings") || !strings.Contains(r.stdout, "25 Nov 2026") {
		t.Fatalf("third digest: exit %d, %s\n%.600s", r.code, r.stderr, r.stdout)
	}
	// --since overrides the bookmark and keeps none: the same again.
	for range 2 {
		if r = zoomqos(t, "", "--db", db, "report", "--since", "2026-01-01", "--email", "-"); r.code != 0 || !strings.Contains(r.stdout, "42 meetings") {
			t.Fatalf("--since: exit %d, %s", r.code, r.stderr)
		}
	}
}

// --fail-on: exit 3 with the figures that crossed, after the file is
// written; 0 when it holds not; 2 with the place of a mistake.
func TestFailOn(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "qos.db")
	smallFleet(t, db, "", 4)
	out := filepath.Join(dir, "f.html")
	r := zoomqos(t, "", "--db", db, "report", "--from", "2026-11-10", "--to", "2026-11-19", "-o", out, "--fail-on", "degraded>0.1%, mos<1")
	if r.code != 3 || !regexp.MustCompile(`zoomqos: --fail-on "degraded > 0.1% or mos < 1": degraded \d+\.\d% > 0.1%\n`).MatchString(r.stderr) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Error("the report was not written before the alert")
	}
	if r = zoomqos(t, "", "--db", db, "report", "--from", "2026-11-10", "-o", out, "--fail-on", "degraded>99%"); r.code != 0 {
		t.Errorf("not crossed: exit %d, %s", r.code, r.stderr)
	}
	// The first period has nothing before it: a delta is not evaluated.
	r = zoomqos(t, "", "--db", db, "report", "--from", "2026-11-10", "-o", out, "--fail-on", "delta_degraded>1%")
	if r.code != 0 || !strings.Contains(r.stderr, "delta_degraded > 1% not evaluated") {
		t.Errorf("delta without a previous period: exit %d, %s", r.code, r.stderr)
	}
	oneLine(t, zoomqos(t, "", "--db", db, "report", "--from", "2026-11-10", "--fail-on", "degraded>>1"), 2, `--fail-on "degraded>>1": at character 10`)
	// A period with no meetings has no worst meeting to compare.
	r = zoomqos(t, "", "--db", db, "report", "--from", "2020-01-01", "--to", "2020-01-02", "-o", out, "--fail-on", "worst_meeting<1%")
	if r.code != 0 || !strings.Contains(r.stderr, "zoomqos: --fail-on: worst_meeting < 1% not evaluated") {
		t.Errorf("worst_meeting of an empty period: exit %d, %s", r.code, r.stderr)
	}
	// Tripped by a not, it says so.
	r = zoomqos(t, "", "--db", db, "report", "--from", "2026-11-10", "-o", out, "--fail-on", "not mos<1")
	if r.code != 3 || !strings.Contains(r.stderr, `--fail-on "not mos < 1": it holds`) {
		t.Errorf("tripped by a not: exit %d, %s", r.code, r.stderr)
	}
}

// Mistakes are one line, exit 2: the old mail flags, a digest and a period
// at once, --meetings-dir without a fleet report or with -o -.
func TestFleetReportMistakes(t *testing.T) {
	db := tempDB(t)
	smallFleet(t, db, "", 5)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--meeting", "latest", "--email", "-", "--to", "it@example.com"}, "--to takes a date now"},
		{[]string{"report", "--meeting", "latest", "--email", "-", "--from", "me@example.com"}, "--mail-from ADDRESS"},
		{[]string{"report", "--since-last", "--from", "2026-11-01"}, "give one or the other"},
		{[]string{"report", "--meeting", "latest", "--meetings-dir", "x"}, "--meetings-dir goes with a fleet report"},
		{[]string{"report", "--meeting", "latest", "--from", "2026-11-10"}, "--from goes with a fleet report (--from DATE [--to DATE]) or a digest (--since-last), not with --meeting"},
		{[]string{"report", "--from", "2026-11-10", "--fail-on", strings.Repeat("degraded>1% or ", 80) + "x"}, `…": at character`},
		{[]string{"report", "--from", "2026-11-10", "-o", "-", "--meetings-dir", "x"}, "give -o FILE"},
		{[]string{"report", "--since", "yesterday", "--email", "-"}, `--since "yesterday": want a date`},
		{[]string{"report", "--from", "2026-11-31"}, "no such day"},
	} {
		oneLine(t, zoomqos(t, "", append([]string{"--db", db}, tc.args...)...), 2, tc.want)
	}
}

// A period with no meetings is a page that says so.
func TestFleetReportEmpty(t *testing.T) {
	db := tempDB(t)
	smallFleet(t, db, "", 6)
	r := zoomqos(t, "", "--db", db, "report", "--from", "2020-01-01", "--to", "2020-01-31", "-o", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "No meetings") {
		t.Errorf("exit %d, %s\n%.300s", r.code, r.stderr, r.stdout)
	}
}
