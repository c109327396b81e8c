package collect

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
	"github.com/zoomqos/zoomqos/store"
)

// Retries of a token URL that cannot be reached, or never answers, are
// logged against the token endpoint, not the API request that needed the
// token; the counts tell tokens obtained from attempts, and token retries
// are not API retries.
func TestTokenProblemsAreTheTokenURLs(t *testing.T) {
	hang := silentServer(t)
	for _, tc := range []struct {
		name, tokenURL string
	}{
		{"unreachable", closedURL(t) + "/oauth/token"},
		{"never answers", hang.URL + "/oauth/token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs logBuffer
			fz, client := account(t, pastOnly(1, 5), func(c *zoom.ClientConfig) {
				c.TokenURL = tc.tokenURL
				c.HeaderTimeout = 20 * time.Millisecond
				c.MaxBackoff = 2 * time.Millisecond
				c.Log = logs.logger()
			})
			err := collectOne(t, client, fz.Meetings()[0].UUID)
			mustSay(t, tc.name, err, "cannot get a Zoom access token", "ClientConfig.TokenURL")
			var retries []string
			for line := range strings.SplitSeq(logs.String(), "\n") {
				if strings.Contains(line, "; retry ") {
					retries = append(retries, line)
				}
			}
			if len(retries) != 5 {
				t.Fatalf("%d retry warnings, want 5:\n%s", len(retries), logs.String())
			}
			for _, line := range retries {
				if !strings.Contains(line, `endpoint="POST /oauth/token"`) || strings.Contains(line, "participants") || strings.Contains(line, "meeting=") {
					t.Errorf("a token retry logged against the wrong endpoint: %s", line)
				}
			}
			st := client.Stats()
			if st.TokenRequests != 0 || st.TokenAttempts != 6 || st.Requests != 0 || st.Retries != 0 {
				t.Errorf("stats %+v: want 0 tokens of 6 attempts, 0 requests, 0 retries", st)
			}
		})
	}
	t.Run("tokens that come", func(t *testing.T) {
		opts := pastOnly(1, 5)
		opts.Faults.ServerErrors = 2 // every other request fails, the token URL's too
		fz, client := account(t, opts)
		if err := collectOne(t, client, fz.Meetings()[0].UUID); err != nil {
			t.Fatal(err)
		}
		if st := client.Stats(); st.TokenRequests != 1 || st.TokenAttempts < 1 {
			t.Errorf("stats %+v: want 1 token", st)
		}
	})
}

// A fixed access token (Credentials.AccessToken) that Zoom refuses cannot be
// renewed: the error says it was refused and what to do, never that a new
// one was fetched, and the run stops at once rather than refusing every
// meeting in turn.
func TestFixedTokenRefused(t *testing.T) {
	check := func(t *testing.T, what string, err error) {
		t.Helper()
		mustSay(t, what, err, "Zoom refused the access token from Credentials.AccessToken", "cannot be renewed",
			"put a new one in Credentials.AccessToken, or set Credentials.AccountID, Credentials.ClientID and Credentials.ClientSecret")
		if err != nil && strings.Contains(err.Error(), "even after") {
			t.Errorf("%s: %v", what, err)
		}
	}
	t.Run("from the start", func(t *testing.T) {
		fz, _ := account(t, pastOnly(3, 5))
		client, _ := zoom.NewClient(zoom.ClientConfig{Credentials: zoom.Credentials{AccessToken: "not-a-token-of-this-account"}, APIURL: fz.APIURL})
		c := &Collector{Client: client, DB: openDB(t)}
		_, err := c.Run(context.Background(), Plan{Mode: ModeMeeting, Target: Target{ID: fz.Meetings()[0].UUID}, Type: store.Past})
		check(t, "meeting", err)
	})
	t.Run("expiring in the middle of a run", func(t *testing.T) {
		opts := pastOnly(8, 25)
		opts.Faults.ExpireTokens = 4
		fz, _ := account(t, opts)
		// A token of the account, given as a fixed access token.
		tok := accessToken(t, fz)
		client, _ := zoom.NewClient(zoom.ClientConfig{Credentials: zoom.Credentials{AccessToken: tok}, APIURL: fz.APIURL, Rate: 1000})
		c := &Collector{Client: client, DB: openDB(t)}
		report, err := c.Run(context.Background(), Plan{Mode: ModePast, From: epoch.AddDate(0, 0, -30), To: epoch, Concurrency: 4})
		check(t, "past", err)
		if n := fz.Requests(); n > 4+4 {
			t.Errorf("%d requests: the run went on after the token was refused", n)
		}
		if len(report.Failed) > 0 {
			t.Errorf("each meeting failed in turn: %v", report.Failed)
		}
	})
}
