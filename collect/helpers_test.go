package collect

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
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

// otherThanQoS answers a meeting's details and its participants list for
// a test server that serves its own QoS pages: the details of meeting
// "M", an empty list of participants. It reports whether it answered.
func otherThanQoS(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	switch {
	case strings.HasSuffix(p, "/participants/qos"):
		return false
	case strings.HasSuffix(p, "/participants"):
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"page_count":0,"page_size":300,"total_records":0,"next_page_token":"","participants":[]}`)
		return true
	case strings.HasPrefix(p, "/v2/metrics/meetings/") && !strings.Contains(strings.TrimPrefix(p, "/v2/metrics/meetings/"), "/"):
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"uuid":"M","id":85012345678,"topic":"Test","start_time":"2026-11-20T10:00:00Z","end_time":"2026-11-20T11:00:00Z"}`)
		return true
	}
	return false
}
