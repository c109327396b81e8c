package secret

import (
	"bytes"
	"io"
	"strings"
	"sync"
)

// Errors and writers that pass everything through a Set.

// Error returns err with its text scrubbed; errors.Is and errors.As still
// see the errors inside. Errors without a secret are returned as they are.
func (s *Set) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := s.Scrub(msg)
	if clean == msg {
		return err
	}
	return &scrubbed{msg: clean, err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }

func (e *scrubbed) Unwrap() error { return e.err }

// Writer scrubs what goes through it line by line: a secret split across
// writes is still found, as long as it sits on one line. Lines end at
// "\n" or "\r" (a progress line), and are passed on as soon as they are
// complete; Flush passes on an unfinished one. It is safe for concurrent
// use.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	set *Set
	buf []byte
}

// NewWriter returns a Writer that scrubs what it writes to w with the
// secrets of s, those added later included.
func NewWriter(w io.Writer, s *Set) *Writer {
	if s == nil {
		s = new(Set)
	}
	return &Writer{w: w, set: s}
}

// maxPending bounds the text held back waiting for the end of its line.
const maxPending = 64 << 10

// Write takes p; complete lines go on to the underlying writer scrubbed.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	hold := 0
	w.set.mu.RLock()
	if w.set.lines || len(w.buf) > maxPending {
		// A form that spans lines, or a line too long to hold: keep back
		// enough for any form that may have begun near the end.
		hold = max(w.set.maxLen-1, 0)
	}
	w.set.mu.RUnlock()
	var out string
	if len(w.buf) > maxPending {
		s := w.set.Scrub(string(w.buf))
		cut := max(len(s)-hold, 0)
		out, w.buf = s[:cut], append(w.buf[:0], s[cut:]...)
	} else {
		i := bytes.LastIndexAny(w.buf[:max(len(w.buf)-hold, 0)], "\r\n")
		if i < 0 {
			return len(p), nil
		}
		if hold == 0 {
			out = w.set.Scrub(string(w.buf[:i+1]))
			w.buf = append(w.buf[:0], w.buf[i+1:]...)
		} else {
			s := w.set.Scrub(string(w.buf))
			// Cut after the last line break that is at least hold
			// before the end of the scrubbed text.
			j := strings.LastIndexAny(s[:max(len(s)-hold, 0)], "\r\n")
			if j < 0 {
				return len(p), nil
			}
			out, w.buf = s[:j+1], append(w.buf[:0], s[j+1:]...)
		}
	}
	if _, err := io.WriteString(w.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes out an unfinished last line, scrubbed.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	out := w.set.Scrub(string(w.buf))
	w.buf = w.buf[:0]
	_, err := io.WriteString(w.w, out)
	return err
}
