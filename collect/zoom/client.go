package zoom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/zoomqos/zoomqos/internal/secret"
	"golang.org/x/time/rate"
)

// Zoom's documented endpoints.
const (
	DefaultAPIURL   = "https://api.zoom.us/v2"
	DefaultTokenURL = "https://zoom.us/oauth/token"
	DefaultRate     = 10 // requests a second: Zoom's Heavy limit on Pro accounts
	// DefaultListRate is Resource-intensive requests a minute (GET
	// /metrics/meetings, /metrics/webinars): Zoom's limit on Pro accounts.
	DefaultListRate = 10
)

// ClientConfig sets up a Client. Only Credentials are required.
type ClientConfig struct {
	Credentials Credentials
	APIURL      string  // default DefaultAPIURL
	TokenURL    string  // default DefaultTokenURL
	Rate        float64 // Heavy requests a second; default DefaultRate
	// ListRate is Resource-intensive requests a minute (the meeting and
	// webinar lists), limited apart from the Heavy ones as Zoom does;
	// default DefaultListRate.
	ListRate float64
	// HTTP sends the requests; default a client without an overall
	// timeout: HeaderTimeout and StallTimeout bound each try instead, so
	// that a large page on a slow link is not cut off.
	HTTP *http.Client
	// MaxRetries bounds retries of one request after 5xx answers, network
	// errors, answers that never came, stalled or cut-off bodies and 200s
	// that were not what was asked for (default 5); Max429 bounds retries
	// after per-second 429s (default 12).
	MaxRetries, Max429 int
	// Backoff is the first retry's wait; it doubles each time, with jitter,
	// up to MaxBackoff (defaults 1s and 30s). A 429's Retry-After is
	// honoured up to MaxRetryAfter (default 2 minutes); longer ones fall
	// back to the backoff.
	Backoff, MaxBackoff, MaxRetryAfter time.Duration
	// HeaderTimeout bounds the wait for an answer to begin, connecting
	// included (default DefaultHeaderTimeout, 30s); StallTimeout the
	// longest pause while an answer's body arrives (default
	// DefaultStallTimeout, 30s). A try that runs out is retried.
	HeaderTimeout, StallTimeout time.Duration
	// Secrets holds what must never be printed. The client adds the
	// client secret, the access token and each token it is issued, and
	// scrubs its errors and logs with it. Share one Set with whatever
	// else prints (stderr, the log handler), so that they know the tokens
	// too. Default: a Set of the client's own.
	Secrets   *secret.Set
	Log       *slog.Logger
	UserAgent string
	// Name names a setting in the errors that ask the user to check or
	// change it, the way the program's users set it (an environment
	// variable, a flag). Default: Setting.String, the field a Go program
	// sets.
	Name func(Setting) string
}

// Client calls the Zoom API: one token per process, renewed before it
// expires and once more after a 401; a client-side rate limit shared by
// every goroutine; retries with backoff for 429s, 5xx answers, network
// errors and answers that did not come or came wrong. Secrets never
// appear in what it logs or returns.
type Client struct {
	cfg     ClientConfig
	base    string
	tokenAt string // the token endpoint, for logs: "POST /oauth/token"
	tokens  *tokens
	limiter *rate.Limiter // Heavy requests
	lists   *rate.Limiter // Resource-intensive requests
	secrets *secret.Set
	log     *slog.Logger

	requests atomic.Int64
	retries  atomic.Int64
	held     heldTime // wall time during which a request was held back
}

// NewClient checks the configuration and returns a client. It makes no
// request: the first token is fetched with the first call.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.Name == nil {
		cfg.Name = Setting.String
	}
	if err := cfg.Credentials.validate(cfg.Name); err != nil {
		return nil, err
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
	}
	var tokenURL *url.URL
	for _, u := range []string{cfg.APIURL, cfg.TokenURL} {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("%q is not an http(s) URL", u)
		}
		tokenURL = p
	}
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.ListRate <= 0 {
		cfg.ListRate = DefaultListRate
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{}
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = 5
	}
	if cfg.Max429 <= 0 {
		cfg.Max429 = 12
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = 2 * time.Minute
	}
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = DefaultStallTimeout
	}
	if cfg.Secrets == nil {
		cfg.Secrets = new(secret.Set)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "zoomqos"
	}
	cfg.Secrets.Add(cfg.Credentials.secrets()...)
	c := &Client{
		cfg:     cfg,
		base:    strings.TrimRight(cfg.APIURL, "/"),
		tokenAt: tokenEndpoint(tokenURL),
		limiter: rate.NewLimiter(rate.Limit(cfg.Rate), 1),
		// Half the minute's allowance at once, the other half spread over
		// the minute: no 60 seconds see more than ListRate requests.
		lists:   rate.NewLimiter(rate.Limit(cfg.ListRate/2/60), max(1, int(cfg.ListRate/2))),
		secrets: cfg.Secrets,
		log:     slog.New(secret.NewHandler(cfg.Log.Handler(), cfg.Secrets)),
	}
	c.tokens = &tokens{current: cfg.Credentials.AccessToken,
		spent: fmt.Errorf("%w from %s, and a token given that way cannot be renewed: %s", ErrTokenRefused, cfg.Name(SettingAccessToken), fixedTokenHelp(cfg.Name))}
	if cfg.Credentials.OAuth() {
		c.tokens = &tokens{fetch: c.fetchToken}
	}
	return c, nil
}

// tokenEndpoint names the token URL as logs name endpoints: method and
// path.
func tokenEndpoint(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	return "POST " + p
}

// Secrets returns the set the client scrubs with: its credentials and
// every access token it was issued.
func (c *Client) Secrets() *secret.Set { return c.secrets }

// String names the client without its credentials.
func (c *Client) String() string { return "Zoom API client for " + c.base }

// GoString keeps %#v from printing the credentials inside.
func (c *Client) GoString() string { return "zoom.Client{" + c.base + "}" }

// LogValue keeps a logged client from showing its credentials.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// ClientStats counts what a client did.
type ClientStats struct {
	Requests      int64         // API requests sent
	Retries       int64         // of which were retries
	TokenRequests int64         // access tokens obtained
	TokenAttempts int64         // requests to the token URL, those that got no token included
	RateWait      time.Duration // wall time during which requests were held back by the rate limit or 429s
}

// Stats returns the counts so far.
func (c *Client) Stats() ClientStats {
	c.tokens.mu.Lock()
	issued, attempts := c.tokens.issued, c.tokens.attempts
	c.tokens.mu.Unlock()
	return ClientStats{Requests: c.requests.Load(), Retries: c.retries.Load(), TokenRequests: issued,
		TokenAttempts: attempts, RateWait: c.held.get()}
}

// maxBody bounds one answer: a page of ten participants of an eight-hour
// meeting is a few megabytes.
const maxBody = 512 << 20

// Get sends a request and returns the body of a 200 answer that is valid
// JSON (and, with req.Want, the answer wanted). Errors are *APIError,
// *DailyLimitError, or a plain error naming the endpoint and meeting after
// the retries ran out. No secret is in their text.
func (c *Client) Get(ctx context.Context, req Request) ([]byte, error) {
	body, err := c.get(ctx, req)
	return body, c.secrets.Error(err)
}

func (c *Client) get(ctx context.Context, req Request) ([]byte, error) {
	target := c.base + req.Path
	if len(req.Query) > 0 {
		target += "?" + req.Query.Encode()
	}
	fails, limits, renewed := 0, 0, false
	// retry waits before the next try after a failure worth one, logging
	// why; it returns errGiveUp once the tries are used up. A failure to
	// get a token is the token endpoint's, logged as its own and not
	// counted as a retry of the API request.
	retry := func(why string, token bool) error {
		if fails++; fails > c.cfg.MaxRetries {
			return errGiveUp
		}
		wait := c.backoff(fails)
		attrs := req.logAttrs()
		if token {
			attrs = []any{"endpoint", c.tokenAt}
		} else {
			c.retries.Add(1)
		}
		c.log.Warn(fmt.Sprintf("%s; retry %d of %d in %s", why, fails, c.cfg.MaxRetries, roundWait(wait)), attrs...)
		return c.sleep(ctx, wait, false)
	}
	for {
		if err := c.wait(ctx, &req); err != nil {
			return nil, err
		}
		tok, err := c.tokens.get(ctx)
		if err != nil {
			var te *tryError
			if !errors.As(err, &te) || !te.retry || ctx.Err() != nil {
				return nil, c.tokenFailed(err, fails+1)
			}
			if rerr := retry(te.Error(), true); rerr != nil {
				if rerr == errGiveUp {
					return nil, c.tokenFailed(err, fails)
				}
				return nil, rerr
			}
			continue
		}
		n := c.requests.Add(1)
		c.log.Debug("request", req.logAttrs("n", n, "query", req.Query.Encode())...)
		resp, body, err := c.try(ctx, func(ctx context.Context) (*http.Request, error) {
			hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			if err != nil {
				return nil, err
			}
			hreq.Header.Set("Authorization", "Bearer "+tok)
			hreq.Header.Set("Accept", "application/json")
			hreq.Header.Set("User-Agent", c.cfg.UserAgent)
			return hreq, nil
		}, maxBody)
		if err == nil && resp.StatusCode == http.StatusOK && req.Want == nil && !jsontext.Value(body).IsValid(decodeOptions...) {
			what, cut := describeBody(body, resp.Header.Get("Content-Type"), c.secrets.Scrub)
			if cut {
				err = &tryError{kind: cutOff, host: resp.Request.URL.Host, got: int64(len(body)), reason: what, retry: true}
			} else {
				err = c.notWanted(resp, &req, "JSON", what)
			}
		}
		if err == nil && resp.StatusCode == http.StatusOK && req.Want != nil {
			if what, cut := req.Want.check(body, resp.Header.Get("Content-Type"), c.secrets.Scrub); cut {
				err = &tryError{kind: cutOff, host: resp.Request.URL.Host, got: int64(len(body)), reason: what, retry: true}
			} else if what != "" {
				err = c.notWanted(resp, &req, req.Want.Name, what)
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var te *tryError
			var nw *notWantedError
			switch {
			case errors.As(err, &nw):
				rerr := retry(nw.logLine(), false)
				if rerr == errGiveUp {
					nw.tries = fails
					return nil, nw
				} else if rerr != nil {
					return nil, rerr
				}
			case errors.As(err, &te) && te.retry:
				rerr := retry(te.Error(), false)
				if rerr == errGiveUp {
					return nil, c.giveUp(req.where(false), te, fails, false)
				} else if rerr != nil {
					return nil, rerr
				}
			case errors.As(err, &te):
				return nil, c.giveUp(req.where(false), te, 1, false)
			default:
				return nil, fmt.Errorf("%s: %w", req.where(false), err)
			}
			continue
		}
		c.log.Debug("answer", "n", n, "status", resp.StatusCode, "tracking_id", resp.Header.Get("X-Zm-Trackingid"))
		if resp.StatusCode != http.StatusUnauthorized {
			// The token was accepted: a later 401 is a new expiry, which
			// earns a renewal of its own.
			renewed = false
		}
		switch s := resp.StatusCode; {
		case s == http.StatusOK:
			return body, nil
		case s == http.StatusUnauthorized && c.tokens.replaced(tok):
			// Another request renewed the token meanwhile: try with the new one.
			c.retries.Add(1)
			continue
		case s == http.StatusUnauthorized && !renewed:
			// Expired or revoked: one new token, one more try.
			renewed = true
			if c.tokens.invalidate(tok) {
				c.retries.Add(1)
				continue
			}
			e := c.newAPIError(resp, body, &req)
			e.fixedToken = true
			return nil, e
		case s == http.StatusTooManyRequests:
			if d := dailyLimit(resp, body); d != nil {
				d.Endpoint, d.Meeting = req.Endpoint, req.Meeting
				return nil, d
			}
			if limits++; limits > c.cfg.Max429 {
				e := c.newAPIError(resp, body, &req)
				return nil, fmt.Errorf("%w; still limited after %d tries: lower %s", e, limits, c.cfg.Name(SettingRate))
			}
			wait, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now())
			if !ok || wait > c.cfg.MaxRetryAfter {
				wait = c.backoff(limits)
			}
			c.log.Info("rate limited by Zoom", req.logAttrs("wait", wait.Round(time.Millisecond))...)
			c.retries.Add(1)
			if err := c.sleep(ctx, wait, true); err != nil {
				return nil, err
			}
		case s >= 500:
			rerr := retry(fmt.Sprintf("Zoom's servers failed (HTTP %d %s)", s, http.StatusText(s)), false)
			if rerr == errGiveUp {
				return nil, fmt.Errorf("%w; gave up after %d tries", c.newAPIError(resp, body, &req), fails)
			} else if rerr != nil {
				return nil, rerr
			}
		default:
			e := c.newAPIError(resp, body, &req)
			e.renewed = s == http.StatusUnauthorized
			return nil, e
		}
	}
}

// errGiveUp ends the retries of a request.
var errGiveUp = errors.New("no tries left")

// giveUp words the end of a request that got no usable answer in tries
// tries: which URL and which setting to check.
func (c *Client) giveUp(where string, te *tryError, tries int, token bool) error {
	name, setting := "the Zoom API at "+c.base, c.cfg.Name(SettingAPIURL)
	if token {
		name, setting = "the Zoom token URL "+c.cfg.TokenURL, c.cfg.Name(SettingTokenURL)
	}
	n := fmt.Sprintf("%d tries", tries)
	if tries == 1 {
		n = "1 try"
	}
	var msg string
	switch te.kind {
	case unreachable:
		msg = fmt.Sprintf("cannot reach %s: %s (%s); check the network, and %s", name, te.reason, n, setting)
	case noAnswer:
		msg = fmt.Sprintf("%s (%s); check %s, or try again later", te.Error(), n, setting)
	case serverFailed:
		msg = fmt.Sprintf("%s (%s); try again later, or check %s", te.reason, n, setting)
	case broken:
		msg = fmt.Sprintf("cannot use %s: %s (%s); check %s", name, te.reason, n, setting)
	default:
		msg = fmt.Sprintf("%s (%s)", te.Error(), n)
	}
	if where != "" {
		msg = where + ": " + msg
	}
	return &gaveUpError{msg: msg, err: te}
}

// gaveUpError is the end of a request's tries; it wraps the last try's
// error.
type gaveUpError struct {
	msg string
	err error
}

func (e *gaveUpError) Error() string { return e.msg }

func (e *gaveUpError) Unwrap() error { return e.err }

// tokenFailed words a failure to get an access token after tries tries.
func (c *Client) tokenFailed(err error, tries int) error {
	var te *tryError
	if errors.As(err, &te) {
		return fmt.Errorf("cannot get a Zoom access token: %w", c.giveUp("", te, tries, true))
	}
	return err
}

// notWantedError is a 200 answer that was not what was asked for.
type notWantedError struct {
	where, want, instead, trackingID string
	tries                            int
}

func (c *Client) notWanted(resp *http.Response, req *Request, want, instead string) *notWantedError {
	return &notWantedError{where: req.where(true), want: want, instead: instead, trackingID: resp.Header.Get("X-Zm-Trackingid")}
}

func (e *notWantedError) logLine() string {
	return fmt.Sprintf("%s: the answer is not %s but %s", e.where, e.want, e.instead)
}

func (e *notWantedError) Error() string {
	s := fmt.Sprintf("%s: the answer is not %s but %s (HTTP 200, %d tries", e.where, e.want, e.instead, e.tries)
	if e.trackingID != "" {
		s += ", tracking id " + e.trackingID
	}
	return s + ")"
}
