package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/zoomqos/zoomqos/internal/secret"
	"github.com/zoomqos/zoomqos/internal/smtptest"
)

// Servers that quote the request back: no form of any secret reaches the
// terminal, in errors or in logs at the debug level.
func TestSecretsNeverPrinted(t *testing.T) {
	const (
		clientSecret = "cs-Very-Secret-7731"
		issued       = "issued-Bearer-Token-99a1b2"
		smtpPassword = "pw-Mail-Secret-4242"
	)
	echo := func(w http.ResponseWriter, r *http.Request, status int) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"code": 124, "message": "refused: " + r.Header.Get("Authorization"),
			"headers": r.Header, "form": r.PostForm.Encode()})
	}
	token := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("refuse") != "" {
			echo(w, r, http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","expires_in":3600}`, issued)
	}))
	defer token.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echo(w, r, http.StatusNotFound)
	}))
	defer api.Close()
	t.Setenv("ZOOM_ACCOUNT_ID", "acct-1")
	t.Setenv("ZOOM_CLIENT_ID", "client-1")
	t.Setenv("ZOOM_CLIENT_SECRET", clientSecret)
	t.Setenv("ZOOMQOS_SMTP_PASSWORD", smtpPassword)
	db := tempDB(t)
	noSecret := func(t *testing.T, r result) {
		t.Helper()
		for _, s := range []string{clientSecret, issued, smtpPassword, "client-1:" + clientSecret} {
			if secret.Reveals(r.stdout+r.stderr, s) {
				t.Errorf("the output gives %q away: %s", s, r.stdout+r.stderr)
			}
		}
	}

	// The token endpoint quotes the Basic credentials.
	r := zoomqos(t, "", "--log-level", "debug", "--db", db, "collect", "--meeting", "85012345678",
		"--api-url", api.URL+"/v2", "--token-url", token.URL+"/oauth/token?refuse=1")
	if r.code == 0 {
		t.Fatal("collect succeeded against a refusing token endpoint")
	}
	noSecret(t, r)

	// The API quotes the bearer token it was given.
	r = zoomqos(t, "", "--log-level", "debug", "--db", db, "collect", "--meeting", "85012345678",
		"--api-url", api.URL+"/v2", "--token-url", token.URL+"/oauth/token")
	if r.code == 0 {
		t.Fatal("collect succeeded against an API that refuses")
	}
	noSecret(t, r)

	// An SMTP server quotes the AUTH PLAIN line.
	srv := smtptest.StartEchoing(t, "reports", "another-password", nil)
	t.Setenv("ZOOMQOS_SMTP_URL", "smtp://reports@"+srv.Addr)
	mdb := incidentDB(t)
	r = zoomqos(t, "", "--log-level", "debug", "--db", mdb, "report", "--meeting", incidentMeeting, "--send",
		"--mail-to", "ops@example.com", "--mail-from", "reports@example.com")
	if r.code == 0 {
		t.Fatal("the mail went out with a wrong password")
	}
	noSecret(t, r)
}
