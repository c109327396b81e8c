// Package zoomtest holds what the tests of the Zoom client (collect/zoom)
// and of the collector (collect) both need to look at a client's work: a
// log that records what the client said, and a check of what an error
// says; and a folder of saved QoS responses in the shapes Zoom really sends
// (savedpages.go), for the import's tests and benchmarks. It imports
// nothing of zoomqos; only tests import it.
package zoomtest

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// Log collects a client's log lines; safe for its goroutines.
type Log struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was logged so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Logger returns a logger that writes every level, debug too, to l.
func (l *Log) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// MustSay fails the test unless err says each of the words.
func MustSay(t testing.TB, what string, err error, words ...string) {
	t.Helper()
	for _, w := range words {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("%s: %v\ndoes not say %q", what, err, w)
		}
	}
}
