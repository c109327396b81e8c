package zoom

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"
)

// Defaults for the bounds on one try of a request.
const (
	DefaultHeaderTimeout = 30 * time.Second
	DefaultStallTimeout  = 30 * time.Second
)

// The causes with which a try's own context is cancelled.
var (
	errNoAnswer = errors.New("no answer in time")
	errStalled  = errors.New("the answer stalled")
)

// tryKind is why a try got no usable answer.
type tryKind int

const (
	unreachable  tryKind = iota // no connection: refused, no such host, no route
	noAnswer                    // connected, but no answer began within HeaderTimeout
	stalled                     // the answer began, then nothing came for StallTimeout
	cutOff                      // the answer ended early
	serverFailed                // the token URL answered 5xx or 429
	broken                      // anything else on the way (TLS, a reset)
)

// tryError is one try that got no usable answer. Its text describes that
// one try; Client.giveUp words the end of all of them.
type tryError struct {
	kind   tryKind
	host   string
	reason string        // unreachable, broken, serverFailed: what went wrong
	limit  time.Duration // noAnswer, stalled: the time given
	got    int64         // stalled, cutOff: bytes received
	want   int64         // cutOff: bytes announced, -1 if not
	retry  bool          // worth another try
	err    error
}

func (e *tryError) Error() string {
	switch e.kind {
	case unreachable:
		return fmt.Sprintf("cannot reach %s: %s", e.host, e.reason)
	case noAnswer:
		return fmt.Sprintf("no answer from %s within %s", e.host, e.limit)
	case stalled:
		return fmt.Sprintf("the answer from %s stopped for %s after %d bytes", e.host, e.limit, e.got)
	case cutOff:
		if e.want > 0 {
			return fmt.Sprintf("the answer from %s was cut off after %d of %d bytes", e.host, e.got, e.want)
		}
		return fmt.Sprintf("the answer from %s was cut off after %d bytes (%s)", e.host, e.got, e.reason)
	}
	return fmt.Sprintf("%s: %s", e.host, e.reason)
}

func (e *tryError) Unwrap() error { return e.err }

// try sends one request and reads its answer within the client's bounds:
// HeaderTimeout until the answer begins (connecting included), and
// StallTimeout for each pause while its body arrives. Failures are
// *tryError, or ctx's error.
func (c *Client) try(ctx context.Context, build func(context.Context) (*http.Request, error), limit int64) (*http.Response, []byte, error) {
	tctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := build(tctx)
	if err != nil {
		return nil, nil, err
	}
	host := req.URL.Host
	timer := time.AfterFunc(c.cfg.HeaderTimeout, func() { cancel(errNoAnswer) })
	resp, err := c.cfg.HTTP.Do(req)
	timer.Stop()
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if errors.Is(context.Cause(tctx), errNoAnswer) {
			return nil, nil, &tryError{kind: noAnswer, host: host, limit: c.cfg.HeaderTimeout, retry: true, err: err}
		}
		return nil, nil, classify(host, err)
	}
	defer resp.Body.Close()
	sr := &stallReader{r: resp.Body, d: c.cfg.StallTimeout}
	sr.timer = time.AfterFunc(sr.d, func() { cancel(errStalled) })
	body, err := io.ReadAll(io.LimitReader(sr, limit))
	sr.timer.Stop()
	if err != nil {
		switch cause := context.Cause(tctx); {
		case ctx.Err() != nil:
			return nil, nil, ctx.Err()
		case errors.Is(cause, errStalled):
			return nil, nil, &tryError{kind: stalled, host: host, limit: c.cfg.StallTimeout, got: int64(len(body)), retry: true, err: err}
		case errors.Is(cause, errNoAnswer):
			return nil, nil, &tryError{kind: noAnswer, host: host, limit: c.cfg.HeaderTimeout, retry: true, err: err}
		}
		reason := err.Error()
		if errors.Is(err, io.ErrUnexpectedEOF) {
			reason = "the connection closed"
		}
		return nil, nil, &tryError{kind: cutOff, host: host, got: int64(len(body)), want: resp.ContentLength, reason: reason, retry: true, err: err}
	}
	return resp, body, nil
}

// stallReader restarts its timer whenever data arrives: the timer fires
// only after a pause of d.
type stallReader struct {
	r     io.Reader
	d     time.Duration
	timer *time.Timer
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.timer.Reset(s.d)
	}
	return n, err
}

// classify says in words why a request got no answer at all.
func classify(host string, err error) *tryError {
	e := &tryError{kind: broken, host: host, retry: true, err: err}
	var dns *net.DNSError
	var certInvalid x509.CertificateInvalidError
	var certHost x509.HostnameError
	var certAuthority x509.UnknownAuthorityError
	var certVerify *tls.CertificateVerificationError
	var op *net.OpError
	var ne net.Error
	switch {
	case errors.As(err, &dns):
		e.kind = unreachable
		e.reason = "DNS lookup failed (" + dns.Err + ")"
		if dns.IsNotFound {
			e.reason = "no such host"
		}
	case errors.Is(err, syscall.ECONNREFUSED):
		e.kind, e.reason = unreachable, "connection refused"
	case errors.As(err, &certHost), errors.As(err, &certAuthority), errors.As(err, &certInvalid), errors.As(err, &certVerify):
		// Trying again changes nothing.
		e.reason, e.retry = "its TLS certificate is not trusted ("+innermost(err)+")", false
	case errors.As(err, &op) && op.Op == "dial":
		e.kind, e.reason = unreachable, innermost(op)
	case errors.Is(err, syscall.ECONNRESET):
		e.reason = "the connection was reset"
	case errors.As(err, &ne) && ne.Timeout():
		e.kind, e.reason = unreachable, "timed out connecting"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		e.reason = "the connection closed before an answer"
	default:
		e.reason = innermost(err)
	}
	return e
}

// innermost is the text of the innermost error of a chain: "connect:
// network is unreachable" rather than the request and address around it.
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
