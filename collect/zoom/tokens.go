package zoom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// earlyRenewal is how long before its expiry a token is replaced, as Zoom's
// own SDK does.
const earlyRenewal = time.Minute

// maxTokenBody bounds the token endpoint's answer.
const maxTokenBody = 1 << 20

// tokens holds the one access token of the process: fetched with the
// account_credentials grant and renewed before it expires, or the fixed
// token the user gave.
type tokens struct {
	mu       sync.Mutex
	fetch    func(context.Context) (string, time.Duration, error) // nil for a fixed token
	current  string
	expiry   time.Time // zero: unknown, used until refused
	issued   int64     // tokens obtained
	attempts int64     // requests to the token URL, failed ones included
	// spent is the error once the fixed token was refused: none other
	// can be had.
	spent error
}

// get returns a token valid for at least earlyRenewal more, fetching one
// when needed; one fetch at a time.
func (t *tokens) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.current != "" && (t.fetch == nil || t.expiry.IsZero() || time.Until(t.expiry) > earlyRenewal) {
		return t.current, nil
	}
	if t.fetch == nil {
		return "", t.spent
	}
	t.attempts++
	tok, ttl, err := t.fetch(ctx)
	if err != nil {
		return "", err
	}
	t.issued++
	t.current, t.expiry = tok, time.Time{}
	if ttl > 0 {
		t.expiry = time.Now().Add(ttl)
	}
	return tok, nil
}

// invalidate drops the token if it is still the one given, so that the
// next get fetches a new one; it reports whether a new one can come.
func (t *tokens) invalidate(tok string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fetch == nil {
		t.current = ""
		return false
	}
	if t.current == tok {
		t.current = ""
	}
	return true
}

// replaced reports whether a newer token than tok is in hand (another
// request renewed it after tok was refused).
func (t *tokens) replaced(tok string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fetch != nil && t.current != "" && t.current != tok
}

// fixedTokenHelp says what to do when the fixed access token the user
// gave is refused.
func fixedTokenHelp(name func(Setting) string) string {
	return "put a new one in " + name(SettingAccessToken) + ", or set " + name(SettingAccountID) + ", " + name(SettingClientID) + " and " + name(SettingClientSecret) +
		" (a Server-to-Server OAuth app) instead, for tokens zoomqos renews itself"
}

// fetchToken asks the token URL for an access token: Server-to-Server
// OAuth, Basic client credentials, grant_type=account_credentials. The
// token is added to the client's secrets before anything else sees it.
// Errors say in words what the token URL answered; a *tryError is worth
// another try.
func (c *Client) fetchToken(ctx context.Context) (string, time.Duration, error) {
	cr := c.cfg.Credentials
	form := url.Values{"grant_type": {"account_credentials"}, "account_id": {cr.AccountID}}.Encode()
	resp, body, err := c.try(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.TokenURL, strings.NewReader(form))
		if err != nil {
			return nil, err
		}
		// As golang.org/x/oauth2 sends them (RFC 6749 2.3.1); Zoom's ids
		// and secrets need no escaping.
		req.SetBasicAuth(url.QueryEscape(cr.ClientID), url.QueryEscape(cr.ClientSecret))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", c.cfg.UserAgent)
		return req, nil
	}, maxTokenBody)
	if err != nil {
		return "", 0, err
	}
	var tj struct {
		AccessToken string      `json:"access_token"`
		ExpiresIn   json.Number `json:"expires_in"`
		Error       string      `json:"error"`
		Reason      string      `json:"reason"`
		Description string      `json:"error_description"`
	}
	isJSON := json.Unmarshal(body, &tj) == nil && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))
	status := resp.StatusCode
	answered := fmt.Sprintf("answered HTTP %d %s", status, http.StatusText(status))
	switch {
	case status/100 == 2 && tj.AccessToken != "":
		c.secrets.Add(tj.AccessToken)
		secs, _ := tj.ExpiresIn.Float64()
		return tj.AccessToken, time.Duration(secs * float64(time.Second)), nil
	case isJSON && (tj.Error != "" || tj.Reason != "") && status < 500 && status != http.StatusTooManyRequests:
		return "", 0, c.refused(status, tj.Error, orElse(tj.Reason, tj.Description))
	case status >= 500 || status == http.StatusTooManyRequests:
		// Zoom's sign-in failing or busy: worth another try.
		what, _ := describeBody(body, resp.Header.Get("Content-Type"), c.secrets.Scrub)
		if isJSON {
			what = c.jsonWithout(body)
		}
		return "", 0, &tryError{kind: serverFailed, host: resp.Request.URL.Host, retry: true,
			reason: fmt.Sprintf("the token URL %s %s with %s", c.cfg.TokenURL, answered, what)}
	}
	what, _ := describeBody(body, resp.Header.Get("Content-Type"), c.secrets.Scrub)
	if isJSON {
		what = c.jsonWithout(body)
	}
	return "", 0, fmt.Errorf("cannot get a Zoom access token: the token URL %s %s with %s, so it is not a Zoom OAuth token endpoint: check %s (Zoom's is %s)",
		c.cfg.TokenURL, answered, what, c.cfg.Name(SettingTokenURL), DefaultTokenURL)
}

// jsonWithout describes a JSON answer without an access token, quoting it.
func (c *Client) jsonWithout(body []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, body) != nil {
		b.Reset()
		b.Write(body)
	}
	return "JSON without an access_token (" + firstLine(c.secrets.Scrub(b.String()), 160) + ")"
}

// refused says why Zoom refused the credentials, in the user's terms.
func (c *Client) refused(status int, code, reason string) error {
	hint := ""
	switch {
	case status == http.StatusUnauthorized || code == "invalid_client":
		hint = ": check " + c.cfg.Name(SettingClientID) + " and " + c.cfg.Name(SettingClientSecret)
	case code == "invalid_request" || code == "invalid_grant":
		hint = ": check " + c.cfg.Name(SettingAccountID)
	}
	detail := fmt.Sprintf("HTTP %d", status)
	if code != "" {
		detail += " " + code
	}
	if reason = firstLine(c.secrets.Scrub(reason), 200); reason != "" {
		detail += ": " + reason
	}
	return &credentialsError{fmt.Errorf("Zoom refused the Server-to-Server OAuth credentials at %s (%s)%s", c.cfg.TokenURL, detail, hint)}
}

// ErrCredentialsRefused means the token URL refused the Server-to-Server
// OAuth credentials (a 4xx with an OAuth error, such as 401
// invalid_client): no token can be had until they are changed, so asking
// again does not help.
var ErrCredentialsRefused = errors.New("Zoom refused the credentials")

// credentialsError is the token URL's refusal of the credentials.
type credentialsError struct{ error }

func (e *credentialsError) Unwrap() error { return e.error }

// Is makes errors.Is(err, ErrCredentialsRefused) hold for the refusal.
func (e *credentialsError) Is(target error) bool { return target == ErrCredentialsRefused }

// AccessToken returns the access token API requests use now, fetching or
// renewing it first when needed, for a connection outside the REST API
// that needs one (Zoom's WebSocket delivery). It tries once: a failure
// worth another try is left to the caller, which reconnects on its own
// schedule. The credentials refused are ErrCredentialsRefused, a fixed
// token that was refused ErrTokenRefused; no error holds a secret.
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	tok, err := c.tokens.get(ctx)
	if err != nil {
		return "", c.secrets.Error(c.tokenFailed(err, 1))
	}
	return tok, nil
}

// RenewToken is AccessToken for a connection that Zoom refused with the
// token refused (HTTP 401, code 124: expired or revoked): it drops that
// token and returns a new one, as API requests do after such an answer.
// If another request renewed the token meanwhile, that newer one comes
// back and no other is fetched. A fixed token the user gave cannot be
// renewed: ErrTokenRefused, saying what to do. Like AccessToken it tries
// once, and no error holds a secret.
func (c *Client) RenewToken(ctx context.Context, refused string) (string, error) {
	c.tokens.invalidate(refused)
	return c.AccessToken(ctx)
}

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
