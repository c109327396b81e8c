package cli

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
)

// TestUpgradeFromMain0d10ad2 carries over a database made by zoomqos at
// commit 0d10ad2, before it read meeting details: `collect --past` stored
// a meeting and a webinar under their UUIDs, then `collect --meeting
// NUMBER` and `--webinar NUMBER` stored each again under its number, with
// no topic, and a third meeting was only ever collected by number. How it
// was made: testdata/upgrade/README.md.
func TestUpgradeFromMain0d10ad2(t *testing.T) {
	db := tempDB(t)
	unzip(t, "testdata/upgrade/main-0d10ad2.db.gz", db)
	type row struct {
		ID, Number, Topic       string
		Webinar                 bool
		Sessions, Samples       int
		Participants, Documents int
	}
	list := func() []row {
		t.Helper()
		r := zoomqos(t, "", "--db", db, "meetings", "--format", "json")
		if r.code != 0 {
			t.Fatal(r.stderr)
		}
		var rows []row
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	before := list()
	if len(before) != 5 {
		t.Fatalf("the fixture holds %d meetings, want 5: %+v", len(before), before)
	}
	// Before the upgrade a number names the instance, and says it left the
	// copy under the number out.
	r := zoomqos(t, "", "--db", db, "analyze", "--meeting", "87924704621", "--format", "json")
	if r.code != 0 || !strings.Contains(r.stderr, "the copy an older zoomqos stored under the number is left out (zoomqos reparse merges it)") {
		t.Errorf("analyze by number before reparse: %d %q", r.code, r.stderr)
	}

	// check sees what this version reads differently in the raw
	// responses, and says reparse mends it.
	r = zoomqos(t, "", "--db", db, "check")
	if r.code != 1 || !strings.Contains(r.stderr, "after an upgrade that is expected: zoomqos reparse rebuilds them") {
		t.Errorf("check before reparse: %d %q", r.code, r.stderr)
	}
	r = zoomqos(t, "", "--db", db, "reparse")
	if r.code != 0 {
		t.Fatalf("reparse: %s", r.stderr)
	}
	for _, w := range []string{
		"meeting 87924704621: stored under its number by an older zoomqos; moved into its instance CvHBg+A+05UVsn8L7biihQ==: sessions 2 -> 2, samples 138 -> 138",
		"meeting 87393837964: stored under its number by an older zoomqos; moved into its instance PNccZ//+a1E6zAiCZ7sXQA==: sessions 4 -> 4, samples 150 -> 150",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("reparse does not say %q:\n%s", w, r.stdout)
		}
	}
	after := list()
	want := map[string]row{
		"82073432159":              {ID: "82073432159", Number: "82073432159", Sessions: 3, Samples: 66, Participants: 2},
		"PNccZ//+a1E6zAiCZ7sXQA==": {ID: "PNccZ//+a1E6zAiCZ7sXQA==", Number: "87393837964", Topic: "Webinar: product update", Webinar: true, Sessions: 4, Samples: 150, Participants: 4},
		"CvHBg+A+05UVsn8L7biihQ==": {ID: "CvHBg+A+05UVsn8L7biihQ==", Number: "87924704621", Topic: "1:1", Sessions: 2, Samples: 138, Participants: 2},
	}
	if len(after) != len(want) {
		t.Fatalf("after reparse: %+v", after)
	}
	for _, m := range after {
		w := want[m.ID]
		w.Documents = m.Documents
		if m != w {
			t.Errorf("after reparse %+v, want %+v", m, w)
		}
	}
	// Every response kept, once: the number's QoS page is the very
	// document the instance holds (the same bytes).
	if d := after[2].Documents; d != 1 {
		t.Errorf("the merged meeting keeps %d raw documents, want 1", d)
	}
	if r := zoomqos(t, "", "--db", db, "check"); r.code != 0 {
		t.Errorf("check after the upgrade: %s %s", r.stdout, r.stderr)
	}
	// Reparsing again changes nothing.
	if r := zoomqos(t, "", "--db", db, "reparse"); r.code != 0 || strings.Contains(r.stdout, "moved") {
		t.Errorf("a second reparse: %s %s", r.stdout, r.stderr)
	}
	// The number names the meeting without a note now; the fleet counts
	// three.
	r = zoomqos(t, "", "--db", db, "analyze", "--meeting", "87924704621", "--format", "json")
	if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, `"meeting": "CvHBg+A+05UVsn8L7biihQ=="`) {
		t.Errorf("analyze by number after reparse: %d %q", r.code, r.stderr)
	}
	r = zoomqos(t, "", "--db", db, "analyze", "--from", "2026-11-01", "--to", "2026-12-01", "--by", "device")
	if r.code != 0 || !strings.Contains(r.stdout, "3 meetings, 9 sessions, 354 samples") {
		t.Errorf("fleet after reparse: %s %s", r.stdout, r.stderr)
	}
}

func unzip(t *testing.T, from, to string) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, z); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// One way to name a meeting: its UUID, its number (the latest instance,
// saying which when there are several) or "latest"; and collecting an
// instance by number, by UUID or through discovery stores it once.
func TestOneIdentityPerMeeting(t *testing.T) {
	day := func(d int) time.Time { return fakeEpoch.Truncate(24*time.Hour).AddDate(0, 0, -d).Add(9 * time.Hour) }
	fz := fakeAccount(t, fakezoom.Options{Seed: 3, Meetings: []fakezoom.MeetingSpec{
		{UUID: "weekly/one+AAAAAAAAAAA==", ID: 84214832142, Topic: "Weekly sync", Start: day(14), Duration: 20 * time.Minute, Participants: 4},
		{UUID: "weekly//two+AAAAAAAAAA==", ID: 84214832142, Topic: "Weekly sync", Start: day(7), Duration: 20 * time.Minute, Participants: 5},
		{UUID: "allhands+AAAAAAAAAAAAA==", ID: 85637189334, Topic: "All hands", Start: day(3), Duration: 20 * time.Minute, Participants: 6},
	}})
	db := tempDB(t)
	from := day(20).Format(time.DateOnly)
	for _, args := range [][]string{
		{"collect", "--past", "--from", from},
		{"collect", "--meeting", "84214832142"},              // the latest instance, again
		{"collect", "--meeting", "weekly/one+AAAAAAAAAAA=="}, // the first, again
		{"collect", "--meeting", "856 3718 9334"},            // as people write it
	} {
		if r := zoomqos(t, "", append([]string{"--db", db}, args...)...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.stderr)
		}
	}
	r := zoomqos(t, "", "--db", db, "meetings", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("meetings --format csv: %v\n%s", err, r.stdout)
	}
	if strings.Join(rows[0], ",") != "meeting,number,kind,type,start,end,participants,sessions,samples,documents,topic,host" {
		t.Errorf("header %q", rows[0])
	}
	for i, want := range []string{"weekly/one+AAAAAAAAAAA==,84214832142,meeting,past", "weekly//two+AAAAAAAAAA==,84214832142,meeting,past", "allhands+AAAAAAAAAAAAA==,85637189334,meeting,past"} {
		if got := strings.Join(rows[i+1][:4], ","); got != want {
			t.Errorf("row %d: %s, want %s", i+1, got, want)
		}
	}
	for _, m := range fz.Meetings() {
		if got := rows[1+map[string]int{"weekly/one+AAAAAAAAAAA==": 0, "weekly//two+AAAAAAAAAA==": 1, "allhands+AAAAAAAAAAAAA==": 2}[m.UUID]][7]; got != fmt.Sprint(m.Sessions) {
			t.Errorf("%s: %s sessions stored, want %d", m.UUID, got, m.Sessions)
		}
	}

	// A number with two instances: the latest, and the command says so
	// on stderr; stdout carries only the product.
	r = zoomqos(t, "", "--db", db, "analyze", "--meeting", "84214832142", "--format", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"meeting": "weekly//two+AAAAAAAAAA=="`) ||
		!strings.Contains(r.stderr, "meeting 84214832142 has 2 instances stored; taking the latest: 84214832142 (instance weekly//two+AAAAAAAAAA==), Weekly sync, started") {
		t.Errorf("analyze by a number of two instances: %d\n%s", r.code, r.stderr)
	}
	// The UUID names the other; latest the last meeting of all.
	for name, want := range map[string]string{"weekly/one+AAAAAAAAAAA==": "weekly/one+AAAAAAAAAAA==", "latest": "allhands+AAAAAAAAAAAAA=="} {
		r := zoomqos(t, "", "--db", db, "dump", "--meeting", name, "--format", "ndjson")
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("dump --meeting %s: %d %s", name, r.code, r.stderr)
		}
	}
	r = zoomqos(t, "", "--db", db, "report", "--meeting", "latest", "-o", "-")
	if r.code != 0 || !strings.Contains(r.stderr, "the latest meeting: 85637189334 (instance allhands+AAAAAAAAAAAAA==), All hands") || !strings.HasPrefix(r.stdout, "<!DOCTYPE html>") {
		t.Errorf("report --meeting latest: %d %q", r.code, r.stderr)
	}
	oneLine(t, zoomqos(t, "", "--db", db, "analyze", "--meeting", "99999999999"), 1, "meeting 99999999999 is not in the database")

	// meetings filters by start date, topic and number.
	for _, tc := range []struct {
		args []string
		ids  []string
	}{
		{[]string{"--from", day(8).Format(time.DateOnly)}, []string{"weekly//two", "allhands"}},
		{[]string{"--to", day(8).Format(time.DateOnly)}, []string{"weekly/one"}},
		{[]string{"--topic", "WEEKLY"}, []string{"weekly/one", "weekly//two"}},
		{[]string{"--number", "842-1483-2142", "--from", day(10).Format(time.DateOnly)}, []string{"weekly//two"}},
	} {
		r := zoomqos(t, "", append([]string{"--db", db, "meetings", "--format", "json"}, tc.args...)...)
		var got []struct{ ID string }
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("meetings %v: %v %s", tc.args, err, r.stderr)
		}
		var ids []string
		for _, m := range got {
			ids = append(ids, m.ID[:strings.Index(m.ID, "+")])
		}
		if strings.Join(ids, " ") != strings.Join(tc.ids, " ") {
			t.Errorf("meetings %v: %v, want %v", tc.args, ids, tc.ids)
		}
	}
	r = zoomqos(t, "", "--db", db, "meetings")
	if !strings.Contains(r.stdout, "MEETING                   NUMBER       KIND     TYPE  START") || !strings.Contains(r.stdout, "85637189334  meeting  past") {
		t.Errorf("meetings table:\n%s", r.stdout)
	}
}

// The roll-ups by network, data center and connection type work on data
// collected through the real paths: the QoS endpoints do not carry these
// fields (the fake follows Zoom's spec), the participants list does.
func TestRollupsOnRealShapes(t *testing.T) {
	fz := fakeAccount(t, fakezoom.Options{Seed: 4, PastMeetings: 3, Webinars: 1, Participants: 12, Minutes: 15})
	db := tempDB(t)
	from := fakeEpoch.AddDate(0, 0, -29).Format(time.DateOnly)
	for _, args := range [][]string{{"collect", "--past", "--from", from}, {"collect", "--past", "--webinars", "--from", from}} {
		if r := zoomqos(t, "", append([]string{"--db", db}, args...)...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.stderr)
		}
	}
	sessions := 0
	networks := map[string]int{}
	for _, m := range fz.Meetings() {
		for _, s := range fz.SessionDetails(m.UUID) {
			sessions++
			networks[s.NetworkType]++
		}
	}
	to := fakeEpoch.Format(time.DateOnly)
	for _, by := range []string{"network", "datacenter", "connection", "device", "location", "version", "user"} {
		r := zoomqos(t, "", "--db", db, "analyze", "--from", from, "--to", to, "--by", by, "--format", "json")
		if r.code != 0 {
			t.Fatalf("--by %s: %s", by, r.stderr)
		}
		var f struct {
			Groups []struct {
				Key      string `json:"group"`
				Sessions int
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &f); err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, g := range f.Groups {
			total += g.Sessions
			if g.Key == "(unknown)" && (by == "network" || by == "datacenter") {
				t.Errorf("--by %s: %d sessions without a %s", by, g.Sessions, by)
			}
			if by == "network" && g.Sessions != networks[g.Key] {
				t.Errorf("--by network: %s has %d sessions, the fake says %d", g.Key, g.Sessions, networks[g.Key])
			}
		}
		if total != sessions || len(f.Groups) < 2 {
			t.Errorf("--by %s: %d sessions in %d groups, want %d in several", by, total, len(f.Groups), sessions)
		}
	}
	// Zoom's own ratings came along: the agreement table has data.
	r := zoomqos(t, "", "--db", db, "analyze", "--meeting", "latest")
	if !strings.Contains(r.stdout, "Zoom's ratings vs zoomqos") || strings.Contains(r.stdout, "none stored") {
		t.Errorf("the agreement table:\n%s", r.stdout)
	}
}

// A --from beyond Zoom's six months is refused before any request; a
// missing scope names the classic and the granular scopes.
func TestCollectRefusals(t *testing.T) {
	fz := fakeAccount(t, fakezoom.Options{Seed: 5, PastMeetings: 1, Participants: 3, Minutes: 5, Faults: fakezoom.Faults{MissingScope: "participants"}})
	db := tempDB(t)
	old := time.Now().UTC().AddDate(0, -7, 0).Format(time.DateOnly)
	r := zoomqos(t, "", "--db", db, "collect", "--past", "--from", old)
	oneLine(t, r, 2, "--from "+old+": Zoom lists past meetings of the last six months only")
	if n := fz.Requests(); n != 0 {
		t.Errorf("%d requests sent for a refused range", n)
	}
	oneLine(t, zoomqos(t, "", "--db", db, "collect", "--meeting", "latest"), 2, "collect asks Zoom, which knows no 'latest'")
	r = zoomqos(t, "", "--db", db, "collect", "--meeting", fz.Meetings()[0].UUID)
	if r.code == 0 {
		t.Fatal("collect without the participants scope succeeded")
	}
	for _, w := range []string{"GET /metrics/meetings/{meetingId}/participants", "the app lacks the dashboard:read:list_meeting_participants:admin scope this call needs",
		"classic scope dashboard_meetings:read:admin", "dashboard:read:list_meeting_participants_qos:admin", "dashboard:read:meeting:admin", "dashboard:read:list_meetings:admin"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("the scope error does not say %q:\n%s", w, r.stderr)
		}
	}
	// The QoS pages it did get are kept.
	if r := zoomqos(t, "", "--db", db, "meetings", "--format", "json"); !strings.Contains(r.stdout, `"samples": `) || strings.Contains(r.stdout, `"samples": 0`) {
		t.Errorf("what was collected before the refusal: %s", r.stdout)
	}
}

// Zoom lists the meetings of one participant apart (type=pastOne):
// discovery leaves them out unless --past-one, and then collects them
// like the others, their participants list included.
func TestPastOneDiscovery(t *testing.T) {
	fz := fakeAccount(t, fakezoom.Options{Seed: 4, PastMeetings: 2, PastOneMeetings: 2, Participants: 3, Minutes: 5})
	db := tempDB(t)
	from := fakeEpoch.AddDate(0, 0, -29).Format(time.DateOnly)
	type row struct {
		ID                              string
		Participants, Sessions, Samples int
	}
	stored := func() map[string]row {
		t.Helper()
		var rows []row
		if err := json.Unmarshal([]byte(zoomqos(t, "", "--db", db, "meetings", "--format", "json").stdout), &rows); err != nil {
			t.Fatal(err)
		}
		out := map[string]row{}
		for _, r := range rows {
			out[r.ID] = r
		}
		return out
	}
	if r := zoomqos(t, "", "--db", db, "collect", "--past", "--from", from); r.code != 0 {
		t.Fatal(r.stderr)
	}
	before := stored()
	for _, m := range fz.Meetings() {
		if _, ok := before[m.UUID]; ok != (m.Participants > 1) {
			t.Errorf("without --past-one, meeting of %d participants stored: %v", m.Participants, ok)
		}
	}
	r := zoomqos(t, "", "--db", db, "collect", "--past", "--past-one", "--from", from)
	if r.code != 0 || !strings.Contains(r.stdout, "collected 2 meetings") || !strings.Contains(r.stdout, "(2 skipped: collected in full before)") {
		t.Fatalf("collect --past --past-one: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	after := stored()
	for _, m := range fz.Meetings() {
		got, ok := after[m.UUID]
		if !ok || got.Participants != m.Participants || got.Sessions != m.Sessions || got.Samples == 0 {
			t.Errorf("meeting %s of %d participants, %d sessions: stored %+v", m.UUID, m.Participants, m.Sessions, got)
		}
	}
	if len(after) != 4 {
		t.Errorf("%d meetings stored, want 4", len(after))
	}
	oneLine(t, zoomqos(t, "", "--db", db, "collect", "--meeting", fz.Meetings()[0].UUID, "--past-one"), 2, "--past-one goes with --past")
}

// Data stored under a meeting number (by an older zoomqos, or imported
// under the number) moves into its instance when collect learns which
// instance that is, as reparse does: one meeting, nothing counted twice.
func TestCollectMergesACopyUnderTheNumber(t *testing.T) {
	fz := fakeAccount(t, fakezoom.Options{Seed: 8, PastMeetings: 1, Participants: 4, Minutes: 8})
	m := fz.Meetings()[0]
	number := fmt.Sprint(m.ID)
	page := filepath.Join(t.TempDir(), "qos.json")
	if err := os.WriteFile(page, fakeGet(t, fz, "/metrics/meetings/"+number+"/participants/qos", url.Values{"type": {"past"}, "page_size": {"10"}}), 0o600); err != nil {
		t.Fatal(err)
	}
	db := tempDB(t)
	if r := zoomqos(t, "", "--db", db, "import", "--meeting", number, page); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := zoomqos(t, "", "--db", db, "collect", "--meeting", number)
	if r.code != 0 || !strings.Contains(r.stdout, "merged    meeting "+number+", stored under its number by an older zoomqos, into its instance "+m.UUID) {
		t.Fatalf("collect by number over a copy under the number: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var rows []struct {
		ID, Number        string
		Sessions, Samples int
	}
	if err := json.Unmarshal([]byte(zoomqos(t, "", "--db", db, "meetings", "--format", "json").stdout), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].ID != m.UUID || rows[0].Number != number || rows[0].Sessions != m.Sessions {
		t.Errorf("stored: %+v, want the one instance %s with %d sessions", rows, m.UUID, m.Sessions)
	}
	if r := zoomqos(t, "", "--db", db, "check"); r.code != 0 {
		t.Errorf("check: %s %s", r.stdout, r.stderr)
	}
}
