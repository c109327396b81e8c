package listen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zoomqos/zoomqos/collect/zoom"
)

// Webhook is the HTTP endpoint for Zoom's event notifications. It answers
// Zoom's URL validation, checks every request's signature and timestamp,
// stores each event (durably, through the Committer) before it answers 200,
// and tells OnAlert of every alert. To the sender it says no more than the
// status: 401 for a request that is not Zoom's, 400 for one it cannot
// read, 413 for one too large, 503 when busy; the log says why.
type Webhook struct {
	Secret    []byte // the app's secret token
	Committer *Committer
	Log       *slog.Logger
	// OnAlert, if set, is called (in its own goroutine) with each alert
	// event once it is stored.
	OnAlert func(ev *zoom.Event)
	// MaxBody bounds a request's body (default 1 MiB: an event is a few
	// KB).
	MaxBody int64
	// MaxInFlight bounds the requests being handled at once (default
	// 2048); more get 503 at once, which Zoom retries.
	MaxInFlight int
	// AnswerWithin bounds how long a request waits for its event to be
	// stored (default 5 s; Zoom waits 3): past it the answer is 503, and
	// the event, which may still be stored, comes again.
	AnswerWithin time.Duration
	// Source names where events came from in their raw copies (default
	// "webhook").
	Source string
	Now    func() time.Time

	once     sync.Once
	slots    chan struct{}
	replays  replayCache
	logGate  logGate
	received atomic.Int64
	refused  [4]atomic.Int64 // by reason: signature, malformed, busy, too large
	ignored  atomic.Int64
	valid    atomic.Int64 // URL validations answered
}

func (h *Webhook) init() {
	h.once.Do(func() {
		if h.MaxBody <= 0 {
			h.MaxBody = 1 << 20
		}
		if h.MaxInFlight <= 0 {
			h.MaxInFlight = 2048
		}
		if h.AnswerWithin <= 0 {
			h.AnswerWithin = 5 * time.Second
		}
		if h.Source == "" {
			h.Source = "webhook"
		}
		if h.Now == nil {
			h.Now = time.Now
		}
		if h.Log == nil {
			h.Log = slog.New(slog.DiscardHandler)
		}
		h.slots = make(chan struct{}, h.MaxInFlight)
		h.replays.seen = map[uint64]int64{}
	})
}

const (
	refusedSignature = iota
	refusedMalformed
	refusedBusy
	refusedTooLarge
)

// ServeHTTP handles one event notification.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.init()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "", http.StatusMethodNotAllowed)
		return
	}
	select {
	case h.slots <- struct{}{}:
		defer func() { <-h.slots }()
	default:
		h.refuse(w, refusedBusy, http.StatusServiceUnavailable, "too many requests at once")
		return
	}
	h.received.Add(1)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.refuse(w, refusedTooLarge, http.StatusRequestEntityTooLarge, "body larger than the limit", "limit", h.MaxBody)
		} else {
			h.refuse(w, refusedMalformed, http.StatusBadRequest, "body not read", "error", err)
		}
		return
	}
	ts, sig := r.Header.Get(zoom.TimestampHeader), r.Header.Get(zoom.SignatureHeader)
	at, err := zoom.VerifySignature(h.Secret, ts, sig, body, h.Now())
	if err != nil {
		h.refuse(w, refusedSignature, http.StatusUnauthorized, "request refused", "reason", err.Error(), "remote", r.RemoteAddr)
		return
	}
	if h.replays.seenBefore(sig) {
		h.refuse(w, refusedSignature, http.StatusUnauthorized, "request refused", "reason", "a replay of a request answered before", "remote", r.RemoteAddr)
		return
	}
	if plain, ok := urlValidation(body); ok {
		h.validate(w, plain)
		h.replays.remember(sig, at, h.Now())
		return
	}
	// An answer goes out within AnswerWithin, stored or not: a sender
	// that hears nothing sends again, and so does one told 503.
	ctx, cancel := context.WithTimeout(r.Context(), h.AnswerWithin)
	defer cancel()
	st, err := h.Committer.Store(ctx, body, h.Source)
	switch {
	case errors.Is(err, ErrBusy), errors.Is(err, ErrClosed):
		h.refuse(w, refusedBusy, http.StatusServiceUnavailable, "event not stored", "reason", err.Error())
		return
	case r.Context().Err() != nil:
		return // the sender went away; it will send the event again
	case errors.Is(err, context.DeadlineExceeded):
		h.refuse(w, refusedBusy, http.StatusServiceUnavailable, "event not stored in time; it may be stored still, and a copy adds nothing",
			"within", h.AnswerWithin, "event", st.Event.Name, "meeting", st.Event.Meeting.ID())
		return
	case errors.Is(err, zoom.ErrNotQoS), errors.Is(err, ErrUnstorable):
		h.refuse(w, refusedMalformed, http.StatusBadRequest, "event not read", "error", err)
		return
	case err != nil && st.Event == nil:
		h.refuse(w, refusedMalformed, http.StatusBadRequest, "event not read", "error", err)
		return
	case err != nil:
		// The committer logged why.
		http.Error(w, "", http.StatusInternalServerError)
		return
	}
	h.replays.remember(sig, at, h.Now())
	if st.Ignored {
		h.ignored.Add(1)
		h.Log.Debug("event not read, acknowledged", "event", st.Event.Name)
	} else if st.Event.Kind() == "alert" && h.OnAlert != nil {
		go h.OnAlert(st.Event)
	}
	w.WriteHeader(http.StatusNoContent)
}

// refuse answers a request it will not store, with the status alone, and
// logs why: once every 10 s for each reason at most, with how many were
// refused since the last line, so that a flood does not flood the log.
func (h *Webhook) refuse(w http.ResponseWriter, reason, status int, msg string, args ...any) {
	h.refused[reason].Add(1)
	if n, ok := h.logGate.pass(reason, h.Now()); ok {
		if n > 0 {
			args = append(args, "refused_since_last_line", n)
		}
		h.Log.Warn(msg, append([]any{"status", status}, args...)...)
	}
	http.Error(w, "", status)
}

// logGate lets one log line a reason through every logEvery, counting the
// rest.
type logGate struct {
	mu     sync.Mutex
	last   [4]time.Time
	silent [4]int
}

const logEvery = 10 * time.Second

// pass reports whether a line for reason may be logged now, and how many
// were held back since the last one.
func (g *logGate) pass(reason int, now time.Time) (held int, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.last[reason].IsZero() && now.Sub(g.last[reason]) < logEvery {
		g.silent[reason]++
		return 0, false
	}
	held, g.silent[reason], g.last[reason] = g.silent[reason], 0, now
	return held, true
}

// urlValidation returns the plainToken of an endpoint.url_validation
// event.
func urlValidation(body []byte) (string, bool) {
	if !bytes.Contains(body, []byte("endpoint.url_validation")) || !zoom.IsEvent(body) {
		return "", false
	}
	var v struct {
		Event   string `json:"event"`
		Payload struct {
			PlainToken string `json:"plainToken"`
		} `json:"payload"`
	}
	if json.Unmarshal(body, &v) != nil || v.Event != "endpoint.url_validation" {
		return "", false
	}
	return v.Payload.PlainToken, true
}

// validate answers Zoom's URL validation.
func (h *Webhook) validate(w http.ResponseWriter, plain string) {
	if plain == "" || len(plain) > 512 {
		h.refuse(w, refusedMalformed, http.StatusBadRequest, "URL validation without a usable plainToken")
		return
	}
	h.valid.Add(1)
	h.Log.Info("answered Zoom's URL validation")
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"plainToken": plain, "encryptedToken": zoom.EncryptToken(h.Secret, plain)})
}

// WebhookStats count what the endpoint received.
type WebhookStats struct {
	Received       int64 `json:"received"`
	Validations    int64 `json:"url_validations"`
	Ignored        int64 `json:"ignored"` // events zoomqos does not read, acknowledged
	RefusedAuth    int64 `json:"refused_signature"`
	RefusedBad     int64 `json:"refused_malformed"`
	RefusedBusy    int64 `json:"refused_busy"`
	RefusedTooLong int64 `json:"refused_too_large"`
}

// Stats returns the endpoint's counts so far.
func (h *Webhook) Stats() WebhookStats {
	h.init()
	return WebhookStats{Received: h.received.Load(), Validations: h.valid.Load(), Ignored: h.ignored.Load(),
		RefusedAuth: h.refused[refusedSignature].Load(), RefusedBad: h.refused[refusedMalformed].Load(),
		RefusedBusy: h.refused[refusedBusy].Load(), RefusedTooLong: h.refused[refusedTooLarge].Load()}
}

// replayCache remembers the signed requests answered within the last
// MaxClockSkew, by their signature: the same signature again is a replay
// (Zoom's own retries carry a new timestamp, so a new signature). One that
// was not answered with success is not remembered, so that sending it
// again works. A request older than MaxClockSkew is refused as stale
// before it gets here, so that is as long as a signature is kept: some
// 16 bytes each, 10 MB at 2,000 events a second.
type replayCache struct {
	mu    sync.Mutex
	seen  map[uint64]int64 // the signature's first 8 bytes -> the request's Unix seconds
	swept time.Time
}

func replayKey(sig string) uint64 {
	var k uint64
	for i := 0; i < len(sig) && i < 64; i++ {
		k = k*1099511628211 ^ uint64(sig[i])
	}
	return k
}

func (c *replayCache) seenBefore(sig string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.seen[replayKey(sig)]
	return ok
}

func (c *replayCache) remember(sig string, at, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[replayKey(sig)] = at.Unix()
	if now.Sub(c.swept) > 10*time.Second {
		oldest := now.Add(-zoom.MaxClockSkew - time.Minute).Unix()
		for k, t := range c.seen {
			if t < oldest {
				delete(c.seen, k)
			}
		}
		c.swept = now
	}
}
