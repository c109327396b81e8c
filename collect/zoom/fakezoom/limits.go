package fakezoom

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Who may ask and how often: the access token a request must carry, and
// the rate limits Zoom answers 429 past.

// hold keeps a request waiting until its client gives up or the server
// stops: the hang and stall faults.
func (s *Server) hold(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.quit:
	}
}

// authorized checks the bearer token; the expire fault revokes every token
// issued so far.
func (s *Server) authorized(r *http.Request, n int64) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.opts.Faults.ExpireTokens; e > 0 && n%int64(e) == 0 {
		clear(s.tokens)
	}
	exp, known := s.tokens[tok]
	return ok && known && s.opts.Clock().Before(exp)
}

// limited answers 429 when a limit or the burst fault says so. Heavy
// requests count toward the per-second window, Resource-intensive ones
// (the two lists) toward their own per-minute window; the day counts both.
func (s *Server) limited(w http.ResponseWriter, n int64, category string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := w.Header()
	now := s.opts.Clock().UTC()
	if day := now.Format(time.DateOnly); day != s.day {
		s.day, s.dayCount = day, 0
	}
	s.dayCount++
	if lim := s.opts.DailyLimit; lim > 0 && s.dayCount > lim {
		reset := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
		h.Set("X-RateLimit-Category", category)
		h.Set("X-RateLimit-Type", "Daily-limit")
		h.Set("X-RateLimit-Limit", strconv.Itoa(lim))
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("Retry-After", reset.Format(time.RFC3339))
		s.writeLimited(w, fmt.Sprintf("You have exceeded the daily rate limit (%d) of %s level APIs for this account. "+
			"You may resume these requests at GMT 00:00:00.", lim, category))
		return true
	}
	f := s.opts.Faults
	if f.Burst429Every > 0 && n%int64(f.Burst429Every) == 0 {
		s.burstLeft = f.Burst429Len
	}
	real := time.Now()
	var over bool
	var limit int
	var window time.Duration
	var windowStart time.Time
	msg := "You have reached the maximum per-second rate limit for this API. Try again later."
	if category == resourceIntensive {
		if real.Sub(s.listStart) >= time.Minute {
			s.listStart, s.listCount = real.Truncate(time.Minute), 0
		}
		s.listCount++
		limit, window, windowStart = s.opts.ListPerMinute, time.Minute, s.listStart
		over = limit > 0 && s.listCount > limit
		if over {
			msg = "You have reached the maximum per-minute rate limit for this API. Try again later."
		}
	} else {
		if real.Sub(s.windowStart) >= time.Second {
			s.windowStart, s.windowCount = real.Truncate(time.Second), 0
		}
		s.windowCount++
		limit, window, windowStart = s.opts.QPS, time.Second, s.windowStart
		over = limit > 0 && s.windowCount > limit
	}
	if s.burstLeft > 0 || over {
		if s.burstLeft > 0 {
			s.burstLeft--
		}
		h.Set("X-RateLimit-Category", category)
		h.Set("X-RateLimit-Type", "QPS")
		h.Set("X-RateLimit-Limit", strconv.Itoa(max(limit, 1)))
		h.Set("X-RateLimit-Remaining", "0")
		switch s.opts.RetryAfter {
		case "iso":
			h.Set("Retry-After", windowStart.Add(window).UTC().Format(time.RFC3339))
		case "seconds":
			h.Set("Retry-After", strconv.Itoa(max(1, int((windowStart.Add(window).Sub(real)+time.Second-1)/time.Second))))
		}
		s.writeLimited(w, msg)
		return true
	}
	return false
}

func (s *Server) writeLimited(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write(zoomError(429, msg))
}
