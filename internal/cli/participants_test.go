package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
)

// The participants list is a response like the others: saved from the API
// it imports (before or after the QoS pages, which it then merges into),
// and reparse rebuilds what came from it, so that the roll-ups by network
// and Zoom's ratings survive both. The fields Zoom's changelog added to the
// QoS answers (health, issues, rc_reason, socket breaks) reach the report.
func TestParticipantsListImportedAndReparsed(t *testing.T) {
	fz := fakeAccount(t, fakezoom.Options{Seed: 3, PastMeetings: 1, Participants: 30, Minutes: 12})
	m := fz.Meetings()[0]
	details := fz.SessionDetails(m.UUID)
	networks := map[string]int{}
	for _, s := range details {
		networks[s.NetworkType]++
	}
	collected := tempDB(t)
	if r := zoomqos(t, "", "--db", collected, "collect", "--meeting", m.UUID); r.code != 0 {
		t.Fatal(r.stderr)
	}
	n := strconv.Itoa(len(details))
	from := fakeEpoch.AddDate(0, 0, -29).Format(time.DateOnly)
	byNetwork := func(db string) string {
		t.Helper()
		r := zoomqos(t, "", "--db", db, "analyze", "--from", from, "--by", "network", "--format", "json")
		if r.code != 0 {
			t.Fatalf("analyze --by network: %s", r.stderr)
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
		for _, g := range f.Groups {
			if g.Sessions != networks[g.Key] {
				t.Errorf("--by network: %s has %d sessions, the fake says %d", g.Key, g.Sessions, networks[g.Key])
			}
		}
		if len(f.Groups) < 2 {
			t.Errorf("--by network: %d groups", len(f.Groups))
		}
		return r.stdout
	}
	want := byNetwork(collected)

	// A participants page saved from the API, imported first: every
	// session with the list's fields and no samples yet.
	dir := t.TempDir()
	page := filepath.Join(dir, "participants.json")
	if err := os.WriteFile(page, fakeGet(t, fz, "/metrics/meetings/"+zoom.EscapeID(m.UUID)+"/participants",
		url.Values{"type": {"past"}, "page_size": {"300"}}), 0o600); err != nil {
		t.Fatal(err)
	}
	imported := tempDB(t)
	r := zoomqos(t, "", "--db", imported, "import", "--meeting", m.UUID, page)
	if r.code != 0 || !strings.Contains(r.stdout, "sessions      "+n+" ("+n+" new)") ||
		!strings.Contains(r.stdout, "samples       0 added") {
		t.Fatalf("import of a participants page: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Then the meeting's details and QoS pages (what collect kept): they
	// join those sessions, none is added.
	raw := zoomqos(t, "", "--db", collected, "dump", "--meeting", m.UUID, "--format", "raw")
	if raw.code != 0 {
		t.Fatal(raw.stderr)
	}
	r = zoomqos(t, raw.stdout, "--db", imported, "import", "--meeting", m.UUID, "-")
	if r.code != 0 || !strings.Contains(r.stdout, "(0 new)") {
		t.Fatalf("import of the other responses: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := byNetwork(imported); got != want {
		t.Errorf("imported, --by network gives\n%s\ncollected\n%s", got, want)
	}
	meetings := func(db string) string {
		t.Helper()
		return zoomqos(t, "", "--db", db, "meetings", "--format", "csv").stdout
	}
	// The same meeting, topic and number included (the documents column
	// aside: the participants page is there twice, as saved and as
	// collected, which are the same bytes).
	if got, want := meetings(imported), meetings(collected); !strings.Contains(got, ",past,") || cutDocuments(got) != cutDocuments(want) {
		t.Errorf("imported:\n%s\ncollected:\n%s", got, want)
	}

	// reparse rebuilds the sessions from every raw response, the
	// participants list included: nothing of it is lost.
	agreement := zoomqos(t, "", "--db", collected, "analyze", "--meeting", m.UUID, "--format", "json").stdout
	if !strings.Contains(agreement, `"zoom_rating_agreement"`) || !strings.Contains(agreement, `"agreement_rate"`) {
		t.Fatalf("no agreement in the analysis:\n%.400s", agreement)
	}
	r = zoomqos(t, "", "--db", collected, "reparse")
	if r.code != 0 || !strings.Contains(r.stdout, "sessions "+n+" -> "+n) {
		t.Fatalf("reparse: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if got := byNetwork(collected); got != want {
		t.Errorf("after reparse, --by network gives\n%s\nbefore\n%s", got, want)
	}
	if got := zoomqos(t, "", "--db", collected, "analyze", "--meeting", m.UUID, "--format", "json").stdout; got != agreement {
		t.Error("the analysis (Zoom's ratings among it) differs after reparse")
	}

	// The QoS answers' newer fields, in the report's participant details.
	r = zoomqos(t, "", "--db", collected, "report", "--meeting", m.UUID, "-o", "-")
	for _, w := range []string{"health <bdi>", "issues <bdi>", "reconnect reason <bdi>network reconnect</bdi>", "socket breaks <bdi>"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("the report lacks %q", w)
		}
	}
}

// fakeGet answers a GET of the fake Zoom API as curl would save it.
func fakeGet(t *testing.T, fz *fakezoom.Running, path string, q url.Values) []byte {
	t.Helper()
	o := fz.Options()
	form := url.Values{"grant_type": {"account_credentials"}, "account_id": {o.AccountID}}
	req, _ := http.NewRequest(http.MethodPost, fz.TokenURL, strings.NewReader(form.Encode()))
	req.SetBasicAuth(o.ClientID, o.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(httpBody(t, req), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	req, _ = http.NewRequest(http.MethodGet, fz.APIURL+path+"?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return httpBody(t, req)
}

func httpBody(t *testing.T, req *http.Request) []byte {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %s %v %s", req.Method, req.URL.Path, resp.Status, err, b)
	}
	return b
}

// cutDocuments drops the documents column of `meetings --format csv`.
func cutDocuments(csv string) string {
	var out []string
	for _, line := range strings.Split(csv, "\n") {
		f := strings.Split(line, ",")
		if len(f) > 9 {
			f = append(f[:9:9], f[10:]...)
		}
		out = append(out, strings.Join(f, ","))
	}
	return strings.Join(out, "\n")
}
