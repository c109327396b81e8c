// Package secret takes secrets out of text before it is printed or logged:
// passwords, client secrets and access tokens, in every form a server, a
// proxy or a library might echo them back in.
//
// A Set holds the secrets. For each one it derives the forms to look for:
// the secret as it is, URL-encoded (query and path style, either case of
// hex digits) and JSON-escaped, and base64 of any text that holds one of
// those, in the standard and the URL alphabet, with or without padding.
// The last covers HTTP Basic credentials (base64 of "id:secret"), SMTP
// AUTH PLAIN (base64 of "\x00user\x00password" or
// "user\x00user\x00password") and AUTH LOGIN (base64 of the password): a
// base64 encoding of text that holds the secret holds, at one of three
// alignments, a run of characters that depends on the secret alone, and
// Scrub looks for those. The whole base64 word around such a run is
// replaced, so nothing of it is left to decode.
package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Redacted replaces every secret Scrub finds.
const Redacted = "[redacted]"

// MinLen is the shortest secret a Set takes: shorter ones would match
// ordinary words.
const MinLen = 4

// Set is a set of secrets to take out of text. The zero value is an empty
// set ready to use; it is safe for concurrent use, and secrets may be added
// while others scrub (an access token is added when it is issued).
type Set struct {
	mu      sync.RWMutex
	secrets map[string]bool
	plain   []string // secrets as they may appear in text
	encoded []string // runs of base64 (standard alphabet) that only a secret gives
	maxLen  int      // the longest form
	lines   bool     // some form holds a line break
}

// Add adds secrets; empty ones and ones shorter than MinLen are ignored.
func (s *Set) Add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sec := range secrets {
		if len(sec) < MinLen || s.secrets[sec] {
			continue
		}
		if s.secrets == nil {
			s.secrets = map[string]bool{}
		}
		s.secrets[sec] = true
		for _, v := range variants(sec) {
			s.addForm(&s.plain, v)
			for k := range 3 {
				if c := core(v, k); len(c) >= MinLen {
					s.addForm(&s.encoded, c)
				}
			}
		}
	}
}

func (s *Set) addForm(list *[]string, f string) {
	if slices.Contains(*list, f) {
		return
	}
	*list = append(*list, f)
	s.maxLen = max(s.maxLen, len(f))
	s.lines = s.lines || strings.ContainsAny(f, "\r\n")
}

// Len reports how many secrets the set holds.
func (s *Set) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.secrets)
}

// variants are the ways a secret is written into text: as it is,
// URL-encoded and JSON-escaped.
func variants(sec string) []string {
	out := []string{sec}
	add := func(v string) {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, v := range []string{url.QueryEscape(sec), url.PathEscape(sec)} {
		add(v)
		add(lowerHex(v))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(sec)
	add(strings.TrimSuffix(strings.TrimSuffix(b.String(), "\n"), `"`)[1:])
	if j, err := json.Marshal(sec); err == nil {
		add(string(j[1 : len(j)-1]))
	}
	return out
}

var percentHex = regexp.MustCompile(`%[0-9A-F]{2}`)

// lowerHex writes the hex digits of percent escapes in lower case, as some
// encoders do.
func lowerHex(s string) string {
	return percentHex.ReplaceAllStringFunc(s, strings.ToLower)
}

// core is the part of the base64 encoding (standard alphabet) of any text
// that holds v at a byte offset of k modulo 3 that depends on v alone: the
// characters whose six bits all come from v's bytes.
func core(v string, k int) string {
	enc := base64.RawStdEncoding.EncodeToString(append(make([]byte, k), v...))
	from, to := (8*k+5)/6, 8*(k+len(v))/6
	if to <= from {
		return ""
	}
	return enc[from:to]
}

// Scrub returns text with every form of every secret replaced by Redacted.
func (s *Set) Scrub(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.secrets) == 0 {
		return text
	}
	// A replacement can only join text to a marker, so a form found
	// again must overlap one; a few passes settle it.
	for range 16 {
		next := s.scrubOnce(text)
		if next == text {
			break
		}
		text = next
	}
	return text
}

type span struct{ from, to int }

func (s *Set) scrubOnce(text string) string {
	var spans []span
	find := func(hay, f string, word bool) {
		for at := 0; ; {
			i := strings.Index(hay[at:], f)
			if i < 0 {
				return
			}
			sp := span{at + i, at + i + len(f)}
			if word {
				sp = base64Word(hay, sp)
			}
			spans = append(spans, sp)
			at += i + 1
		}
	}
	for _, f := range s.plain {
		find(text, f, false)
	}
	if len(s.encoded) > 0 {
		// One alphabet to search: the URL alphabet's "-" and "_" stand
		// where the standard one has "+" and "/".
		norm := []byte(text)
		for i, c := range norm {
			switch c {
			case '-':
				norm[i] = '+'
			case '_':
				norm[i] = '/'
			}
		}
		hay := string(norm)
		for _, f := range s.encoded {
			find(hay, f, true)
		}
	}
	if len(spans) == 0 {
		return text
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var b strings.Builder
	last := 0
	for i := 0; i < len(spans); {
		sp := spans[i]
		for i++; i < len(spans) && spans[i].from <= sp.to; i++ {
			sp.to = max(sp.to, spans[i].to)
		}
		b.WriteString(text[last:sp.from])
		b.WriteString(Redacted)
		last = sp.to
	}
	b.WriteString(text[last:])
	return b.String()
}

// base64Word widens a span to the whole run of base64 characters around
// it, padding included (the text is normalised to the standard alphabet).
func base64Word(t string, sp span) span {
	for sp.from > 0 && isBase64(t[sp.from-1]) {
		sp.from--
	}
	for sp.to < len(t) && isBase64(t[sp.to]) {
		sp.to++
	}
	for sp.to < len(t) && t[sp.to] == '=' {
		sp.to++
	}
	return sp
}

func isBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}

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
