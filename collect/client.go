package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"golang.org/x/time/rate"
)

// Zoom's documented endpoints.
const (
	DefaultAPIURL   = "https://api.zoom.us/v2"
	DefaultTokenURL = "https://zoom.us/oauth/token"
	DefaultRate     = 10 // requests a second: Zoom's Heavy limit on Pro accounts
)

// ClientConfig sets up a Client. Only Credentials are required.
type ClientConfig struct {
	Credentials Credentials
	APIURL      string  // default DefaultAPIURL
	TokenURL    string  // default DefaultTokenURL
	Rate        float64 // requests a second; default DefaultRate
	HTTP        *http.Client
	// MaxRetries bounds retries of one request after 5xx answers, network
	// errors and cut-off bodies (default 5); Max429 bounds retries after
	// per-second 429s (default 12).
	MaxRetries, Max429 int
	// Backoff is the first retry's wait; it doubles each time, with jitter,
	// up to MaxBackoff (defaults 1s and 30s). A 429's Retry-After is
	// honoured up to MaxRetryAfter (default 2 minutes); longer ones fall
	// back to the backoff.
	Backoff, MaxBackoff, MaxRetryAfter time.Duration
	Log                                *slog.Logger
	UserAgent                          string
}

// Client calls the Zoom API: one token per process, renewed before it
// expires and once more after a 401; a client-side rate limit shared by
// every goroutine; retries with backoff for 429s, 5xx answers and network
// errors. Secrets never appear in what it logs or returns.
type Client struct {
	cfg     ClientConfig
	base    string
	tokens  *tokens
	limiter *rate.Limiter
	secrets []string

	requests atomic.Int64
	retries  atomic.Int64
	held     heldTime // wall time during which a request was held back
}

// heldTime adds up the wall-clock time during which at least one request
// was waiting on a rate limit, so that concurrent waits count once.
type heldTime struct {
	mu      sync.Mutex
	waiters int
	since   time.Time
	total   time.Duration
}

func (h *heldTime) begin() {
	h.mu.Lock()
	if h.waiters == 0 {
		h.since = time.Now()
	}
	h.waiters++
	h.mu.Unlock()
}

func (h *heldTime) end() {
	h.mu.Lock()
	if h.waiters--; h.waiters == 0 {
		h.total += time.Since(h.since)
	}
	h.mu.Unlock()
}

func (h *heldTime) get() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.waiters > 0 {
		return h.total + time.Since(h.since)
	}
	return h.total
}

// NewClient checks the configuration and returns a client. It makes no
// request: the first token is fetched with the first call.
func NewClient(cfg ClientConfig) (*Client, error) {
	if err := cfg.Credentials.validate(); err != nil {
		return nil, err
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
	}
	for _, u := range []string{cfg.APIURL, cfg.TokenURL} {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("%q is not an http(s) URL", u)
		}
	}
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 2 * time.Minute}
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
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "zoomqos"
	}
	return &Client{
		cfg:     cfg,
		base:    strings.TrimRight(cfg.APIURL, "/"),
		tokens:  newTokens(cfg.Credentials, cfg.TokenURL, cfg.HTTP),
		limiter: rate.NewLimiter(rate.Limit(cfg.Rate), 1),
		secrets: cfg.Credentials.secrets(),
	}, nil
}

// String names the client without its credentials.
func (c *Client) String() string { return "Zoom API client for " + c.base }

// GoString keeps %#v from printing the credentials inside.
func (c *Client) GoString() string { return "collect.Client{" + c.base + "}" }

// LogValue keeps a logged client from showing its credentials.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// ClientStats counts what a client did.
type ClientStats struct {
	Requests      int64         // API requests sent
	Retries       int64         // of which were retries
	TokenRequests int64         // access tokens fetched
	RateWait      time.Duration // wall time during which requests were held back by the rate limit or 429s
}

// Stats returns the counts so far.
func (c *Client) Stats() ClientStats {
	c.tokens.mu.Lock()
	tr := c.tokens.requests
	c.tokens.mu.Unlock()
	return ClientStats{Requests: c.requests.Load(), Retries: c.retries.Load(), TokenRequests: tr,
		RateWait: c.held.get()}
}

// Request is one GET of the API.
type Request struct {
	Path     string     // below the API URL, escaped (see EscapeID)
	Query    url.Values // may be nil
	Endpoint string     // for messages, such as "GET /metrics/meetings/{meetingId}/participants/qos"
	Meeting  string     // for messages
}

// EscapeID escapes a meeting or webinar id for a path: UUIDs that begin
// with "/" or hold "//" are encoded twice, as Zoom requires; numeric ids
// and other UUIDs once.
func EscapeID(id string) string {
	if strings.HasPrefix(id, "/") || strings.Contains(id, "//") {
		return url.PathEscape(url.PathEscape(id))
	}
	return url.PathEscape(id)
}

// maxBody bounds one answer: a page of ten participants of an eight-hour
// meeting is a few megabytes.
const maxBody = 512 << 20

// Get sends a request and returns the body of a 200 answer that is valid
// JSON. Errors are *APIError, *DailyLimitError, or a plain error naming the
// endpoint and meeting after the retries ran out.
func (c *Client) Get(ctx context.Context, req Request) ([]byte, error) {
	body, err := c.get(ctx, req)
	return body, c.scrub(err)
}

func (c *Client) get(ctx context.Context, req Request) ([]byte, error) {
	target := c.base + req.Path
	if len(req.Query) > 0 {
		target += "?" + req.Query.Encode()
	}
	where := req.Endpoint
	if req.Meeting != "" {
		where = "meeting " + req.Meeting + ": " + req.Endpoint
	}
	fails, limits, renewed := 0, 0, false
	for {
		if err := c.wait(ctx); err != nil {
			return nil, err
		}
		tok, err := c.tokens.get(ctx)
		if err != nil {
			var fe *tokenFetchError
			if errors.As(err, &fe) && fails < c.cfg.MaxRetries && ctx.Err() == nil {
				fails++
				if err := c.sleep(ctx, c.backoff(fails), false); err != nil {
					return nil, err
				}
				continue
			}
			return nil, err
		}
		hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		hreq.Header.Set("Authorization", "Bearer "+tok)
		hreq.Header.Set("Accept", "application/json")
		hreq.Header.Set("User-Agent", c.cfg.UserAgent)
		n := c.requests.Add(1)
		c.cfg.Log.Debug("request", "n", n, "endpoint", req.Endpoint, "meeting", req.Meeting, "query", req.Query.Encode())
		resp, err := c.cfg.HTTP.Do(hreq)
		var body []byte
		if err == nil {
			body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
			resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK && !jsontext.Value(body).IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) {
				err = fmt.Errorf("the answer is not complete JSON (%d bytes)", len(body))
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// Network errors and cut-off answers are worth another try.
			if fails++; fails > c.cfg.MaxRetries {
				return nil, fmt.Errorf("%s: gave up after %d tries: %w", where, fails, err)
			}
			c.cfg.Log.Warn("retrying", "endpoint", req.Endpoint, "meeting", req.Meeting, "error", c.scrub(err))
			if err := c.sleep(ctx, c.backoff(fails), false); err != nil {
				return nil, err
			}
			continue
		}
		c.cfg.Log.Debug("answer", "n", n, "status", resp.StatusCode, "tracking_id", resp.Header.Get("X-Zm-Trackingid"))
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
			return nil, newAPIError(resp, body, req.Endpoint, req.Meeting).withHint(
				"Zoom refused the access token from ZOOM_ACCESS_TOKEN; get a new one, or set up Server-to-Server OAuth credentials")
		case s == http.StatusTooManyRequests:
			if d := dailyLimit(resp, body); d != nil {
				d.Endpoint, d.Meeting = req.Endpoint, req.Meeting
				return nil, d
			}
			if limits++; limits > c.cfg.Max429 {
				e := newAPIError(resp, body, req.Endpoint, req.Meeting)
				return nil, fmt.Errorf("%w; still limited after %d tries: lower --rate", e, limits)
			}
			wait, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now())
			if !ok || wait > c.cfg.MaxRetryAfter {
				wait = c.backoff(limits)
			}
			c.cfg.Log.Info("rate limited by Zoom", "endpoint", req.Endpoint, "meeting", req.Meeting, "wait", wait.Round(time.Millisecond))
			if err := c.sleep(ctx, wait, true); err != nil {
				return nil, err
			}
		case s >= 500:
			if fails++; fails > c.cfg.MaxRetries {
				return nil, fmt.Errorf("%w; gave up after %d tries", newAPIError(resp, body, req.Endpoint, req.Meeting), fails)
			}
			c.cfg.Log.Warn("retrying", "endpoint", req.Endpoint, "meeting", req.Meeting, "status", s)
			if err := c.sleep(ctx, c.backoff(fails), false); err != nil {
				return nil, err
			}
		default:
			return nil, newAPIError(resp, body, req.Endpoint, req.Meeting)
		}
	}
}

// wait takes a turn under the client-side rate limit.
func (c *Client) wait(ctx context.Context) error {
	if c.limiter.Allow() {
		return nil
	}
	c.held.begin()
	defer c.held.end()
	return c.limiter.Wait(ctx)
}

// sleep waits before a retry; rate waits count as time spent on limits.
func (c *Client) sleep(ctx context.Context, d time.Duration, rateWait bool) error {
	c.retries.Add(1)
	if rateWait {
		c.held.begin()
		defer c.held.end()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff is the wait before retry n: exponential with jitter, capped.
func (c *Client) backoff(n int) time.Duration {
	d := c.cfg.Backoff << min(n-1, 20)
	if d > c.cfg.MaxBackoff || d <= 0 {
		d = c.cfg.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads Retry-After in both forms: seconds, or a time (Zoom
// documents an ISO 8601 timestamp; HTTP allows its own date format).
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second)), true
	}
	for _, layout := range []string{time.RFC3339, http.TimeFormat, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return max(0, t.Sub(now)), true
		}
	}
	return 0, false
}

// dailyLimit recognises Zoom's daily-limit 429 by its header or message.
func dailyLimit(resp *http.Response, body []byte) *DailyLimitError {
	typ := strings.ToLower(resp.Header.Get("X-RateLimit-Type"))
	msg := strings.ToLower(string(body))
	if !strings.Contains(typ, "daily") && !strings.Contains(msg, "daily rate limit") {
		return nil
	}
	// Zoom's Retry-After says when, by Zoom's clock; without it, the
	// limit resets at 00:00 GMT.
	resume := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil {
		resume = t.UTC()
	}
	return &DailyLimitError{ResumeAt: resume, TrackingID: resp.Header.Get("X-Zm-Trackingid")}
}

// scrub replaces any secret in an error's text: a last line of defence,
// since nothing zoomqos writes should hold one.
func (c *Client) scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := msg
	for _, s := range c.secrets {
		clean = strings.ReplaceAll(clean, s, "[redacted]")
	}
	if clean == msg {
		return err
	}
	return scrubbed{msg: clean, err: err}
}

// scrubbed is an error whose text had a secret taken out; errors.Is and As
// still see the original.
type scrubbed struct {
	msg string
	err error
}

func (s scrubbed) Error() string { return s.msg }
func (s scrubbed) Unwrap() error { return s.err }
