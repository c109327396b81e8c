package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
)

// Errors that ask the user to set or check something name it as the user
// sets it: the environment variable or config-file key, and the flag when
// there is one. The whole line is pinned, as a user reads it.
func TestErrorsNameTheSettings(t *testing.T) {
	fz := fakeAccount(t, fakezoom.Options{Seed: 2, PastMeetings: 1, Participants: 5})
	host := strings.TrimPrefix(fz.URL, "http://")
	id := fz.Meetings()[0].UUID
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no credentials", map[string]string{"ZOOM_ACCOUNT_ID": "", "ZOOM_CLIENT_ID": "", "ZOOM_CLIENT_SECRET": ""}, []string{"--meeting", "1"},
			"no Zoom credentials: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (a Server-to-Server OAuth app), or ZOOM_ACCESS_TOKEN, in the environment or the config file"},
		{"no account or secret", map[string]string{"ZOOM_ACCOUNT_ID": "", "ZOOM_CLIENT_SECRET": ""}, []string{"--meeting", "1"},
			"incomplete Server-to-Server OAuth credentials: ZOOM_ACCOUNT_ID, ZOOM_CLIENT_SECRET not set"},
		{"no client id", map[string]string{"ZOOM_CLIENT_ID": ""}, []string{"--meeting", "1"},
			"incomplete Server-to-Server OAuth credentials: ZOOM_CLIENT_ID not set"},
		{"wrong secret", map[string]string{"ZOOM_CLIENT_SECRET": "wrong-secret"}, []string{"--meeting", id},
			"Zoom refused the Server-to-Server OAuth credentials at http://HOST/oauth/token (HTTP 401 invalid_client: Invalid client_id or client_secret): check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET"},
		{"wrong account", map[string]string{"ZOOM_ACCOUNT_ID": "nobody"}, []string{"--meeting", id},
			"Zoom refused the Server-to-Server OAuth credentials at http://HOST/oauth/token (HTTP 400 invalid_request: Invalid request : Account ID is not valid.): check ZOOM_ACCOUNT_ID"},
		{"token URL not OAuth", nil, []string{"--token-url", fz.APIURL, "--meeting", id},
			`cannot get a Zoom access token: the token URL http://HOST/v2 answered HTTP 405 Method Not Allowed with JSON without an access_token ({"code":405,"message":"Method not allowed."}), so it is not a Zoom OAuth token endpoint: check ZOOM_TOKEN_URL or --token-url (Zoom's is https://zoom.us/oauth/token)`},
		{"fixed token refused", map[string]string{"ZOOM_ACCOUNT_ID": "", "ZOOM_CLIENT_ID": "", "ZOOM_CLIENT_SECRET": "", "ZOOM_ACCESS_TOKEN": "wrong-token-value"}, []string{"--meeting", "85000000001"},
			"meeting 85000000001: GET /metrics/meetings/{meetingId}: Zoom refused the access token from ZOOM_ACCESS_TOKEN (Invalid access token.), and a token given that way cannot be renewed: " +
				"put a new one in ZOOM_ACCESS_TOKEN, or set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (a Server-to-Server OAuth app) instead, for tokens zoomqos renews itself " +
				"(HTTP 401, Zoom code 124, tracking id v=2.0;clid=fake;rid=N)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			r := zoomqos(t, "", append([]string{"--db", tempDB(t), "collect"}, tc.args...)...)
			lastLine(t, r, 1)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			got := strings.ReplaceAll(lines[len(lines)-1], host, "HOST")
			got = regexp.MustCompile(`rid=[0-9]+`).ReplaceAllString(got, "rid=N")
			if want := "zoomqos: " + tc.want; got != want {
				t.Errorf("stderr ends\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// A discovery list given to import says which command reads it, after the
// file and the document, and before what was imported of the file.
func TestImportOfADiscoveryList(t *testing.T) {
	dir := t.TempDir()
	list := `{"meetings":[{"uuid":"x","id":1}],"page_size":300,"next_page_token":""}` + "\n"
	qos, err := os.ReadFile("testdata/participant-qos.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"list.json": list, "wlist.json": `{"webinars":[],"page_size":300}`, "after.json": string(qos) + list} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := zoomqos(t, "", "--db", tempDB(t), "import", "--meeting", "1",
		filepath.Join(dir, "list.json"), filepath.Join(dir, "wlist.json"), filepath.Join(dir, "after.json"))
	at := len(qos)
	want := "zoomqos: DIR/list.json: document at byte 0: not a Zoom QoS response: it is a list of meetings (GET /metrics/meetings): collect --past discovers them; import takes one meeting's QoS, participants or details answers\n" +
		"zoomqos: DIR/wlist.json: document at byte 0: not a Zoom QoS response: it is a list of webinars (GET /metrics/webinars): collect --past discovers them; import takes one meeting's QoS, participants or details answers\n" +
		"zoomqos: DIR/after.json: document at byte " + strconv.Itoa(at) + ": not a Zoom QoS response: it is a list of meetings (GET /metrics/meetings): collect --past discovers them; import takes one meeting's QoS, participants or details answers (the 1 document(s) before it were imported)\n"
	if got := strings.ReplaceAll(r.stderr, dir, "DIR"); r.code != 1 || got != want {
		t.Errorf("exit status %d, stderr\n%s\nwant\n%s", r.code, got, want)
	}
}
