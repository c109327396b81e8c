package zoom

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
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
			var logs zoomtest.Log
			fz, client := account(t, pastOnly(1, 5), func(c *ClientConfig) {
				c.TokenURL = tc.tokenURL
				c.HeaderTimeout = 20 * time.Millisecond
				c.MaxBackoff = 2 * time.Millisecond
				c.Log = logs.Logger()
			})
			_, err := getMeeting(t, client, fz.Meetings()[0].UUID)
			zoomtest.MustSay(t, tc.name, err, "cannot get a Zoom access token", "ClientConfig.TokenURL")
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
		if _, err := getMeeting(t, client, fz.Meetings()[0].UUID); err != nil {
			t.Fatal(err)
		}
		if st := client.Stats(); st.TokenRequests != 1 || st.TokenAttempts < 1 {
			t.Errorf("stats %+v: want 1 token", st)
		}
	})
}

// A fixed access token (Credentials.AccessToken) that Zoom refuses cannot be
// renewed: the error says it was refused and what to do, never that a new
// one was fetched, and a request after it is not sent at all. (That a
// collection then stops at once, rather than refusing every meeting in
// turn, is collect's test.)
func TestFixedTokenRefused(t *testing.T) {
	check := func(t *testing.T, what string, err error) {
		t.Helper()
		zoomtest.MustSay(t, what, err, "Zoom refused the access token from Credentials.AccessToken", "cannot be renewed",
			"put a new one in Credentials.AccessToken, or set Credentials.AccountID, Credentials.ClientID and Credentials.ClientSecret")
		if err != nil && strings.Contains(err.Error(), "even after") {
			t.Errorf("%s: %v", what, err)
		}
		if !errors.Is(err, ErrTokenRefused) {
			t.Errorf("%s: %v is not ErrTokenRefused", what, err)
		}
	}
	fz, _ := account(t, pastOnly(3, 5))
	client, _ := NewClient(ClientConfig{Credentials: Credentials{AccessToken: "not-a-token-of-this-account"}, APIURL: fz.APIURL})
	_, err := getMeeting(t, client, fz.Meetings()[0].UUID)
	check(t, "refused", err)
	_, err = client.Get(context.Background(), Request{Path: "/metrics/meetings", Endpoint: "GET /metrics/meetings"})
	check(t, "asked again", err)
	if n := fz.Requests(); n != 1 {
		t.Errorf("%d requests sent, want the one refused", n)
	}
}

// AccessToken hands out the token API requests use; credentials the token
// URL refuses are ErrCredentialsRefused (asking again cannot help), a
// token URL that cannot be reached is not.
func TestAccessToken(t *testing.T) {
	fz, client := account(t, pastOnly(1, 2))
	tok, err := client.AccessToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if issued := fz.IssuedTokens(); len(issued) != 1 || issued[0] != tok {
		t.Errorf("token %q, the fake issued %q", tok, issued)
	}
	if again, err := client.AccessToken(context.Background()); err != nil || again != tok {
		t.Errorf("a second call: %q, %v; want the same token", again, err)
	}

	_, wrong := account(t, pastOnly(1, 2), func(c *ClientConfig) { c.Credentials.ClientSecret = "not-the-secret" })
	_, err = wrong.AccessToken(context.Background())
	if !errors.Is(err, ErrCredentialsRefused) || strings.Contains(err.Error(), "not-the-secret") {
		t.Errorf("wrong secret: %v; want ErrCredentialsRefused, without the secret", err)
	}

	_, gone := account(t, pastOnly(1, 2), func(c *ClientConfig) { c.TokenURL = closedURL(t) + "/oauth/token" })
	_, err = gone.AccessToken(context.Background())
	if err == nil || errors.Is(err, ErrCredentialsRefused) {
		t.Errorf("unreachable token URL: %v; want an error worth another try", err)
	}
}

// RenewToken replaces a token a connection was refused with (expired by
// the fake's clock while the client still holds it): the next AccessToken
// is the new one, the fake takes it, and renewing the refused token again
// (a second connection refused with it) fetches no third. A fixed token
// cannot be renewed: ErrTokenRefused, saying what to do.
func TestRenewToken(t *testing.T) {
	o := pastOnly(1, 2)
	var later atomic.Bool
	o.Clock = func() time.Time {
		if later.Load() {
			return epoch.Add(2 * time.Hour) // past the tokens' hour
		}
		return epoch
	}
	fz, client := account(t, o)
	ctx := context.Background()
	old, err := client.AccessToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	later.Store(true)
	fresh, err := client.RenewToken(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if fresh == old || fresh == "" {
		t.Fatalf("renewed %q, refused %q: want a new one", fresh, old)
	}
	if now, err := client.AccessToken(ctx); err != nil || now != fresh {
		t.Errorf("AccessToken after the renewal: %q, %v; want the new token", now, err)
	}
	if again, err := client.RenewToken(ctx, old); err != nil || again != fresh {
		t.Errorf("renewing the old token again: %q, %v; want the new one kept", again, err)
	}
	if _, err := getMeeting(t, client, fz.Meetings()[0].UUID); err != nil {
		t.Errorf("an API request with the new token: %v", err)
	}
	if issued := fz.IssuedTokens(); len(issued) != 2 || issued[1] != fresh {
		t.Errorf("the fake issued %q, want the old and the new token", issued)
	}

	fixed, _ := NewClient(ClientConfig{Credentials: Credentials{AccessToken: "fixed-token"}, APIURL: fz.APIURL})
	_, err = fixed.RenewToken(ctx, "fixed-token")
	zoomtest.MustSay(t, "a fixed token renewed", err, "Zoom refused the access token from Credentials.AccessToken", "cannot be renewed")
	if !errors.Is(err, ErrTokenRefused) {
		t.Errorf("%v is not ErrTokenRefused", err)
	}
}
