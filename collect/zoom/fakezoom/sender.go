package fakezoom

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The webhook sender: Zoom's event notifications, posted to an endpoint
// the way Zoom posts them. It proves the URL first with Zoom's validation
// handshake, signs every request, retries what is not answered 2xx in
// time, and keeps a ledger of what the endpoint acknowledged.

// ZoomRetries are the delays before Zoom's three retries of an event
// whose answer was not 2xx within 3 s.
var ZoomRetries = []time.Duration{5 * time.Minute, 20 * time.Minute, time.Hour}

// ErrValidation is the error of a URL validation handshake the endpoint
// did not answer as Zoom requires.
var ErrValidation = errors.New("endpoint.url_validation failed")

// SenderOptions set up a Sender.
type SenderOptions struct {
	URL    string // the endpoint
	Secret string // the app's secret token, which signs the requests
	// Rate is events a second (0: as fast as Concurrency requests at a
	// time allow).
	Rate float64
	// Concurrency is how many requests are in flight at most (default 8).
	Concurrency int
	// Timeout is how long an answer may take before the try counts as
	// failed (default 3 s, as Zoom's).
	Timeout time.Duration
	// Retries are the delays before each retry of an event not answered
	// 2xx in time; after the last, the event is dropped. Default 1 s, 2 s
	// and 4 s; Zoom's are ZoomRetries. An empty, non-nil slice: no retry.
	Retries []time.Duration
	// Duplicates, when set, sends every Nth event twice, as Zoom's
	// retries do when an answer was lost.
	Duplicates int
	Client     *http.Client // default: one with a pool of Concurrency connections
	Logger     *slog.Logger // default: none
}

// Delivery is the ledger's line for one event sent (a duplicate has its
// own).
type Delivery struct {
	ID        string // hex SHA-256 of the body
	Event     string
	Meeting   string
	Time      time.Time // the event's event_ts
	Duplicate bool      // the second copy of a duplicated event
	Attempts  int
	Status    int           // the last answer's HTTP status; 0 when none came in time
	Latency   time.Duration // the last try's time to the answer
	Acked     bool          // answered 2xx in time
	Dropped   bool          // given up after the last retry
}

// SendStats sums up the ledger.
type SendStats struct {
	Deliveries, Acked, Dropped, Pending int
	Attempts, Unanswered                int // tries; tries with no answer in time (timeouts, network errors)
	// P50 and P99 are percentiles of the answer time of every try that got
	// an answer in time.
	P50, P99 time.Duration
}

// Sender posts events to a webhook endpoint as Zoom does. Its methods
// may be called from several goroutines.
type Sender struct {
	o   SenderOptions
	lim *rate.Limiter
	sem chan struct{}
	wg  sync.WaitGroup

	mu         sync.Mutex
	validated  bool
	ledger     []Delivery
	latencies  []time.Duration
	unanswered int
	attempts   int
	submitted  int
}

// NewSender makes a Sender from the options.
func NewSender(o SenderOptions) (*Sender, error) {
	if o.URL == "" || o.Secret == "" {
		return nil, errors.New("fakezoom sender: a URL and a secret token are needed")
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 3 * time.Second
	}
	if o.Retries == nil {
		o.Retries = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
	}
	if o.Client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = o.Concurrency
		o.Client = &http.Client{Transport: tr}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Sender{o: o, sem: make(chan struct{}, o.Concurrency)}
	if o.Rate > 0 {
		s.lim = rate.NewLimiter(rate.Limit(o.Rate), 1)
	}
	return s, nil
}

// Signature is Zoom's x-zm-signature of a request: "v0=" and the hex
// HMAC-SHA256, keyed by the secret token, of "v0:timestamp:body".
func Signature(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// post sends one signed request and returns the answer's status (0 for
// none in time), body and time.
func (s *Sender) post(ctx context.Context, body []byte) (int, []byte, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.o.URL, bytes.NewReader(body))
	if err != nil {
		return 0, nil, 0, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Zoom Marketplace/1.0a")
	req.Header.Set("x-zm-request-timestamp", ts)
	req.Header.Set("x-zm-signature", Signature(s.o.Secret, ts, body))
	start := time.Now()
	resp, err := s.o.Client.Do(req)
	if err != nil {
		return 0, nil, time.Since(start), err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	took := time.Since(start)
	if err != nil {
		return 0, nil, took, err
	}
	return resp.StatusCode, answer, took, nil
}

// Validate does Zoom's URL validation handshake: it posts a random
// plainToken and requires a 200 answer with that plainToken and its
// encryptedToken, the hex HMAC-SHA256 of it keyed by the secret token.
// Send and Live do it first, once.
func (s *Sender) Validate(ctx context.Context) error {
	var raw [16]byte
	rand.Read(raw[:])
	plain := base64.RawURLEncoding.EncodeToString(raw[:])
	body := fmt.Appendf(nil, `{"event":"endpoint.url_validation","payload":{"plainToken":%q},"event_ts":%d}`, plain, time.Now().UnixMilli())
	status, answer, _, err := s.post(ctx, body)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrValidation, s.o.URL, err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("%w: %s answered HTTP %d, not 200", ErrValidation, s.o.URL, status)
	}
	var got struct {
		PlainToken     string `json:"plainToken"`
		EncryptedToken string `json:"encryptedToken"`
	}
	if err := json.Unmarshal(answer, &got); err != nil {
		return fmt.Errorf("%w: %s answered no JSON object of plainToken and encryptedToken", ErrValidation, s.o.URL)
	}
	mac := hmac.New(sha256.New, []byte(s.o.Secret))
	mac.Write([]byte(plain))
	want := hex.EncodeToString(mac.Sum(nil))
	switch {
	case got.PlainToken != plain:
		return fmt.Errorf("%w: %s answered another plainToken", ErrValidation, s.o.URL)
	case !hmac.Equal([]byte(got.EncryptedToken), []byte(want)):
		return fmt.Errorf("%w: %s answered a wrong encryptedToken (is its secret token the app's?)", ErrValidation, s.o.URL)
	}
	s.o.Logger.Info("webhook URL validated", "url", s.o.URL)
	return nil
}

// validateOnce validates the URL unless that was done.
func (s *Sender) validateOnce(ctx context.Context) error {
	s.mu.Lock()
	done := s.validated
	s.mu.Unlock()
	if done {
		return nil
	}
	if err := s.Validate(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	s.validated = true
	s.mu.Unlock()
	return nil
}

// Send validates the URL (once per Sender), posts the events in order at
// the rate set, and returns when each has been acknowledged or dropped,
// or ctx ends.
func (s *Sender) Send(ctx context.Context, events []Event) error {
	if err := s.validateOnce(ctx); err != nil {
		return err
	}
	for _, e := range events {
		if err := s.submit(ctx, e); err != nil {
			break
		}
	}
	s.wg.Wait()
	return ctx.Err()
}

// Live validates the URL (once per Sender) and posts the events of the
// server's meetings as they happen, by the server's clock, from from (the
// clock's now when zero) until ctx ends; then it waits for the deliveries
// under way, which end with ctx.
func (s *Sender) Live(ctx context.Context, srv *Server, from time.Time) error {
	if err := s.validateOnce(ctx); err != nil {
		return err
	}
	clock := srv.Options().Clock
	if from.IsZero() {
		from = clock()
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.wg.Wait()
			return nil
		case <-tick.C:
		}
		now := clock()
		if !now.After(from) {
			continue
		}
		for _, e := range srv.Events(from, now) {
			if s.submit(ctx, e) != nil {
				break
			}
		}
		from = now
	}
}

// submit waits for the rate and a free slot, then delivers the event
// (twice, when it is a Duplicates'th) in the background.
func (s *Sender) submit(ctx context.Context, e Event) error {
	s.mu.Lock()
	s.submitted++
	copies := 1
	if d := s.o.Duplicates; d > 0 && s.submitted%d == 0 {
		copies = 2
	}
	s.mu.Unlock()
	sum := sha256.Sum256(e.Body)
	id := hex.EncodeToString(sum[:])
	for c := range copies {
		if s.lim != nil {
			if err := s.lim.Wait(ctx); err != nil {
				return err
			}
		}
		select {
		case s.sem <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		s.mu.Lock()
		i := len(s.ledger)
		s.ledger = append(s.ledger, Delivery{ID: id, Event: e.Name, Meeting: e.Meeting, Time: e.Time, Duplicate: c == 1})
		s.mu.Unlock()
		s.wg.Add(1)
		go s.deliver(ctx, i, e.Body)
	}
	return nil
}

// deliver posts an event, holding a slot (taken by submit) for each try
// and none while it waits to retry.
func (s *Sender) deliver(ctx context.Context, i int, body []byte) {
	defer s.wg.Done()
	for try := 0; ; try++ {
		if try > 0 {
			select {
			case <-time.After(s.o.Retries[try-1]):
			case <-ctx.Done():
				return
			}
			select {
			case s.sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
		status, _, took, err := s.post(ctx, body)
		<-s.sem
		ok := err == nil && status >= 200 && status < 300
		s.mu.Lock()
		d := &s.ledger[i]
		d.Attempts++
		d.Status, d.Latency, d.Acked = status, took, ok
		s.attempts++
		if err == nil {
			s.latencies = append(s.latencies, took)
		} else {
			d.Status = 0
			s.unanswered++
		}
		last := try == len(s.o.Retries)
		d.Dropped = !ok && last && ctx.Err() == nil
		event := d.Event
		s.mu.Unlock()
		if ok || ctx.Err() != nil {
			return
		}
		if last {
			s.o.Logger.Warn("event dropped: no 2xx answer after the last retry", "event", event, "status", status, "err", err)
			return
		}
	}
}

// Ledger returns a line for every event sent so far, in the order they
// were sent.
func (s *Sender) Ledger() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ledger)
}

// Acked returns the ledger's lines of events answered 2xx in time: what
// the endpoint has promised to keep.
func (s *Sender) Acked() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Delivery
	for _, d := range s.ledger {
		if d.Acked {
			out = append(out, d)
		}
	}
	return out
}

// Stats sums up the ledger.
func (s *Sender) Stats() SendStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := SendStats{Deliveries: len(s.ledger), Attempts: s.attempts, Unanswered: s.unanswered}
	for _, d := range s.ledger {
		switch {
		case d.Acked:
			st.Acked++
		case d.Dropped:
			st.Dropped++
		default:
			st.Pending++
		}
	}
	if n := len(s.latencies); n > 0 {
		l := slices.Clone(s.latencies)
		slices.Sort(l)
		st.P50, st.P99 = l[(n-1)*50/100], l[(n-1)*99/100]
	}
	return st
}
