package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// earlyRenewal is how long before its expiry a token is replaced, as Zoom's
// own SDK does.
const earlyRenewal = time.Minute

// tokens holds the one access token of the process: fetched with the
// account_credentials grant and renewed before it expires, or the fixed
// token the user gave.
type tokens struct {
	mu       sync.Mutex
	conf     *clientcredentials.Config // nil for a fixed token
	http     *http.Client
	current  *oauth2.Token
	fixed    bool
	requests int64
}

func newTokens(c Credentials, tokenURL string, hc *http.Client) *tokens {
	if !c.OAuth() {
		return &tokens{current: &oauth2.Token{AccessToken: c.AccessToken, TokenType: "Bearer"}, fixed: true}
	}
	return &tokens{http: hc, conf: &clientcredentials.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		TokenURL:     tokenURL,
		AuthStyle:    oauth2.AuthStyleInHeader,
		EndpointParams: url.Values{
			"grant_type": {"account_credentials"},
			"account_id": {c.AccountID},
		},
	}}
}

// get returns a token valid for at least earlyRenewal more, fetching one
// when needed.
func (t *tokens) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.current != nil && (t.fixed || t.current.Expiry.IsZero() || time.Until(t.current.Expiry) > earlyRenewal) {
		return t.current.AccessToken, nil
	}
	if t.fixed {
		return "", errors.New("the access token from ZOOM_ACCESS_TOKEN was refused; get a new one, or set up Server-to-Server OAuth credentials")
	}
	t.requests++
	tok, err := t.conf.Token(context.WithValue(ctx, oauth2.HTTPClient, t.http))
	if err != nil {
		return "", tokenError(t.conf.TokenURL, err)
	}
	t.current = tok
	return tok.AccessToken, nil
}

// invalidate drops the token if it is still the one given, so that the
// next get fetches a new one; it reports whether a new one can come.
func (t *tokens) invalidate(tok string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fixed {
		t.current = nil
		return false
	}
	if t.current != nil && t.current.AccessToken == tok {
		t.current = nil
	}
	return true
}

// replaced reports whether a newer token than tok is in hand (another
// request renewed it after tok was refused).
func (t *tokens) replaced(tok string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.fixed && t.current != nil && t.current.AccessToken != tok
}

// tokenError says why no token came, in the user's terms; it never quotes
// the request (which carries the credentials) or the body word for word.
func tokenError(tokenURL string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return &tokenFetchError{url: tokenURL, err: err}
	}
	var body struct {
		Reason string `json:"reason"`
		Error  string `json:"error"`
	}
	json.Unmarshal(re.Body, &body)
	if body.Error == "" {
		body.Error = re.ErrorCode
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	hint := ""
	switch {
	case status == http.StatusUnauthorized || body.Error == "invalid_client":
		hint = ": check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET"
	case body.Error == "invalid_request" || body.Error == "invalid_grant":
		hint = ": check ZOOM_ACCOUNT_ID"
	}
	return fmt.Errorf("Zoom refused the Server-to-Server OAuth credentials at %s (HTTP %d %s: %s)%s",
		tokenURL, status, body.Error, firstLine(body.Reason, 200), hint)
}

// tokenFetchError is a failure to reach the token endpoint: worth retrying.
type tokenFetchError struct {
	url string
	err error
}

func (e *tokenFetchError) Error() string {
	return fmt.Sprintf("get a Zoom access token from %s: %v", e.url, e.err)
}
func (e *tokenFetchError) Unwrap() error { return e.err }
