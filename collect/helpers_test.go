package collect

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// logBuffer collects a client's log lines; safe for its goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// mustSay checks that an error says each of the words.
func mustSay(t *testing.T, what string, err error, words ...string) {
	t.Helper()
	for _, w := range words {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("%s: %v\ndoes not say %q", what, err, w)
		}
	}
}

// mustLog checks that the logs say each of the words.
func mustLog(t *testing.T, what string, logs string, words ...string) {
	t.Helper()
	for _, w := range words {
		if !strings.Contains(logs, w) {
			t.Errorf("%s: the log does not say %q:\n%s", what, w, logs)
		}
	}
}
