package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
)

const (
	user = "reports@example.com"
	pass = "p@ss/w+rd=1&\"x\"\\y" // every character some encoder escapes
)

// forms are ways servers and libraries echo a secret, built here with the
// standard library, not with the package's own derivation.
func forms(user, sec string) map[string]string {
	b64 := func(enc *base64.Encoding, s string) string { return enc.EncodeToString([]byte(s)) }
	m := map[string]string{
		"plain":                  sec,
		"query-escaped":          url.QueryEscape(sec),
		"path-escaped":           url.PathEscape(sec),
		"query-escaped, lower":   strings.ToLower(url.QueryEscape(sec)),
		"JSON":                   strings.Trim(fmt.Sprintf("%q", sec), `"`),
		"Basic, std":             "Basic " + b64(base64.StdEncoding, user+":"+sec),
		"Basic, std, no padding": "Basic " + b64(base64.RawStdEncoding, user+":"+sec),
		"Basic, URL alphabet":    "Basic " + b64(base64.URLEncoding, user+":"+sec),
		"Basic, URL, no padding": "Basic " + b64(base64.RawURLEncoding, user+":"+sec),
		"Basic, URL-encoded":     "Basic " + b64(base64.StdEncoding, url.QueryEscape(user)+":"+url.QueryEscape(sec)),
		"AUTH PLAIN":             "AUTH PLAIN " + b64(base64.StdEncoding, "\x00"+user+"\x00"+sec),
		"AUTH PLAIN, authzid":    "AUTH PLAIN " + b64(base64.StdEncoding, user+"\x00"+user+"\x00"+sec),
		"AUTH LOGIN":             b64(base64.StdEncoding, sec),
		"AUTH LOGIN, URL":        b64(base64.RawURLEncoding, sec),
		"base64 of a JSON body":  b64(base64.StdEncoding, `{"client_secret":"`+sec+`","grant_type":"x"}`),
		"Bearer":                 "Authorization: Bearer " + sec,
	}
	for i := range 3 {
		m[fmt.Sprintf("base64 at offset %d", i)] = b64(base64.StdEncoding, strings.Repeat("z", i)+sec+"tail")
	}
	return m
}

func TestScrubEveryForm(t *testing.T) {
	var s Set
	s.Add(pass)
	for name, form := range forms(user, pass) {
		text := "before " + form + " after"
		out := s.Scrub(text)
		if Reveals(out, pass) || strings.Contains(out, form) {
			t.Errorf("%s: %q scrubbed to %q", name, text, out)
		}
		if !strings.HasPrefix(out, "before ") || !strings.HasSuffix(out, " after") || !strings.Contains(out, Redacted) {
			t.Errorf("%s: %q scrubbed to %q: the text around the secret should stay", name, text, out)
		}
		if !Reveals(text, pass) {
			t.Errorf("%s: Reveals does not see the secret in %q: the check proves nothing", name, text)
		}
	}
}

// A secret with nothing to escape, as Zoom's client secrets and tokens are.
func TestScrubPlainSecret(t *testing.T) {
	const sec = "Zk3vQ9xLmT2pW8rYc4nB6dHs1jF0aGe5"
	var s Set
	s.Add(sec, "", "abc") // the short and empty ones are ignored
	if s.Len() != 1 {
		t.Errorf("Len = %d, want 1", s.Len())
	}
	for name, form := range forms("client-id", sec) {
		if out := s.Scrub("x " + form + " y"); Reveals(out, sec) {
			t.Errorf("%s: %q", name, out)
		}
	}
	for _, text := range []string{"", "nothing secret here", "abc abc", "Basic " + base64.StdEncoding.EncodeToString([]byte("client-id:other"))} {
		if out := s.Scrub(text); out != text {
			t.Errorf("Scrub(%q) = %q, want it unchanged", text, out)
		}
	}
	var empty *Set
	if empty.Scrub("x "+sec) != "x "+sec || new(Set).Scrub(sec) != sec {
		t.Error("an empty set changed text")
	}
}

func TestScrubError(t *testing.T) {
	var s Set
	s.Add(pass)
	inner := &fs.PathError{Op: "open", Path: pass, Err: fs.ErrNotExist}
	err := s.Error(fmt.Errorf("wrapped: %w", inner))
	var pe *fs.PathError
	if strings.Contains(err.Error(), pass) || !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Error = %v; As %v", err, pe)
	}
	plain := errors.New("no secret")
	if s.Error(plain) != plain || s.Error(nil) != nil {
		t.Error("errors without secrets should pass as they are")
	}
}

func TestWriterAcrossWrites(t *testing.T) {
	var s Set
	s.Add(pass)
	var out bytes.Buffer
	w := NewWriter(&out, &s)
	text := "time=now level=WARN msg=\"token endpoint said " + forms(user, pass)["Basic, std"] + "\"\n" +
		"progress 1 \r progress " + pass + "\r" + "last line without end " + url.QueryEscape(pass)
	for i := range len(text) {
		w.Write([]byte{text[i]})
	}
	if Reveals(out.String(), pass) {
		t.Errorf("byte by byte: %q", out.String())
	}
	if !strings.HasSuffix(out.String(), "progress "+Redacted+"\r") {
		t.Errorf("a complete line (ended by \\r) was held back: %q", out.String())
	}
	w.Flush()
	if got := out.String(); Reveals(got, pass) || !strings.HasSuffix(got, "last line without end "+Redacted) {
		t.Errorf("after Flush: %q", got)
	}
}

// A secret that holds a line break is still found across writes.
func TestWriterMultilineSecret(t *testing.T) {
	var s Set
	sec := "line1\nline2-secret"
	s.Add(sec)
	var out bytes.Buffer
	w := NewWriter(&out, &s)
	for _, part := range []string{"a line\nsays line1\n", "line2-secret and more\n", "x\n"} {
		w.Write([]byte(part))
	}
	w.Flush()
	if Reveals(out.String(), sec) || !strings.Contains(out.String(), "a line\n") || !strings.HasSuffix(out.String(), "x\n") {
		t.Errorf("got %q", out.String())
	}
}

// A line longer than what the writer holds back is written in parts,
// without cutting a secret in two.
func TestWriterLongLine(t *testing.T) {
	var s Set
	s.Add(pass)
	var out bytes.Buffer
	w := NewWriter(&out, &s)
	chunk := strings.Repeat("x", 1000)
	for i := range 200 {
		w.Write([]byte(chunk))
		if i%7 == 0 {
			w.Write([]byte(pass[:5]))
			w.Write([]byte(pass[5:]))
		}
	}
	w.Flush()
	if Reveals(out.String(), pass) || strings.Count(out.String(), Redacted) != 29 || out.Len() != 200*1000+29*len(Redacted) {
		t.Errorf("long line: %d bytes, %d redactions", out.Len(), strings.Count(out.String(), Redacted))
	}
}

func TestHandler(t *testing.T) {
	var s Set
	s.Add(pass)
	var out bytes.Buffer
	lg := slog.New(NewHandler(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}), &s))
	lg = lg.With("with", "attr "+pass)
	lg.WithGroup("g").Debug("message "+pass, "str", pass, "err", errors.New("error "+url.QueryEscape(pass)),
		slog.Group("grp", "inner", forms(user, pass)["AUTH PLAIN"]), "any", struct{ S string }{pass}, "n", 3)
	if Reveals(out.String(), pass) || !strings.Contains(out.String(), "g.n=3") {
		t.Errorf("logged %s", out.String())
	}
}

// Secrets are added while other goroutines scrub and write: the race
// detector watches.
func TestConcurrentUse(t *testing.T) {
	var s Set
	var out bytes.Buffer
	var mu sync.Mutex
	w := NewWriter(lockedWriter{&out, &mu}, &s)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := fmt.Sprintf("token-%d-abcdefghijkl", i)
			s.Add(tok)
			for range 50 {
				fmt.Fprintf(w, "using %s\n", tok)
				s.Scrub(tok)
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(out.String(), "abcdefghijkl") || strings.Count(out.String(), "\n") != 400 {
		t.Errorf("concurrent writes: %d lines, secret shown: %v", strings.Count(out.String(), "\n"), strings.Contains(out.String(), "abcdefghijkl"))
	}
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// Reveals is the check the other tests lean on: it must see what it is
// shown, or they prove nothing.
func TestRevealsSeesEveryForm(t *testing.T) {
	for name, form := range forms(user, pass) {
		if !Reveals("x"+form+"y", pass) {
			t.Errorf("%s: not seen in %q", name, form)
		}
	}
	if Reveals("nothing here "+Redacted, pass) {
		t.Error("Reveals sees a secret where there is none")
	}
}
