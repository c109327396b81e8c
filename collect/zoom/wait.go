package zoom

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Waiting: the client's rate limit, backoff between tries, Retry-After,
// the daily limit, and the time spent held by them.

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

// roundWait rounds a wait for a log line: 1.2s, 350ms.
func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// wait takes a turn under the client-side rate limit of the request's
// kind.
func (c *Client) wait(ctx context.Context, req *Request) error {
	l := c.limiter
	if req.ResourceIntensive {
		l = c.lists
	}
	if l.Allow() {
		return nil
	}
	c.held.begin()
	defer c.held.end()
	return l.Wait(ctx)
}

// sleep waits before a retry; rate waits count as time spent on limits.
func (c *Client) sleep(ctx context.Context, d time.Duration, rateWait bool) error {
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
