package listen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Server serves the webhook endpoint and /healthz over HTTP, or HTTPS with
// a certificate, with timeouts that a slow or silent client cannot hold a
// connection past: the headers within 5 s, the whole request within 10 s,
// an idle keep-alive connection for 2 min.
type Server struct {
	Webhook http.Handler
	Path    string // where the webhook is served (default "/")
	// Health returns what /healthz shows, and whether the listener is
	// healthy (200) or not (503).
	Health  func() (any, bool)
	TLSCert string // certificate and key files for HTTPS; empty: HTTP
	TLSKey  string
	// Log takes the HTTP server's own messages (a TLS handshake that
	// failed, a connection refused), at debug level; nil: none.
	Log *slog.Logger
	// The timeouts of the HTTP server; zero: the constants below.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
}

// Timeouts of the HTTP server, unless the Server's fields say otherwise.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 10 * time.Second
	IdleTimeout       = 2 * time.Minute
	MaxHeaderBytes    = 32 << 10
)

// Handler routes requests: the webhook path, and GET /healthz.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	path := s.Path
	if path == "" {
		path = "/"
	}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "", http.StatusMethodNotAllowed)
			return
		}
		body, ok := any(map[string]string{"status": "ok"}), true
		if s.Health != nil {
			body, ok = s.Health()
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(body)
	})
	if path != "/" {
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	}
	mux.Handle(path, s.Webhook)
	return mux
}

// Serve serves on ln until ctx ends, then shuts down: requests under way
// finish (their events stored and answered) within 10 s.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: or(s.ReadHeaderTimeout, ReadHeaderTimeout),
		ReadTimeout:       or(s.ReadTimeout, ReadTimeout),
		WriteTimeout:      or(s.WriteTimeout, WriteTimeout),
		IdleTimeout:       or(s.IdleTimeout, IdleTimeout),
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	if s.Log != nil {
		hs.ErrorLog = slog.NewLogLogger(s.Log.Handler(), slog.LevelDebug)
	}
	errc := make(chan error, 1)
	go func() {
		var err error
		if s.TLSCert != "" {
			err = hs.ServeTLS(ln, s.TLSCert, s.TLSKey)
		} else {
			err = hs.Serve(ln)
		}
		errc <- err
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := hs.Shutdown(shut)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && e != nil {
		return fmt.Errorf("listen on %s: %w", ln.Addr(), e)
	}
	return err
}

// or returns d, or def when d is not set.
func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
