package zoom

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom/fakezoom"
	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
)

// An API or token URL that cannot be reached: each retry is logged as a
// warning, and the error says which URL and which setting to check.
func TestUnreachableSaysWhere(t *testing.T) {
	quick := func(c *ClientConfig) {
		c.Rate, c.Backoff, c.MaxBackoff = 1000, time.Millisecond, 2*time.Millisecond
	}
	t.Run("API, connection refused", func(t *testing.T) {
		api := closedURL(t) + "/v2"
		var logs zoomtest.Log
		cfg := ClientConfig{Credentials: Credentials{AccessToken: "a-token-value"}, APIURL: api, Log: logs.Logger()}
		quick(&cfg)
		client, _ := NewClient(cfg)
		_, err := getMeeting(t, client, "85012345678")
		zoomtest.MustSay(t, "unreachable API", err, "meeting 85012345678", "GET /metrics/meetings/{meetingId}: ",
			"cannot reach the Zoom API at "+api, "connection refused", "6 tries", "; check the network, and ClientConfig.APIURL")
		mustLog(t, "unreachable API", logs.String(), "level=WARN",
			"cannot reach "+hostOf(api)+": connection refused; retry 1 of 5 in ", "retry 5 of 5 in ")
	})
	t.Run("API, no such host", func(t *testing.T) {
		// The resolver's answer for a name that does not exist, as
		// net.Dialer gives it, without depending on this machine's DNS.
		noDNS := &http.Client{Transport: &http.Transport{DialContext: func(_ context.Context, network, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
		}}}
		var logs zoomtest.Log
		cfg := ClientConfig{Credentials: Credentials{AccessToken: "a-token-value"}, APIURL: "https://api.zoom.invalid/v2", HTTP: noDNS, Log: logs.Logger()}
		quick(&cfg)
		client, _ := NewClient(cfg)
		_, err := getMeeting(t, client, "85012345678")
		zoomtest.MustSay(t, "unknown host", err, "cannot reach the Zoom API at https://api.zoom.invalid/v2", "no such host", "ClientConfig.APIURL")
		mustLog(t, "unknown host", logs.String(), "cannot reach api.zoom.invalid: no such host")
	})
	t.Run("token URL, connection refused", func(t *testing.T) {
		fz := fakezoom.Start(fakezoom.Options{})
		t.Cleanup(fz.Close)
		tok := closedURL(t) + "/oauth/token"
		var logs zoomtest.Log
		o := fz.Options()
		cfg := ClientConfig{Credentials: Credentials{AccountID: o.AccountID, ClientID: o.ClientID, ClientSecret: o.ClientSecret},
			APIURL: fz.APIURL, TokenURL: tok, Log: logs.Logger()}
		quick(&cfg)
		client, _ := NewClient(cfg)
		_, err := getMeeting(t, client, "85012345678")
		zoomtest.MustSay(t, "unreachable token URL", err, "cannot reach the Zoom token URL "+tok, "connection refused", "6 tries",
			"; check the network, and ClientConfig.TokenURL")
		mustLog(t, "unreachable token URL", logs.String(), "level=WARN",
			"cannot reach "+hostOf(tok)+": connection refused; retry 1 of 5 in ", "retry 5 of 5 in ")
		if fz.Requests() != 0 {
			t.Errorf("%d API requests without a token", fz.Requests())
		}
	})
}

// A server that accepts a request and never answers, or stops in the
// middle of an answer, is given a bounded time per try, then up. A timeout
// that must fire faces a server that never answers, however long it is
// given; one that must not fire is the default, or generous.
func TestNoAnswer(t *testing.T) {
	t.Run("API never answers", func(t *testing.T) {
		// Every API request is held (a fixed token: no token request has
		// to beat the short timeout).
		quit := make(chan struct{})
		var logs zoomtest.Log
		srv, client, base := wrapped(t, pastOnly(1, 5), func(fake http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-quit:
				}
			})
		}, func(c *ClientConfig) {
			c.Credentials = Credentials{AccessToken: "a-token-value"}
			c.HeaderTimeout = 20 * time.Millisecond
			c.Log = logs.Logger()
		})
		t.Cleanup(func() { close(quit) })
		_, err := getMeeting(t, client, srv.Meetings()[0].UUID)
		zoomtest.MustSay(t, "hanging API", err, "meeting "+srv.Meetings()[0].UUID, "GET /metrics/meetings/{meetingId}: ",
			"no answer from "+hostOf(base)+" within 20ms (6 tries); check ClientConfig.APIURL, or try again later")
		mustLog(t, "hanging API", logs.String(), "no answer from "+hostOf(base)+" within 20ms; retry 1 of 5 in ")
		if st := client.Stats(); st.Requests != 6 {
			t.Errorf("%d requests, want 6 tries", st.Requests)
		}
	})
	t.Run("API stalls mid-answer", func(t *testing.T) {
		opts := pastOnly(1, 5)
		opts.Faults.StallEvery = 1
		var logs zoomtest.Log
		fz, client := account(t, opts, func(c *ClientConfig) {
			c.StallTimeout = 20 * time.Millisecond
			c.Log = logs.Logger()
		})
		_, err := getMeeting(t, client, fz.Meetings()[0].UUID)
		zoomtest.MustSay(t, "stalling API", err, "meeting "+fz.Meetings()[0].UUID,
			"the answer from "+hostOf(fz.URL)+" stopped for 20ms after ", " bytes (6 tries)")
		mustLog(t, "stalling API", logs.String(), "the answer from "+hostOf(fz.URL)+" stopped for 20ms after ")
		if n := fz.Requests(); n != 6 {
			t.Errorf("%d requests, want 6 tries", n)
		}
	})
	t.Run("token URL never answers", func(t *testing.T) {
		hang := silentServer(t)
		fz, client := account(t, pastOnly(1, 5), func(c *ClientConfig) {
			c.TokenURL = hang.URL + "/oauth/token"
			c.HeaderTimeout = 20 * time.Millisecond
		})
		_, err := getMeeting(t, client, fz.Meetings()[0].UUID)
		zoomtest.MustSay(t, "hanging token URL", err, "no answer from "+hostOf(hang.URL)+" within 20ms (6 tries); check ClientConfig.TokenURL, or try again later")
		if n := fz.Requests(); n != 0 {
			t.Errorf("%d API requests without a token", n)
		}
	})
	t.Run("one hang among answers", func(t *testing.T) {
		// Answers come; one never does. The try that hangs is given up
		// on and the request sent again. The timeout is generous: a
		// normal answer that missed it would only be tried again.
		opts := pastOnly(1, 25)
		opts.Faults.HangEvery = 3
		fz, client := account(t, opts, func(c *ClientConfig) { c.HeaderTimeout = 3 * time.Second })
		if _, err := getMeeting(t, client, fz.Meetings()[0].UUID); err != nil {
			t.Fatal(err)
		}
		if st := client.Stats(); st.Retries == 0 {
			t.Errorf("no retry counted: %+v", st)
		}
	})
}

// A token URL that is not Zoom's OAuth endpoint is called that, in words,
// whatever it answers; only server failures are tried again.
func TestTokenURLThatIsNotOAuth(t *testing.T) {
	page := func(status int, ctype, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}
	}
	fz := fakezoom.Start(fakezoom.Options{PastMeetings: 1})
	t.Cleanup(fz.Close)
	for _, tc := range []struct {
		name    string
		handler http.Handler // nil: the fake's API URL itself
		words   []string
		tries   int
	}{
		{"the API URL", nil, []string{"answered HTTP 405 Method Not Allowed", `JSON without an access_token ({"code":405,"message":"Method not allowed."})`}, 1},
		{"a web server's home page", page(200, "text/html", "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body>...</body></html>"),
			[]string{"answered HTTP 200 OK", `an HTML page ("Welcome to nginx!")`}, 1},
		{"not found", page(404, "text/plain; charset=utf-8", "404 page not found\n"), []string{"answered HTTP 404 Not Found", `text ("404 page not found")`}, 1},
		{"an empty body", page(200, "", ""), []string{"answered HTTP 200 OK", "an empty body"}, 1},
		{"JSON of something else", page(200, "application/json", `{"status":"ok"}`), []string{`JSON without an access_token ({"status":"ok"})`}, 1},
		{"a proxy that fails", page(502, "text/html", "<html><head><title>502 Bad Gateway</title></head></html>"),
			[]string{"answered HTTP 502 Bad Gateway", `an HTML page ("502 Bad Gateway")`, "6 tries"}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tokURL := fz.APIURL
			var hits int
			var mu sync.Mutex
			if tc.handler != nil {
				ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					hits++
					mu.Unlock()
					tc.handler.ServeHTTP(w, r)
				}))
				t.Cleanup(ts.Close)
				tokURL = ts.URL + "/oauth/token"
			}
			o := fz.Options()
			client, _ := NewClient(ClientConfig{Credentials: Credentials{AccountID: o.AccountID, ClientID: o.ClientID, ClientSecret: o.ClientSecret},
				APIURL: fz.APIURL, TokenURL: tokURL, Rate: 1000, Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond})
			_, err := getMeeting(t, client, fz.Meetings()[0].UUID)
			words := append([]string{"the token URL " + tokURL, "ClientConfig.TokenURL"}, tc.words...)
			if tc.tries == 1 {
				words = append(words, "not a Zoom OAuth token endpoint")
			}
			zoomtest.MustSay(t, tc.name, err, words...)
			if strings.Contains(fmt.Sprint(err), " : ") {
				t.Errorf("%s: an empty field in %v", tc.name, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if tc.handler != nil && hits != tc.tries {
				t.Errorf("%s: %d token requests, want %d", tc.name, hits, tc.tries)
			}
		})
	}
}
