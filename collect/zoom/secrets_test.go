package zoom

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zoomqos/zoomqos/collect/zoom/zoomtest"
	"github.com/zoomqos/zoomqos/internal/secret"
)

const testSecret = "s3cr3t-Zoom-Client-Secret-1234"

// The client's secrets take the client secret out of errors that would
// otherwise carry it.
func TestScrub(t *testing.T) {
	c, _ := NewClient(ClientConfig{Credentials: Credentials{AccountID: "a", ClientID: "b", ClientSecret: testSecret}})
	err := c.Secrets().Error(fmt.Errorf("proxy said: bad secret %s", testSecret))
	if strings.Contains(err.Error(), testSecret) || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("scrub: %v", err)
	}
}

// revealed lists which of the secrets text gives away, in any form.
func revealed(text string, secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		if secret.Reveals(text, s) {
			out = append(out, s[:min(6, len(s))]+"...")
		}
	}
	return out
}

// Servers that quote what they were sent: a token endpoint that echoes
// the request's headers and body in its error, and an API that echoes the
// Authorization header in its 401 and 404 bodies. No form of the client
// secret or of any issued token shows in the errors or the logs.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	echo := func(r *http.Request) string {
		body, _ := io.ReadAll(r.Body)
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s", r.Method, r.URL.RequestURI())
		for _, k := range []string{"Authorization", "Content-Type"} {
			fmt.Fprintf(&b, "; %s: %s", k, r.Header.Get(k))
		}
		fmt.Fprintf(&b, "; body: %s", body)
		return b.String()
	}
	jsonString := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	for _, tc := range []struct {
		name  string
		token func(w http.ResponseWriter, r *http.Request) // nil: the fake's
		api   func(w http.ResponseWriter, r *http.Request) bool
	}{
		{name: "token endpoint refuses, quoting the request", token: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":"invalid_request","reason":%s}`, jsonString("cannot handle "+echo(r)))
		}},
		{name: "token endpoint fails, quoting the request in HTML", token: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "<html><head><title>Error %s</title></head></html>", echo(r))
		}},
		{name: "token endpoint answers a page quoting the request", token: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, echo(r))
		}},
		{name: "API answers 404, quoting the Authorization header", api: func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"code":1001,"message":%s}`, jsonString("No such resource for "+echo(r)))
			return true
		}},
		{name: "a proxy answers 404, quoting the request", api: func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, "Not Found: %s", echo(r))
			return true
		}},
		{name: "API answers 401, quoting the Authorization header", api: func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"code":124,"message":%s}`, jsonString("Invalid access token: "+r.Header.Get("Authorization")))
			return true
		}},
		{name: "API answers 500 with the header", api: func(w http.ResponseWriter, r *http.Request) bool {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "upstream rejected %s", echo(r))
			return true
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := pastOnly(1, 5)
			opts.ClientSecret = testSecret
			var logs zoomtest.Log
			srv, client, _ := wrapped(t, opts, func(fake http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					switch {
					case r.URL.Path == "/oauth/token" && tc.token != nil:
						tc.token(w, r)
					case r.URL.Path != "/oauth/token" && tc.api != nil && tc.api(w, r):
					default:
						fake.ServeHTTP(w, r)
					}
				})
			}, func(c *ClientConfig) { c.Log = logs.Logger() })
			_, err := getMeeting(t, client, srv.Meetings()[0].UUID)
			if err == nil {
				t.Fatal("no error")
			}
			everything := err.Error() + "\n" + logs.String()
			if leaks := revealed(everything, append(srv.IssuedTokens(), testSecret)...); len(leaks) > 0 {
				t.Errorf("%s: %v shown in:\n%s", tc.name, leaks, everything)
			}
			if !strings.Contains(everything, secret.Redacted) {
				t.Errorf("%s: nothing was redacted: the server echoed nothing, the test proves nothing:\n%s", tc.name, everything)
			}
			if tc.api != nil && len(srv.IssuedTokens()) == 0 {
				t.Error("no token was issued")
			}
		})
	}
}

// A token URL whose answer quotes the client secret the way other
// encoders write it (PHP's \/, \u002F, Python's \u00e9), or cut short:
// nothing of it reaches the error or the logs.
func TestTokenURLQuotingTheSecretItsOwnWay(t *testing.T) {
	php := func(s string) string { // json_encode: \/ and \u00e9
		var b strings.Builder
		for _, r := range s {
			switch {
			case r == '/':
				b.WriteString(`\/`)
			case r == '"' || r == '\\':
				b.WriteString(`\` + string(r))
			case r > 0x7f:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	upper := func(s string) string { return strings.ReplaceAll(php(s), `\/`, `\u002F`) }
	python := func(s string) string { return strings.ReplaceAll(php(s), `\/`, `/`) }
	cut := func(s string) string { return url.QueryEscape(s)[:len(url.QueryEscape(s))*4/5] + "..." }
	for i, sec := range []string{"AbCd/EfGh/IjKl/MnOp1234", "AbCdéEfGhIjKlMnOp5678", `Sx9qZ+/w"é<&\Q7tailX`} {
		for name, quote := range map[string]func(string) string{"PHP": php, `\u002F`: upper, "Python": python, "cut short": cut} {
			t.Run(fmt.Sprintf("%s, secret %d", name, i), func(t *testing.T) {
				opts := pastOnly(1, 5)
				opts.ClientSecret = sec
				var logs zoomtest.Log
				srv, client, _ := wrapped(t, opts, func(fake http.Handler) http.Handler {
					return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						if r.URL.Path != "/oauth/token" {
							fake.ServeHTTP(w, r)
							return
						}
						_, got, _ := r.BasicAuth()
						got, _ = url.QueryUnescape(got)
						w.Header().Set("Content-Type", "application/json")
						fmt.Fprintf(w, `{"status":"unknown client","client_secret":"%s"}`, quote(got))
					})
				}, func(c *ClientConfig) { c.Log = logs.Logger() })
				_, err := getMeeting(t, client, srv.Meetings()[0].UUID)
				everything := fmt.Sprint(err) + "\n" + logs.String()
				if secret.Reveals(everything, sec) || secret.RevealsPart(everything, sec) {
					t.Errorf("%s: the secret shows in:\n%s", name, everything)
				}
				if !strings.Contains(everything, `"client_secret":"`+secret.Redacted) {
					t.Errorf("%s: the quote should be there, redacted:\n%s", name, everything)
				}
			})
		}
	}
}
