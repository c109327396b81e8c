package collect

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
)

// readTestdata reads a file of the module's testdata.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// accessToken asks a fake account's token URL for an access token, as a
// user does who gives zoomqos a token of their own.
func accessToken(t *testing.T, fz *fakezoom.Running) string {
	t.Helper()
	o := fz.Options()
	form := url.Values{"grant_type": {"account_credentials"}, "account_id": {o.AccountID}}
	req, err := http.NewRequest(http.MethodPost, fz.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(o.ClientID, o.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tj struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tj); err != nil || tj.AccessToken == "" {
		t.Fatalf("no access token from %s: HTTP %d, %v", fz.TokenURL, resp.StatusCode, err)
	}
	return tj.AccessToken
}

// wrapped serves a fake account behind a handler that may answer for it,
// and returns a client for it. The wrapper sees every request.
func wrapped(t *testing.T, o fakezoom.Options, wrap func(fake http.Handler) http.Handler, tune ...func(*zoom.ClientConfig)) (*fakezoom.Server, *zoom.Client, string) {
	t.Helper()
	srv := fakezoom.NewServer(o)
	ts := httptest.NewServer(wrap(srv))
	t.Cleanup(ts.Close)
	so := srv.Options()
	cfg := zoom.ClientConfig{Credentials: zoom.Credentials{AccountID: so.AccountID, ClientID: so.ClientID, ClientSecret: so.ClientSecret},
		APIURL: ts.URL + "/v2", TokenURL: ts.URL + "/oauth/token", Rate: 1000, Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}
	for _, f := range tune {
		f(&cfg)
	}
	client, err := zoom.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, client, ts.URL
}

// otherThanQoS answers a meeting's details and its participants list for
// a test server that serves its own QoS pages: the details of meeting
// "M", an empty list of participants. It reports whether it answered.
func otherThanQoS(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	switch {
	case strings.HasSuffix(p, "/participants/qos"):
		return false
	case strings.HasSuffix(p, "/participants"):
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"page_count":0,"page_size":300,"total_records":0,"next_page_token":"","participants":[]}`)
		return true
	case strings.HasPrefix(p, "/v2/metrics/meetings/") && !strings.Contains(strings.TrimPrefix(p, "/v2/metrics/meetings/"), "/"):
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"uuid":"M","id":85012345678,"topic":"Test","start_time":"2026-11-20T10:00:00Z","end_time":"2026-11-20T11:00:00Z"}`)
		return true
	}
	return false
}
